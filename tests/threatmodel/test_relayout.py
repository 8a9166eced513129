"""relayout: a document that only moves things is checked in its layout fields only, and
comes out exactly as `to_document(load(document))` would write it."""

from __future__ import annotations

import copy
import json

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from threatmodel.document import to_document
from threatmodel.load import ModelError, load
from threatmodel.relayout import relayout

from .strategies import documents

STORED = to_document(
    load(
        {
            "format": "ciphermap/1",
            "name": "Shop",
            "description": "Orders.",
            "boundaries": [
                {"id": "cloud", "kind": "internal", "position": {"x": 0, "y": 0}},
                {"id": "vpc", "parent": "cloud", "description": "The VPC."},
            ],
            "elements": [
                {"id": "api", "kind": "service", "boundary": "vpc", "position": {"x": 1, "y": 2}},
                {"id": "db", "kind": "database", "description": "Orders.", "encryption": "none"},
                {"id": "queue", "kind": "broker", "out_of_scope": True},
            ],
            "flows": [{"id": "q", "from": "api", "to": "db", "protocol": "postgres"}],
        }
    )
)


def full(document: dict) -> dict:
    return to_document(load(document))


def same_bytes(one: dict, other: dict) -> bool:
    """Equal as stored: the same JSON text, key order and number types included."""
    return json.dumps(one) == json.dumps(other)


def moved(change) -> dict:
    document = copy.deepcopy(STORED)
    change(document)
    return document


def elements(document: dict) -> dict:
    return {e["id"]: e for e in document["elements"]}


def boundaries(document: dict) -> dict:
    return {b["id"]: b for b in document["boundaries"]}


@pytest.mark.parametrize(
    "change",
    [
        pytest.param(lambda d: elements(d)["api"].update(position={"x": 40, "y": -7.5}), id="move"),
        pytest.param(lambda d: elements(d)["db"].update(position={"y": 3, "x": 4}), id="first"),
        pytest.param(lambda d: elements(d)["api"].update(position=None), id="null-drops-it"),
        pytest.param(lambda d: elements(d)["api"].pop("position"), id="left-out"),
        pytest.param(lambda d: elements(d)["api"].update(position={"x": 1.0, "y": 2}), id="float"),
        pytest.param(
            lambda d: boundaries(d)["vpc"].update(
                size={"width": 300.0, "height": 120}, position={"x": 5, "y": 6}
            ),
            id="frame-size-first",
        ),
        pytest.param(
            lambda d: [e.update(position={"x": i, "y": i}) for i, e in enumerate(d["elements"])],
            id="every-element",
        ),
    ],
)
def test_a_move_comes_out_as_the_full_load_writes_it(change):
    document = moved(change)
    relaid = relayout(STORED, document)
    assert relaid is not None
    assert same_bytes(relaid, full(document))


def test_the_stored_document_is_not_changed():
    before = copy.deepcopy(STORED)
    relayout(STORED, moved(lambda d: elements(d)["api"].update(position={"x": 9, "y": 9})))
    assert same_bytes(STORED, before)


def test_fields_written_in_another_order_still_count_as_a_move():
    document = moved(lambda d: elements(d)["api"].update(position={"x": 9, "y": 9}))
    document["elements"][0] = dict(reversed(document["elements"][0].items()))
    document = dict(reversed(document.items()))
    relaid = relayout(STORED, document)
    assert relaid is not None
    assert same_bytes(relaid, full(document))


@pytest.mark.parametrize(
    ("position", "location"),
    [
        ({"x": "left", "y": 0}, "elements[0].position.x"),
        ({"x": 1}, "elements[0].position.y"),
        ({"x": True, "y": 0}, "elements[0].position.x"),
        ({"x": 1, "y": None}, "elements[0].position.y"),
        ({"x": 1, "y": 2, "z": 3}, "elements[0].position.z"),
        ("here", "elements[0].position"),
        ([1, 2], "elements[0].position"),
        ({"x": float("inf"), "y": 0}, "elements[0].position.x"),
    ],
)
def test_a_bad_position_gets_the_problems_the_full_load_reports(position, location):
    document = moved(lambda d: elements(d)["api"].update(position=position))
    with pytest.raises(ModelError) as fast:
        relayout(STORED, document)
    with pytest.raises(ModelError) as slow:
        load(document)
    assert [p.to_dict() for p in fast.value.problems] == [p.to_dict() for p in slow.value.problems]
    assert location in [p.location for p in fast.value.problems]


