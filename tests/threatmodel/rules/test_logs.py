"""sensitive-data-in-logs and unprotected-log-sink."""

from __future__ import annotations

import copy

from tests.threatmodel.factory import BASE_DATA, document, findings, fired, only

LEAK = "sensitive-data-in-logs"
SINK = "unprotected-log-sink"

BROWSER = {"id": "browser", "kind": "client", "boundary": "internet"}
API = {"id": "api", "kind": "service", "name": "API", "boundary": "prod"}
SAFE_LOGS = {
    "id": "logs",
    "kind": "log-sink",
    "name": "Logs",
    "boundary": "prod",
    "encryption": "sse-kms",
    "immutable": True,
}


def flow(id, source, target, data=(), protocol="https", **extra):
    return {
        "id": id,
        "from": source,
        "to": target,
        "protocol": protocol,
        "data": list(data),
        **extra,
    }


def sink(**changes):
    return {**SAFE_LOGS, **changes}


def service(**changes):
    return {**API, **changes}


def with_data(*extra):
    return copy.deepcopy(BASE_DATA) + list(extra)


def logged(data_id, logs=None, data=None):
    """browser -> api -> logs, the data class carried on both hops."""
    sections = {
        "elements": [BROWSER, API, logs or sink()],
        "flows": [
            flow("checkout", "browser", "api", [data_id]),
            flow("api-logs", "api", "logs", [data_id]),
        ],
    }
    if data is not None:
        sections["data"] = data
    return document(**sections)


# -- sensitive-data-in-logs: where the data comes from ----------------------------------


def test_it_fires_when_card_data_travels_into_a_log_sink():
    finding = only(logged("card"), LEAK)

    assert finding.subject == ("logs", "card")
    assert finding.target == "logs"
    assert finding.path == ("browser", "api", "logs")
    assert finding.flows == ("checkout", "api-logs")
    assert "browser --https--> API --https--> Logs" in finding.evidence
    assert "Logs does not state that it redacts sensitive fields (redaction unstated, " in (
        finding.evidence
    )


def test_a_sink_stated_not_to_redact_is_not_assumed():
    finding = only(logged("card", logs=sink(redaction=False)), LEAK)

    assert finding.evidence.endswith("Logs does not redact sensitive fields.")


def test_it_stays_silent_when_the_sink_redacts():
    assert fired(logged("card", logs=sink(redaction=True)), LEAK) == []


def test_it_stays_silent_for_data_without_a_sensitive_tag():
    assert fired(logged("telemetry"), LEAK) == []


def test_it_stays_silent_when_the_data_goes_elsewhere():
    doc = document(
        elements=[BROWSER, API, sink()],
        flows=[
            flow("checkout", "browser", "api", ["card"]),
            flow("api-logs", "api", "logs", ["telemetry"]),
        ],
    )

    assert fired(doc, LEAK) == []


def test_it_fires_when_the_sink_holds_the_data_at_rest():
    doc = document(elements=[sink(stores=["profile"])])

    finding = only(doc, LEAK)
    assert finding.path == ("logs",)
    assert finding.flows == ()
    assert "stored there at rest" in finding.evidence


def test_it_follows_data_around_a_loop_with_no_entry():
    worker = {"id": "worker", "kind": "service", "boundary": "prod"}
    doc = document(
        elements=[API, worker, sink()],
        flows=[
            flow("ask", "api", "worker", ["passwords"]),
            flow("answer", "worker", "api", ["passwords"]),
            flow("worker-logs", "worker", "logs", ["passwords"]),
        ],
    )

    finding = only(doc, LEAK)
    assert finding.path[-1] == "logs"
    assert finding.flows[-1] == "worker-logs"


def test_it_reports_one_finding_per_sink_and_data_class():
    audit = {**SAFE_LOGS, "id": "audit", "name": "Audit"}
    doc = document(
        elements=[BROWSER, API, sink(), audit],
        flows=[
            flow("checkout", "browser", "api", ["card", "profile"]),
            flow("api-logs", "api", "logs", ["card", "profile"]),
            flow("api-audit", "api", "audit", ["card"]),
        ],
    )

    assert fired(doc, LEAK) == [("audit", "card"), ("logs", "card"), ("logs", "profile")]


