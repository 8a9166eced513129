"""APIs and messages: long-lived-credentials, no-rate-limit, unsigned-critical-message,
insecure-broker, broker-payload-unencrypted."""

from __future__ import annotations

from typing import Any

import pytest

from tests.threatmodel.factory import document, findings, fired, only
from threatmodel.analysis import Finding


def element(id: str, kind: str = "service", boundary: str = "prod", **fields: Any) -> dict:
    return {"id": id, "kind": kind, "boundary": boundary, **fields}


def flow(id: str, source: str, target: str, *data: str, **fields: Any) -> dict:
    return {
        "id": id,
        "from": source,
        "to": target,
        "protocol": "https",
        "data": list(data),
        **fields,
    }


def broker(id: str = "events", **fields: Any) -> dict:
    """A broker that breaks no rule unless the test says so."""
    settings = {"auth": "sasl-scram", "acls": True, "encryption": "disk", **fields}
    return element(id, "broker", **settings)


def only_for(doc: dict, rule: str, flow_id: str) -> Finding:
    """The single finding of `rule` about one flow."""
    (match,) = [f for f in findings(doc, rule) if f.subject == (flow_id,)]
    return match


# -- long-lived-credentials -----------------------------------------------------------

PARTNER_CALL = [element("partner", "client", "vendor"), element("api", "gateway")]


@pytest.mark.parametrize("auth", ["api-key", "basic"])
def test_it_fires_on_a_static_credential_across_a_boundary(auth: str) -> None:
    doc = document(elements=PARTNER_CALL, flows=[flow("f1", "partner", "api", "orders", auth=auth)])
    finding = only(doc, "long-lived-credentials")
    assert finding.subject == ("f1",)
    assert finding.target == "api"
    assert finding.severity == "medium"
    assert finding.steps == "medium"
    assert f"static {auth} credential" in finding.evidence


@pytest.mark.parametrize("auth", ["session", "mtls", "sigv4", "hmac", "iam", "none"])
def test_it_stays_silent_on_other_authentication(auth: str) -> None:
    doc = document(elements=PARTNER_CALL, flows=[flow("f1", "partner", "api", "orders", auth=auth)])
    assert fired(doc, "long-lived-credentials") == []


def test_it_stays_silent_inside_one_boundary() -> None:
    doc = document(
        elements=[element("a"), element("b")],
        flows=[flow("f1", "a", "b", "orders", auth="api-key")],
    )
    assert fired(doc, "long-lived-credentials") == []


def test_it_stays_silent_on_internal_data() -> None:
    doc = document(
        elements=PARTNER_CALL, flows=[flow("f1", "partner", "api", "telemetry", auth="api-key")]
    )
    assert fired(doc, "long-lived-credentials") == []


@pytest.mark.parametrize("auth", ["jwt", "oauth2"])
def test_it_stays_silent_on_tokens_that_live_exactly_the_policy_time(auth: str) -> None:
    doc = document(
        elements=PARTNER_CALL,
        flows=[flow("f1", "partner", "api", "orders", auth=auth, token_ttl_minutes=60)],
    )
    assert fired(doc, "long-lived-credentials") == []


@pytest.mark.parametrize("auth", ["jwt", "oauth2"])
def test_it_fires_on_tokens_that_live_one_minute_over_policy(auth: str) -> None:
    doc = document(
        elements=PARTNER_CALL,
        flows=[flow("f1", "partner", "api", "orders", auth=auth, token_ttl_minutes=61)],
    )
    finding = only(doc, "long-lived-credentials")
    assert f"{auth} tokens that live 61 min > policy 60 min" in finding.evidence


def test_it_reads_the_token_lifetime_from_policy() -> None:
    doc = document(
        policy={"token_ttl_minutes": 15},
        elements=PARTNER_CALL,
        flows=[flow("f1", "partner", "api", "orders", auth="jwt", token_ttl_minutes=30)],
    )
    assert "30 min > policy 15 min" in only(doc, "long-lived-credentials").evidence