def test_problems_in_several_items_come_in_document_order():
    def change(d):
        boundaries(d)["vpc"].update(size={"width": 0, "height": "tall"})
        elements(d)["queue"].update(position={"x": "a", "y": "b"})
        elements(d)["api"].update(position={})

    document = moved(change)
    with pytest.raises(ModelError) as fast:
        relayout(STORED, document)
    with pytest.raises(ModelError) as slow:
        load(document)
    assert [p.to_dict() for p in fast.value.problems] == [p.to_dict() for p in slow.value.problems]
    assert len(fast.value.problems) == 6


@pytest.mark.parametrize(
    "change",
    [
        pytest.param(lambda d: elements(d)["api"].update(name="API"), id="a-name"),
        pytest.param(lambda d: elements(d)["api"].update(boundary="cloud"), id="membership"),
        pytest.param(lambda d: d["flows"][0].update(protocol="http"), id="a-flow"),
        pytest.param(lambda d: d.update(name="Other"), id="the-system"),
        pytest.param(lambda d: elements(d)["queue"].update(out_of_scope=1), id="one-for-true"),
        pytest.param(
            lambda d: elements(d)["api"].update(size={"width": 1, "height": 1}), id="size"
        ),
        pytest.param(lambda d: d["flows"][0].update(position={"x": 1, "y": 1}), id="flow-position"),
        pytest.param(lambda d: d["elements"].reverse(), id="order"),
        pytest.param(lambda d: d["elements"].pop(), id="removed"),
        pytest.param(lambda d: d.update(elements=tuple(d["elements"])), id="a-tuple"),
        pytest.param(lambda d: elements(d)["db"].update(technology=""), id="a-default"),
    ],
)
def test_any_other_change_is_left_to_the_full_load(change):
    document = moved(change)
    elements(document)["api"]["position"] = {"x": 50, "y": 50}
    assert relayout(STORED, document) is None


@pytest.mark.parametrize("position", [{"x": 1, "y": 2, "\ud800": 3}, {"x": "\udfff", "y": 0}])
def test_a_lone_surrogate_is_left_to_the_full_load(position):
    document = moved(lambda d: elements(d)["api"].update(position=position))
    assert relayout(STORED, document) is None
    with pytest.raises(ModelError, match="surrogate"):
        load(document)


def test_a_layout_nested_too_deep_is_left_to_the_full_load():
    deep: list = []
    for _ in range(40):
        deep = [deep]
    document = moved(lambda d: elements(d)["api"].update(position={"x": deep, "y": 0}))
    assert relayout(STORED, document) is None
    with pytest.raises(ModelError, match="nested deeper"):
        load(document)


def test_an_unchanged_document_comes_back_equal():
    assert same_bytes(relayout(STORED, copy.deepcopy(STORED)), STORED)


@settings(max_examples=60, suppress_health_check=[HealthCheck.too_slow], deadline=None)
@given(
    document=documents(),
    moves=st.lists(
        st.tuples(
            st.integers(0, 20),
            st.one_of(
                st.none(),
                st.fixed_dictionaries(
                    {"x": st.integers(-5000, 5000) | st.floats(-1e6, 1e6), "y": st.integers()}
                ),
            ),
        ),
        max_size=6,
    ),
    size=st.one_of(
        st.none(),
        st.fixed_dictionaries(
            {"width": st.integers(1, 900) | st.just(64.0), "height": st.integers(1, 900)}
        ),
    ),
)
def test_any_move_of_any_model_matches_the_full_load(document, moves, size):
    stored = full(document)
    posted = copy.deepcopy(stored)
    for index, position in moves:
        item = posted["elements"][index % len(posted["elements"])]
        item["position"] = position
    posted["boundaries"][0]["size"] = size
    relaid = relayout(stored, posted)
    assert relaid is not None
    assert same_bytes(relaid, full(posted))
