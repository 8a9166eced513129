"""model-incomplete."""

from __future__ import annotations

from tests.threatmodel.factory import document, findings, fired, only
from threatmodel import analyze, load

RULE = "model-incomplete"

BROWSER = {"id": "browser", "kind": "client", "name": "Browser", "boundary": "internet"}
API = {"id": "api", "kind": "gateway", "name": "API", "boundary": "prod"}
DB = {
    "id": "db",
    "kind": "database",
    "name": "DB",
    "boundary": "prod-data",
    "stores": ["profile"],
    "encryption": "envelope",
}
TLS_13 = {"min_version": "1.3", "certificate": "public-ca", "auto_renew": True}
TLS_12 = {
    "min_version": "1.2",
    "forward_secrecy": True,
    "certificate": "private-ca",
    "cert_expires": "2027-06-01",
}
KEY = {"id": "db-key", "type": "dek", "custody": "kms"}


def flow(id="f1", source="browser", target="api", **fields):
    return {"id": id, "from": source, "to": target, **fields}


def well_kept(**changes):
    """A complete model; `changes` replace whole sections."""
    sections = {
        "elements": [BROWSER, API, DB],
        "flows": [
            flow("checkout", "browser", "api", protocol="https", data=["profile"], tls=TLS_13),
            flow("query", "api", "db", protocol="postgres-tls", data=["profile"], tls=TLS_12),
        ],
        "keys": [KEY],
    }
    sections.update(changes)
    return document(**sections)


def one_flow(**fields):
    """The well-kept model with `checkout` replaced."""
    base = {"protocol": "https", "data": ["profile"], "tls": TLS_13}
    base.update(fields)
    base = {k: v for k, v in base.items() if v is not None}
    doc = well_kept()
    doc["flows"][0] = flow("checkout", "browser", "api", **base)
    return doc


def missing(doc, subject):
    [finding] = [f for f in findings(doc, RULE) if f.subject == (subject,)]
    return finding.evidence.split("does not state: ", 1)[1].rstrip(".")


def test_a_well_kept_model_is_complete():
    assert fired(well_kept(), RULE) == []


# -- elements ---------------------------------------------------------------------------


def test_it_fires_on_a_store_holding_data_without_encryption():
    db = {k: v for k, v in DB.items() if k != "encryption"}
    doc = well_kept(elements=[BROWSER, API, db])

    finding = only(doc, RULE)
    assert finding.subject == ("db",)
    assert finding.target == "db"
    assert finding.evidence == "The element DB does not state: encryption (assumed none)."


def test_it_stays_silent_on_a_store_holding_nothing_without_encryption():
    empty = {"id": "scratch", "kind": "file-store", "boundary": "prod", "stores": []}

    assert fired(well_kept(elements=[BROWSER, API, DB, empty]), RULE) == []


def test_a_store_that_does_not_state_its_data_misses_stores_and_encryption():
    unstated = {"id": "scratch", "kind": "file-store", "boundary": "prod"}

    doc = well_kept(elements=[BROWSER, API, DB, unstated])

    assert missing(doc, "scratch") == "stores (assumed confidential), encryption (assumed none)"


def test_a_service_that_keeps_data_misses_its_encryption():
    service = {"id": "erp", "kind": "service", "boundary": "prod", "stores": ["orders"]}

    doc = well_kept(elements=[BROWSER, API, DB, service])

    assert missing(doc, "erp") == "encryption (assumed none)"


def test_it_fires_on_a_backup_whose_source_holds_data():
    backup = {"id": "db-backup", "kind": "backup", "boundary": "prod", "backup_of": "db"}

    doc = well_kept(elements=[BROWSER, API, DB, backup])

    assert missing(doc, "db-backup") == "encryption (assumed none)"


def test_it_fires_on_a_log_sink_without_encryption_even_without_stores():
    logs = {"id": "logs", "kind": "log-sink", "boundary": "prod"}

    doc = well_kept(elements=[BROWSER, API, DB, logs])

    assert missing(doc, "logs") == "encryption (assumed none)"


def test_it_fires_on_an_element_without_a_boundary():
    api = {k: v for k, v in API.items() if k != "boundary"}

    assert missing(well_kept(elements=[BROWSER, api, DB]), "api") == "boundary"


def test_it_lists_every_missing_element_fact_in_one_finding():
    db = {"id": "db", "kind": "database", "name": "DB", "stores": ["profile"]}

    doc = well_kept(elements=[BROWSER, API, db])

    assert fired(doc, RULE) == [("db",)]
    assert missing(doc, "db") == "encryption (assumed none), boundary"


# -- flows ------------------------------------------------------------------------------


def test_it_fires_on_a_flow_without_a_protocol():
    finding = only(one_flow(protocol=None, tls=None), RULE)

    assert finding.subject == ("checkout",)
    assert finding.target == "checkout"
    assert finding.flows == ("checkout",)
    assert finding.evidence == (
        "The flow Browser -> API does not state: protocol (assumed plaintext)."
    )


def test_it_fires_on_a_flow_without_data():
    assert missing(one_flow(data=None), "checkout") == "data (assumed confidential)"


def test_a_flow_stating_it_carries_no_data_is_complete():
    assert fired(one_flow(data=[]), RULE) == []


def test_it_fires_on_an_encrypted_flow_without_tls_details():
    assert missing(one_flow(tls=None), "checkout") == "tls (the TLS checks were skipped)"


def test_it_stays_silent_on_a_plaintext_flow_without_tls_details():
    assert fired(one_flow(protocol="http", tls=None), RULE) == []


