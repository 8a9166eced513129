"""A save that only moves things (positions, frame sizes) keeps the analysis: the rules
never read the layout, and analysing was a third of a 1,000-element drag's save."""

from __future__ import annotations

import copy
import json

import pytest

from reviews import services
from reviews.models import System


def _moved(system) -> dict:
    document = copy.deepcopy(system.document)
    document["elements"][0]["position"] = {"x": 420, "y": 180}
    return document


def test_a_move_is_saved_as_a_new_version_without_analysing_again(system, owner, monkeypatch):
    before = System.objects.get(pk=system.pk).analysis

    def refuse(_model):
        raise AssertionError("a move must not run the rules")

    monkeypatch.setattr(services, "analyze", refuse)
    saved = services.save_document(system, _moved(system), base_version=1, author=owner)
    assert saved.version == 2
    stored = System.objects.get(pk=system.pk)
    assert stored.document["elements"][0]["position"] == {"x": 420, "y": 180}
    assert stored.analysis == before
    assert saved.analysis == before


def test_a_change_beside_the_move_is_analysed(system, owner, monkeypatch):
    document = _moved(system)
    document["flows"][0]["protocol"] = "http"
    calls = []
    analyze = services.analyze
    monkeypatch.setattr(services, "analyze", lambda model: calls.append(1) or analyze(model))
    services.save_document(system, document, base_version=1, author=owner)
    assert calls == [1]


@pytest.mark.parametrize("position", [{"x": "left", "y": 0}, {"x": 1}])
def test_a_move_to_a_bad_position_is_still_refused_at_its_field(system, owner, position):
    document = copy.deepcopy(system.document)
    document["elements"][0]["position"] = position
    with pytest.raises(services.InvalidDocument) as error:
        services.save_document(system, document, base_version=1, author=owner)
    assert any(p.location.startswith("elements[0].position") for p in error.value.problems)
    assert System.objects.get(pk=system.pk).version == 1


def _refuse_full_validation(monkeypatch):
    def refuse(_document):
        raise AssertionError("a move must not validate the whole document")

    monkeypatch.setattr(services, "validate", refuse)


def test_a_move_stores_exactly_what_the_full_validation_would(system, owner, monkeypatch):
    document = copy.deepcopy(system.document)
    # A first position for every element, in the order the editor writes them, and a
    # frame's size with a whole number written as a float.
    for index, element in enumerate(document["elements"]):
        element["position"] = {"y": index * 10, "x": 5.5}
    document["boundaries"][1]["size"] = {"width": 300.0, "height": 140}
    expected, _model = services.validate(copy.deepcopy(document))
    _refuse_full_validation(monkeypatch)
    saved = services.save_document(system, document, base_version=1, author=owner)
    # What was written, key order and number types included; PostgreSQL's jsonb keeps
    # the keys in an order of its own.
    assert json.dumps(saved.document) == json.dumps(expected)
    stored = System.objects.get(pk=system.pk)
    assert json.dumps(stored.document, sort_keys=True) == json.dumps(expected, sort_keys=True)
    assert stored.document["boundaries"][1]["size"] == {"width": 300, "height": 140}
    revision = stored.revisions.get(version=2)
    assert revision.moves_only
    assert revision.summary == f"moved {len(document['elements'])} elements; moved vpc"


def test_a_move_to_a_bad_position_is_refused_without_the_full_validation(
    system, owner, monkeypatch
):
    document = copy.deepcopy(system.document)
    document["elements"][1]["position"] = {"x": 10, "y": "top"}
    expected = [p.to_dict() for p in _problems(document)]
    _refuse_full_validation(monkeypatch)
    with pytest.raises(services.InvalidDocument) as error:
        services.save_document(system, document, base_version=1, author=owner)
    assert [p.to_dict() for p in error.value.problems] == expected
    assert [p.location for p in error.value.problems] == ["elements[1].position.y"]
    assert "expected a number" in error.value.problems[0].message
    stored = System.objects.get(pk=system.pk)
    assert stored.version == 1
    assert stored.revisions.count() == 1


def _problems(document):
    with pytest.raises(services.InvalidDocument) as error:
        services.validate(document)
    return error.value.problems


def test_a_save_that_changes_more_than_the_layout_is_validated_in_full(system, owner, monkeypatch):
    document = _moved(system)
    document["elements"][0]["name"] = "Renamed"
    calls = []
    validate = services.validate
    monkeypatch.setattr(services, "validate", lambda d: calls.append(1) or validate(d))
    services.save_document(system, document, base_version=1, author=owner)
    assert calls == [1]
    assert not System.objects.get(pk=system.pk).revisions.get(version=2).moves_only


def test_a_move_based_on_an_old_version_is_still_refused(system, owner):
    services.save_document(system, _moved(system), base_version=1, author=owner)
    current = System.objects.get(pk=system.pk)
    document = copy.deepcopy(current.document)
    document["elements"][0]["position"] = {"x": 1, "y": 1}
    with pytest.raises(services.StaleVersion):  # a second tab still at version 1
        services.save_document(current, document, base_version=1, author=owner)
    stored = System.objects.get(pk=system.pk)
    assert stored.version == 2
    assert stored.document["elements"][0]["position"] == {"x": 420, "y": 180}


def test_a_move_racing_another_save_is_refused_by_the_version_check(system, owner):
    """Two saves read version 1; the second one's UPDATE finds no row at version 1."""
    first, second = System.objects.get(pk=system.pk), System.objects.get(pk=system.pk)
    services.save_document(first, _moved(first), base_version=1, author=owner)
    document = copy.deepcopy(second.document)
    document["elements"][1]["position"] = {"x": 7, "y": 7}
    with pytest.raises(services.StaleVersion):
        services.save_document(second, document, base_version=1, author=owner)
    stored = System.objects.get(pk=system.pk)
    assert stored.version == 2
    assert "position" not in stored.document["elements"][1]
