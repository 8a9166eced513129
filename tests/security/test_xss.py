"""User text is escaped wherever it is shown: pages, fragments, JSON for scripts."""

from __future__ import annotations

import pytest
import yaml

from reviews import services
from reviews.models import Workspace
from tests.conftest import client_for, make_system, make_user, make_workspace, sample_document

PAYLOADS = [
    "<script>alert(1)</script>",
    '"><img src=x onerror=alert(2)>',
    "</textarea><svg onload=alert(3)>",
]


def _hostile_document(payload: str) -> dict:
    """Every free-text field of the model carries the payload."""
    document = sample_document(name=f"Shop {payload}", description=payload)
    for section in ("data", "boundaries", "keys", "elements", "flows"):
        for item in document[section]:
            item["name"] = f"{item['id']} {payload}"
            item["description"] = payload
    for element in document["elements"]:
        element["technology"] = payload
    return document


@pytest.fixture(params=PAYLOADS)
def hostile(request, db):
    payload = request.param
    owner = make_user("owner")
    workspace = make_workspace(name=f"WS {payload}", owner=owner)
    system = make_system(workspace, document=_hostile_document(payload), author=owner)
    # A second version, so history, diff and revision pages show the text too.
    document = _hostile_document(payload)
    document["elements"][2]["encryption"] = "field"
    document["elements"][1]["name"] = f"renamed {payload}"
    system = services.save_document(system, document, base_version=1, author=owner)
    return payload, owner, system


PAGES = [
    "/",
    "/workspaces/",
    "/workspaces/{w}/",
    "/systems/{s}/",
    "/systems/{s}/findings/",
    "/systems/{s}/history/",
    "/systems/{s}/revisions/1/",
    "/systems/{s}/diff/?from=1&to=2",
    "/systems/{s}/elements/api/",
    "/systems/{s}/flows/orders/",
    "/systems/{s}/boundaries/vpc/",
    "/systems/{s}/data/card/",
    "/systems/{s}/keys/orders-kek/",
    "/systems/{s}/settings/",
    "/systems/{s}/delete/",
]


@pytest.mark.parametrize("page", PAGES)
def test_payloads_in_every_text_field_come_out_escaped(hostile, page):
    payload, owner, system = hostile
    for headers in ({}, {"HX-Request": "true"}):
        response = client_for(owner).get(
            page.format(s=system.pk, w=system.workspace.pk), headers=headers
        )
        html = response.content.decode()
        assert payload not in html
        assert "alert(" not in html or "&lt;" in html or "\\u003C" in html


def test_the_document_the_editor_fetches_is_json_the_browser_never_renders(hostile):
    payload, owner, system = hostile
    response = client_for(owner).get(f"/systems/{system.pk}/document.json")
    assert response["Content-Type"] == "application/json"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response.json()["document"]["description"] == payload


def test_htmx_save_responses_escape_the_saved_text(hostile):
    payload, owner, system = hostile
    response = client_for(owner).post(
        f"/systems/{system.pk}/elements/api/",
        {
            "base_version": system.version,
            "id": "api",
            "kind": "service",
            "boundary": "vpc",
            "name": payload,
        },
        headers={"HX-Request": "true"},
    )
    assert response.status_code == 200
    assert payload not in response.content.decode()


def test_import_errors_escape_the_offending_text(db):
    owner = make_user("owner")
    workspace = make_workspace(owner=owner)
    document = sample_document()
    document["<script>alert(4)</script>"] = 1
    document["flows"][0]["to"] = "<img src=x onerror=alert(5)>"
    response = client_for(owner).post(
        "/systems/import/", {"workspace": workspace.pk, "text": yaml.safe_dump(document)}
    )
    html = response.content.decode()
    assert response.status_code == 400
    assert "<script>alert(4)" not in html
    assert "<img src=x" not in html


def test_usernames_and_workspace_names_are_escaped(db):
    owner = make_user("owner")
    workspace = make_workspace(name="<b>bold</b>", owner=owner)
    make_user("<i>evil</i>")
    client = client_for(owner)
    client.post(
        f"/workspaces/{workspace.pk}/members/", {"username": "<i>evil</i>", "role": "viewer"}
    )
    html = client.get(f"/workspaces/{workspace.pk}/").content.decode()
    assert "<b>bold</b>" not in html and "&lt;b&gt;bold" in html
    assert "<i>evil</i>" not in html and "&lt;i&gt;evil" in html
    assert Workspace.objects.count() == 1
