"""Document patches, move detection and one-line summaries (reviews.history)."""

from __future__ import annotations

import json

from reviews.history import apply_patch, diff_documents, is_move_only, make_patch, summarize
from tests.conftest import sample_document


def test_a_patch_turns_the_old_document_into_the_new_one():
    old = sample_document()
    new = sample_document(name="Shop 2")
    new["elements"][1]["encryption"] = "none"
    new["flows"].append({"id": "audit", "from": "api", "to": "browser", "protocol": "https"})
    del new["keys"]
    assert apply_patch(old, make_patch(old, new)) == new
    assert apply_patch(new, make_patch(new, old)) == old


def test_applying_a_patch_leaves_the_original_untouched():
    old = sample_document()
    new = sample_document(name="Other")
    before = json.dumps(old)
    apply_patch(old, make_patch(old, new))
    assert json.dumps(old) == before


def test_equal_documents_need_no_patch():
    assert make_patch(sample_document(), sample_document()) is None
    assert apply_patch(sample_document(), None) == sample_document()


def test_moving_one_element_stores_only_its_position():
    old = sample_document()
    new = sample_document()
    new["elements"][1]["position"] = {"x": 10, "y": 20}
    patch = make_patch(old, new)
    assert len(json.dumps(patch)) < 120
    assert "Orders API" not in json.dumps(patch)


def test_reordering_items_is_kept():
    old = sample_document()
    new = sample_document()
    new["elements"].reverse()
    assert apply_patch(old, make_patch(old, new)) == new


def test_position_only_changes_are_moves():
    old = sample_document()
    moved = sample_document()
    moved["elements"][0]["position"] = {"x": 1, "y": 2}
    assert is_move_only(old, moved)
    moved["elements"][0]["name"] = "Browser"
    assert not is_move_only(old, moved)
    assert not is_move_only(old, old)


def test_the_summary_names_an_added_flow_with_its_ends():
    old = sample_document()
    new = sample_document()
    new["flows"].append({"id": "refunds", "from": "api", "to": "orders-db", "protocol": "tls"})
    assert summarize(old, new) == "added flow refunds (api → orders-db)"


def test_the_summary_names_changed_fields_and_renames():
    old = sample_document()
    new = sample_document(name="Shop")
    new["elements"][2]["encryption"] = "tde"
    assert summarize(old, new) == "changed element orders-db (encryption); renamed system to Shop"


def test_the_summary_of_a_new_system_says_it_was_created():
    assert summarize(None, sample_document()) == "created Web shop"


def test_the_diff_lists_added_removed_changed_and_moved_items():
    old = sample_document()
    new = sample_document()
    new["keys"] = [{"id": "new-key", "type": "dek"}]
    new["elements"][0]["position"] = {"x": 5, "y": 5}
    new["flows"][1]["protocol"] = "postgres-tls"
    diff = diff_documents(old, new)
    sections = {s.section: s for s in diff.sections}
    assert [k["id"] for k in sections["keys"].added] == ["new-key"]
    assert [k["id"] for k in sections["keys"].removed] == ["orders-kek"]
    assert [(a["id"], fields) for a, _b, fields in sections["flows"].changed] == [
        ("orders", ["protocol"])
    ]
    assert sections["elements"].moved == ["browser"]
    assert not diff_documents(old, old)
