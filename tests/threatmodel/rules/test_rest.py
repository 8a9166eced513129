"""At rest: unencrypted-store, transparent-encryption-only, weaker-copy, public-store."""

from __future__ import annotations

from typing import Any

from tests.threatmodel.factory import document, findings, fired, only
from threatmodel import analyze, load


def store(id: str = "orders-db", kind: str = "database", **fields: Any) -> dict[str, Any]:
    return {"id": id, "kind": kind, "boundary": "prod", **fields}


def service(id: str = "app", **fields: Any) -> dict[str, Any]:
    return {"id": id, "kind": "service", "boundary": "prod", **fields}


def flow(id: str, source: str, target: str, **fields: Any) -> dict[str, Any]:
    return {"id": id, "from": source, "to": target, "protocol": "https", **fields}


KMS_KEY = {"id": "db-key", "type": "dek", "custody": "kms"}


# -- unencrypted-store -----------------------------------------------------------------


class TestUnencryptedStore:
    def test_it_fires_on_confidential_data_without_encryption(self):
        doc = document(elements=[store(stores=["orders"], encryption="none")])
        finding = only(doc, "unencrypted-store")
        assert finding.subject == ("orders-db",)
        assert finding.target == "orders-db"
        assert finding.severity == "high"
        assert finding.steps == "high"
        assert finding.effort == 1
        assert "encryption none (strength 0)" in finding.evidence
        assert "orders" in finding.evidence

    def test_it_assumes_none_when_encryption_is_unstated(self):
        doc = document(elements=[store(stores=["orders"])])
        finding = only(doc, "unencrypted-store")
        assert "no encryption stated (assumed none)" in finding.evidence

    def test_it_stays_silent_on_internal_data(self):
        doc = document(elements=[store(stores=["telemetry"], encryption="none")])
        assert fired(doc, "unencrypted-store") == []

    def test_it_stays_silent_with_platform_encryption(self):
        doc = document(elements=[store(stores=["orders"], encryption="platform")])
        assert fired(doc, "unencrypted-store") == []

    def test_it_stays_silent_on_a_store_holding_nothing(self):
        doc = document(elements=[store(stores=[], encryption="none")])
        assert fired(doc, "unencrypted-store") == []

    def test_a_store_that_does_not_state_its_data_is_assumed_confidential(self):
        doc = document(elements=[store(encryption="none")])
        finding = only(doc, "unencrypted-store")
        assert finding.severity == "high"
        assert "stores unstated, data unstated, assumed confidential" in finding.evidence

    def test_a_store_that_does_not_state_its_data_holds_what_flows_into_it(self):
        doc = document(
            elements=[store(encryption="none"), {"id": "api", "kind": "service"}],
            flows=[flow("write", "api", "orders-db", protocol="postgres-tls", data=["card"])],
        )
        finding = only(doc, "unencrypted-store")
        assert finding.steps == "high, +1 PAN data -> critical"
        assert "card (what flows into it; its stores are not stated)" in finding.evidence

    def test_flows_bringing_no_data_leave_the_store_itself_unstated(self):
        doc = document(
            elements=[store(encryption="none"), {"id": "api", "kind": "service"}],
            flows=[flow("write", "api", "orders-db", protocol="postgres-tls", data=[])],
        )
        assert "assumed confidential" in only(doc, "unencrypted-store").evidence

    def test_a_service_that_keeps_data_is_a_store(self):
        erp = {"id": "erp", "kind": "service", "stores": ["orders"], "encryption": "none"}
        finding = only(document(elements=[erp]), "unencrypted-store")
        assert finding.subject == ("erp",)
        assert "erp holds orders with encryption none (strength 0)." in finding.evidence

    def test_a_service_that_states_no_storage_is_no_store(self):
        api = {"id": "api", "kind": "service"}
        assert fired(document(elements=[api]), "unencrypted-store") == []

    def test_it_steps_up_for_regulated_data(self):
        doc = document(elements=[store(stores=["card", "orders"], encryption="none")])
        finding = only(doc, "unencrypted-store")
        assert finding.severity == "critical"
        assert finding.steps == "high, +1 PAN data -> critical"

    def test_it_names_the_regulated_tag_of_health_data(self):
        doc = document(elements=[store(stores=["health"], encryption="none")])
        assert only(doc, "unencrypted-store").steps == "high, +1 PHI data -> critical"

    def test_restricted_data_without_a_regulated_tag_takes_no_step(self):
        doc = document(elements=[store(stores=["profile"], encryption="none")])
        finding = only(doc, "unencrypted-store")
        assert finding.severity == "high"
        assert finding.steps == "high"

    def test_it_covers_brokers_and_log_sinks(self):
        doc = document(
            elements=[
                store("events", kind="broker", stores=["orders"], encryption="none"),
                store("logs", kind="log-sink", stores=["orders"], encryption="none"),
                store("files", kind="object-store", stores=["orders"], encryption="none"),
            ]
        )
        assert fired(doc, "unencrypted-store") == [("events",), ("files",), ("logs",)]

    def test_it_leaves_backups_to_their_own_rule(self):
        doc = document(
            elements=[
                store(stores=["orders"], encryption="field"),
                store("orders-backup", kind="backup", backup_of="orders-db", encryption="none"),
            ]
        )
        assert fired(doc, "unencrypted-store") == []
        assert fired(doc, "unprotected-backup") == [("orders-backup",)]

    def test_one_finding_per_store(self):
        doc = document(
            elements=[
                store("a", stores=["orders", "card"], encryption="none"),
                store("b", stores=["orders"]),
            ]
        )
        assert fired(doc, "unencrypted-store") == [("a",), ("b",)]


