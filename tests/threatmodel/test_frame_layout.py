"""A boundary's frame (`position`, `size`) is layout: kept everywhere, read by no rule."""

from __future__ import annotations

import copy

import pytest

import threatmodel
from reviews.history import diff_documents, is_move_only
from tests.conftest import sample_document
from threatmodel.document import to_document
from threatmodel.merge import merge
from threatmodel.schema import LAYOUT_FIELDS

FRAME = {"position": {"x": 400, "y": 150}, "size": {"width": 520, "height": 300}}


def _framed() -> dict:
    document = sample_document()
    document["boundaries"][1].update(copy.deepcopy(FRAME))
    return document


def test_layout_fields_are_declared_by_the_schema():
    assert {"position", "size"} == LAYOUT_FIELDS


def test_a_boundarys_frame_is_loaded_and_written_back():
    system = threatmodel.load(_framed())
    vpc = next(b for b in system.boundaries if b.id == "vpc")
    assert (vpc.size.width, vpc.size.height) == (520, 300)
    written = next(b for b in to_document(system)["boundaries"] if b["id"] == "vpc")
    assert {k: written[k] for k in FRAME} == FRAME


@pytest.mark.parametrize(
    ("size", "message"),
    [
        ({"width": 0, "height": 10}, "boundaries[1].size.width: must be 1 or more, got 0"),
        ({"width": 10}, "boundaries[1].size.height: missing required field 'height'"),
    ],
)
def test_a_bad_frame_size_is_refused_saying_where(size, message):
    document = sample_document()
    document["boundaries"][1]["size"] = size
    with pytest.raises(threatmodel.ModelError) as error:
        threatmodel.load(document)
    assert message in str(error.value)


def test_rules_never_read_the_frame():
    plain = threatmodel.analyze(threatmodel.load(sample_document()))
    framed = threatmodel.analyze(threatmodel.load(_framed()))
    assert [f.fingerprint for f in framed.findings] == [f.fingerprint for f in plain.findings]


def test_a_reimport_keeps_the_architects_frame():
    base = sample_document()
    incoming = copy.deepcopy(base)
    incoming["boundaries"][1]["size"] = {"width": 50, "height": 50}
    result = merge(_framed(), incoming, base)
    vpc = next(b for b in result.document["boundaries"] if b["id"] == "vpc")
    assert vpc["size"] == FRAME["size"]


def test_resizing_a_frame_is_a_move_in_the_history():
    resized = _framed()
    resized["boundaries"][1]["size"] = {"width": 700, "height": 300}
    assert is_move_only(_framed(), resized)
    boundaries = next(
        s for s in diff_documents(_framed(), resized).sections if s.section == "boundaries"
    )
    assert (boundaries.moved, boundaries.changed) == (["vpc"], [])
