"""App-level names and comments refuse the controls that reorder displayed text."""

from __future__ import annotations

import datetime as dt

import pytest

from reviews.models import Comment, System, Workspace
from reviews.reviewing import create_review
from tests.conftest import client_for

OVERRIDE = "invoice\u202egpj.exe"  # reads "invoiceexe.jpg"
CONTROLS = [
    "\u202a",
    "\u202b",
    "\u202c",
    "\u202d",
    "\u202e",
    "\u2066",
    "\u2067",
    "\u2068",
    "\u2069",
]


@pytest.mark.parametrize("control", CONTROLS, ids=lambda c: f"U+{ord(c):04X}")
def test_a_workspace_name_refuses_each_control(control, owner):
    response = client_for(owner).post("/workspaces/", {"name": f"Pay{control}ments"})
    assert response.status_code == 200
    assert f"U+{ord(control):04X}" in response.content.decode()
    assert not Workspace.objects.filter(name__startswith="Pay").exclude(name="Payments").exists()


def test_a_plain_right_to_left_name_is_fine(owner):
    client_for(owner).post("/workspaces/", {"name": "מערכת תשלומים"})
    assert Workspace.objects.filter(name="מערכת תשלומים").exists()


def test_a_new_system_name_refuses_an_override(owner, workspace):
    response = client_for(owner).post(
        "/systems/new/", {"workspace": workspace.pk, "name": OVERRIDE}
    )
    assert response.status_code == 200
    assert "U+202E" in response.content.decode()
    assert not System.objects.filter(workspace=workspace).exists()


def test_renaming_a_system_refuses_an_override(editor, system):
    response = client_for(editor).post(
        f"/systems/{system.pk}/settings/", {"base_version": 1, "name": OVERRIDE}
    )
    assert response.status_code == 200
    assert System.objects.get(pk=system.pk).name == "Web shop"


def test_an_invitation_address_refuses_an_override(owner, workspace):
    response = client_for(owner).post(
        f"/workspaces/{workspace.pk}/members/", {"username": OVERRIDE, "role": "viewer"}
    )
    assert response.status_code == 400
    assert not workspace.invitations.exists()


def test_a_comment_refuses_an_override(editor, system, owner):
    review = create_review(system, title="Look", date=dt.date(2026, 12, 1), author=owner)
    fingerprint = review.findings[0]["fingerprint"]
    response = client_for(editor).post(
        f"/reviews/{review.pk}/findings/{fingerprint}/comments/",
        {"text": f"see {OVERRIDE}"},
        headers={"HX-Request": "true"},
    )
    assert response.status_code == 400
    assert not Comment.objects.exists()


def test_a_review_title_refuses_an_override(editor, system):
    client_for(editor).post(
        f"/systems/{system.pk}/reviews/", {"title": OVERRIDE, "date": "2026-12-01"}
    )
    assert not system.reviews.exists()


def test_a_username_typed_at_a_failed_sign_in_is_logged_visibly(db):
    from django.test import Client

    from audit.models import AuditEvent

    Client().post("/accounts/login/", {"username": "adm\u202enim", "password": "x"})
    event = AuditEvent.objects.get(action="login-failed")
    assert event.actor_name == "adm\u27e8U+202E\u27e9nim"