# -- transparent-encryption-only -------------------------------------------------------


class TestTransparentEncryptionOnly:
    def test_it_fires_on_restricted_data_behind_disk_encryption(self):
        doc = document(elements=[store(stores=["profile"], encryption="disk")])
        finding = only(doc, "transparent-encryption-only")
        assert finding.subject == ("orders-db",)
        assert finding.target == "orders-db"
        assert finding.severity == "medium"
        assert finding.steps == "medium"
        assert finding.effort == 2
        assert "encryption disk (strength 1)" in finding.evidence

    def test_it_stays_silent_on_confidential_data(self):
        doc = document(elements=[store(stores=["orders"], encryption="platform")])
        assert fired(doc, "transparent-encryption-only") == []

    def test_it_steps_up_for_regulated_data_other_than_pan(self):
        doc = document(elements=[store(stores=["health"], encryption="tde")])
        finding = only(doc, "transparent-encryption-only")
        assert finding.severity == "high"
        assert finding.steps == "medium, +1 PHI data -> high"

    def test_pan_is_high_by_its_base_without_a_sensitivity_step(self):
        doc = document(elements=[store(stores=["card"], encryption="sse-s3")])
        finding = only(doc, "transparent-encryption-only")
        assert finding.severity == "high"
        assert finding.steps == "high (PAN)"
        assert "PCI DSS 3.5.1.2" in finding.evidence

    def test_pan_among_other_data_still_sets_the_base(self):
        doc = document(elements=[store(stores=["profile", "card"], encryption="platform")])
        assert only(doc, "transparent-encryption-only").steps == "high (PAN)"

    def test_it_stays_silent_with_a_customer_managed_key(self):
        doc = document(
            keys=[KMS_KEY],
            elements=[store(stores=["card"], encryption="sse-kms", key="db-key")],
        )
        assert fired(doc, "transparent-encryption-only") == []

    def test_it_stays_silent_without_encryption(self):
        doc = document(elements=[store(stores=["card"], encryption="none")])
        assert fired(doc, "transparent-encryption-only") == []
        assert fired(doc, "unencrypted-store") == [("orders-db",)]

    def test_it_covers_a_backup_through_its_source(self):
        doc = document(
            elements=[
                store(stores=["profile"], encryption="field"),
                store("orders-backup", kind="backup", backup_of="orders-db", encryption="disk"),
            ]
        )
        assert fired(doc, "transparent-encryption-only") == [("orders-backup",)]

    def test_it_joins_the_same_plan_item_as_other_at_rest_fixes(self):
        doc = document(
            elements=[
                store(stores=["profile"], encryption="field"),
                store("cache", kind="cache", stores=["profile"], encryption="platform"),
            ]
        )
        analysis = analyze(load(doc))
        on_cache = [f for f in analysis.findings if f.target == "cache"]
        assert {f.rule for f in on_cache} == {"transparent-encryption-only", "weaker-copy"}
        assert len({f.plan_item for f in on_cache}) == 1
        item = next(p for p in analysis.plan if p.id == on_cache[0].plan_item)
        assert item.title == "Strengthen encryption at rest of cache"
        assert item.effort == 2


