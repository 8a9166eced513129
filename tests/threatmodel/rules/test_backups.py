"""Backups: unprotected-backup, backup-weaker-than-source, backup-shares-key,
backup-not-isolated."""

from __future__ import annotations

from typing import Any

from tests.threatmodel.factory import document, fired, only
from threatmodel import analyze, load


def source(data: str = "orders", **fields: Any) -> dict[str, Any]:
    fields.setdefault("encryption", "field")
    return {"id": "orders-db", "kind": "database", "boundary": "prod", "stores": [data], **fields}


def backup(**fields: Any) -> dict[str, Any]:
    fields.setdefault("boundary", "backup-account")
    return {"id": "orders-backup", "kind": "backup", "backup_of": "orders-db", **fields}


def system(src: dict[str, Any], bak: dict[str, Any], keys: list | None = None) -> dict:
    return document(elements=[src, bak], keys=keys or [])


def key(id: str, custody: str | None = "kms") -> dict[str, Any]:
    result = {"id": id, "type": "dek"}
    if custody:
        result["custody"] = custody
    return result


# -- unprotected-backup ----------------------------------------------------------------


class TestUnprotectedBackup:
    def test_it_fires_on_a_plaintext_backup(self):
        finding = only(system(source(), backup(encryption="none")), "unprotected-backup")
        assert finding.subject == ("orders-backup",)
        assert finding.target == "orders-backup"
        assert finding.severity == "high"
        assert finding.steps == "high"
        assert finding.effort == 1
        assert "the backup of orders-db" in finding.evidence
        assert "encryption none (strength 0)" in finding.evidence

    def test_it_assumes_none_when_encryption_is_unstated(self):
        finding = only(system(source(), backup()), "unprotected-backup")
        assert "no encryption stated (assumed none)" in finding.evidence

    def test_it_fires_on_internal_data_one_step_lower(self):
        doc = system(source("telemetry"), backup(encryption="none"))
        finding = only(doc, "unprotected-backup")
        assert finding.severity == "medium"
        assert finding.steps == "high, -1 only internal data -> medium"

    def test_it_stays_silent_on_public_data(self):
        doc = system(source("public-docs"), backup(encryption="none"))
        assert fired(doc, "unprotected-backup") == []

    def test_it_steps_up_for_regulated_data(self):
        doc = system(source("card"), backup(encryption="none"))
        finding = only(doc, "unprotected-backup")
        assert finding.severity == "critical"
        assert finding.steps == "high, +1 PAN data -> critical"

    def test_it_stays_silent_on_an_encrypted_backup(self):
        doc = system(source(), backup(encryption="platform"))
        assert fired(doc, "unprotected-backup") == []

    def test_it_stays_silent_when_the_source_holds_nothing(self):
        src = {"id": "orders-db", "kind": "database", "boundary": "prod", "encryption": "field"}
        src["stores"] = []
        assert fired(system(src, backup(encryption="none")), "unprotected-backup") == []

    def test_a_source_that_does_not_state_its_data_is_assumed_confidential(self):
        src = {"id": "orders-db", "kind": "database", "boundary": "prod", "encryption": "field"}
        finding = only(system(src, backup(encryption="none")), "unprotected-backup")
        assert finding.severity == "high"
        assert "stores unstated, data unstated, assumed confidential" in finding.evidence

    def test_a_backup_of_a_backup_holds_the_original_data(self):
        doc = document(
            elements=[
                source("health"),
                backup(encryption="field"),
                {
                    "id": "archive",
                    "kind": "backup",
                    "backup_of": "orders-backup",
                    "boundary": "backup-account",
                    "encryption": "none",
                },
            ]
        )
        assert only(doc, "unprotected-backup").steps == "high, +1 PHI data -> critical"


# -- backup-weaker-than-source ---------------------------------------------------------