def test_it_assumes_an_unstated_token_lifetime_is_too_long() -> None:
    doc = document(
        elements=PARTNER_CALL, flows=[flow("f1", "partner", "api", "orders", auth="jwt")]
    )
    finding = only(doc, "long-lived-credentials")
    assert (
        "without a stated lifetime (token_ttl_minutes unstated, assumed longer than policy 60 min)"
        in finding.evidence
    )
    assert finding.title == "Token lifetime not stated (assumed long-lived): partner -> api"


def test_a_stated_long_token_lifetime_keeps_the_rule_title() -> None:
    doc = document(
        elements=PARTNER_CALL,
        flows=[flow("f1", "partner", "api", "orders", auth="jwt", token_ttl_minutes=600)],
    )
    finding = only(doc, "long-lived-credentials")
    assert finding.title.startswith("Long-lived credentials across a boundary")
    assert "assumed" not in finding.evidence


def test_long_lived_credentials_step_up_for_regulated_data_but_not_for_exposure() -> None:
    doc = document(
        elements=[element("browser", "client", "internet"), element("api", "gateway")],
        flows=[flow("f1", "browser", "api", "profile", "card", auth="basic")],
    )
    finding = only(doc, "long-lived-credentials")
    assert finding.severity == "high"
    assert finding.steps == "medium, +1 PAN data -> high"


# -- no-rate-limit --------------------------------------------------------------------


def test_it_fires_on_a_service_reached_from_the_internet() -> None:
    doc = document(
        elements=[element("browser", "client", "internet"), element("api")],
        flows=[flow("f1", "browser", "api", "orders")],
    )
    finding = only(doc, "no-rate-limit")
    assert finding.subject == ("api",)
    assert finding.target == "api"
    assert finding.severity == "medium"
    assert finding.steps == "medium"
    assert "Service api is reached from browser without a rate-limited gateway" in (
        finding.evidence
    )


def test_it_names_the_first_five_unlimited_callers() -> None:
    clients = [element(f"c{n}", "client", "internet") for n in range(1, 8)]
    doc = document(
        elements=[*clients, element("api")],
        flows=[flow(f"f{n}", f"c{n}", "api", "orders") for n in range(1, 8)],
    )
    assert (
        "reached from c1, c2, c3, c4, c5 and 2 more without" in only(doc, "no-rate-limit").evidence
    )


def test_it_stays_silent_on_a_rate_limited_service() -> None:
    doc = document(
        elements=[element("browser", "client", "internet"), element("api", rate_limited=True)],
        flows=[flow("f1", "browser", "api", "orders")],
    )
    assert fired(doc, "no-rate-limit") == []


@pytest.mark.parametrize("kind", ["service", "gateway", "function"])
def test_it_fires_on_any_endpoint_marked_internet_facing(kind: str) -> None:
    doc = document(elements=[element("api", kind, internet_facing=True)])
    finding = only(doc, "no-rate-limit")
    assert "is marked internet-facing" in finding.evidence


def test_it_stays_silent_on_a_service_not_facing_the_internet() -> None:
    doc = document(elements=[element("a"), element("b")], flows=[flow("f1", "a", "b", "orders")])
    assert fired(doc, "no-rate-limit") == []


def test_it_stays_silent_on_stores_reached_from_the_internet() -> None:
    doc = document(
        elements=[
            element("browser", "client", "internet"),
            element("bucket", "object-store", stores=["public-docs"], encryption="sse-s3"),
        ],
        flows=[flow("f1", "browser", "bucket", "public-docs")],
    )
    assert fired(doc, "no-rate-limit") == []


def test_it_stays_silent_behind_a_rate_limited_gateway() -> None:
    doc = document(
        elements=[
            element("browser", "client", "internet"),
            element("gw", "gateway", rate_limited=True),
            element("api", internet_facing=True),
        ],
        flows=[flow("f1", "browser", "gw", "orders"), flow("f2", "gw", "api", "orders")],
    )
    assert fired(doc, "no-rate-limit") == []


def test_it_fires_behind_a_gateway_without_a_rate_limit() -> None:
    doc = document(
        elements=[
            element("browser", "client", "internet"),
            element("gw", "gateway"),
            element("api", internet_facing=True),
        ],
        flows=[flow("f1", "browser", "gw", "orders"), flow("f2", "gw", "api", "orders")],
    )
    assert fired(doc, "no-rate-limit") == [("api",), ("gw",)]


