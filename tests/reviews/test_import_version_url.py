"""The one-step import of a new version is gone: its URL leads to Import version, which
shows what a file changes before anything is saved."""

from __future__ import annotations

from tests.conftest import client_for


def test_the_old_import_url_redirects_to_import_version(system, editor):
    response = client_for(editor).get(f"/systems/{system.pk}/import/")
    assert response.status_code == 301
    assert response["Location"] == f"/systems/{system.pk}/reimport/"


def test_the_system_page_offers_only_import_version(system, editor):
    page = client_for(editor).get(f"/systems/{system.pk}/").content.decode()
    assert f"/systems/{system.pk}/reimport/" in page
    assert f"/systems/{system.pk}/import/" not in page
