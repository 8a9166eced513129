"""Re-import as a reviewed merge: hand edits survive, the import's facts update."""

from __future__ import annotations

import copy

import threatmodel
from tests.threatmodel.terraform_plans import R, plan
from threatmodel.formats.terraform import import_plan
from threatmodel.merge import merge


def _import(*resources: R) -> dict:
    return import_plan(plan(*resources), name="Shop").document


def _item(document: dict, section: str, item_id: str) -> dict:
    return next(i for i in document.get(section, ()) if i["id"] == item_id)


FIRST = (
    R(
        "aws_lambda_function",
        "api",
        {},
        {"environment": ["aws_s3_bucket.files", "aws_sqs_queue.jobs"]},
    ),
    R("aws_s3_bucket", "files", {"server_side_encryption_configuration": []}),
    R("aws_sqs_queue", "jobs", {"sqs_managed_sse_enabled": True}),
)
SECOND = (
    R(
        "aws_lambda_function",
        "api",
        {},
        {"environment": ["aws_s3_bucket.files", "aws_dynamodb_table.orders"]},
    ),
    R(
        "aws_s3_bucket",
        "files",
        {
            "server_side_encryption_configuration": [
                {
                    "rule": [
                        {"apply_server_side_encryption_by_default": [{"sse_algorithm": "AES256"}]}
                    ]
                }
            ]
        },
    ),
    R("aws_dynamodb_table", "orders", {}),
)


def _hand_edited(base: dict) -> dict:
    """What an architect does to an imported model."""
    document = copy.deepcopy(base)
    document["data"] = [{"id": "pii", "classification": "confidential", "tags": ["pii"]}]
    files = _item(document, "elements", "s3-files")
    files["stores"] = ["pii"]
    files["position"] = {"x": 120, "y": 40}
    files["description"] = "Customer uploads."
    files["name"] = "Uploads"
    document["elements"].append({"id": "browser", "kind": "client", "boundary": "aws"})
    document["flows"].append(
        {"id": "upload", "from": "browser", "to": "fn-api", "protocol": "https", "data": ["pii"]}
    )
    _item(document, "flows", "fn-api-to-s3-files")["data"] = ["pii"]
    return document


def test_a_reimport_keeps_every_hand_edit_and_applies_the_plans_changes():
    base = _import(*FIRST)
    current = _hand_edited(base)
    result = merge(current, _import(*SECOND), base)
    document = result.document
    threatmodel.load(document)
    files = _item(document, "elements", "s3-files")
    assert files["encryption"] == "sse-s3"  # the plan now encrypts it
    assert (files["stores"], files["position"], files["description"], files["name"]) == (
        ["pii"],
        {"x": 120, "y": 40},
        "Customer uploads.",
        "Uploads",
    )
    assert _item(document, "data", "pii")
    assert _item(document, "flows", "upload")["data"] == ["pii"]
    assert _item(document, "flows", "fn-api-to-s3-files")["data"] == ["pii"]
    assert _item(document, "elements", "browser")


def test_the_diff_says_what_the_plan_adds_removes_and_changes():
    base = _import(*FIRST)
    result = merge(_hand_edited(base), _import(*SECOND), base)
    assert sorted((s, i["id"]) for s, i in result.added) == [
        ("elements", "ddb-orders"),
        ("flows", "fn-api-to-ddb-orders"),
    ]
    assert sorted((s, i["id"]) for s, i in result.removed) == [
        ("elements", "sqs-jobs"),
        ("flows", "fn-api-to-sqs-jobs"),
    ]
    assert [(c.id, c.field, c.before, c.after) for c in result.security_changes] == [
        ("s3-files", "encryption", None, "sse-s3")
    ]
    assert [f["id"] for f in result.inferred_flows] == ["fn-api-to-ddb-orders"]
    assert {(s, i["id"]) for s, i in result.kept} == {
        ("data", "pii"),
        ("elements", "browser"),
        ("flows", "upload"),
    }
    # The plan's description of the bucket changed too; the architect's words stay.
    assert [(c.id, c.field, c.kept) for c in result.conflicts] == [
        ("s3-files", "description", "yours")
    ]
    assert result.summary() == "2 added, 2 removed, 1 changed"


