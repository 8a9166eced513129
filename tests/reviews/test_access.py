"""Every view with the four users: owner, editor, viewer and outsider.

Outsiders get 404 for everything in a workspace they are not in (its existence is not
revealed); viewers can read but every write answers 403 and changes nothing; editors
write; some actions (deleting a system, managing members) are for owners only.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

import pytest

from reviews.models import Membership, System
from tests.conftest import client_for, sample_document


@dataclass
class Route:
    name: str
    url: str  # {s}: system pk, {w}: workspace pk, {m}: the viewer's membership pk
    method: str = "get"
    data: dict[str, Any] = field(default_factory=dict)
    json: bool = False
    access: str = "read"  # read | write | owner


def _element(**extra) -> dict:
    return {"base_version": 1, "id": "api", "kind": "service", "boundary": "vpc", **extra}


ROUTES = [
    Route("dashboard-ish workspace", "/workspaces/{w}/"),
    Route("system page", "/systems/{s}/"),
    Route("document json", "/systems/{s}/document.json"),
    Route("export yaml", "/systems/{s}/export.yaml"),
    Route("export json", "/systems/{s}/export.json"),
    Route("findings", "/systems/{s}/findings/"),
    Route("history", "/systems/{s}/history/"),
    Route("revision", "/systems/{s}/revisions/1/"),
    Route("diff", "/systems/{s}/diff/?from=1&to=1"),
    Route("element form", "/systems/{s}/elements/api/"),
    Route("flow form", "/systems/{s}/flows/orders/"),
    Route("policy form", "/systems/{s}/policy/"),
    Route("new element form", "/systems/{s}/elements/new/", access="write"),
    Route("settings form", "/systems/{s}/settings/", access="write"),
    Route("import version form", "/systems/{s}/import/", access="write"),
    Route(
        "edit element", "/systems/{s}/elements/api/", "post", _element(name="API"), access="write"
    ),
    Route(
        "add data class",
        "/systems/{s}/data/new/",
        "post",
        {"base_version": 1, "id": "pii", "classification": "confidential"},
        access="write",
    ),
    Route(
        "delete flow",
        "/systems/{s}/flows/orders/delete/",
        "post",
        {"base_version": 1},
        access="write",
    ),
    Route(
        "policy",
        "/systems/{s}/policy/",
        "post",
        {"base_version": 1, "blast_radius": 3},
        access="write",
    ),
    Route(
        "settings",
        "/systems/{s}/settings/",
        "post",
        {"base_version": 1, "name": "New"},
        access="write",
    ),
    Route(
        "import version",
        "/systems/{s}/import/",
        "post",
        {"base_version": 1, "text": json.dumps(sample_document(name="Imported"))},
        access="write",
    ),
    Route(
        "save document",
        "/systems/{s}/document.json",
        "post",
        {"base_version": 1, "document": sample_document(name="Saved")},
        json=True,
        access="write",
    ),
    Route(
        "restore", "/systems/{s}/revisions/1/restore/", "post", {"base_version": 1}, access="write"
    ),
    Route("delete form", "/systems/{s}/delete/", access="owner"),
    Route("delete system", "/systems/{s}/delete/", "post", access="owner"),
    Route(
        "add member",
        "/workspaces/{w}/members/",
        "post",
        {"username": "outsider", "role": "viewer"},
        access="owner",
    ),
    Route(
        "change role",
        "/workspaces/{w}/members/{m}/role/",
        "post",
        {"role": "editor"},
        access="owner",
    ),
    Route("remove member", "/workspaces/{w}/members/{m}/remove/", "post", access="owner"),
]

ALLOWED = {
    "read": {"owner", "editor", "viewer"},
    "write": {"owner", "editor"},
    "owner": {"owner"},
}


def _request(route: Route, user, system: System):
    viewer_membership = Membership.objects.get(workspace=system.workspace, role="viewer")
    url = route.url.format(s=system.pk, w=system.workspace.pk, m=viewer_membership.pk)
    client = client_for(user)
    if route.json:
        return client.post(url, json.dumps(route.data), content_type="application/json")
    return getattr(client, route.method)(url, route.data)


@pytest.mark.parametrize("route", ROUTES, ids=lambda r: r.name)
@pytest.mark.parametrize("role", ["owner", "editor", "viewer", "outsider"])
def test_every_view_checks_membership_and_role(route, role, users, system):
    response = _request(route, users[role], system)
    if role == "outsider":
        assert response.status_code == 404
    elif role in ALLOWED[route.access]:
        assert response.status_code in (200, 302), response.content[:500]
    else:
        assert response.status_code == 403


@pytest.mark.parametrize("route", [r for r in ROUTES if r.method == "post"], ids=lambda r: r.name)
@pytest.mark.parametrize("role", ["viewer", "outsider"])
def test_refused_writes_change_nothing(route, role, users, system):
    before = System.objects.get(pk=system.pk)
    members = Membership.objects.count()
    _request(route, users[role], system)
    after = System.objects.get(pk=system.pk)
    assert (after.version, after.document) == (before.version, before.document)
    assert Membership.objects.count() == members


def test_anonymous_users_are_sent_to_the_login_page(client, system):
    response = client.get(f"/systems/{system.pk}/")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


def test_the_health_check_needs_no_login(client, db):
    assert client.get("/healthz").content == b"ok"


def test_the_dashboard_lists_only_the_users_systems(system, outsider, owner):
    assert system.name.encode() not in client_for(outsider).get("/").content
    assert system.name.encode() in client_for(owner).get("/").content


def test_workspace_lists_show_only_the_users_workspaces(system, outsider, owner):
    assert system.workspace.name.encode() not in client_for(outsider).get("/workspaces/").content
    assert system.workspace.name.encode() in client_for(owner).get("/workspaces/").content


def test_systems_can_only_be_created_in_writable_workspaces(system, viewer):
    response = client_for(viewer).post(
        "/systems/new/", {"workspace": system.workspace.pk, "name": "Sneaky"}
    )
    assert response.status_code == 200
    assert not System.objects.filter(name="Sneaky").exists()


def test_imports_can_only_go_to_writable_workspaces(system, viewer):
    response = client_for(viewer).post(
        "/systems/import/",
        {"workspace": system.workspace.pk, "text": json.dumps(sample_document(name="Sneaky"))},
    )
    assert response.status_code == 400
    assert not System.objects.filter(name="Sneaky").exists()
