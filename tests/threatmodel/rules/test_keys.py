"""Keys: shared-key, key-in-app-config, master-key-outside-kms, unwrapped-data-key,
key-not-rotated, compromised-key."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pytest

from tests.threatmodel.factory import TODAY, document, fired, only
from threatmodel import analyze, load

today = date.fromisoformat(TODAY)


def days_ago(days: int) -> str:
    return (today - timedelta(days=days)).isoformat()


def key(id: str = "k", type: str = "dek", **fields: Any) -> dict[str, Any]:
    """A key that breaks no rule unless the test says so: in a KMS, rotated on time."""
    return {
        "id": id,
        "type": type,
        "custody": "kms",
        "rotation_days": 90,
        "last_rotated": days_ago(10),
        **fields,
    }


def store(
    id: str, key_id: str | None = None, data: str = "orders", boundary: str = "prod-data"
) -> dict[str, Any]:
    element = {"id": id, "kind": "database", "boundary": boundary, "stores": [data]}
    if key_id:
        element.update(encryption="sse-kms", key=key_id)
    else:
        element["encryption"] = "disk"
    return element


def service(id: str, *keys: str, boundary: str = "prod") -> dict[str, Any]:
    return {"id": id, "kind": "service", "boundary": boundary, "uses_keys": list(keys)}


def stores_with(key_id: str, count: int, data: str = "orders") -> list[dict[str, Any]]:
    return [store(f"db{n}", key_id, data) for n in range(1, count + 1)]


# -- shared-key -----------------------------------------------------------------------


def test_it_fires_on_a_key_that_encrypts_two_stores() -> None:
    doc = document(keys=[key()], elements=stores_with("k", 2))
    finding = only(doc, "shared-key")
    assert finding.subject == ("k",)
    assert finding.target == "k"
    assert finding.severity == "medium"
    assert finding.steps == "medium"
    assert finding.blast_radius == 2
    assert "directly encrypts 2 stores (db1, db2)" in finding.evidence


def test_it_stays_silent_on_a_key_that_encrypts_one_store() -> None:
    doc = document(keys=[key()], elements=stores_with("k", 1))
    assert fired(doc, "shared-key") == []


def test_it_fires_on_a_key_held_by_two_services() -> None:
    doc = document(keys=[key()], elements=[service("svc1", "k"), service("svc2", "k")])
    finding = only(doc, "shared-key")
    assert finding.subject == ("k",)
    assert "is held by 2 services (svc1, svc2)" in finding.evidence
    assert finding.steps == "medium"


def test_it_stays_silent_on_a_key_held_by_one_service() -> None:
    doc = document(keys=[key()], elements=[service("svc1", "k")])
    assert fired(doc, "shared-key") == []


def test_a_service_and_the_store_it_encrypts_are_not_sharing() -> None:
    doc = document(keys=[key()], elements=[service("svc", "k"), store("db", "k")])
    assert fired(doc, "shared-key") == []


def test_a_kek_wrapping_several_data_keys_is_not_sharing() -> None:
    doc = document(
        keys=[key("kek", "kek", wraps=["dek1", "dek2"]), key("dek1"), key("dek2")],
        elements=[store("db1", "dek1"), store("db2", "dek2")],
    )
    assert fired(doc, "shared-key") == []


def test_a_backup_and_its_own_source_are_not_sharing() -> None:
    backup = {
        "id": "db-backup",
        "kind": "backup",
        "backup_of": "db",
        "boundary": "backup-account",
        "encryption": "sse-kms",
        "key": "k",
    }
    doc = document(keys=[key()], elements=[store("db", "k"), backup])
    assert fired(doc, "shared-key") == []


def test_a_backup_of_another_store_is_sharing() -> None:
    backup = {
        "id": "other-backup",
        "kind": "backup",
        "backup_of": "other",
        "boundary": "prod-data",
        "encryption": "sse-kms",
        "key": "k",
    }
    doc = document(keys=[key()], elements=[store("db", "k"), store("other"), backup])
    finding = only(doc, "shared-key")
    assert "directly encrypts 2 stores (db, other)" in finding.evidence


def test_it_steps_up_when_the_stores_hold_different_data_classes() -> None:
    doc = document(keys=[key()], elements=[store("db1", "k"), store("db2", "k", "telemetry")])
    finding = only(doc, "shared-key")
    assert finding.severity == "high"
    assert finding.steps == "medium, +1 shared across data classes -> high"
    assert "the stores hold different data classes" in finding.evidence


def test_it_steps_up_when_the_services_sit_in_different_environments() -> None:
    doc = document(
        keys=[key()],
        elements=[service("svc1", "k"), service("svc2", "k", boundary="staging")],
    )
    finding = only(doc, "shared-key")
    assert finding.steps == "medium, +1 shared across environments -> high"
    assert "different environments (non-prod, prod)" in finding.evidence


def test_an_unstated_environment_counts_as_a_different_boundary_only() -> None:
    doc = document(
        boundaries=[{"id": "prod", "env": "prod"}, {"id": "lab"}],
        keys=[key()],
        elements=[service("svc1", "k"), service("svc2", "k", boundary="lab")],
    )
    finding = only(doc, "shared-key")
    assert finding.steps == "medium, +1 shared across boundaries -> high"
    assert "different boundaries (lab, prod)" in finding.evidence


def test_it_steps_up_when_the_stores_sit_in_different_boundaries() -> None:
    doc = document(keys=[key()], elements=[store("db1", "k"), store("db2", "k", boundary="prod")])
    finding = only(doc, "shared-key")
    assert finding.steps == "medium, +1 shared across boundaries -> high"


def test_a_service_outside_the_boundary_of_its_store_is_no_spread() -> None:
    doc = document(
        keys=[key()],
        elements=[service("svc1", "k"), service("svc2", "k"), store("db", "k")],
    )
    assert only(doc, "shared-key").steps == "medium"


def test_it_steps_up_only_once_for_several_reasons() -> None:
    doc = document(
        keys=[key()],
        elements=[store("db1", "k"), store("db2", "k", "telemetry", boundary="staging")],
    )
    finding = only(doc, "shared-key")
    assert finding.severity == "high"
    assert finding.steps == "medium, +1 shared across data classes and environments -> high"


def test_it_steps_up_for_regulated_data() -> None:
    doc = document(keys=[key()], elements=stores_with("k", 2, "card"))
    finding = only(doc, "shared-key")
    assert finding.steps == "medium, +1 PAN data -> high"


def test_it_steps_down_for_internal_data() -> None:
    doc = document(keys=[key()], elements=stores_with("k", 2, "telemetry"))
    finding = only(doc, "shared-key")
    assert finding.severity == "low"
    assert finding.steps == "medium, -1 only internal data -> low"


def test_it_steps_up_at_the_blast_radius_threshold() -> None:
    doc = document(policy={"blast_radius": 3}, keys=[key()], elements=stores_with("k", 3))
    finding = only(doc, "shared-key")
    assert finding.blast_radius == 3
    assert finding.steps == "medium, +1 blast radius 3 >= 3 -> high"


def test_the_evidence_names_the_first_five_stores() -> None:
    doc = document(keys=[key()], elements=stores_with("k", 7))
    evidence = only(doc, "shared-key").evidence
    assert "directly encrypts 7 stores (db1, db2, db3, db4, db5 and 2 more)" in evidence
    assert "It protects 7 stores: db1, db2, db3, db4, db5 and 2 more." in evidence


def test_it_takes_no_blast_step_below_the_threshold() -> None:
    doc = document(policy={"blast_radius": 3}, keys=[key()], elements=stores_with("k", 2))
    assert only(doc, "shared-key").steps == "medium"


# -- key-in-app-config ----------------------------------------------------------------


@pytest.mark.parametrize("custody", ["env-var", "config-file", "container-image"])
def test_it_fires_on_a_key_in_application_config(custody: str) -> None:
    doc = document(keys=[key(custody=custody)])
    finding = only(doc, "key-in-app-config")
    assert finding.subject == ("k",)
    assert finding.target == "k"
    assert finding.severity == "high"
    assert finding.steps == "high"
    assert f"kept in {custody}" in finding.evidence


@pytest.mark.parametrize("custody", ["hsm", "kms", "vault", "secrets-manager", "app-memory"])
def test_it_stays_silent_on_a_key_outside_application_config(custody: str) -> None:
    doc = document(keys=[key(custody=custody)])
    assert fired(doc, "key-in-app-config") == []


def test_it_stays_silent_on_a_key_without_a_stated_custody() -> None:
    doc = document(keys=[{"id": "k", "type": "dek", "rotation_days": 90}])
    assert fired(doc, "key-in-app-config") == []


def test_a_key_in_source_code_is_critical() -> None:
    doc = document(keys=[key(custody="source-code")])
    finding = only(doc, "key-in-app-config")
    assert finding.severity == "critical"
    assert finding.steps == "critical (in source code)"


def test_a_kek_in_application_config_is_critical() -> None:
    doc = document(keys=[key("kek", "kek", custody="config-file")])
    finding = only(doc, "key-in-app-config")
    assert finding.severity == "critical"
    assert finding.steps == "critical (a key-encryption key)"


def test_it_never_drops_below_high_for_internal_data() -> None:
    doc = document(keys=[key(custody="env-var")], elements=[store("db", "k", "telemetry")])
    finding = only(doc, "key-in-app-config")
    assert finding.severity == "high"
    assert finding.steps == "high, -1 only internal data -> high (floor high)"


def test_a_key_in_app_config_steps_up_for_regulated_data() -> None:
    doc = document(keys=[key(custody="env-var")], elements=[store("db", "k", "health")])
    finding = only(doc, "key-in-app-config")
    assert finding.severity == "critical"
    assert finding.steps == "high, +1 PHI data -> critical"


def test_a_key_in_app_config_steps_up_for_its_blast_radius() -> None:
    doc = document(
        policy={"blast_radius": 2},
        keys=[key(custody="env-var")],
        elements=stores_with("k", 2),
    )
    finding = only(doc, "key-in-app-config")
    assert finding.steps == "high, +1 blast radius 2 >= 2 -> critical"
    assert finding.blast_radius == 2


# -- master-key-outside-kms -----------------------------------------------------------


@pytest.mark.parametrize("custody", ["secrets-manager", "app-memory", "env-var"])
def test_it_fires_on_a_kek_outside_a_key_service(custody: str) -> None:
    doc = document(keys=[key("kek", "kek", custody=custody)])
    finding = only(doc, "master-key-outside-kms")
    assert finding.subject == ("kek",)
    assert finding.target == "kek"
    assert finding.severity == "high"
    assert f"is kept in {custody}" in finding.evidence


@pytest.mark.parametrize("custody", ["hsm", "kms", "vault"])
def test_it_stays_silent_on_a_kek_in_a_key_service(custody: str) -> None:
    doc = document(keys=[key("kek", "kek", custody=custody)])
    assert fired(doc, "master-key-outside-kms") == []


def test_it_leaves_an_unstated_kek_custody_to_model_hygiene() -> None:
    doc = document(keys=[{"id": "kek", "type": "kek", "rotation_days": 90}])
    assert fired(doc, "master-key-outside-kms") == []


def test_it_fires_on_a_service_holding_a_kek() -> None:
    doc = document(keys=[key("kek", "kek")], elements=[service("orders", "kek")])
    finding = only(doc, "master-key-outside-kms")
    assert "orders holds key-encryption key kek in memory" in finding.evidence


def test_it_stays_silent_on_a_data_key_outside_a_key_service() -> None:
    doc = document(keys=[key(custody="secrets-manager")], elements=[service("orders", "k")])
    assert fired(doc, "master-key-outside-kms") == []


def test_a_master_key_steps_down_for_internal_data() -> None:
    doc = document(
        keys=[key("kek", "kek", custody="app-memory", wraps=["k"]), key()],
        elements=[store("db", "k", "telemetry")],
    )
    finding = only(doc, "master-key-outside-kms")
    assert finding.steps == "high, -1 only internal data -> medium"


def test_a_master_key_steps_up_for_what_its_data_keys_protect() -> None:
    doc = document(
        policy={"blast_radius": 2},
        keys=[key("kek", "kek", custody="app-memory", wraps=["k1", "k2"]), key("k1"), key("k2")],
        elements=[store("db1", "k1", "card"), store("db2", "k2")],
    )
    finding = only(doc, "master-key-outside-kms")
    assert finding.blast_radius == 2
    assert finding.steps == "high, +1 PAN data, +1 blast radius 2 >= 2 -> critical"


# -- unwrapped-data-key ---------------------------------------------------------------


@pytest.mark.parametrize("custody", ["vault", "secrets-manager", "app-memory", "config-file"])
def test_it_fires_on_an_unwrapped_data_key_outside_kms(custody: str) -> None:
    doc = document(keys=[key(custody=custody)])
    finding = only(doc, "unwrapped-data-key")
    assert finding.subject == ("k",)
    assert finding.target == "k"
    assert finding.severity == "medium"
    assert finding.steps == "medium"


@pytest.mark.parametrize("custody", ["hsm", "kms"])
def test_it_stays_silent_on_a_data_key_in_kms(custody: str) -> None:
    doc = document(keys=[key(custody=custody)])
    assert fired(doc, "unwrapped-data-key") == []


def test_it_stays_silent_on_a_wrapped_data_key() -> None:
    doc = document(keys=[key("kek", "kek", wraps=["k"]), key(custody="vault")])
    assert fired(doc, "unwrapped-data-key") == []


def test_it_stays_silent_on_other_key_types() -> None:
    doc = document(keys=[key("sign", "signing", custody="vault")])
    assert fired(doc, "unwrapped-data-key") == []


def test_it_leaves_an_unstated_data_key_custody_to_model_hygiene() -> None:
    doc = document(keys=[{"id": "k", "type": "dek", "rotation_days": 90}])
    assert fired(doc, "unwrapped-data-key") == []


def test_an_unwrapped_data_key_steps_up_for_regulated_data() -> None:
    doc = document(keys=[key(custody="vault")], elements=[store("db", "k", "card")])
    assert only(doc, "unwrapped-data-key").steps == "medium, +1 PAN data -> high"


def test_an_unwrapped_data_key_steps_down_for_public_data() -> None:
    doc = document(keys=[key(custody="vault")], elements=[store("db", "k", "public-docs")])
    finding = only(doc, "unwrapped-data-key")
    assert finding.severity == "low"
    assert finding.steps == "medium, -1 only public data -> low"


# -- key-not-rotated ------------------------------------------------------------------


def test_it_fires_on_a_key_without_rotation() -> None:
    doc = document(keys=[{"id": "k", "type": "dek", "custody": "kms"}])
    finding = only(doc, "key-not-rotated")
    assert finding.subject == ("k",)
    assert finding.target == "k"
    assert finding.severity == "medium"
    assert "no rotation_days" in finding.evidence


def test_it_stays_silent_on_rotation_at_policy() -> None:
    doc = document(keys=[key(rotation_days=90)])
    assert fired(doc, "key-not-rotated") == []


def test_it_fires_on_rotation_one_day_over_policy() -> None:
    doc = document(keys=[key(rotation_days=91)])
    assert "rotation 91 d > policy 90 d" in only(doc, "key-not-rotated").evidence


def test_it_reads_the_rotation_period_from_policy() -> None:
    doc = document(policy={"key_rotation_days": 365}, keys=[key(rotation_days=400)])
    assert "rotation 400 d > policy 365 d" in only(doc, "key-not-rotated").evidence
    doc = document(policy={"key_rotation_days": 365}, keys=[key(rotation_days=365)])
    assert fired(doc, "key-not-rotated") == []


def test_it_stays_silent_on_a_last_rotation_exactly_at_policy_age() -> None:
    doc = document(keys=[key(last_rotated=days_ago(90))])
    assert fired(doc, "key-not-rotated") == []


def test_it_fires_on_a_last_rotation_one_day_older_than_policy() -> None:
    doc = document(keys=[key(last_rotated=days_ago(91))])
    finding = only(doc, "key-not-rotated")
    assert f"last rotated {days_ago(91)}, 91 d ago > 90 d" in finding.evidence


def test_it_measures_age_against_the_shorter_of_the_key_period_and_policy() -> None:
    doc = document(keys=[key(rotation_days=30, last_rotated=days_ago(31))])
    assert "31 d ago > 30 d" in only(doc, "key-not-rotated").evidence
    doc = document(keys=[key(rotation_days=30, last_rotated=days_ago(30))])
    assert fired(doc, "key-not-rotated") == []


def test_it_lists_every_rotation_problem_in_one_finding() -> None:
    doc = document(keys=[key(rotation_days=400, last_rotated=days_ago(120))])
    finding = only(doc, "key-not-rotated")
    assert "rotation 400 d > policy 90 d; last rotated" in finding.evidence


def test_an_unrotated_key_steps_up_for_regulated_data_and_blast_radius() -> None:
    doc = document(
        policy={"blast_radius": 2},
        keys=[key(rotation_days=365)],
        elements=stores_with("k", 2, "passwords"),
    )
    finding = only(doc, "key-not-rotated")
    assert finding.severity == "critical"
    assert finding.steps == "medium, +1 credentials data, +1 blast radius 2 >= 2 -> critical"


def test_an_unrotated_key_steps_down_for_internal_data() -> None:
    doc = document(keys=[key(rotation_days=365)], elements=[store("db", "k", "telemetry")])
    assert only(doc, "key-not-rotated").steps == "medium, -1 only internal data -> low"


# -- compromised-key ------------------------------------------------------------------


def test_it_fires_on_a_compromised_key_never_rotated() -> None:
    doc = document(
        keys=[{"id": "k", "type": "dek", "custody": "kms", "compromised_on": days_ago(5)}]
    )
    finding = only(doc, "compromised-key")
    assert finding.subject == ("k",)
    assert finding.target == "k"
    assert finding.severity == "critical"
    assert finding.steps == "critical"
    assert f"exposed on {days_ago(5)} (5 d ago)" in finding.evidence


def test_it_fires_when_the_last_rotation_is_the_day_of_the_compromise() -> None:
    doc = document(keys=[key(last_rotated=days_ago(5), compromised_on=days_ago(5))])
    assert fired(doc, "compromised-key") == [("k",)]


def test_it_stays_silent_once_the_key_was_rotated_after_the_compromise() -> None:
    doc = document(keys=[key(last_rotated=days_ago(4), compromised_on=days_ago(5))])
    assert fired(doc, "compromised-key") == []


def test_it_stays_silent_on_a_key_never_compromised() -> None:
    doc = document(keys=[key()])
    assert fired(doc, "compromised-key") == []


def test_a_compromised_key_stays_at_least_high_for_internal_data() -> None:
    doc = document(
        keys=[key(last_rotated=days_ago(20), compromised_on=days_ago(5))],
        elements=[store("db", "k", "telemetry")],
    )
    finding = only(doc, "compromised-key")
    assert finding.severity == "high"
    assert finding.steps == "critical, -1 only internal data -> high"


def test_a_compromised_key_prints_its_blast_radius() -> None:
    doc = document(
        policy={"blast_radius": 2},
        keys=[key(compromised_on=days_ago(1), last_rotated=days_ago(3))],
        elements=stores_with("k", 2),
    )
    finding = only(doc, "compromised-key")
    assert finding.steps == "critical, +1 blast radius 2 >= 2 -> critical"
    assert finding.blast_radius == 2


# -- the plan -------------------------------------------------------------------------


def test_rotation_findings_on_one_key_share_one_plan_item() -> None:
    doc = document(keys=[key(rotation_days=365, compromised_on=days_ago(5))])
    rotate = only(doc, "key-not-rotated")
    compromised = only(doc, "compromised-key")
    assert rotate.plan_item == compromised.plan_item
    plan = {p.id: p for p in analyze(load(doc)).plan}
    assert plan[rotate.plan_item].title == "Rotate key k"


def test_custody_findings_on_one_key_share_one_plan_item() -> None:
    doc = document(keys=[key("kek", "kek", custody="env-var")])
    in_config = only(doc, "key-in-app-config")
    outside = only(doc, "master-key-outside-kms")
    assert in_config.plan_item == outside.plan_item
    plan = {p.id: p for p in analyze(load(doc)).plan}
    assert plan[in_config.plan_item].title == "Move key kek into a KMS or HSM"


def test_one_key_gets_separate_items_to_rotate_it_and_to_move_it() -> None:
    doc = document(keys=[key(custody="vault", rotation_days=365)])
    assert only(doc, "key-not-rotated").plan_item != only(doc, "unwrapped-data-key").plan_item


def test_a_key_finding_uses_the_key_label() -> None:
    doc = document(keys=[key(name="Orders data key", custody="env-var")])
    finding = only(doc, "key-in-app-config")
    assert finding.title.endswith("Orders data key")
    assert "Key Orders data key (dek) is kept in env-var" in finding.evidence


# -- services that keep data ----------------------------------------------------------


def test_a_service_that_keeps_data_counts_in_its_keys_blast_radius() -> None:
    erp = {
        "id": "erp",
        "kind": "service",
        "boundary": "prod",
        "stores": ["card"],
        "encryption": "sse-kms",
        "key": "k",
    }
    doc = document(keys=[key(custody="env-var")], elements=[store("db1", "k"), erp])
    finding = only(doc, "key-in-app-config")
    assert finding.blast_radius == 2
    assert "It protects 2 stores: db1, erp." in finding.evidence
    assert "+1 PAN data" in finding.steps


def test_a_service_that_keeps_data_and_its_store_share_a_key() -> None:
    erp = {"id": "erp", "kind": "service", "boundary": "prod", "stores": ["orders"]}
    erp.update(encryption="sse-kms", key="k")
    doc = document(keys=[key()], elements=[store("db1", "k"), erp])
    assert fired(doc, "shared-key") == [("k",)]
