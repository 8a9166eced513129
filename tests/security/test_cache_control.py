"""Every response that holds a model says `Cache-Control: private, no-store`."""

from __future__ import annotations

import pytest
from django.test import Client

from tests.conftest import client_for


@pytest.mark.parametrize(
    "url",
    [
        "/",
        "/workspaces/{w}/",
        "/systems/{s}/",
        "/systems/{s}/document.json",
        "/systems/{s}/export.yaml",
        "/systems/{s}/export.json",
        "/systems/{s}/findings/",
        "/systems/{s}/history/",
        "/systems/{s}/revisions/1/",
        "/systems/{s}/elements/api/",
        "/systems/{s}/diff/?from=1&to=1",
    ],
)
def test_pages_exports_and_the_document_are_never_cached(url, owner, system):
    response = client_for(owner).get(url.format(s=system.pk, w=system.workspace.pk))
    assert response.status_code == 200
    assert response["Cache-Control"] == "private, no-store"
    assert "Cookie" in response["Vary"]


def test_htmx_fragments_are_never_cached(owner, system):
    response = client_for(owner).get(f"/systems/{system.pk}/findings/", HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    assert response["Cache-Control"] == "private, no-store"


def test_error_pages_to_a_member_are_not_cached_either(owner, system):
    response = client_for(owner).get(f"/systems/{system.pk}/elements/nope/")
    assert response.status_code == 404
    assert response["Cache-Control"] == "private, no-store"


def test_static_files_stay_cacheable(owner):
    response = client_for(owner).get("/static/reviews/app.css")
    assert response.status_code == 200
    assert "no-store" not in response.get("Cache-Control", "")


def test_the_sign_in_page_is_not_cached(db):
    response = Client().get("/accounts/login/")
    assert "no-store" in response["Cache-Control"] or "no-cache" in response["Cache-Control"]