def test_it_asks_no_tls_details_of_in_process_or_non_tls_encryption():
    for protocol in ("in-process", "ssh", "sftp", "ipsec", "wireguard"):
        assert fired(one_flow(protocol=protocol, tls=None), RULE) == [], protocol


def test_it_fires_on_tls_without_a_minimum_version():
    tls = {**TLS_13, "forward_secrecy": True}
    del tls["min_version"]

    assert missing(one_flow(tls=tls), "checkout") == "tls.min_version"


def test_it_asks_for_forward_secrecy_below_tls_13():
    tls = {**TLS_12}
    del tls["forward_secrecy"]

    assert missing(one_flow(tls=tls), "checkout") == "tls.forward_secrecy"


def test_it_asks_for_forward_secrecy_when_the_version_is_unstated():
    tls = {k: v for k, v in TLS_13.items() if k != "min_version"}

    assert missing(one_flow(tls=tls), "checkout") == "tls.min_version, tls.forward_secrecy"


def test_it_does_not_ask_for_forward_secrecy_at_tls_13():
    assert "forward_secrecy" not in TLS_13
    assert fired(one_flow(tls=TLS_13), RULE) == []


def test_it_fires_on_tls_without_a_certificate_kind():
    tls = {k: v for k, v in TLS_12.items() if k != "certificate"}

    assert missing(one_flow(tls=tls), "checkout") == "tls.certificate"


def test_it_asks_for_the_expiry_of_a_certificate_renewed_by_hand():
    tls = {k: v for k, v in TLS_12.items() if k != "cert_expires"}

    assert missing(one_flow(tls=tls), "checkout") == "tls.cert_expires (or auto_renew)"


def test_it_does_not_ask_for_the_expiry_of_an_auto_renewed_certificate():
    assert "cert_expires" not in TLS_13
    assert fired(one_flow(tls=TLS_13), RULE) == []


def test_it_lists_every_missing_flow_fact_in_one_finding():
    doc = one_flow(data=None, tls={"min_version": "1.2"})

    assert fired(doc, RULE) == [("checkout",)]
    assert missing(doc, "checkout") == (
        "data (assumed confidential), tls.forward_secrecy, tls.certificate, "
        "tls.cert_expires (or auto_renew)"
    )


# -- keys -------------------------------------------------------------------------------


def test_it_fires_on_a_key_without_custody():
    finding = only(well_kept(keys=[{"id": "db-key", "type": "dek"}]), RULE)

    assert finding.subject == ("db-key",)
    assert finding.target == "db-key"
    assert finding.evidence == "The key db-key does not state: custody."


def test_it_stays_silent_on_a_key_with_custody():
    assert fired(well_kept(keys=[KEY]), RULE) == []


# -- severity ---------------------------------------------------------------------------


def test_a_gap_over_confidential_data_is_info():
    finding = only(one_flow(data=["orders"], tls=None), RULE)

    assert finding.severity == "info"
    assert finding.steps == "info"


def test_a_gap_over_restricted_data_is_low_by_its_basis():
    finding = only(one_flow(tls=None), RULE)

    assert finding.severity == "low"
    assert finding.steps == "low (hides restricted data)"


def test_a_gap_over_regulated_data_is_low_with_no_sensitivity_step():
    assert only(one_flow(data=["card"], tls=None), RULE).steps == "low (hides restricted data)"


def test_an_element_gap_takes_the_sensitivity_of_what_the_element_holds():
    db = {**DB, "stores": ["orders"]}
    del db["encryption"]
    doc = well_kept(elements=[BROWSER, API, db])

    assert only(doc, RULE).steps == "info"


def test_a_key_protecting_nothing_counts_as_restricted():
    doc = well_kept(keys=[{"id": "signing", "type": "signing"}])

    assert only(doc, RULE).steps == "low (hides restricted data)"


def test_a_key_protecting_confidential_data_is_info():
    db = {**DB, "stores": ["orders"], "encryption": "sse-kms", "key": "db-key"}
    doc = well_kept(elements=[BROWSER, API, db], keys=[{"id": "db-key", "type": "dek"}])

    assert only(doc, RULE).steps == "info"


# -- identity and plan ------------------------------------------------------------------


def test_a_flow_and_an_element_sharing_an_id_get_separate_findings():
    api = {k: v for k, v in API.items() if k != "boundary"}
    doc = well_kept(elements=[BROWSER, api, DB])
    doc["flows"][0]["id"] = "api"
    del doc["flows"][0]["data"]

    result = findings(doc, RULE)
    assert sorted(f.evidence for f in result) == [
        "The element API does not state: boundary.",
        "The flow Browser -> API does not state: data (assumed confidential).",
    ]
    assert len({f.fingerprint for f in result}) == 2


def test_its_plan_item_completes_the_model_for_the_item():
    doc = well_kept(keys=[{"id": "db-key", "type": "dek", "name": "DB key"}])

    [item] = [p for p in analyze(load(doc)).plan if p.rules == (RULE,)]
    assert item.title == "Complete the model for DB key"
    assert item.target == "db-key"


def test_an_unmapped_protocol_is_quoted_where_the_protocol_is_missing():
    doc = one_flow(protocol=None, tls=None, protocol_as_written="carrier pigeon")
    assert missing(doc, "checkout") == "protocol (written 'carrier pigeon', assumed plaintext)"


def test_a_protocol_read_from_a_label_is_a_fact_to_confirm():
    doc = one_flow(protocol_as_written="HTTPS")
    assert missing(doc, "checkout") == "protocol confirmed (https read from the label 'HTTPS')"
    assert fired(one_flow(), RULE) == []  # the same flow, stated by hand: complete
