"""The save pipeline: validation, optimistic concurrency, revisions and restore."""

from __future__ import annotations

import pytest
from django.utils import timezone

import threatmodel
from reviews import services
from reviews.models import Revision, System
from tests.conftest import make_system, make_workspace, sample_document


def _edited(system: System, **changes) -> dict:
    document = dict(system.document)
    document.update(changes)
    return document


def _move(system: System, x: float) -> dict:
    document = sample_document(**{k: v for k, v in system.document.items()})
    document["elements"] = [dict(e) for e in system.document["elements"]]
    document["elements"][0]["position"] = {"x": x, "y": 0}
    return document


def test_a_save_bumps_the_version_and_records_a_revision(system, owner):
    saved = services.save_document(
        system, _edited(system, name="Renamed"), base_version=1, author=owner
    )
    assert saved.version == 2
    assert saved.name == "Renamed"
    revision = saved.revisions.get(version=2)
    assert revision.author == owner
    assert revision.summary == "renamed system to Renamed"


def test_a_save_caches_the_analysis_and_its_counts(system, owner):
    assert system.analysis["findings"]
    assert sum(system.counts.values()) == len(system.analysis["findings"])
    assert system.revisions.get(version=1).counts == system.counts


def test_a_stale_save_is_refused_and_keeps_the_newer_data(system, owner, editor):
    first = System.objects.get(pk=system.pk)
    second = System.objects.get(pk=system.pk)
    services.save_document(first, _edited(first, name="Alice's"), base_version=1, author=owner)
    with pytest.raises(services.StaleVersion) as error:
        services.save_document(second, _edited(second, name="Bob's"), base_version=1, author=editor)
    assert error.value.system.version == 2
    system.refresh_from_db()
    assert system.name == "Alice's"
    assert system.revisions.count() == 2


def test_a_save_based_on_an_old_version_is_refused_even_with_a_fresh_object(system, owner):
    services.save_document(system, _edited(system, name="New"), base_version=1, author=owner)
    fresh = System.objects.get(pk=system.pk)
    with pytest.raises(services.StaleVersion):
        services.save_document(fresh, _edited(fresh, name="Old"), base_version=1, author=owner)
    assert System.objects.get(pk=system.pk).name == "New"


def test_an_invalid_save_changes_nothing(system, owner):
    document = _edited(system)
    document["flows"] = [*document["flows"], {"id": "x", "from": "api", "to": "nowhere"}]
    with pytest.raises(services.InvalidDocument) as error:
        services.save_document(system, document, base_version=1, author=owner)
    assert any("flows[2]" in p.location for p in error.value.problems)
    system.refresh_from_db()
    assert system.version == 1
    assert system.revisions.count() == 1


def test_saving_an_unchanged_document_keeps_the_version(system, owner):
    saved = services.save_document(system, dict(system.document), base_version=1, author=owner)
    assert saved.version == 1
    assert saved.revisions.count() == 1


def test_every_version_can_be_rebuilt(system, owner):
    names = ["v1"]
    for n in range(2, 9):
        system = services.save_document(
            system, _edited(system, name=f"v{n}"), base_version=system.version, author=owner
        )
        names.append(f"v{n}")
    for version in range(1, 9):
        expected = "Web shop" if version == 1 else f"v{version}"
        assert services.document_at(system, version)["name"] == expected


def test_checkpoints_store_a_full_document_now_and_then(system, owner, monkeypatch):
    monkeypatch.setattr(Revision, "CHECKPOINT_EVERY", 3)
    for n in range(2, 8):
        system = services.save_document(
            system, _edited(system, name=f"v{n}"), base_version=system.version, author=owner
        )
    checkpoints = list(
        system.revisions.filter(snapshot__isnull=False).values_list("version", flat=True)
    )
    assert sorted(checkpoints) == [3, 6]
    assert services.document_at(system, 2)["name"] == "v2"
    assert services.document_at(system, 4)["name"] == "v4"


def test_revisions_store_patches_not_copies(system, owner):
    system = services.save_document(
        system, _edited(system, description="Changed"), base_version=1, author=owner
    )
    revision = system.revisions.get(version=2)
    assert revision.snapshot is None
    assert "Orders API" not in str(revision.reverse_patch)


def test_every_save_keeps_its_version_and_one_sitting_groups_them(system, owner):
    for x in (10, 20, 30):
        system = services.save_document(
            system, _move(system, x), base_version=system.version, author=owner
        )
    assert system.version == 4
    assert list(system.revisions.values_list("version", "sitting")) == [
        (4, 1),
        (3, 1),
        (2, 1),
        (1, 1),
    ]
    assert services.document_at(system, 2)["elements"][0]["position"] == {"x": 10, "y": 0}
    # Saves store the canonical document (defaults such as kind: internal left out).
    assert services.document_at(system, 1) == threatmodel.to_document(
        threatmodel.load(sample_document())
    )


def test_a_sitting_ends_with_another_author_idle_minutes_or_a_frozen_revision(
    system, owner, editor
):
    system = services.save_document(system, _move(system, 10), base_version=1, author=owner)
    system = services.save_document(system, _move(system, 20), base_version=2, author=editor)
    Revision.objects.filter(system=system).update(created=timezone.now() - services.SITTING_IDLE)
    system = services.save_document(system, _move(system, 30), base_version=3, author=editor)
    services.freeze_revision(system, 4)
    system = services.save_document(system, _move(system, 40), base_version=4, author=editor)
    system = services.save_document(system, _move(system, 50), base_version=5, author=editor)
    sittings = dict(system.revisions.values_list("version", "sitting"))
    assert sittings == {1: 1, 2: 1, 3: 3, 4: 4, 5: 5, 6: 5}


def test_a_restore_is_a_sitting_of_its_own(system, owner):
    system = services.save_document(system, _move(system, 10), base_version=1, author=owner)
    system = services.restore(system, system.revisions.get(version=1), owner)
    system = services.save_document(system, _move(system, 20), base_version=3, author=owner)
    sittings = dict(system.revisions.values_list("version", "sitting"))
    assert sittings == {1: 1, 2: 1, 3: 3, 4: 4}


def test_a_move_after_an_edit_starts_a_new_revision(system, owner):
    system = services.save_document(system, _edited(system, name="X"), base_version=1, author=owner)
    system = services.save_document(system, _move(system, 10), base_version=2, author=owner)
    assert system.revisions.get(version=3).moves_only
    assert system.revisions.get(version=2).summary == "renamed system to X"


def test_restore_makes_a_new_revision_with_the_old_document(system, owner):
    system = services.save_document(system, _edited(system, name="B"), base_version=1, author=owner)
    system = services.restore(system, system.revisions.get(version=1), owner)
    assert system.version == 3
    assert system.name == "Web shop"
    assert system.revisions.get(version=3).summary.startswith("restored version 1")
    assert services.document_at(system, 2)["name"] == "B"


def test_create_system_refuses_an_invalid_document_and_creates_nothing(owner):
    workspace = make_workspace(owner=owner)
    with pytest.raises(services.InvalidDocument):
        make_system(workspace, document={"format": "ciphermap/1"})
    assert not System.objects.exists()


def test_read_upload_refuses_oversized_input(settings):
    settings.MAX_MODEL_BYTES = 100
    with pytest.raises(services.InvalidDocument, match="larger"):
        services.read_upload(b"x" * 101)