def test_an_unchanged_plan_changes_nothing():
    base = _import(*FIRST)
    current = _hand_edited(base)
    result = merge(current, _import(*FIRST), base)
    assert not result
    assert result.document == current


def test_a_flow_the_architect_removed_stays_removed():
    base = _import(*FIRST)
    current = copy.deepcopy(base)
    current["flows"] = [f for f in current["flows"] if f["id"] != "fn-api-to-sqs-jobs"]
    result = merge(current, _import(*FIRST), base)
    assert [i["id"] for _s, i in result.stay_deleted] == ["fn-api-to-sqs-jobs"]
    assert "fn-api-to-sqs-jobs" not in {f["id"] for f in result.document["flows"]}


def test_both_changed_a_fact_the_plan_wins_and_it_is_listed_as_a_conflict():
    base = _import(*FIRST)
    current = copy.deepcopy(base)
    _item(current, "elements", "sqs-jobs")["encryption"] = "sse-kms"
    changed = (FIRST[0], FIRST[1], R("aws_sqs_queue", "jobs", {"sqs_managed_sse_enabled": False}))
    result = merge(current, _import(*changed), base)
    assert _item(result.document, "elements", "sqs-jobs")["encryption"] == "none"
    [conflict] = result.conflicts
    assert (conflict.id, conflict.field, conflict.yours, conflict.imported, conflict.kept) == (
        "sqs-jobs",
        "encryption",
        "sse-kms",
        "none",
        "imported",
    )


def test_a_fact_the_architect_stated_where_the_plan_was_silent_is_kept():
    base = _import(*FIRST)
    current = copy.deepcopy(base)
    _item(current, "elements", "s3-files")["encryption"] = "sse-kms"
    result = merge(current, _import(*FIRST), base)
    assert _item(result.document, "elements", "s3-files")["encryption"] == "sse-kms"


def test_removing_an_element_drops_hand_references_to_it_so_the_result_loads():
    base = _import(*FIRST)
    current = copy.deepcopy(base)
    current["flows"].append({"id": "drawn", "from": "sqs-jobs", "to": "fn-api"})
    result = merge(current, _import(*SECOND), base)
    threatmodel.load(result.document)
    assert "drawn" in {i["id"] for s, i in result.removed if s == "flows"}


def test_without_a_base_nothing_drawn_is_removed_and_hand_fields_stay():
    current = _hand_edited(_import(*FIRST))
    result = merge(current, _import(*SECOND), None)
    threatmodel.load(result.document)
    ids = {e["id"] for e in result.document["elements"]}
    assert {"sqs-jobs", "browser", "ddb-orders"} <= ids
    files = _item(result.document, "elements", "s3-files")
    assert (files["encryption"], files["stores"], files["name"]) == ("sse-s3", ["pii"], "Uploads")
    assert result.removed == []


def test_the_document_name_and_policy_are_the_architects():
    base = _import(*FIRST)
    current = copy.deepcopy(base)
    current["name"] = "Shop platform"
    current["policy"] = {"key_rotation_days": 30}
    result = merge(current, _import(*SECOND), base)
    assert (result.document["name"], result.document["policy"]) == (
        "Shop platform",
        {"key_rotation_days": 30},
    )


def test_the_fields_kept_over_the_import_are_listed():
    base = _import(*FIRST)
    result = merge(_hand_edited(base), _import(*SECOND), base)
    kept = {(c.id, c.field) for c in result.kept_fields}
    assert {("s3-files", "stores"), ("s3-files", "position"), ("s3-files", "name")} <= kept
    assert ("s3-files", "description") not in kept  # a conflict, listed there instead


def test_the_system_keeps_its_name_whatever_the_new_file_is_called():
    base = _import(*FIRST)
    incoming = dict(_import(*SECOND), name="plan-2026-12-01")
    assert merge(base, incoming, base).document["name"] == "Shop"