# -- weaker-copy -----------------------------------------------------------------------


def copy_system(cache_encryption: str | None, data: str = "orders", **extra: Any) -> dict:
    """A database with field encryption feeding a cache through the app."""
    cache = store("cache", kind="cache", stores=[data])
    if cache_encryption is not None:
        cache["encryption"] = cache_encryption
    return document(
        elements=[
            store(stores=[data], encryption="field"),
            service(),
            cache,
            *extra.get("elements", []),
        ],
        flows=[
            flow("read", "orders-db", "app", protocol="postgres-tls", data=[data]),
            flow("fill", "app", "cache", protocol="redis", data=[data]),
        ],
        keys=extra.get("keys", []),
    )


class TestWeakerCopy:
    def test_it_fires_on_an_unencrypted_copy(self):
        finding = only(copy_system("none"), "weaker-copy")
        assert finding.subject == ("cache", "orders")
        assert finding.target == "cache"
        assert finding.severity == "high"
        assert finding.steps == "high (the copy has no encryption)"
        assert finding.effort == 2

    def test_its_evidence_names_the_strongest_place_and_the_flows_into_the_copy(self):
        finding = only(copy_system("none"), "weaker-copy")
        assert "rests in orders-db with encryption field (strength 3)" in finding.evidence
        assert "copy in cache has encryption none (strength 0)" in finding.evidence
        assert "app -> cache (redis)" in finding.evidence

    def test_its_path_follows_the_data_from_the_strongest_place(self):
        finding = only(copy_system("none"), "weaker-copy")
        assert finding.path == ("orders-db", "app", "cache")
        assert finding.flows == ("read", "fill")

    def test_an_encrypted_but_weaker_copy_is_medium(self):
        doc = copy_system("sse-kms", keys=[KMS_KEY])
        doc["elements"][2]["key"] = "db-key"
        finding = only(doc, "weaker-copy")
        assert finding.severity == "medium"
        assert finding.steps == "medium (the copy is encrypted, but weaker)"

    def test_an_unstated_copy_counts_as_unencrypted_and_says_assumed(self):
        finding = only(copy_system(None), "weaker-copy")
        assert finding.severity == "high"
        assert "no encryption stated (assumed none)" in finding.evidence

    def test_it_stays_silent_when_the_copy_is_as_strong(self):
        assert fired(copy_system("client-side"), "weaker-copy") == []

    def test_it_stays_silent_on_internal_data(self):
        assert fired(copy_system("none", data="telemetry"), "weaker-copy") == []

    def test_regulated_data_steps_up(self):
        doc = copy_system("sse-kms", data="card", keys=[KMS_KEY])
        doc["elements"][2]["key"] = "db-key"
        finding = only(doc, "weaker-copy")
        assert finding.severity == "high"
        assert finding.steps == "medium (the copy is encrypted, but weaker), +1 PAN data -> high"

    def test_restricted_data_takes_no_step(self):
        assert only(copy_system("none", data="profile"), "weaker-copy").steps == (
            "high (the copy has no encryption)"
        )

    def test_backups_are_not_copies_here(self):
        doc = document(
            elements=[
                store(stores=["orders"], encryption="field"),
                store("orders-backup", kind="backup", backup_of="orders-db", encryption="none"),
            ]
        )
        assert fired(doc, "weaker-copy") == []

    def test_one_finding_per_weaker_store_and_data_class(self):
        doc = document(
            elements=[
                store(stores=["orders", "profile"], encryption="envelope"),
                store("cache", kind="cache", stores=["orders", "profile"], encryption="none"),
                store("search", kind="search-index", stores=["orders"], encryption="platform"),
            ]
        )
        assert fired(doc, "weaker-copy") == [
            ("cache", "orders"),
            ("cache", "profile"),
            ("search", "orders"),
        ]

    def test_the_strongest_store_itself_is_not_reported(self):
        doc = document(
            elements=[
                store("cache", kind="cache", stores=["orders"], encryption="platform"),
                store(stores=["orders"], encryption="field"),
            ]
        )
        assert fired(doc, "weaker-copy") == [("cache", "orders")]

    def test_without_a_carrying_flow_it_says_so(self):
        doc = document(
            elements=[
                store(stores=["orders"], encryption="field"),
                store("cache", kind="cache", stores=["orders"], encryption="none"),
            ]
        )
        finding = only(doc, "weaker-copy")
        assert "No flow in the model carries it there." in finding.evidence
        assert finding.path == ()
        assert finding.flows == ()

    def test_flows_into_the_copy_that_carry_other_data_are_not_named(self):
        doc = copy_system("none")
        doc["flows"].append(flow("ping", "app", "cache", protocol="redis", data=["telemetry"]))
        finding = only(doc, "weaker-copy")
        assert "app -> cache (redis)" in finding.evidence
        assert finding.evidence.count("app -> cache") == 1

    def test_the_copy_is_reported_where_the_data_is_not_reachable_from_the_strongest(self):
        doc = copy_system("none")
        doc["flows"] = [flow("fill", "app", "cache", protocol="redis", data=["orders"])]
        finding = only(doc, "weaker-copy")
        assert finding.path == ()
        assert finding.flows == ("fill",)