def test_it_fires_when_one_flow_bypasses_the_rate_limited_gateway() -> None:
    doc = document(
        elements=[
            element("browser", "client", "internet"),
            element("gw", "gateway", rate_limited=True),
            element("api"),
        ],
        flows=[
            flow("f1", "browser", "gw", "orders"),
            flow("f2", "gw", "api", "orders"),
            flow("f3", "browser", "api", "orders"),
        ],
    )
    finding = only(doc, "no-rate-limit")
    assert finding.subject == ("api",)
    assert "reached from browser without" in finding.evidence


def test_a_rate_limited_service_in_front_is_not_a_gateway() -> None:
    doc = document(
        elements=[element("front", rate_limited=True), element("api", internet_facing=True)],
        flows=[flow("f1", "front", "api", "orders")],
    )
    assert fired(doc, "no-rate-limit") == [("api",)]


def test_no_rate_limit_steps_up_for_regulated_data() -> None:
    doc = document(
        elements=[element("browser", "client", "internet"), element("api")],
        flows=[flow("f1", "browser", "api", "card")],
    )
    assert only(doc, "no-rate-limit").steps == "medium, +1 PAN data -> high"


def test_no_rate_limit_steps_down_for_internal_data() -> None:
    doc = document(
        elements=[element("browser", "client", "internet"), element("api")],
        flows=[flow("f1", "browser", "api", "telemetry")],
    )
    finding = only(doc, "no-rate-limit")
    assert finding.severity == "low"
    assert finding.steps == "medium, -1 only internal data -> low"


# -- unsigned-critical-message --------------------------------------------------------


def test_it_fires_on_an_unsigned_critical_flow() -> None:
    doc = document(
        elements=[element("a"), element("b")],
        flows=[flow("f1", "a", "b", "orders", critical=True)],
    )
    finding = only(doc, "unsigned-critical-message")
    assert finding.subject == ("f1",)
    assert finding.target == "b"
    assert finding.flows == ("f1",)
    assert finding.severity == "medium"
    assert finding.steps == "medium"


def test_it_stays_silent_on_a_signed_critical_flow() -> None:
    doc = document(
        elements=[element("a"), element("b")],
        flows=[flow("f1", "a", "b", "orders", critical=True, signed=True)],
    )
    assert fired(doc, "unsigned-critical-message") == []


def test_it_stays_silent_on_an_ordinary_flow() -> None:
    doc = document(elements=[element("a"), element("b")], flows=[flow("f1", "a", "b", "orders")])
    assert fired(doc, "unsigned-critical-message") == []


def test_an_unsigned_critical_message_into_a_broker_is_high_and_targets_the_broker() -> None:
    doc = document(
        elements=[element("a"), broker()],
        flows=[flow("f1", "a", "events", "orders", critical=True)],
    )
    finding = only(doc, "unsigned-critical-message")
    assert finding.target == "events"
    assert finding.severity == "high"
    assert finding.steps == "high (into a broker)"


def test_an_unsigned_critical_message_out_of_a_broker_is_high_and_targets_the_broker() -> None:
    doc = document(
        elements=[broker(), element("b")],
        flows=[flow("f1", "events", "b", "orders", critical=True)],
    )
    finding = only(doc, "unsigned-critical-message")
    assert finding.target == "events"
    assert finding.steps == "high (out of a broker)"


def test_an_unsigned_critical_message_from_a_third_party_is_high() -> None:
    doc = document(
        elements=[element("psp", "external", "vendor"), element("b")],
        flows=[flow("f1", "psp", "b", "orders", critical=True)],
    )
    finding = only(doc, "unsigned-critical-message")
    assert finding.target == "b"
    assert finding.steps == "high (from a third party)"


def test_an_unsigned_critical_message_to_a_third_party_stays_medium() -> None:
    doc = document(
        elements=[element("a"), element("psp", "external", "vendor")],
        flows=[flow("f1", "a", "psp", "orders", critical=True)],
    )
    assert only(doc, "unsigned-critical-message").steps == "medium"