class TestBackupWeakerThanSource:
    def test_it_fires_on_weaker_encryption(self):
        doc = system(source(), backup(encryption="platform"))
        finding = only(doc, "backup-weaker-than-source")
        assert finding.subject == ("orders-backup",)
        assert finding.target == "orders-backup"
        assert finding.severity == "medium"
        assert finding.steps == "medium"
        assert finding.effort == 2
        assert finding.path == ("orders-db", "orders-backup")
        assert "encryption platform (strength 1)" in finding.evidence
        assert "encryption field (strength 3)" in finding.evidence

    def test_it_fires_one_strength_below(self):
        doc = system(source(encryption="envelope"), backup(encryption="client-side"))
        assert fired(doc, "backup-weaker-than-source") == [("orders-backup",)]

    def test_it_stays_silent_at_the_same_strength(self):
        doc = system(source(encryption="field"), backup(encryption="client-side"))
        assert fired(doc, "backup-weaker-than-source") == []

    def test_it_stays_silent_on_a_stronger_backup(self):
        doc = system(source(encryption="tde"), backup(encryption="envelope"))
        assert fired(doc, "backup-weaker-than-source") == []

    def test_it_leaves_a_plaintext_backup_to_unprotected_backup(self):
        doc = system(source(), backup(encryption="none"))
        assert fired(doc, "backup-weaker-than-source") == []

    def test_it_fires_on_weaker_key_custody(self):
        doc = system(
            source(encryption="sse-kms", key="db-key"),
            backup(encryption="sse-kms", key="backup-key"),
            keys=[key("db-key", "kms"), key("backup-key", "env-var")],
        )
        finding = only(doc, "backup-weaker-than-source")
        assert "key backup-key in env-var" in finding.evidence
        assert "key db-key in kms" in finding.evidence

    def test_it_fires_one_custody_rank_weaker(self):
        doc = system(
            source(encryption="sse-kms", key="db-key"),
            backup(encryption="sse-kms", key="backup-key"),
            keys=[key("db-key", "kms"), key("backup-key", "vault")],
        )
        assert fired(doc, "backup-weaker-than-source") == [("orders-backup",)]

    def test_it_stays_silent_on_equal_custody(self):
        doc = system(
            source(encryption="sse-kms", key="db-key"),
            backup(encryption="sse-kms", key="backup-key"),
            keys=[key("db-key", "kms"), key("backup-key", "kms")],
        )
        assert fired(doc, "backup-weaker-than-source") == []

    def test_it_stays_silent_on_stronger_custody(self):
        doc = system(
            source(encryption="sse-kms", key="db-key"),
            backup(encryption="sse-kms", key="backup-key"),
            keys=[key("db-key", "vault"), key("backup-key", "hsm")],
        )
        assert fired(doc, "backup-weaker-than-source") == []

    def test_an_unstated_custody_ranks_weakest(self):
        doc = system(
            source(encryption="sse-kms", key="db-key"),
            backup(encryption="sse-kms", key="backup-key"),
            keys=[key("db-key", "source-code"), key("backup-key", None)],
        )
        finding = only(doc, "backup-weaker-than-source")
        assert "unstated custody" in finding.evidence

    def test_custody_is_compared_only_when_both_have_keys(self):
        doc = system(
            source(encryption="sse-kms"),
            backup(encryption="sse-kms", key="backup-key"),
            keys=[key("backup-key", "config-file")],
        )
        assert fired(doc, "backup-weaker-than-source") == []

    def test_it_names_both_weaknesses_in_one_finding(self):
        doc = system(
            source(encryption="envelope", key="db-key"),
            backup(encryption="sse-kms", key="backup-key"),
            keys=[key("db-key", "hsm"), key("backup-key", "kms")],
        )
        finding = only(doc, "backup-weaker-than-source")
        assert "strength 2" in finding.evidence
        assert "weaker custody" in finding.evidence

    def test_it_steps_with_the_sources_sensitivity(self):
        doc = system(source("card"), backup(encryption="sse-kms"))
        assert only(doc, "backup-weaker-than-source").steps == "medium, +1 PAN data -> high"
        doc = system(source("telemetry"), backup(encryption="sse-kms"))
        assert only(doc, "backup-weaker-than-source").steps == (
            "medium, -1 only internal data -> low"
        )

    def test_it_shares_the_plan_item_of_other_at_rest_fixes_on_the_backup(self):
        doc = system(source("profile"), backup(encryption="disk"))
        analysis = analyze(load(doc))
        on_backup = [f for f in analysis.findings if f.target == "orders-backup"]
        at_rest = [
            f
            for f in on_backup
            if f.rule in ("backup-weaker-than-source", "transparent-encryption-only")
        ]
        assert len(at_rest) == 2
        assert at_rest[0].plan_item == at_rest[1].plan_item


# -- backup-shares-key -----------------------------------------------------------------