# -- public-store ----------------------------------------------------------------------


class TestPublicStore:
    def test_it_fires_on_public_access(self):
        doc = document(
            elements=[
                store("bucket", kind="object-store", stores=["orders"], public_access=True),
            ]
        )
        finding = only(doc, "public-store")
        assert finding.subject == ("bucket",)
        assert finding.target == "bucket"
        assert finding.severity == "critical"
        assert finding.steps == "high, +1 internet -> critical"
        assert finding.effort == 1
        assert "public_access: true" in finding.evidence

    def test_it_fires_on_internal_data(self):
        doc = document(
            elements=[
                store("bucket", kind="object-store", stores=["telemetry"], public_access=True),
            ]
        )
        assert only(doc, "public-store").steps == "high, -1 only internal data, +1 internet -> high"

    def test_restricted_data_is_critical_and_still_takes_exposure(self):
        doc = document(
            elements=[store("bucket", kind="object-store", stores=["card"], public_access=True)]
        )
        assert (
            only(doc, "public-store").steps == "critical (restricted data), +1 internet -> critical"
        )

    def test_a_bucket_that_does_not_state_its_data_is_assumed_confidential(self):
        doc = document(elements=[store("bucket", kind="object-store", public_access=True)])
        finding = only(doc, "public-store")
        assert finding.steps == "high, +1 internet -> critical"
        assert "assumed confidential" in finding.evidence

    def test_it_stays_silent_on_public_data(self):
        doc = document(
            elements=[
                store("bucket", kind="object-store", stores=["public-docs"], public_access=True),
            ]
        )
        assert fired(doc, "public-store") == []

    def test_it_stays_silent_on_a_private_store(self):
        doc = document(
            elements=[service(), store(stores=["card"], encryption="field")],
            flows=[flow("q", "app", "orders-db", protocol="postgres-tls", data=["card"])],
        )
        assert fired(doc, "public-store") == []

    def test_restricted_data_is_critical_by_its_base(self):
        doc = document(
            elements=[
                store("bucket", kind="object-store", stores=["profile"], public_access=True),
            ]
        )
        finding = only(doc, "public-store")
        assert finding.severity == "critical"
        assert finding.steps == "critical (restricted data), +1 internet -> critical"

    def test_it_takes_no_sensitivity_step(self):
        doc = document(
            elements=[store("bucket", kind="object-store", stores=["card"], public_access=True)]
        )
        assert "PAN" not in only(doc, "public-store").steps

    def test_it_fires_on_a_direct_flow_from_the_internet(self):
        doc = document(
            elements=[
                {"id": "browser", "kind": "client", "boundary": "internet"},
                store("bucket", kind="object-store", stores=["orders"], encryption="sse-s3"),
            ],
            flows=[flow("upload", "browser", "bucket", data=["orders"])],
        )
        finding = only(doc, "public-store")
        assert finding.steps == "high, +1 internet -> critical"
        assert finding.flows == ("upload",)
        assert finding.path == ("browser", "bucket")
        assert "browser -> bucket (from internet)" in finding.evidence

    def test_it_fires_on_a_direct_flow_from_a_third_party(self):
        doc = document(
            elements=[
                {"id": "partner", "kind": "external", "boundary": "vendor"},
                store("bucket", kind="object-store", stores=["orders"], encryption="sse-s3"),
            ],
            flows=[flow("drop", "partner", "bucket", protocol="sftp", data=["orders"])],
        )
        finding = only(doc, "public-store")
        assert finding.severity == "critical"
        assert finding.steps == "high, +1 third party -> critical"

    def test_it_sees_through_a_boundary_nested_in_the_internet(self):
        doc = document(
            boundaries=[
                {"id": "internet", "kind": "internet"},
                {"id": "cafe-wifi", "kind": "dmz", "parent": "internet"},
                {"id": "prod", "kind": "internal", "env": "prod"},
            ],
            elements=[
                {"id": "laptop", "kind": "client", "boundary": "cafe-wifi"},
                store("bucket", kind="object-store", stores=["orders"], encryption="sse-s3"),
            ],
            flows=[flow("upload", "laptop", "bucket", data=["orders"])],
        )
        assert fired(doc, "public-store") == [("bucket",)]

    def test_it_stays_silent_when_the_store_only_sends_outside(self):
        doc = document(
            elements=[
                {"id": "partner", "kind": "external", "boundary": "vendor"},
                store("bucket", kind="object-store", stores=["orders"], encryption="sse-s3"),
            ],
            flows=[flow("export", "bucket", "partner", data=["orders"])],
        )
        assert fired(doc, "public-store") == []

    def test_it_stays_silent_on_a_flow_from_an_internal_service(self):
        doc = document(
            elements=[service(), store("bucket", kind="object-store", stores=["orders"])],
            flows=[flow("put", "app", "bucket", data=["orders"])],
        )
        assert fired(doc, "public-store") == []

    def test_a_public_backup_counts_with_its_sources_data(self):
        doc = document(
            elements=[
                store(stores=["orders"], encryption="field"),
                store(
                    "orders-backup",
                    kind="backup",
                    backup_of="orders-db",
                    encryption="field",
                    public_access=True,
                ),
            ]
        )
        assert fired(doc, "public-store") == [("orders-backup",)]

    def test_a_broker_counts_what_passes_through_it(self):
        doc = document(
            elements=[
                {"id": "device", "kind": "client", "boundary": "internet"},
                store("events", kind="broker", encryption="platform"),
            ],
            flows=[flow("publish", "device", "events", protocol="mqtts", data=["orders"])],
        )
        finding = only(doc, "public-store")
        assert finding.subject == ("events",)
        assert "events carries orders and is reached directly" in finding.evidence

    def test_its_plan_item_is_blocking_public_access(self):
        doc = document(
            elements=[store("bucket", kind="object-store", stores=["orders"], public_access=True)]
        )
        analysis = analyze(load(doc))
        finding = next(f for f in analysis.findings if f.rule == "public-store")
        item = next(p for p in analysis.plan if p.id == finding.plan_item)
        assert item.title == "Block public access to bucket"
        assert item.rules == ("public-store",)


def test_every_at_rest_finding_has_its_references():
    doc = document(elements=[store(stores=["card"], encryption="none", public_access=True)])
    by_rule = {f.rule: f for f in findings(doc)}
    assert "CWE-311" in by_rule["unencrypted-store"].references
    assert "CWE-668" in by_rule["public-store"].references
