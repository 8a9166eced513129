"""Every view with the four users: owner, editor, viewer and outsider.

Outsiders get 404 for everything in a workspace they are not in (its existence is not
revealed); viewers can read but every write answers 403 and changes nothing; editors
write; some actions (deleting a system, managing members) are for owners only.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass, field
from typing import Any

import pytest
from django.core.files.base import ContentFile
from django.urls import URLResolver, resolve

from accounts import urls as accounts_urls
from accounts.models import Invitation
from audit import urls as audit_urls
from reviews import urls as reviews_urls
from reviews.models import (
    Comment,
    DecisionEvent,
    Membership,
    Participant,
    Report,
    Review,
    SignOff,
    System,
)
from reviews.reviewing import create_review
from tests.conftest import client_for, sample_document


@dataclass
class Route:
    name: str
    # {s}: system pk, {w}: workspace pk, {m}: the viewer's membership pk, {r}: a review
    # of the system, {f}: one of its findings' fingerprint, {p}: a participant's pk,
    # {rp}: a finished report, {i}: a pending invitation to the workspace
    url: str
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
    Route("layout json", "/systems/{s}/layout.json"),
    Route("export yaml", "/systems/{s}/export.yaml"),
    Route("export json", "/systems/{s}/export.json"),
    Route("download otm", "/systems/{s}/download/otm"),
    Route("crypto inventory", "/systems/{s}/crypto-inventory/"),
    Route("findings", "/systems/{s}/findings/"),
    Route("history", "/systems/{s}/history/"),
    Route("revision", "/systems/{s}/revisions/1/"),
    Route("diff", "/systems/{s}/diff/?from=1&to=1"),
    Route("a page of the model's tables", "/systems/{s}/flows/?page=2"),
    Route("element form", "/systems/{s}/elements/api/"),
    Route("flow form", "/systems/{s}/flows/orders/"),
    Route("policy form", "/systems/{s}/policy/"),
    Route("new element form", "/systems/{s}/elements/new/", access="write"),
    Route("settings form", "/systems/{s}/settings/", access="write"),
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
    Route("import version preview form", "/systems/{s}/reimport/", access="write"),
    Route(
        "import version preview",
        "/systems/{s}/reimport/",
        "post",
        {"base_version": 1, "text": json.dumps(sample_document(name="Imported"))},
        access="write",
    ),
    Route(
        "import version confirm",
        "/systems/{s}/reimport/confirm/",
        "post",
        {
            "base_version": 1,
            "read_as": "Ciphermap model",
            "incoming": json.dumps(sample_document(name="Imported")),
        },
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
    Route("restore confirmation", "/systems/{s}/revisions/1/restore/", access="write"),
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
    # Reviews and decisions
    Route("reviews", "/systems/{s}/reviews/"),
    Route("decisions export", "/systems/{s}/decisions.json"),
    Route(
        "new review",
        "/systems/{s}/reviews/",
        "post",
        {"title": "Second look", "date": "2026-12-01"},
        access="write",
    ),
    Route("review", "/reviews/{r}/"),
    Route("walk-through", "/reviews/{r}/walk/?at={f}"),
    Route("live updates", "/reviews/{r}/updates/?seen=x&at={f}"),
    Route("focused diagram", "/reviews/{r}/diagram.svg?at={f}"),
    Route("what changed", "/reviews/{r}/changes/"),
    Route(
        "add participant",
        "/reviews/{r}/participants/",
        "post",
        {"user": "{editor}", "role": "observer"},
        access="write",
    ),
    Route("remove participant", "/reviews/{r}/participants/{p}/remove/", "post", access="write"),
    Route("start review", "/reviews/{r}/start/", "post", access="write"),
    Route(
        "decide",
        "/reviews/{r}/findings/{f}/decide/",
        "post",
        {"state": "in-discussion", "base_revision": 0},
        access="write",
    ),
    Route("approve acceptance", "/reviews/{r}/findings/{f}/approve/", "post", access="owner"),
    Route("comment", "/reviews/{r}/findings/{f}/comments/", "post", {"text": "hm"}, access="write"),
    Route("sign off", "/reviews/{r}/sign/", "post", access="owner"),
    Route("override guard", "/reviews/{r}/override/", "post", {"reason": "ok"}, access="write"),
    Route("review report", "/reviews/{r}/report/", "post", access="write"),
    # Reports
    Route("start report", "/systems/{s}/reports/", "post"),
    Route("report panel", "/systems/{s}/reports/panel/"),
    Route("report status", "/systems/{s}/reports/{rp}/"),
    Route("retry report", "/systems/{s}/reports/{rp}/retry/", "post"),
    Route("download report", "/systems/{s}/reports/{rp}/download/"),
    # Audit log and invitations
    Route("audit log", "/workspaces/{w}/audit/", access="owner"),
    Route("cancel invitation", "/workspaces/{w}/invitations/{i}/cancel/", "post", access="owner"),
]

# Pages without an object of their own: each is scoped to the user by a test below.
NOT_OBJECT_SCOPED = {
    "dashboard",
    "health",
    "workspace_list",
    "system_create",
    "system_import",
    # The format's help and docs: the same for everyone signed in (test_format_help.py).
    "format_help",
    "format_doc",
    # Addressed to one person, not to a workspace's members: tests/accounts.
    "invitation_list",
    "invitation_accept",
    "invitation_decline",
    "welcome",
}

ALLOWED = {
    "read": {"owner", "editor", "viewer"},
    "write": {"owner", "editor"},
    "owner": {"owner"},
}


@pytest.fixture
def review(system, owner, viewer, settings, tmp_path):
    review = create_review(system, title="First look", date=dt.date(2026, 12, 1), author=owner)
    Participant.objects.create(review=review, user=viewer, role=Participant.OBSERVER)
    settings.MEDIA_ROOT = tmp_path / "media"
    report = Report.objects.create(system=system, version=1, status=Report.DONE)
    report.file.save("report.pdf", ContentFile(b"%PDF-1.7 test"))
    return review


def _url(route: Route, system: System, review: Review) -> str:
    viewer_membership = Membership.objects.get(workspace=system.workspace, role="viewer")
    invitation, _ = Invitation.objects.get_or_create(
        workspace=system.workspace, address="newcomer@example.com"
    )
    return route.url.format(
        s=system.pk,
        w=system.workspace.pk,
        m=viewer_membership.pk,
        i=invitation.pk,
        r=review.pk,
        f=review.findings[0]["fingerprint"],
        p=review.participants.get(role=Participant.OBSERVER).pk,
        rp=Report.objects.get(system=system, status=Report.DONE).pk,
    )


def _request(route: Route, user, system: System, review: Review):
    url = _url(route, system, review)
    client = client_for(user)
    if route.json:
        return client.post(url, json.dumps(route.data), content_type="application/json")
    editor = Membership.objects.get(workspace=system.workspace, role="editor").user
    data = {k: editor.pk if v == "{editor}" else v for k, v in route.data.items()}
    return getattr(client, route.method)(url, data)


@pytest.mark.parametrize("route", ROUTES, ids=lambda r: r.name)
@pytest.mark.parametrize("role", ["owner", "editor", "viewer", "outsider"])
def test_every_view_checks_membership_and_role(route, role, users, system, review):
    response = _request(route, users[role], system, review)
    if role == "outsider":
        assert response.status_code == 404
    elif role in ALLOWED[route.access]:
        assert response.status_code in (200, 302), response.content[:500]
    else:
        assert response.status_code == 403


REFUSED_POSTS = [
    pytest.param(route, role, id=f"{role}-{route.name}")
    for role in ("viewer", "outsider")
    for route in ROUTES
    if route.method == "post" and (role == "outsider" or route.access != "read")
]


@pytest.mark.parametrize(("route", "role"), REFUSED_POSTS)
def test_refused_writes_change_nothing(route, role, users, system, review):
    before = System.objects.get(pk=system.pk)
    counts = _row_counts()
    _request(route, users[role], system, review)
    after = System.objects.get(pk=system.pk)
    assert (after.version, after.document) == (before.version, before.document)
    assert _row_counts() == counts


def _row_counts() -> dict[str, int]:
    models = (Membership, Review, Participant, DecisionEvent, Comment, SignOff, Report)
    return {model.__name__: model.objects.count() for model in models} | {
        "started": Review.objects.exclude(status=Review.DRAFT).count()
    }


def _named_patterns(patterns, prefix: str = "") -> dict[str, str]:
    names = {}
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            names |= _named_patterns(pattern.url_patterns, prefix + str(pattern.pattern))
        elif pattern.name:
            names[pattern.name] = prefix + str(pattern.pattern)
    return names


def test_every_url_of_the_app_is_in_the_access_matrix(system, review):
    """A new view must join ROUTES (or NOT_OBJECT_SCOPED with a scoping test of its own)."""
    covered = {resolve(_url(route, system, review).split("?")[0]).url_name for route in ROUTES}
    app_urls = _named_patterns(
        [*reviews_urls.urlpatterns, *accounts_urls.urlpatterns, *audit_urls.urlpatterns]
    )
    missing = {name: route for name, route in app_urls.items() if name not in covered}
    missing = {n: r for n, r in missing.items() if n not in NOT_OBJECT_SCOPED}
    assert missing == {}, "add these URLs to ROUTES in tests/reviews/test_access.py"
    assert set(app_urls) >= NOT_OBJECT_SCOPED


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
