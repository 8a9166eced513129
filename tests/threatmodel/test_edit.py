"""Document edits (threatmodel/edit.py) against the shared vectors that the editor's
JavaScript runs too (tests/js/editor-ops.test.mjs)."""

from __future__ import annotations

import copy
import json
from pathlib import Path

import pytest

from threatmodel import edit, load, schema

VECTORS = json.loads((Path(__file__).parents[1] / "vectors" / "edit.json").read_text())
CASES = VECTORS["cases"]


def test_the_vectors_hold_the_declared_id_length_and_references():
    assert VECTORS["max_id_length"] == schema.MAX_ID_LENGTH
    expected = {s: [list(r) for r in edit.references(s)] for s in schema.SECTION_NAMES}
    assert VECTORS["references"] == expected


def test_references_follow_the_declaration():
    assert ("flows", "from") in edit.references("elements")
    assert ("keys", "held_by") in edit.references("elements")
    assert edit.references("flows") == []


def _run(case: dict):
    args, doc = case["args"], copy.deepcopy(case.get("doc"))
    op = case["op"]
    if op == "unique_id":
        return edit.unique_id(args["base"], args["taken"]), doc
    if op == "add_element":
        kwargs = {k: args[k] for k in ("boundary", "position") if k in args}
        return edit.add_element(doc, args["kind"], **kwargs), doc
    if op == "add_boundary":
        return edit.add_boundary(doc, args["kind"], parent=args.get("parent")), doc
    if op == "add_flow":
        return edit.add_flow(doc, args["from"], args["to"]), doc
    if op == "rename":
        return edit.rename(doc, args["section"], args["old"], args["new"]), doc
    if op == "move_element":
        return edit.move_element(doc, args["element"], args["boundary"]), doc
    if op == "move_boundary":
        return edit.move_boundary(doc, args["boundary"], args["parent"]), doc
    if op == "group":
        sides = {k: args.get(k, ()) for k in ("elements", "boundaries")}
        return edit.group_in_boundary(doc, args["kind"], **sides, frame=args.get("frame")), doc
    if op == "delete":
        done = edit.delete(doc, args["items"])
        return {**done.to_dict(), "question": done.question(args["items"])}, doc
    raise AssertionError(f"unknown op {op}")


@pytest.mark.parametrize("case", CASES, ids=[c["name"] for c in CASES])
def test_vector(case):
    if "error" in case:
        with pytest.raises(ValueError) as raised:
            _run(case)
        assert str(raised.value) == case["error"]
        return
    result, doc = _run(case)
    assert result == case.get("result")
    assert doc == case.get("doc_after")


@pytest.mark.parametrize("case", [c for c in CASES if "doc_after" in c], ids=lambda c: c["name"])
def test_every_edit_leaves_a_document_that_loads(case):
    load(case["doc"])
    load(case["doc_after"])


def test_every_made_id_follows_the_id_rule():
    for case in CASES:
        result = case.get("result")
        if isinstance(result, str):
            assert schema.ID_RULE.match(result) and len(result) <= schema.MAX_ID_LENGTH


def test_a_thousand_flows_between_the_same_long_ids_stay_valid_and_distinct():
    source, target = "s" * 64, "t" * 64
    doc = {"elements": [{"id": source, "kind": "service"}, {"id": target, "kind": "service"}]}
    made = [edit.add_flow(doc, source, target) for _ in range(1000)]
    assert len(set(made)) == 1000
    assert max(len(i) for i in made) == schema.MAX_ID_LENGTH
    assert all(schema.ID_RULE.match(i) for i in made)