def test_an_unsigned_critical_message_steps_with_sensitivity() -> None:
    doc = document(
        elements=[element("a"), broker()],
        flows=[
            flow("f1", "a", "events", "card", critical=True),
            flow("f2", "a", "events", "telemetry", critical=True),
        ],
    )
    assert only_for(doc, "unsigned-critical-message", "f1").steps == (
        "high (into a broker), +1 PAN data -> critical"
    )
    assert only_for(doc, "unsigned-critical-message", "f2").steps == (
        "high (into a broker), -1 only internal data -> medium"
    )


# -- insecure-broker ------------------------------------------------------------------

PRODUCER = element("orders")


def broker_doc(data: str = "orders", protocol: str = "kafka-tls", **fields: Any) -> dict:
    return document(
        elements=[PRODUCER, broker(**fields)],
        flows=[flow("f1", "orders", "events", data, protocol=protocol)],
    )


@pytest.mark.parametrize("auth", ["none", "default-credentials"])
def test_it_fires_on_a_broker_without_real_authentication(auth: str) -> None:
    finding = only(broker_doc(auth=auth), "insecure-broker")
    assert finding.subject == ("events",)
    assert finding.target == "events"
    assert finding.severity == "high"
    assert finding.steps == "high"
    assert f"authentication is {auth}" in finding.evidence


def test_it_assumes_an_unstated_broker_authentication_is_none() -> None:
    doc = document(
        elements=[PRODUCER, element("events", "broker", acls=True)],
        flows=[flow("f1", "orders", "events", "orders")],
    )
    assert "authentication is not stated (assumed none)" in only(doc, "insecure-broker").evidence


@pytest.mark.parametrize("auth", ["sasl-scram", "mtls", "iam"])
def test_it_stays_silent_on_an_authenticated_broker_with_acls(auth: str) -> None:
    assert fired(broker_doc(auth=auth), "insecure-broker") == []


def test_it_fires_on_sasl_plain_over_a_plaintext_flow() -> None:
    doc = broker_doc(auth="sasl-plain", protocol="kafka-sasl-plaintext")
    finding = only(doc, "insecure-broker")
    assert "SASL/PLAIN passwords travel in the clear on orders -> events" in finding.evidence


def test_it_stays_silent_on_sasl_plain_over_tls() -> None:
    assert fired(broker_doc(auth="sasl-plain", protocol="kafka-sasl-ssl"), "insecure-broker") == []


def test_it_fires_on_a_broker_without_acls() -> None:
    finding = only(broker_doc(acls=False), "insecure-broker")
    assert "ACLs are off" in finding.evidence


def test_it_stays_silent_on_a_broker_carrying_no_data() -> None:
    doc = document(
        elements=[PRODUCER, broker(auth="none")],
        flows=[flow("f1", "orders", "events")],
    )
    assert fired(doc, "insecure-broker") == []


def test_a_broker_that_retains_data_carries_it() -> None:
    doc = document(elements=[broker(auth="none", stores=["orders"])])
    assert fired(doc, "insecure-broker") == [("events",)]


def test_an_insecure_broker_with_internal_data_only_is_medium() -> None:
    finding = only(broker_doc("telemetry", auth="none"), "insecure-broker")
    assert finding.severity == "medium"
    assert finding.steps == "high, -1 only internal data -> medium"


def test_an_insecure_broker_takes_no_further_sensitivity_step() -> None:
    assert only(broker_doc("card", auth="none"), "insecure-broker").steps == "high"


def test_a_broker_is_as_sensitive_as_the_data_it_passes_on() -> None:
    doc = document(
        elements=[PRODUCER, broker(auth="none"), element("consumer")],
        flows=[
            flow("f1", "orders", "events", "telemetry"),
            flow("f2", "events", "consumer", "orders"),
        ],
    )
    assert only(doc, "insecure-broker").severity == "high"


# -- broker-payload-unencrypted -------------------------------------------------------


def test_it_fires_on_restricted_data_into_a_broker_without_message_encryption() -> None:
    finding = only(broker_doc("profile"), "broker-payload-unencrypted")
    assert finding.subject == ("f1",)
    assert finding.target == "events"
    assert finding.flows == ("f1",)
    assert finding.severity == "medium"
    assert finding.steps == "medium"


