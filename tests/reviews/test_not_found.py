"""A missing version or object gets a friendly 404 page, never Django's debug page."""

from __future__ import annotations

import pytest

from tests.conftest import client_for


@pytest.mark.parametrize("debug", [True, False])
def test_a_missing_object_gets_the_friendly_page(system, owner, settings, debug):
    settings.DEBUG = debug
    response = client_for(owner).get(f"/systems/{system.pk}/reports/999/download/")
    page = response.content.decode()
    assert response.status_code == 404
    assert "Not found" in page and "Go to the dashboard" in page
    assert "URLconf" not in page and "Traceback" not in page


def test_a_missing_revision_never_shows_the_debug_page(system, owner, settings):
    settings.DEBUG = True
    response = client_for(owner).get(f"/systems/{system.pk}/revisions/46/")
    assert response.status_code == 404
    assert "URLconf" not in response.content.decode()


def test_the_page_keeps_the_views_own_message(system, owner, settings):
    settings.DEBUG = True
    response = client_for(owner).post(f"/systems/{system.pk}/reports/", {"version": "9"})
    assert response.status_code == 404
    assert f"{system.name} has versions 1 to 1." in response.content.decode()


def test_an_outsider_gets_the_same_page_as_for_a_missing_system(system, outsider, settings):
    settings.DEBUG = True
    hidden = client_for(outsider).get(f"/systems/{system.pk}/")
    missing = client_for(outsider).get("/systems/999999/")
    assert hidden.status_code == missing.status_code == 404

    def main(response) -> str:  # the page's own text; the header carries a CSRF token
        return response.content.decode().split('<main id="main"')[1]

    assert main(hidden) == main(missing)


@pytest.mark.parametrize("debug", [True, False])
def test_an_unknown_address_gets_the_friendly_page(owner, settings, debug):
    settings.DEBUG = debug
    response = client_for(owner).get("/no/such/page/")
    assert response.status_code == 404
    assert "Go to the dashboard" in response.content.decode()
    assert "Resolver404" not in response.content.decode()
