"""The audit log: security-relevant events, append-only, for owners and the admin."""

from __future__ import annotations

import pytest
from django.db import DatabaseError, connection, transaction
from django.test import Client

import audit
from audit.models import AppendOnly, AuditEvent
from tests.conftest import PASSWORD, client_for, make_user


def events(action: str) -> list[AuditEvent]:
    return list(AuditEvent.objects.filter(action=action))


def sign_in(username: str, password: str, ip: str = "10.1.0.1"):
    return Client().post(
        "/accounts/login/", {"username": username, "password": password}, REMOTE_ADDR=ip
    )


def test_a_sign_in_is_recorded_with_who_and_from_where(owner):
    sign_in("owner", PASSWORD)
    [event] = events("login")
    assert (event.actor_id, event.actor_name, event.ip_address) == (owner.pk, "owner", "10.1.0.1")


def test_a_failed_sign_in_records_the_name_tried_and_never_the_password(owner):
    sign_in("owner", "hunter2-typo")
    sign_in("nobody", "hunter2-typo")
    failed = events("login-failed")
    assert sorted(e.actor_name for e in failed) == ["nobody", "owner"]
    assert all(e.actor_id is None for e in failed)
    for event in failed:
        assert "hunter2" not in str(event.detail) + event.target


def test_a_lockout_is_recorded(owner):
    for _ in range(6):
        sign_in("owner", "wrong")
    assert [e.actor_name for e in events("locked-out")][:1] == ["owner"]


def test_membership_changes_are_recorded(owner, viewer, workspace):
    membership = workspace.memberships.get(user=viewer)
    client = client_for(owner)
    client.post(f"/workspaces/{workspace.pk}/members/{membership.pk}/role/", {"role": "editor"})
    client.post(f"/workspaces/{workspace.pk}/members/{membership.pk}/remove/")
    [changed] = events("member-role-changed")
    assert (changed.actor_name, changed.target, changed.workspace_id) == (
        "owner",
        "viewer",
        workspace.pk,
    )
    assert changed.detail == {"before": "viewer", "after": "editor"}
    [removed] = events("member-removed")
    assert removed.target == "viewer"


def test_exports_and_restores_are_recorded(editor, system):
    client = client_for(editor)
    client.get(f"/systems/{system.pk}/export.yaml")
    client.post(f"/systems/{system.pk}/settings/", {"base_version": 1, "name": "Renamed shop"})
    client.post(f"/systems/{system.pk}/revisions/1/restore/", {"base_version": 2})
    [export] = events("export")
    assert (export.actor_name, export.system_id, export.target) == (
        "editor",
        system.pk,
        "yaml of v1",
    )
    [restore] = events("restore")
    assert restore.target == "v1 as v3"
    assert restore.workspace_id == system.workspace_id


def test_a_refused_restore_records_nothing(viewer, system):
    client_for(viewer).post(f"/systems/{system.pk}/revisions/1/restore/", {"base_version": 1})
    assert not events("restore")


def test_record_is_the_one_call_for_other_events(owner, system):
    event = audit.record("decision", actor=owner, system=system, target="abc123", state="accept")
    assert (event.workspace_id, event.workspace_name) == (system.workspace_id, "Payments")
    assert event.detail == {"state": "accept"}


# --------------------------------------------------------------------------- append-only


@pytest.fixture
def event(owner, system):
    return audit.record("export", actor=owner, system=system, target="yaml of v1")


def test_an_event_cannot_be_changed_or_deleted(event):
    event.target = "something else"
    with pytest.raises(AppendOnly):
        event.save()
    with pytest.raises(AppendOnly):
        event.delete()
    with pytest.raises(AppendOnly):
        AuditEvent.objects.filter(pk=event.pk).update(target="x")
    with pytest.raises(AppendOnly):
        AuditEvent.objects.filter(pk=event.pk).delete()
    assert AuditEvent.objects.get(pk=event.pk).target == "yaml of v1"


def test_the_database_refuses_an_update_whatever_code_asks(event):
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("UPDATE audit_auditevent SET target = 'forged'")
    assert AuditEvent.objects.get(pk=event.pk).target == "yaml of v1"


# --------------------------------------------------------------------------- who reads it


def test_owners_read_their_workspace_log(owner, workspace, event):
    sign_in("owner", PASSWORD)
    response = client_for(owner).get(f"/workspaces/{workspace.pk}/audit/")
    assert response.status_code == 200
    page = response.content.decode()
    assert "yaml of v1" in page and "Signed in" in page


def test_another_workspace_events_are_not_shown(owner, workspace, event, outsider):
    other = audit.record("export", actor=outsider, target="their secret export")
    response = client_for(owner).get(f"/workspaces/{workspace.pk}/audit/")
    assert other.target not in response.content.decode()


def test_the_log_filters_by_event(owner, workspace, event):
    sign_in("owner", PASSWORD)
    page = client_for(owner).get(f"/workspaces/{workspace.pk}/audit/?action=login").content
    assert b"Signed in" in page and b"yaml of v1" not in page


@pytest.mark.parametrize(("role", "status"), [("editor", 403), ("viewer", 403), ("outsider", 404)])
def test_only_owners_read_the_log(users, workspace, role, status):
    response = client_for(users[role]).get(f"/workspaces/{workspace.pk}/audit/")
    assert response.status_code == status


def test_the_admin_shows_the_log_read_only(db, event):
    root = make_user("root", is_staff=True, is_superuser=True)
    client = client_for(root)
    assert client.get("/admin/audit/auditevent/").status_code == 200
    change = client.get(f"/admin/audit/auditevent/{event.pk}/change/")
    assert change.status_code == 200
    assert b'name="_save"' not in change.content
    assert client.post(f"/admin/audit/auditevent/{event.pk}/change/", {}).status_code == 403
    assert client.get(f"/admin/audit/auditevent/{event.pk}/delete/").status_code == 403
    assert client.get("/admin/audit/auditevent/add/").status_code == 403
    assert AuditEvent.objects.filter(pk=event.pk).exists()


def test_a_decision_is_recorded_with_who_and_what(system, editor):
    from reviews.decisions import record_decision

    finding = system.analysis["findings"][0]
    record_decision(
        system, finding["fingerprint"], "false-positive", actor=editor, reason="test data only"
    )
    [event] = events("decision")
    assert (event.actor_name, event.system_id) == ("editor", system.pk)
    assert event.target == f"{finding['rule']} {finding['fingerprint']}"
    assert event.detail["state"] == "false-positive"


def test_the_decisions_export_is_recorded(viewer, system):
    client_for(viewer).get(f"/systems/{system.pk}/decisions.json")
    [event] = events("export")
    assert (event.actor_name, event.target) == ("viewer", "decisions")
