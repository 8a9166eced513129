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


@pytest.fixture(autouse=True)
def _login_file(settings, tmp_path):
    settings.DEMO_LOGIN_FILE = tmp_path / "demo-password"


def _seed(*args: str) -> str:
    out = StringIO()
    call_command("seed_demo", *args, stdout=out, stderr=StringIO())
    return out.getvalue()


def _login(output: str) -> tuple[str, str]:
    return re.search(r"username (\S+)\s+password (\S+)", output).groups()


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


def test_running_seed_demo_again_keeps_the_password_and_the_sessions(db):
    first = _login(_seed())
    client = client_for(authenticate(_sign_in_request(), username=first[0], password=first[1]))
    assert client.get("/").status_code == 200
    assert _login(_seed()) == first
    assert authenticate(_sign_in_request(), username=first[0], password=first[1]) is not None
    assert client.get("/").status_code == 200  # the session survived the second run


def test_new_password_replaces_the_demo_password(db):
    first = _login(_seed())
    second = _login(_seed("--new-password"))
    assert second[1] != first[1]
    assert authenticate(_sign_in_request(), username=second[0], password=first[1]) is None
    assert authenticate(_sign_in_request(), username=second[0], password=second[1]) is not None


def test_a_password_set_by_hand_is_kept_and_not_printed(db, settings):
    _seed()
    user = authenticate(_sign_in_request(), username="demo", password=_saved(settings))
    user.set_password("chosen by the demo user")
    user.save()
    output = _seed()
    assert "password unchanged" in output
    assert (
        authenticate(_sign_in_request(), username="demo", password="chosen by the demo user")
        is not None
    )


def test_the_saved_password_is_readable_by_its_owner_only(db, settings):
    _seed()
    assert settings.DEMO_LOGIN_FILE.stat().st_mode & 0o077 == 0


def _saved(settings) -> str:
    return settings.DEMO_LOGIN_FILE.read_text().strip()


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