# -- sensitive-data-in-logs: payload logging --------------------------------------------


def payload_logging(logs_payloads, received="card"):
    return document(
        elements=[BROWSER, service(logs_payloads=logs_payloads), sink()],
        flows=[
            flow("checkout", "browser", "api", [received]),
            flow("api-logs", "api", "logs", ["telemetry"]),
        ],
    )


def test_it_fires_when_a_payload_logging_service_receives_the_data():
    finding = only(payload_logging(True), LEAK)

    assert finding.subject == ("logs", "card")
    assert finding.path == ("browser", "api", "logs")
    assert finding.flows == ("checkout", "api-logs")
    assert "logs request and response payloads" in finding.evidence


def test_it_stays_silent_when_the_service_does_not_log_payloads():
    assert fired(payload_logging(False), LEAK) == []


def test_it_stays_silent_when_the_payload_logger_never_receives_sensitive_data():
    assert fired(payload_logging(True, received="telemetry"), LEAK) == []


def test_it_stays_silent_when_the_payload_logger_sends_to_no_log_sink():
    db = {"id": "db", "kind": "database", "boundary": "prod", "stores": [], "encryption": "none"}
    doc = document(
        elements=[BROWSER, service(logs_payloads=True), db],
        flows=[
            flow("checkout", "browser", "api", ["card"]),
            flow("api-db", "api", "db", ["telemetry"]),
        ],
    )

    assert fired(doc, LEAK) == []


# -- sensitive-data-in-logs: severity ---------------------------------------------------


def test_card_data_in_logs_is_critical_by_its_basis():
    finding = only(logged("card"), LEAK)

    assert finding.severity == "critical"
    assert finding.steps == "critical (PAN in logs)"


def test_credentials_are_critical_whatever_their_sensitivity_above_internal():
    data = with_data({"id": "api-token", "classification": "confidential", "tags": ["secret"]})

    finding = only(logged("api-token", data=data), LEAK)

    assert finding.severity == "critical"
    assert finding.steps == "critical (secret in logs)"


def test_credentials_classified_internal_still_step_down():
    data = with_data({"id": "api-token", "classification": "internal", "tags": ["secret"]})

    finding = only(logged("api-token", data=data), LEAK)

    assert finding.severity == "high"
    assert finding.steps == "critical (secret in logs), -1 only internal data -> high"


def test_restricted_personal_data_in_logs_is_high():
    finding = only(logged("profile"), LEAK)

    assert finding.severity == "high"
    assert finding.steps == "high"


def test_confidential_personal_data_in_logs_is_high():
    assert only(logged("orders"), LEAK).steps == "high"


def test_internal_personal_data_in_logs_steps_down_to_medium():
    data = with_data({"id": "handles", "classification": "internal", "tags": ["pii"]})

    finding = only(logged("handles", data=data), LEAK)

    assert finding.severity == "medium"
    assert finding.steps == "high, -1 only internal data -> medium"


def test_health_data_in_logs_steps_up_to_critical():
    finding = only(logged("health"), LEAK)

    assert finding.severity == "critical"
    assert finding.steps == "high, +1 PHI data -> critical"


# -- unprotected-log-sink ----------------------------------------------------------------


def fed(logs, protocol="https", data=("profile",)):
    return document(
        elements=[API, logs],
        flows=[flow("api-logs", "api", "logs", data, protocol=protocol)],
    )


def test_it_stays_silent_on_an_encrypted_immutable_sink_fed_over_tls():
    assert fired(fed(sink()), SINK) == []


def test_it_fires_on_a_sink_without_encryption():
    finding = only(fed(sink(encryption="none")), SINK)

    assert finding.subject == ("logs",)
    assert finding.target == "logs"
    assert "not encrypted at rest" in finding.evidence
    assert "assumed" not in finding.evidence


def test_it_assumes_no_encryption_when_none_is_stated():
    logs = sink()
    del logs["encryption"]

    finding = only(fed(logs), SINK)

    assert "not stated (assumed none)" in finding.evidence


def test_it_fires_on_a_sink_fed_in_plaintext():
    finding = only(fed(sink(), protocol="syslog"), SINK)

    assert "plaintext from API (syslog)" in finding.evidence
    assert finding.flows == ("api-logs",)


