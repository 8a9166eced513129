"""third-party-without-agreement."""

from __future__ import annotations

import copy

from tests.threatmodel.factory import BASE_DATA, document, fired, only

RULE = "third-party-without-agreement"

API = {"id": "api", "kind": "service", "name": "API", "boundary": "prod"}


def with_data(*extra):
    return [*copy.deepcopy(BASE_DATA), *extra]


def vendor(agreements=(), kind="external"):
    element = {"id": "vendor-api", "kind": kind, "name": "Vendor", "boundary": "vendor"}
    if kind == "external":
        element["agreements"] = list(agreements)
    return element


def sent(*data_ids, agreements=(), kind="external", data=None):
    sections = {
        "elements": [API, vendor(agreements, kind)],
        "flows": [
            {
                "id": "to-vendor",
                "from": "api",
                "to": "vendor-api",
                "protocol": "https",
                "data": list(data_ids),
            }
        ],
    }
    if data is not None:
        sections["data"] = data
    return document(**sections)


def test_it_fires_on_health_data_without_a_baa():
    finding = only(sent("health"), RULE)

    assert finding.subject == ("vendor-api",)
    assert finding.target == "vendor-api"
    assert finding.flows == ("to-vendor",)
    assert "business associate agreement (baa)" in finding.evidence
    assert "Agreements in the model: none" in finding.evidence


def test_it_stays_silent_on_health_data_with_a_baa():
    assert fired(sent("health", agreements=["baa"]), RULE) == []


def test_it_fires_on_personal_data_without_a_dpa():
    assert "(dpa)" in only(sent("orders"), RULE).evidence


def test_it_stays_silent_on_personal_data_with_a_dpa():
    assert fired(sent("orders", "profile", agreements=["dpa"]), RULE) == []


def test_it_fires_on_card_data_without_pci_service_provider_terms():
    assert "(pci-tpsp)" in only(sent("card", agreements=["dpa", "baa"]), RULE).evidence


def test_it_stays_silent_on_card_data_with_pci_service_provider_terms():
    assert fired(sent("card", agreements=["pci-tpsp"]), RULE) == []


def test_it_stays_silent_on_data_no_agreement_covers():
    assert fired(sent("passwords", "telemetry", "public-docs"), RULE) == []


def test_it_stays_silent_when_the_receiver_is_not_external():
    assert fired(sent("health", kind="service"), RULE) == []


def test_it_stays_silent_when_the_vendor_only_sends_to_us():
    doc = sent()
    doc["flows"][0].update({"from": "vendor-api", "to": "api", "data": ["health"]})

    assert fired(doc, RULE) == []


def test_it_lists_every_missing_agreement_in_one_finding():
    finding = only(sent("health", "card", "profile"), RULE)

    assert finding.title == "Vendor receives regulated data without baa, dpa, pci-tpsp"
    for agreement in ("(baa)", "(dpa)", "(pci-tpsp)"):
        assert agreement in finding.evidence


def test_it_names_only_the_agreements_still_missing():
    finding = only(sent("health", "profile", agreements=["baa"]), RULE)

    assert finding.title == "Vendor receives regulated data without dpa"
    assert "(baa)" not in finding.evidence


def test_it_lists_every_flow_that_carries_unbound_data():
    doc = sent("profile")
    doc["flows"].append(
        {"id": "more", "from": "api", "to": "vendor-api", "protocol": "https", "data": ["card"]}
    )
    doc["flows"].append(
        {"id": "quiet", "from": "api", "to": "vendor-api", "protocol": "https", "data": []}
    )

    assert only(doc, RULE).flows == ("to-vendor", "more")


# -- severity ---------------------------------------------------------------------------


def test_health_data_without_a_baa_is_high_by_its_basis():
    finding = only(sent("health"), RULE)

    assert finding.severity == "high"
    assert finding.steps == "high (PHI without agreement)"


def test_card_data_without_terms_is_high_by_its_basis():
    assert only(sent("card", "health", agreements=["baa"]), RULE).steps == (
        "high (PAN without agreement)"
    )


def test_both_high_cases_are_named():
    assert only(sent("card", "health"), RULE).steps == "high (PHI/PAN without agreement)"


def test_restricted_personal_data_without_a_dpa_is_medium():
    finding = only(sent("profile"), RULE)

    assert finding.severity == "medium"
    assert finding.steps == "medium"


def test_confidential_personal_data_without_a_dpa_is_medium():
    assert only(sent("orders"), RULE).steps == "medium"


def test_internal_personal_data_without_a_dpa_steps_down_to_low():
    data = with_data({"id": "handles", "classification": "internal", "tags": ["pii"]})

    finding = only(sent("handles", data=data), RULE)

    assert finding.severity == "low"
    assert finding.steps == "medium, -1 only internal data -> low"


def test_personal_data_that_is_also_a_credential_steps_up_to_high():
    data = with_data(
        {"id": "logins", "classification": "restricted", "tags": ["pii", "credentials"]}
    )

    finding = only(sent("logins", data=data), RULE)

    assert finding.severity == "high"
    assert finding.steps == "medium, +1 credentials data -> high"


def test_card_data_classified_internal_steps_down_from_its_named_base():
    data = with_data({"id": "tokens", "classification": "internal", "tags": ["pan"]})
    finding = only(sent("tokens", data=data), RULE)
    assert finding.steps == "high (PAN without agreement), -1 only internal data -> medium"
