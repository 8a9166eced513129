"""`manage.py seed_demo` and the Django admin."""

from __future__ import annotations

import re
from io import StringIO

import pytest
from django.contrib.auth import authenticate
from django.core.management import call_command
from django.test import RequestFactory

from reviews import services
from reviews.models import Membership, System, Workspace
from tests.conftest import client_for, make_user


def _sign_in_request():
    """django-axes checks every sign-in against the request it comes with."""
    return RequestFactory().post("/accounts/login/")


def _seed() -> str:
    out = StringIO()
    call_command("seed_demo", stdout=out, stderr=StringIO())
    return out.getvalue()


def test_seed_demo_prints_a_working_login_and_loads_the_examples(db):
    output = _seed()
    username, password = re.search(r"username (\S+)\s+password (\S+)", output).groups()
    user = authenticate(_sign_in_request(), username=username, password=password)
    assert user is not None
    workspace = Workspace.objects.get(memberships__user=user)
    assert workspace.memberships.get(user=user).role == Membership.OWNER
    assert workspace.systems.count() == len(services.example_files())


def test_seed_demo_can_run_twice(db):
    _seed()
    second = _seed()
    assert Workspace.objects.count() == 1
    assert System.objects.count() == len(services.example_files())
    username, password = re.search(r"username (\S+)\s+password (\S+)", second).groups()
    assert authenticate(_sign_in_request(), username=username, password=password) is not None


def test_seed_demo_skips_examples_when_there_are_none(db, settings, tmp_path):
    settings.BASE_DIR = tmp_path
    assert "No example systems" in _seed()
    assert not System.objects.exists()


@pytest.mark.parametrize("model", ["workspace", "membership", "system", "revision"])
def test_every_model_has_an_admin(system, model):
    admin = make_user("admin", is_staff=True, is_superuser=True)
    client = client_for(admin)
    assert client.get(f"/admin/reviews/{model}/").status_code == 200
    obj = {
        "workspace": system.workspace,
        "membership": system.workspace.memberships.first(),
        "system": system,
        "revision": system.revisions.first(),
    }[model]
    assert client.get(f"/admin/reviews/{model}/{obj.pk}/change/").status_code == 200