def test_it_assumes_plaintext_when_the_feed_states_no_protocol():
    doc = fed(sink())
    del doc["flows"][0]["protocol"]

    assert "assumed plaintext" in only(doc, SINK).evidence


def test_an_in_process_feed_is_not_plaintext():
    assert fired(fed(sink(), protocol="in-process"), SINK) == []


def test_it_fires_on_a_mutable_sink():
    finding = only(fed(sink(immutable=False)), SINK)

    assert "not immutable" in finding.evidence


def test_it_lists_every_reason_in_one_finding():
    finding = only(fed(sink(encryption="none", immutable=False), protocol="syslog"), SINK)

    assert "not encrypted" in finding.evidence
    assert "plaintext" in finding.evidence
    assert "not immutable" in finding.evidence


def test_a_sink_of_restricted_data_stays_medium():
    finding = only(fed(sink(immutable=False), data=("profile",)), SINK)

    assert finding.severity == "medium"
    assert finding.steps == "medium"


def test_a_sink_of_confidential_data_stays_medium():
    assert only(fed(sink(immutable=False), data=("orders",)), SINK).steps == "medium"


def test_a_sink_fed_card_data_steps_up_to_high():
    finding = only(fed(sink(immutable=False), data=("card", "profile")), SINK)

    assert finding.severity == "high"
    assert finding.steps == "medium, +1 PAN data -> high"


def test_a_sink_holding_health_data_at_rest_steps_up_to_high():
    logs = sink(immutable=False, stores=["health"])

    assert only(fed(logs, data=("telemetry",)), SINK).steps == "medium, +1 PHI data -> high"


def test_a_sink_of_internal_data_steps_down_to_low():
    finding = only(fed(sink(immutable=False), data=("telemetry",)), SINK)

    assert finding.severity == "low"
    assert finding.steps == "medium, -1 only internal data -> low"


def test_a_sink_of_no_data_steps_down_to_low():
    assert only(fed(sink(immutable=False), data=()), SINK).steps == (
        "medium, -1 only public data -> low"
    )


def test_both_log_rules_plan_separate_fixes_for_the_sink():
    result = findings(logged("card", logs=sink(immutable=False)))
    items = {f.rule: f.plan_item for f in result if f.rule in (LEAK, SINK)}

    assert items[LEAK] != items[SINK]


def test_a_sink_fed_by_a_payload_logger_counts_what_the_logger_receives():
    doc = document(
        elements=[BROWSER, service(logs_payloads=True), sink(immutable=False)],
        flows=[
            flow("checkout", "browser", "api", ["card"]),
            flow("api-logs", "api", "logs", ["telemetry"]),
        ],
    )

    assert only(doc, SINK).steps == "medium, +1 PAN data -> high"


def test_a_sink_fed_by_a_quiet_service_counts_only_the_feed():
    doc = document(
        elements=[BROWSER, service(), sink(immutable=False)],
        flows=[
            flow("checkout", "browser", "api", ["card"]),
            flow("api-logs", "api", "logs", ["telemetry"]),
        ],
    )

    assert only(doc, SINK).steps == "medium, -1 only internal data -> low"


# -- facts left unstated ----------------------------------------------------------------


def test_an_unstated_immutability_is_assumed_absent():
    logs = {k: v for k, v in SAFE_LOGS.items() if k != "immutable"}
    finding = only(document(elements=[API, logs]), SINK)
    assert "immutable unstated, assumed not" in finding.evidence


def test_a_sink_stated_mutable_is_no_assumption():
    finding = only(document(elements=[API, sink(immutable=False)]), SINK)
    assert "it is not immutable (entries can be altered or deleted)" in finding.evidence
    assert "assumed" not in finding.evidence


def test_plaintext_shipping_inside_a_strict_mesh_is_not_plaintext_for_the_sink():
    doc = logged("telemetry")
    doc["flows"][1]["protocol"] = "syslog"
    assert "in plaintext" in only(doc, SINK).evidence
    for boundary in doc["boundaries"]:
        if boundary["id"] == "prod":
            boundary["mesh"] = "strict"
    assert fired(doc, SINK) == []