def test_it_fires_on_restricted_data_out_of_a_broker_and_targets_the_broker() -> None:
    doc = document(
        elements=[broker(), element("consumer")],
        flows=[flow("f1", "events", "consumer", "profile")],
    )
    assert only(doc, "broker-payload-unencrypted").target == "events"


def test_it_stays_silent_on_confidential_data() -> None:
    assert fired(broker_doc("orders"), "broker-payload-unencrypted") == []


def test_it_stays_silent_with_message_encryption() -> None:
    doc = document(
        elements=[PRODUCER, broker()],
        flows=[flow("f1", "orders", "events", "profile", message_encryption=True)],
    )
    assert fired(doc, "broker-payload-unencrypted") == []


def test_it_stays_silent_on_flows_that_avoid_brokers() -> None:
    doc = document(
        elements=[PRODUCER, element("billing")],
        flows=[flow("f1", "orders", "billing", "profile")],
    )
    assert fired(doc, "broker-payload-unencrypted") == []


def test_an_unencrypted_payload_steps_up_for_regulated_data() -> None:
    finding = only(broker_doc("health"), "broker-payload-unencrypted")
    assert finding.severity == "high"
    assert finding.steps == "medium, +1 PHI data -> high"


def test_payload_findings_on_one_broker_share_one_plan_item() -> None:
    doc = document(
        elements=[PRODUCER, broker(), element("consumer")],
        flows=[
            flow("f1", "orders", "events", "profile"),
            flow("f2", "events", "consumer", "profile"),
        ],
    )
    items = {f.plan_item for f in findings(doc, "broker-payload-unencrypted")}
    assert len(items) == 1


# -- facts left unstated ----------------------------------------------------------------


def test_an_unstated_rate_limit_is_assumed_absent_and_says_so() -> None:
    doc = document(
        elements=[element("browser", "client", "internet"), element("api")],
        flows=[flow("f1", "browser", "api", "orders")],
    )
    finding = only(doc, "no-rate-limit")
    assert "does not state a rate limit (rate_limited unstated, assumed none)" in finding.evidence
    assert finding.title == "Rate limit not stated (assumed none): api"


def test_a_stated_absent_rate_limit_is_no_assumption() -> None:
    doc = document(
        elements=[element("browser", "client", "internet"), element("api", rate_limited=False)],
        flows=[flow("f1", "browser", "api", "orders")],
    )
    finding = only(doc, "no-rate-limit")
    assert "assumed" not in finding.evidence
    assert finding.evidence.endswith("and has no rate limit.")


def test_unstated_acls_are_assumed_off() -> None:
    doc = document(
        elements=[PRODUCER, element("events", "broker", auth="sasl-scram", encryption="disk")],
        flows=[flow("f1", "orders", "events", "orders", protocol="kafka-tls")],
    )
    assert "ACLs are not stated (assumed off)" in only(doc, "insecure-broker").evidence


def test_a_broker_whose_flows_do_not_state_their_data_is_assumed_confidential() -> None:
    doc = document(
        elements=[PRODUCER, broker(auth="none")],
        flows=[{"id": "f1", "from": "orders", "to": "events", "protocol": "kafka-tls"}],
    )
    finding = only(doc, "insecure-broker")
    assert finding.severity == "high"
    assert "carries data unstated, assumed confidential" in finding.evidence


def test_an_unstated_signature_on_a_critical_message_is_assumed_absent() -> None:
    doc = document(
        elements=[element("a"), element("b")],
        flows=[flow("f1", "a", "b", "orders", critical=True)],
    )
    finding = only(doc, "unsigned-critical-message")
    assert "does not state that it is signed (assumed not)" in finding.evidence


def test_a_critical_message_stated_unsigned_is_no_assumption() -> None:
    doc = document(
        elements=[element("a"), element("b")],
        flows=[flow("f1", "a", "b", "orders", critical=True, signed=False)],
    )
    assert "is not signed" in only(doc, "unsigned-critical-message").evidence
