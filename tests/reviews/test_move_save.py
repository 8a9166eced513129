"""A save that only moves things (positions, frame sizes) keeps the analysis: the rules
never read the layout, and analysing was a third of a 1,000-element drag's save."""

from __future__ import annotations

import copy

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
