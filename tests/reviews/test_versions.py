"""Versions as people see them: every announced version stays, the history groups the
saves of a sitting, a missing version gets a page that says so, a restore asks first."""

from __future__ import annotations

import datetime as dt

from reviews import reviewing, services
from reviews.models import Revision
from tests.conftest import client_for, sample_document


def _renamed(system, name: str) -> dict:
    return sample_document(name=name, elements=system.document["elements"])


def _edits(system, author, names):
    for name in names:
        system = services.save_document(
            system, _renamed(system, name), base_version=system.version, author=author
        )
    return system


def test_the_history_shows_a_sitting_as_one_entry_and_keeps_each_version(system, owner):
    system = _edits(system, owner, ["A", "B", "C"])
    page = client_for(owner).get(f"/systems/{system.pk}/history/")
    assert len(page.context["rows"]) == 1
    html = page.content.decode()
    assert "v1\u2013v4, 4 saves" in html
    for version in (1, 2, 3, 4):
        assert f'/systems/{system.pk}/revisions/{version}/"' in html
    assert client_for(owner).get(f"/systems/{system.pk}/revisions/2/").status_code == 200


def test_a_review_closes_the_sitting_and_its_version_stays(system, owner, editor):
    system = _edits(system, owner, ["A"])
    review = reviewing.create_review(system, title="R", date=dt.date(2026, 12, 1), author=owner)
    system = _edits(system, owner, ["B", "C"])
    sittings = dict(system.revisions.values_list("version", "sitting"))
    assert sittings == {1: 1, 2: 1, 3: 3, 4: 3}
    assert system.revisions.get(version=review.version).closed
    assert services.document_at(system, review.version)["name"] == "A"
    page = client_for(owner).get(f"/systems/{system.pk}/history/")
    assert "kept" in page.content.decode()


def test_a_version_that_never_existed_gets_a_friendly_404(system, owner):
    client = client_for(owner)
    for url in (
        f"/systems/{system.pk}/revisions/46/",
        f"/systems/{system.pk}/diff/?from=46&to=1",
        f"/systems/{system.pk}/revisions/46/restore/",
    ):
        response = client.get(url)
        assert response.status_code == 404, url
        html = response.content.decode()
        assert "Web shop has no version 46" in html
        assert "versions run from 1 to 1" in html
        assert "Traceback" not in html


def test_restore_shows_what_it_changes_and_changes_nothing_until_confirmed(system, owner):
    document = sample_document()
    document["flows"] = [f for f in document["flows"] if f["id"] != "orders"]
    system = services.save_document(system, document, base_version=1, author=owner)
    page = client_for(owner).get(f"/systems/{system.pk}/revisions/1/restore/")
    assert page.status_code == 200
    html = page.content.decode()
    assert "Restore version 1?" in html
    assert "added flow <code>orders</code>" in html
    assert "Come back" in html
    assert Revision.objects.filter(system=system).count() == 2
    response = client_for(owner).post(
        f"/systems/{system.pk}/revisions/1/restore/", {"base_version": 2}
    )
    assert response.status_code == 302
    system.refresh_from_db()
    assert system.version == 3
    assert [f["id"] for f in system.document["flows"]] == ["checkout", "orders"]


def test_the_history_links_restore_to_the_confirmation_page(system, owner):
    system = _edits(system, owner, ["A"])
    services.freeze_revision(system, 2)
    system = _edits(system, owner, ["B"])
    html = client_for(owner).get(f"/systems/{system.pk}/history/").content.decode()
    assert f'href="/systems/{system.pk}/revisions/2/restore/">Restore…' in html
    assert 'method="post" action="/systems/' not in html.split("<table")[1]
