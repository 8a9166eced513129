"""CSRF is enforced on every write, htmx requests included."""

from __future__ import annotations

import json

import pytest

from reviews.models import System
from tests.conftest import csrf_client_for, sample_document

WRITES = [
    (
        "/systems/{s}/elements/api/",
        {"base_version": 1, "id": "api", "kind": "service", "name": "X"},
    ),
    ("/systems/{s}/flows/orders/delete/", {"base_version": 1}),
    ("/systems/{s}/policy/", {"base_version": 1, "blast_radius": 2}),
    ("/systems/{s}/settings/", {"base_version": 1, "name": "X"}),
    ("/systems/{s}/revisions/1/restore/", {"base_version": 1}),
    ("/systems/{s}/reimport/", {"base_version": 1, "text": json.dumps(sample_document(name="X"))}),
    (
        "/systems/{s}/reimport/confirm/",
        {
            "base_version": 1,
            "read_as": "Ciphermap model",
            "incoming": json.dumps(sample_document(name="X")),
        },
    ),
    ("/systems/{s}/delete/", {}),
    ("/workspaces/{w}/members/", {"username": "outsider", "role": "editor"}),
    ("/workspaces/", {"name": "X"}),
    ("/systems/new/", {"workspace": "{w}", "name": "X"}),
]


def _fill(value, system):
    value = str(value)
    if (isinstance(value, str) and value in ("{s}", "{w}")) or value.startswith("/"):
        return value.format(s=system.pk, w=system.workspace.pk)
    return value


@pytest.mark.parametrize("url,data", WRITES, ids=[w[0] for w in WRITES])
@pytest.mark.parametrize("htmx", [False, True], ids=["form", "htmx"])
def test_writes_without_a_token_are_refused(system, owner, url, data, htmx):
    client = csrf_client_for(owner)
    headers = {"HX-Request": "true"} if htmx else {}
    data = {key: _fill(value, system) for key, value in data.items()}
    response = client.post(_fill(url, system), data, headers=headers)
    assert response.status_code == 403
    system = System.objects.get(pk=system.pk)
    assert system.version == 1 and system.name == "Web shop"


def test_an_htmx_write_with_the_header_token_from_the_page_works(system, owner):
    client = csrf_client_for(owner)
    page = client.get(f"/systems/{system.pk}/").content.decode()
    token = client.cookies["csrftoken"].value
    assert "hx-headers=" in page
    response = client.post(
        f"/systems/{system.pk}/settings/",
        {"base_version": 1, "name": "With token"},
        headers={"HX-Request": "true", "X-CSRFToken": token},
    )
    assert response.status_code == 200
    assert System.objects.get(pk=system.pk).name == "With token"


def test_the_htmx_headers_attribute_is_json_with_the_token(system, owner):
    client = csrf_client_for(owner)
    html = client.get(f"/systems/{system.pk}/").content.decode()
    start = html.index('hx-headers="') + len('hx-headers="')
    raw = html[start : html.index('"', start)].replace("&quot;", '"')
    headers = json.loads(raw)
    assert set(headers) == {"X-CSRFToken"}
    assert len(headers["X-CSRFToken"]) >= 32


def test_login_itself_needs_a_token(db):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    response = client.post("/accounts/login/", {"username": "x", "password": "y"})
    assert response.status_code == 403