class TestBackupSharesKey:
    def test_it_fires_when_the_backup_uses_its_sources_key(self):
        doc = system(
            source(encryption="sse-kms", key="db-key"),
            backup(encryption="sse-kms", key="db-key"),
            keys=[key("db-key")],
        )
        finding = only(doc, "backup-shares-key")
        assert finding.subject == ("orders-backup",)
        assert finding.target == "orders-backup"
        assert finding.severity == "medium"
        assert finding.steps == "medium"
        assert finding.effort == 2
        assert "both encrypted with key db-key" in finding.evidence

    def test_it_stays_silent_with_separate_keys(self):
        doc = system(
            source(encryption="sse-kms", key="db-key"),
            backup(encryption="sse-kms", key="backup-key"),
            keys=[key("db-key"), key("backup-key")],
        )
        assert fired(doc, "backup-shares-key") == []

    def test_it_stays_silent_when_only_the_source_has_a_key(self):
        doc = system(
            source(encryption="sse-kms", key="db-key"),
            backup(encryption="sse-kms"),
            keys=[key("db-key")],
        )
        assert fired(doc, "backup-shares-key") == []

    def test_it_steps_with_the_sources_sensitivity(self):
        doc = system(
            source("health", encryption="envelope", key="db-key"),
            backup(encryption="envelope", key="db-key"),
            keys=[key("db-key")],
        )
        finding = only(doc, "backup-shares-key")
        assert finding.severity == "high"
        assert finding.steps == "medium, +1 PHI data -> high"

    def test_its_plan_item_gives_the_backup_a_key_of_its_own(self):
        doc = system(
            source(encryption="sse-kms", key="db-key"),
            backup(encryption="sse-kms", key="db-key"),
            keys=[key("db-key")],
        )
        analysis = analyze(load(doc))
        finding = next(f for f in analysis.findings if f.rule == "backup-shares-key")
        item = next(p for p in analysis.plan if p.id == finding.plan_item)
        assert item.title == "Give orders-backup a key of its own"


# -- backup-not-isolated ---------------------------------------------------------------


class TestBackupNotIsolated:
    def test_it_fires_on_a_backup_beside_its_source(self):
        doc = system(source(), backup(encryption="field", boundary="prod"))
        finding = only(doc, "backup-not-isolated")
        assert finding.subject == ("orders-backup",)
        assert finding.target == "orders-backup"
        assert finding.severity == "medium"
        assert finding.steps == "medium"
        assert finding.effort == 2
        assert "sits in prod, the same boundary as its source orders-db" in finding.evidence

    def test_it_stays_silent_in_another_boundary(self):
        doc = system(source(), backup(encryption="field", boundary="backup-account"))
        assert fired(doc, "backup-not-isolated") == []

    def test_a_nested_boundary_is_another_innermost_boundary(self):
        doc = system(source(), backup(encryption="field", boundary="prod-data"))
        assert fired(doc, "backup-not-isolated") == []

    def test_it_fires_when_both_sit_in_the_same_nested_boundary(self):
        doc = system(source(boundary="prod-data"), backup(encryption="field", boundary="prod-data"))
        assert fired(doc, "backup-not-isolated") == [("orders-backup",)]

    def test_it_stays_silent_when_immutable(self):
        doc = system(source(), backup(encryption="field", boundary="prod", immutable=True))
        assert fired(doc, "backup-not-isolated") == []

    def test_it_stays_silent_when_offsite(self):
        doc = system(source(), backup(encryption="field", boundary="prod", offsite=True))
        assert fired(doc, "backup-not-isolated") == []

    def test_it_stays_silent_when_the_boundaries_are_unstated(self):
        src = source()
        del src["boundary"]
        bak = backup(encryption="field")
        del bak["boundary"]
        assert fired(system(src, bak), "backup-not-isolated") == []

    def test_it_steps_with_the_sources_sensitivity(self):
        doc = system(source("passwords"), backup(encryption="field", boundary="prod"))
        assert only(doc, "backup-not-isolated").steps == "medium, +1 credentials data -> high"
        doc = system(source("public-docs"), backup(encryption="field", boundary="prod"))
        assert only(doc, "backup-not-isolated").steps == "medium, -1 only public data -> low"

    def test_its_plan_item_isolates_the_backup(self):
        doc = system(source(), backup(encryption="field", boundary="prod"))
        analysis = analyze(load(doc))
        finding = next(f for f in analysis.findings if f.rule == "backup-not-isolated")
        item = next(p for p in analysis.plan if p.id == finding.plan_item)
        assert item.title == "Isolate orders-backup from its source"


def test_a_well_kept_backup_raises_no_backup_finding():
    doc = system(
        source("card", encryption="envelope", key="db-key"),
        backup(encryption="envelope", key="backup-key", immutable=True),
        keys=[key("db-key", "hsm"), key("backup-key", "hsm")],
    )
    rules = {"unprotected-backup", "backup-weaker-than-source", "backup-shares-key"}
    rules.add("backup-not-isolated")
    assert [f for f in analyze(load(doc)).findings if f.rule in rules] == []


class TestBackupFactsLeftUnstated:
    def test_unstated_immutability_and_offsite_are_assumed_absent(self):
        doc = system(source(), backup(encryption="field", boundary="prod"))
        assert (
            "(immutable and offsite unstated, assumed not)"
            in only(doc, "backup-not-isolated").evidence
        )

    def test_stated_absent_immutability_and_offsite_are_no_assumption(self):
        bak = backup(encryption="field", boundary="prod", immutable=False, offsite=False)
        assert "assumed" not in only(system(source(), bak), "backup-not-isolated").evidence
