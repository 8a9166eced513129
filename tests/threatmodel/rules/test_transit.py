"""In transit: unencrypted-hop, e2e-gap, no-mutual-auth, weak-tls,
cert-validation-disabled, self-signed-cert, cert-expiry."""

from __future__ import annotations

from typing import Any

import pytest

from tests.threatmodel.factory import document, fired, only
from threatmodel import analyze, load


def element(id: str, kind: str = "service", boundary: str | None = "prod", **fields: Any) -> dict:
    result = {"id": id, "kind": kind, **fields}
    if boundary:
        result["boundary"] = boundary
    return result


def flow(id: str = "f1", source: str = "a", target: str = "b", **fields: Any) -> dict:
    return {"id": id, "from": source, "to": target, **fields}


def tls(**fields: Any) -> dict:
    """A complete, healthy TLS block; tests override the one fact they check."""
    return {
        "min_version": "1.2",
        "forward_secrecy": True,
        "certificate": "private-ca",
        "cert_expires": "2027-06-01",
        "auto_renew": True,
        **fields,
    }


def hop(
    a_boundary: str | None = "prod",
    b_boundary: str | None = "prod-data",
    a_kind: str = "service",
    b_kind: str = "service",
    boundaries: list | None = None,
    **flow_fields: Any,
) -> dict:
    """Two elements a -> b with one flow; by default they cross internal boundaries (X = 2)."""
    sections: dict[str, Any] = {
        "elements": [element("a", a_kind, a_boundary), element("b", b_kind, b_boundary)],
        "flows": [flow(**flow_fields)],
    }
    if boundaries is not None:
        sections["boundaries"] = boundaries
    return document(**sections)


def plan_item_of(doc: dict, rule: str):
    analysis = analyze(load(doc))
    finding = next(f for f in analysis.findings if f.rule == rule)
    return next(p for p in analysis.plan if p.id == finding.plan_item)


# -- unencrypted-hop -------------------------------------------------------------------


class TestUnencryptedHop:
    def test_it_fires_on_a_plaintext_hop(self):
        finding = only(hop(protocol="http", data=["orders"]), "unencrypted-hop")
        assert finding.subject == ("f1",)
        assert finding.target == "b"
        assert finding.flows == ("f1",)
        assert finding.path == ("a", "b")
        assert finding.severity == "high"
        assert finding.steps == "high"
        assert finding.effort == 1
        assert finding.title == "Unencrypted hop a -> b (http)"
        assert "a -> b uses http." in finding.evidence
        assert "It carries orders." in finding.evidence

    def test_it_stays_silent_with_tls(self):
        assert fired(hop(protocol="https", data=["orders"], tls=tls()), "unencrypted-hop") == []

    def test_it_stays_silent_in_process(self):
        assert fired(hop(protocol="in-process", data=["card"]), "unencrypted-hop") == []

    def test_an_unstated_protocol_is_assumed_plaintext(self):
        finding = only(hop(data=["orders"]), "unencrypted-hop")
        assert "an unstated protocol (assumed plaintext)" in finding.evidence
        assert finding.title == "Unencrypted hop a -> b (unstated)"

    def test_every_plaintext_protocol_fires(self):
        doc = document(
            elements=[element("a"), element("b", boundary="prod-data")],
            flows=[
                flow("f1", protocol="postgres", data=["orders"]),
                flow("f2", protocol="kafka-sasl-plaintext", data=["orders"]),
                flow("f3", protocol="jdbc", data=["orders"]),
                flow("f4", protocol="kafka-sasl-ssl", data=["orders"]),
            ],
        )
        assert fired(doc, "unencrypted-hop") == [("f1",), ("f2",), ("f3",)]

    def test_inside_one_boundary_it_names_the_internal_network_trust_trap(self):
        finding = only(hop(b_boundary="prod", protocol="http", data=["orders"]), "unencrypted-hop")
        assert finding.severity == "medium"
        assert finding.steps == "high, -1 inside one boundary -> medium"
        assert "Both ends sit inside prod: the internal-network trust trap" in finding.evidence

    def test_across_boundaries_it_does_not_name_the_trust_trap(self):
        finding = only(hop(protocol="http", data=["orders"]), "unencrypted-hop")
        assert "trust trap" not in finding.evidence

    def test_without_boundaries_it_does_not_name_the_trust_trap(self):
        doc = hop(a_boundary=None, b_boundary=None, protocol="http", data=["orders"])
        assert "trust trap" not in only(doc, "unencrypted-hop").evidence

    def test_from_the_internet_it_steps_up(self):
        doc = hop(a_boundary="internet", a_kind="client", protocol="http", data=["orders"])
        finding = only(doc, "unencrypted-hop")
        assert finding.severity == "critical"
        assert finding.steps == "high, +1 internet -> critical"

    def test_to_a_third_party_it_steps_up(self):
        doc = hop(b_boundary="vendor", b_kind="external", protocol="http", data=["orders"])
        assert only(doc, "unencrypted-hop").steps == "high, +1 third party -> critical"

    def test_regulated_data_steps_up(self):
        finding = only(hop(protocol="http", data=["card"]), "unencrypted-hop")
        assert finding.severity == "critical"
        assert finding.steps == "high, +1 PAN data -> critical"

    def test_restricted_data_without_a_regulated_tag_takes_no_step(self):
        assert only(hop(protocol="http", data=["profile"]), "unencrypted-hop").steps == "high"

    def test_internal_data_steps_down(self):
        finding = only(hop(protocol="http", data=["telemetry"]), "unencrypted-hop")
        assert finding.severity == "medium"
        assert finding.steps == "high, -1 only internal data -> medium"

    def test_message_encryption_steps_down_once(self):
        doc = hop(protocol="kafka", data=["orders"], message_encryption=True)
        finding = only(doc, "unencrypted-hop")
        assert finding.severity == "medium"
        assert finding.steps == "high, -1 payload encrypted end to end -> medium"
        assert "metadata and credentials are not" in finding.evidence

    def test_message_encryption_combines_with_the_other_steps(self):
        doc = hop(
            a_boundary="internet",
            a_kind="client",
            protocol="http",
            data=["card"],
            message_encryption=True,
        )
        finding = only(doc, "unencrypted-hop")
        assert finding.steps == (
            "high, +1 PAN data, +1 internet, -1 payload encrypted end to end -> critical"
        )

    def test_a_hop_with_no_data_and_no_credentials_is_info(self):
        finding = only(hop(protocol="http", data=[]), "unencrypted-hop")
        assert finding.severity == "info"
        assert finding.steps == "info (no non-public data and no credentials)"

    def test_a_hop_whose_data_is_unstated_is_assumed_confidential(self):
        finding = only(hop(protocol="http"), "unencrypted-hop")
        assert finding.severity == "high"
        assert finding.steps == "high"
        assert "Its data is not stated (data unstated, assumed confidential)." in (finding.evidence)

    def test_a_plaintext_hop_between_strict_meshes_is_info_encrypted_by_the_mesh(self):
        doc = hop(boundaries=mesh_boundaries("strict"), protocol="http", data=["card"])
        finding = only(doc, "unencrypted-hop")
        assert finding.severity == "info"
        assert finding.steps == "info (encrypted by a strict mesh)"
        assert "encrypted by the mesh, not by the application" in finding.evidence

    def test_a_plaintext_hop_into_a_meshless_boundary_is_not_covered_by_the_mesh(self):
        doc = hop(boundaries=mesh_boundaries("strict", "none"), protocol="http", data=["card"])
        assert only(doc, "unencrypted-hop").severity == "critical"

    def test_a_permissive_mesh_keeps_the_finding_and_says_it_accepts_plaintext(self):
        doc = hop(boundaries=mesh_boundaries("permissive"), protocol="http", data=["orders"])
        finding = only(doc, "unencrypted-hop")
        assert finding.severity == "high"
        assert "permissive mode accepts plaintext" in finding.evidence

    def test_a_hop_with_only_public_data_and_auth_none_is_info(self):
        doc = hop(protocol="http", data=["public-docs"], auth="none")
        assert only(doc, "unencrypted-hop").severity == "info"

    def test_internal_data_is_not_the_info_case(self):
        doc = hop(protocol="http", data=["telemetry"])
        assert only(doc, "unencrypted-hop").severity == "medium"

    def test_credentials_on_a_hop_without_data_are_not_the_info_case(self):
        finding = only(hop(protocol="http", auth="basic", data=[]), "unencrypted-hop")
        assert finding.severity == "medium"
        assert finding.steps == "high, -1 only public data -> medium"
        assert "basic credentials cross the wire in the clear" in finding.evidence

    def test_its_plan_item_is_tls_into_the_receiver(self):
        doc = document(
            elements=[element("a"), element("c"), element("b", boundary="prod-data")],
            flows=[
                flow("f1", protocol="http", data=["orders"]),
                flow("f2", "c", "b", protocol="redis", data=["orders"]),
            ],
        )
        item = plan_item_of(doc, "unencrypted-hop")
        assert item.title == "Require TLS on every connection into b"
        assert len(item.findings) == 2
        assert item.effort == 1


# -- e2e-gap ---------------------------------------------------------------------------


def gateway_system(*extra_flows: dict, extra_elements: tuple = ()) -> dict:
    """browser --https--> gateway (terminates TLS) --http--> orders --postgres-tls--> db."""
    return document(
        elements=[
            element("browser", "client", "internet"),
            element("gateway", "gateway", "prod", terminates_tls=True),
            element("orders"),
            element("db", "database", "prod-data", stores=["card"], encryption="envelope"),
            *extra_elements,
        ],
        flows=[
            flow("checkout", "browser", "gateway", protocol="https", data=["card"], tls=tls()),
            flow("proxy", "gateway", "orders", protocol="http", data=["card"]),
            flow("write", "orders", "db", protocol="postgres-tls", data=["card"], tls=tls()),
            *extra_flows,
        ],
    )


class TestEndToEndGap:
    def test_it_fires_where_tls_ends_at_a_gateway(self):
        finding = only(gateway_system(), "e2e-gap")
        assert finding.subject == ("card", "proxy")
        assert finding.target == "card"
        assert finding.effort == 2
        assert finding.path == ("browser", "gateway", "orders", "db")
        assert finding.flows == ("checkout", "proxy", "write")
        assert finding.evidence.startswith("Encryption ends at gateway;")
        assert (
            "browser --https--> gateway --PLAINTEXT http--> orders --postgres-tls--> db"
            in finding.evidence
        )

    def test_its_severity_takes_the_data_and_the_worst_plaintext_hop(self):
        finding = only(gateway_system(), "e2e-gap")
        assert finding.severity == "high"
        assert finding.steps == "high, +1 PAN data, -1 inside one boundary -> high"

    def test_its_fingerprint_stays_when_another_plaintext_hop_is_added(self):
        before = only(gateway_system(), "e2e-gap")
        after = only(
            gateway_system(
                flow("feed", "orders", "analytics", protocol="http", data=["card"]),
                extra_elements=(element("analytics", boundary="prod-data"),),
            ),
            "e2e-gap",
        )
        assert after.subject == ("card", "feed", "proxy")
        assert after.fingerprint == before.fingerprint
        assert "crosses 2 plaintext hops" in after.evidence

    def test_the_worst_hop_sets_the_exposure(self):
        doc = gateway_system(
            flow("share", "orders", "partner", protocol="http", data=["card"]),
            extra_elements=(element("partner", "external", "vendor"),),
        )
        assert only(doc, "e2e-gap").steps == "high, +1 PAN data, +1 third party -> critical"

    def test_it_stays_silent_when_every_hop_is_encrypted(self):
        doc = gateway_system()
        doc["flows"][1].update(protocol="https", tls=tls())
        assert fired(doc, "e2e-gap") == []

    def test_message_encryption_closes_the_gap(self):
        doc = gateway_system()
        doc["flows"][1]["message_encryption"] = True
        assert fired(doc, "e2e-gap") == []

    def test_it_stays_silent_on_confidential_data(self):
        doc = document(
            elements=[
                element("browser", "client", "internet"),
                element("gateway", "gateway"),
                element("orders"),
            ],
            flows=[
                flow("in", "browser", "gateway", protocol="https", data=["orders"], tls=tls()),
                flow("proxy", "gateway", "orders", protocol="http", data=["orders"]),
            ],
        )
        assert fired(doc, "e2e-gap") == []

    def test_it_fires_on_restricted_data_without_a_step(self):
        doc = document(
            elements=[
                element("browser", "client", "internet"),
                element("gateway", "gateway"),
                element("orders", boundary="prod-data"),
            ],
            flows=[
                flow("in", "browser", "gateway", protocol="https", data=["profile"], tls=tls()),
                flow("proxy", "gateway", "orders", protocol="http", data=["profile"]),
            ],
        )
        assert only(doc, "e2e-gap").steps == "high"

    def test_a_plaintext_hop_that_does_not_carry_the_data_is_no_gap(self):
        doc = gateway_system()
        doc["flows"][1].update(protocol="https", tls=tls())
        doc["flows"].append(flow("health", "gateway", "orders", protocol="http"))
        assert fired(doc, "e2e-gap") == []

    def test_it_starts_from_where_the_data_rests(self):
        doc = document(
            elements=[
                element("db", "database", "prod-data", stores=["health"], encryption="field"),
                element("reports"),
            ],
            flows=[flow("export", "db", "reports", protocol="postgres", data=["health"])],
        )
        finding = only(doc, "e2e-gap")
        assert finding.subject == ("health", "export")
        assert finding.path == ("db", "reports")
        assert finding.evidence.startswith("The data is never encrypted on some hops;")

    def test_one_finding_per_data_class(self):
        doc = gateway_system()
        for f in doc["flows"]:
            f["data"] = ["card", "health"]
        assert fired(doc, "e2e-gap") == [("card", "proxy"), ("health", "proxy")]


# -- no-mutual-auth --------------------------------------------------------------------


def mesh_boundaries(mesh: str | None, child_mesh: str | None = None) -> list[dict]:
    prod = {"id": "prod", "kind": "internal", "env": "prod"}
    child = {"id": "prod-data", "kind": "internal", "env": "prod", "parent": "prod"}
    if mesh:
        prod["mesh"] = mesh
    if child_mesh:
        child["mesh"] = child_mesh
    return [
        {"id": "internet", "kind": "internet"},
        {"id": "vendor", "kind": "third-party"},
        prod,
        child,
    ]


def internal_call(mesh: str | None = None, **fields: Any) -> dict:
    """a -> b inside prod over https with confidential data."""
    flow_fields = {"protocol": "https", "data": ["orders"], "tls": tls(), **fields}
    return hop(b_boundary="prod", boundaries=mesh_boundaries(mesh), **flow_fields)


class TestNoMutualAuth:
    def test_it_fires_inside_a_boundary_without_a_mesh(self):
        finding = only(internal_call(), "no-mutual-auth")
        assert finding.subject == ("f1",)
        assert finding.target == "prod"
        assert finding.effort == 2
        assert finding.severity == "low"
        assert finding.steps == "medium, -1 inside one boundary -> low"
        assert "stays inside prod, whose mesh is not stated (not strict mTLS)" in (finding.evidence)

    def test_it_stays_silent_inside_a_strict_mesh(self):
        assert fired(internal_call("strict"), "no-mutual-auth") == []

    def test_a_strict_mesh_is_inherited_by_nested_boundaries(self):
        doc = hop(
            a_boundary="prod-data",
            b_boundary="prod-data",
            boundaries=mesh_boundaries("strict"),
            protocol="https",
            data=["orders"],
            tls=tls(),
        )
        assert fired(doc, "no-mutual-auth") == []

    def test_a_nested_boundary_can_turn_the_mesh_off(self):
        doc = hop(
            a_boundary="prod-data",
            b_boundary="prod-data",
            boundaries=mesh_boundaries("strict", child_mesh="none"),
            protocol="https",
            data=["orders"],
            tls=tls(),
        )
        finding = only(doc, "no-mutual-auth")
        assert finding.target == "prod-data"
        assert finding.effort == 2

    def test_a_permissive_mesh_is_a_one_step_fix_on_the_boundary(self):
        finding = only(internal_call("permissive"), "no-mutual-auth")
        assert finding.target == "prod"
        assert finding.effort == 1
        assert "whose mesh is permissive" in finding.evidence

    def test_mesh_none_is_no_mesh(self):
        finding = only(internal_call("none"), "no-mutual-auth")
        assert finding.target == "prod"
        assert finding.effort == 2
        assert "whose mesh is none" in finding.evidence

    def test_crossing_a_boundary_targets_the_receiver(self):
        doc = hop(
            boundaries=mesh_boundaries("strict", "none"),
            protocol="https",
            data=["orders"],
            tls=tls(),
        )
        finding = only(doc, "no-mutual-auth")
        assert finding.target == "b"
        assert finding.effort == 2
        assert finding.steps == "medium"
        assert "a -> b crosses a trust boundary" in finding.evidence

    def test_crossing_between_two_strict_meshes_is_authenticated_by_the_sidecars(self):
        doc = hop(
            boundaries=mesh_boundaries("strict"), protocol="https", data=["orders"], tls=tls()
        )
        assert fired(doc, "no-mutual-auth") == []

    def test_one_boundary_gets_one_plan_item(self):
        doc = internal_call("permissive")
        doc["elements"].append(element("c"))
        doc["flows"].append(flow("f2", "c", "b", protocol="grpcs", data=["orders"], tls=tls()))
        item = plan_item_of(doc, "no-mutual-auth")
        assert item.title == "Require mutual authentication for prod"
        assert len(item.findings) == 2
        assert item.effort == 1

    def test_it_stays_silent_on_internal_data(self):
        assert fired(internal_call(data=["telemetry"]), "no-mutual-auth") == []

    def test_regulated_data_steps_up(self):
        doc = hop(protocol="https", data=["card"], tls=tls())
        assert only(doc, "no-mutual-auth").steps == "medium, +1 PAN data -> high"

    def test_a_third_party_end_steps_up(self):
        doc = hop(b_boundary="vendor", b_kind="external", protocol="https", data=["orders"])
        assert only(doc, "no-mutual-auth").steps == "medium, +1 third party -> high"

    def test_it_stays_silent_when_a_person_is_an_end(self):
        assert fired(internal_call(), "no-mutual-auth") != []
        for a_kind, b_kind in (("client", "service"), ("service", "user")):
            doc = hop(a_kind=a_kind, b_kind=b_kind, protocol="https", data=["orders"])
            assert fired(doc, "no-mutual-auth") == []

    @pytest.mark.parametrize("protocol", ["http", "in-process"])
    def test_it_stays_silent_on_plaintext_and_in_process_flows(self, protocol):
        doc = internal_call(protocol=protocol)
        del doc["flows"][0]["tls"]
        assert fired(doc, "no-mutual-auth") == []

    @pytest.mark.parametrize("auth", ["mtls", "sigv4", "hmac"])
    def test_it_stays_silent_with_strong_sender_auth(self, auth):
        assert fired(internal_call(auth=auth), "no-mutual-auth") == []

    def test_it_stays_silent_with_mutual_tls(self):
        assert fired(internal_call(tls=tls(mutual=True)), "no-mutual-auth") == []

    def test_it_stays_silent_with_signed_requests(self):
        assert fired(internal_call(signed=True), "no-mutual-auth") == []

    @pytest.mark.parametrize("auth", ["jwt", "api-key", "oauth2", "iam"])
    def test_bearer_and_other_auth_are_not_strong_sender_auth(self, auth):
        finding = only(internal_call(auth=auth), "no-mutual-auth")
        assert f"the caller authenticates with {auth}" in finding.evidence

    def test_without_boundaries_it_does_not_claim_a_crossing(self):
        doc = hop(a_boundary=None, b_boundary=None, protocol="https", data=["orders"])
        finding = only(doc, "no-mutual-auth")
        assert finding.target == "b"
        assert "crosses a trust boundary" not in finding.evidence


# -- weak-tls --------------------------------------------------------------------------


def tls_hop(**tls_fields: Any) -> dict:
    return hop(protocol="https", data=["orders"], tls=tls(**tls_fields))


class TestWeakTls:
    @pytest.mark.parametrize("version", ["1.0", "1.1"])
    def test_it_fires_below_tls_1_2(self, version):
        finding = only(tls_hop(min_version=version), "weak-tls")
        assert finding.subject == ("f1",)
        assert finding.target == "b"
        assert finding.effort == 1
        assert finding.severity == "high"
        assert finding.steps == "high"
        assert f"accepts TLS {version} (below 1.2)" in finding.evidence

    @pytest.mark.parametrize("version", ["1.2", "1.3"])
    def test_it_stays_silent_from_tls_1_2(self, version):
        assert fired(tls_hop(min_version=version), "weak-tls") == []

    def test_it_fires_on_weak_ciphers(self):
        finding = only(tls_hop(weak_ciphers=True), "weak-tls")
        assert finding.severity == "high"
        assert "enables weak cipher suites" in finding.evidence

    def test_no_forward_secrecy_alone_is_medium(self):
        finding = only(tls_hop(forward_secrecy=False), "weak-tls")
        assert finding.severity == "medium"
        assert finding.steps == "medium (no forward secrecy)"
        assert "has no forward secrecy with TLS 1.2" in finding.evidence

    def test_no_forward_secrecy_with_another_problem_is_high(self):
        finding = only(tls_hop(forward_secrecy=False, min_version="1.1"), "weak-tls")
        assert finding.severity == "high"
        assert finding.steps == "high"
        assert "accepts TLS 1.1 (below 1.2); has no forward secrecy" in finding.evidence

    def test_no_forward_secrecy_with_weak_ciphers_is_high(self):
        finding = only(tls_hop(forward_secrecy=False, weak_ciphers=True), "weak-tls")
        assert finding.severity == "high"

    def test_tls_1_3_always_has_forward_secrecy(self):
        assert fired(tls_hop(forward_secrecy=False, min_version="1.3"), "weak-tls") == []

    def test_unstated_forward_secrecy_is_no_finding(self):
        doc = tls_hop()
        del doc["flows"][0]["tls"]["forward_secrecy"]
        assert fired(doc, "weak-tls") == []

    def test_no_forward_secrecy_with_an_unstated_minimum_version_fires(self):
        doc = tls_hop(forward_secrecy=False)
        del doc["flows"][0]["tls"]["min_version"]
        finding = only(doc, "weak-tls")
        assert "an unstated minimum version" in finding.evidence
        assert finding.severity == "medium"

    def test_it_stays_silent_without_a_tls_block(self):
        assert fired(hop(protocol="https", data=["orders"]), "weak-tls") == []

    def test_it_takes_the_exposure_and_sensitivity_steps(self):
        doc = hop(
            a_boundary="internet",
            a_kind="client",
            protocol="https",
            data=["card"],
            tls=tls(forward_secrecy=False),
        )
        assert only(doc, "weak-tls").steps == (
            "medium (no forward secrecy), +1 PAN data, +1 internet -> critical"
        )

    def test_it_shares_the_hardening_plan_item_with_cert_validation(self):
        doc = tls_hop(min_version="1.0", verify_peer=False)
        item = plan_item_of(doc, "weak-tls")
        assert item.title == "Harden TLS on connections into b"
        assert item.rules == ("cert-validation-disabled", "weak-tls")


# -- cert-validation-disabled ----------------------------------------------------------


class TestCertValidationDisabled:
    def test_it_fires_when_the_peer_is_not_verified(self):
        finding = only(tls_hop(verify_peer=False), "cert-validation-disabled")
        assert finding.subject == ("f1",)
        assert finding.target == "b"
        assert finding.effort == 1
        assert finding.severity == "high"
        assert finding.steps == "high"
        assert "a does not verify the certificate of b" in finding.evidence

    def test_it_stays_silent_when_the_peer_is_verified(self):
        assert fired(tls_hop(verify_peer=True), "cert-validation-disabled") == []

    def test_verification_is_on_by_default(self):
        doc = tls_hop()
        assert "verify_peer" not in doc["flows"][0]["tls"]
        assert fired(doc, "cert-validation-disabled") == []

    def test_it_steps_down_inside_one_boundary_and_for_internal_data(self):
        doc = hop(b_boundary="prod", protocol="https", data=["telemetry"])
        doc["flows"][0]["tls"] = tls(verify_peer=False)
        finding = only(doc, "cert-validation-disabled")
        assert finding.severity == "low"
        assert finding.steps == "high, -1 only internal data, -1 inside one boundary -> low"


# -- self-signed-cert ------------------------------------------------------------------


class TestSelfSignedCert:
    def test_it_fires_in_production(self):
        finding = only(tls_hop(certificate="self-signed"), "self-signed-cert")
        assert finding.subject == ("f1",)
        assert finding.target == "b"
        assert finding.effort == 2
        assert finding.severity == "medium"
        assert finding.steps == "medium"
        assert "presents a self-signed certificate in production" in finding.evidence

    def test_it_stays_silent_between_non_prod_ends(self):
        doc = hop(
            a_boundary="staging",
            b_boundary="staging",
            protocol="https",
            data=["orders"],
            tls=tls(certificate="self-signed"),
        )
        assert fired(doc, "self-signed-cert") == []

    def test_it_fires_when_one_end_is_prod(self):
        doc = hop(
            a_boundary="staging",
            b_boundary="prod",
            protocol="https",
            data=["orders"],
            tls=tls(certificate="self-signed"),
        )
        assert "in production" in only(doc, "self-signed-cert").evidence

    def test_it_fires_when_the_env_is_unstated(self):
        doc = hop(
            a_boundary="staging",
            b_boundary="vendor",
            b_kind="external",
            protocol="https",
            data=["orders"],
            tls=tls(certificate="self-signed"),
        )
        finding = only(doc, "self-signed-cert")
        assert "an environment not stated as non-prod" in finding.evidence
        assert finding.steps == "medium, +1 third party -> high"

    @pytest.mark.parametrize("certificate", ["public-ca", "private-ca"])
    def test_it_stays_silent_on_ca_issued_certificates(self, certificate):
        assert fired(tls_hop(certificate=certificate), "self-signed-cert") == []


# -- cert-expiry (policy today 2026-11-28, warning 30 d) -------------------------------


def cert_hop(expires: str | None, auto_renew: bool = False, warning_days: int | None = None):
    block = tls(auto_renew=auto_renew)
    if expires is None:
        del block["cert_expires"]
    else:
        block["cert_expires"] = expires
    doc = hop(protocol="https", data=["orders"], tls=block)
    if warning_days is not None:
        doc["policy"]["cert_warning_days"] = warning_days
    return doc


def internet_cert_hop(expires: str | None, auto_renew: bool = False) -> dict:
    return hop(
        a_boundary="internet",
        a_kind="client",
        b_boundary="prod",
        protocol="https",
        data=["orders"],
        tls=tls(cert_expires=expires, auto_renew=auto_renew)
        if expires
        else {k: v for k, v in tls(auto_renew=auto_renew).items() if k != "cert_expires"},
    )


class TestCertExpiry:
    def test_it_fires_at_exactly_the_warning_days(self):
        finding = only(cert_hop("2026-12-28"), "cert-expiry")
        assert finding.subject == ("f1",)
        assert finding.target == "b"
        assert finding.effort == 2
        assert finding.severity == "medium"
        assert finding.steps == "medium (expiring)"
        assert "expires on 2026-12-28, in 30 d <= policy 30 d" in finding.evidence
        assert "not renewed automatically" in finding.evidence

    def test_it_stays_silent_one_day_past_the_warning_days(self):
        assert fired(cert_hop("2026-12-29"), "cert-expiry") == []

    def test_the_warning_days_come_from_the_policy(self):
        doc = cert_hop("2026-12-08", warning_days=10)
        assert "in 10 d <= policy 10 d" in only(doc, "cert-expiry").evidence
        doc = cert_hop("2026-12-09", warning_days=10)
        assert fired(doc, "cert-expiry") == []

    def test_auto_renewal_silences_an_expiring_certificate(self):
        assert fired(cert_hop("2026-12-01", auto_renew=True), "cert-expiry") == []

    def test_it_is_high_once_expired(self):
        finding = only(cert_hop("2026-11-27"), "cert-expiry")
        assert finding.severity == "high"
        assert finding.steps == "high (expired)"
        assert "expired on 2026-11-27 (1 d ago)" in finding.evidence

    def test_a_certificate_expiring_today_is_not_yet_expired(self):
        finding = only(cert_hop("2026-11-28"), "cert-expiry")
        assert finding.severity == "medium"
        assert "in 0 d" in finding.evidence

    def test_auto_renewal_does_not_excuse_an_expired_certificate(self):
        assert only(cert_hop("2026-11-01", auto_renew=True), "cert-expiry").severity == "high"

    def test_no_auto_renewal_on_an_internet_facing_endpoint_is_low(self):
        finding = only(internet_cert_hop("2027-06-01"), "cert-expiry")
        assert finding.severity == "medium"
        assert finding.steps == "low (no auto-renewal), +1 internet -> medium"
        assert "is not renewed automatically on an internet-facing endpoint" in (finding.evidence)

    def test_internet_facing_by_flag_counts_too(self):
        doc = cert_hop("2027-06-01")
        doc["elements"][1]["internet_facing"] = True
        assert only(doc, "cert-expiry").steps == "low (no auto-renewal)"

    def test_an_unstated_expiry_without_auto_renewal_is_low_when_internet_facing(self):
        assert only(internet_cert_hop(None), "cert-expiry").steps == (
            "low (no auto-renewal), +1 internet -> medium"
        )

    def test_auto_renewal_on_an_internet_facing_endpoint_is_silent(self):
        assert fired(internet_cert_hop("2027-06-01", auto_renew=True), "cert-expiry") == []

    def test_no_auto_renewal_inside_is_silent_when_far_from_expiry(self):
        assert fired(cert_hop("2027-06-01"), "cert-expiry") == []

    def test_it_stays_silent_without_a_tls_block(self):
        assert fired(hop(protocol="https", data=["orders"]), "cert-expiry") == []

    def test_regulated_data_and_exposure_step_the_expired_case(self):
        doc = hop(
            a_boundary="internet",
            a_kind="client",
            protocol="https",
            data=["card"],
            tls=tls(cert_expires="2026-01-01"),
        )
        finding = only(doc, "cert-expiry")
        assert finding.severity == "critical"
        assert finding.steps == "high (expired), +1 PAN data, +1 internet -> critical"

    def test_it_shares_the_certificate_plan_item_with_self_signed(self):
        doc = cert_hop("2026-12-01")
        doc["flows"][0]["tls"]["certificate"] = "self-signed"
        item = plan_item_of(doc, "cert-expiry")
        assert item.title == "Manage certificates for b"
        assert item.rules == ("cert-expiry", "self-signed-cert")


class TestEndToEndGapAndTheMesh:
    def test_a_strict_mesh_closes_the_gap_behind_the_gateway(self):
        doc = gateway_system()
        for boundary in doc["boundaries"]:
            if boundary["id"] == "prod":
                boundary["mesh"] = "strict"
        assert fired(doc, "e2e-gap") == []

    def test_a_permissive_mesh_leaves_the_gap_open(self):
        doc = gateway_system()
        for boundary in doc["boundaries"]:
            if boundary["id"] == "prod":
                boundary["mesh"] = "permissive"
        assert fired(doc, "e2e-gap") == [("card", "proxy")]

    def test_an_out_of_scope_hop_is_no_break(self):
        doc = gateway_system()
        doc["flows"][1]["out_of_scope"] = True
        assert fired(doc, "e2e-gap") == []


# -- missing-authentication ------------------------------------------------------------


class TestMissingAuthentication:
    def test_it_fires_on_confidential_data_across_a_boundary_with_auth_none(self):
        finding = only(hop(protocol="https", data=["orders"], auth="none", tls=tls()), RULE_MA)
        assert finding.subject == ("f1",)
        assert finding.target == "b"
        assert finding.effort == 2
        assert finding.steps == "medium"
        assert "a -> b crosses a trust boundary into service b carrying orders" in (
            finding.evidence
        )
        assert "states auth: none" in finding.evidence
        assert finding.references[0] == "CWE-306"

    def test_an_unstated_auth_is_assumed_none(self):
        finding = only(hop(protocol="https", data=["orders"], tls=tls()), RULE_MA)
        assert "states no auth (assumed none)" in finding.evidence

    def test_it_fires_on_a_store(self):
        doc = hop(b_kind="database", protocol="postgres-tls", data=["card"], tls=tls())
        assert only(doc, RULE_MA).steps == "medium, +1 PAN data -> high"

    def test_it_steps_up_from_the_internet(self):
        doc = hop(a_boundary="internet", a_kind="client", protocol="https", data=["orders"])
        assert only(doc, RULE_MA).steps == "medium, +1 internet -> high"

    def test_it_stays_silent_on_an_authenticated_caller(self):
        assert fired(hop(protocol="https", data=["orders"], auth="jwt", tls=tls()), RULE_MA) == []

    def test_it_stays_silent_on_mutual_tls(self):
        doc = hop(protocol="https", data=["orders"], auth="none", tls=tls(mutual=True))
        assert fired(doc, RULE_MA) == []

    def test_it_stays_silent_inside_one_boundary(self):
        doc = hop(b_boundary="prod", protocol="https", data=["orders"], auth="none", tls=tls())
        assert fired(doc, RULE_MA) == []

    def test_it_stays_silent_on_internal_data(self):
        doc = hop(protocol="https", data=["telemetry"], auth="none", tls=tls())
        assert fired(doc, RULE_MA) == []

    def test_it_stays_silent_where_a_strict_mesh_authenticates_both_ends(self):
        doc = hop(
            boundaries=mesh_boundaries("strict"), protocol="http", data=["orders"], auth="none"
        )
        assert fired(doc, RULE_MA) == []

    def test_a_permissive_mesh_does_not_authenticate(self):
        doc = hop(
            boundaries=mesh_boundaries("permissive"),
            protocol="https",
            data=["orders"],
            auth="none",
            tls=tls(),
        )
        assert fired(doc, RULE_MA) == [("f1",)]

    def test_it_leaves_brokers_to_insecure_broker(self):
        doc = hop(b_kind="broker", protocol="kafka-tls", data=["orders"], auth="none", tls=tls())
        assert fired(doc, RULE_MA) == []

    def test_it_stays_silent_on_flows_to_people(self):
        doc = hop(b_kind="user", protocol="https", data=["orders"], auth="none", tls=tls())
        assert fired(doc, RULE_MA) == []


RULE_MA = "missing-authentication"


class TestAssumedTransitFacts:
    def test_an_unstated_auto_renew_says_assumed(self):
        doc = hop(
            b_kind="gateway",
            b_boundary="prod",
            a_boundary="internet",
            a_kind="client",
            protocol="https",
            data=["orders"],
            tls={"min_version": "1.3", "certificate": "public-ca", "cert_expires": "2027-06-01"},
        )
        finding = only(doc, "cert-expiry")
        assert "auto_renew unstated, assumed not" in finding.evidence

    def test_a_stated_false_auto_renew_is_not_assumed(self):
        doc = hop(
            b_kind="gateway",
            b_boundary="prod",
            a_boundary="internet",
            a_kind="client",
            protocol="https",
            data=["orders"],
            tls=tls(auto_renew=False),
        )
        finding = only(doc, "cert-expiry")
        assert "assumed" not in finding.evidence


def test_an_unmapped_protocol_is_quoted_in_the_unencrypted_hop_evidence():
    doc = hop(protocol_as_written="TCP 1234", data=["profile"])
    evidence = only(doc, "unencrypted-hop").evidence
    assert "uses an unstated protocol (written 'TCP 1234', assumed plaintext)." in evidence


def test_a_protocol_read_from_a_label_says_so_in_the_unencrypted_hop_evidence():
    doc = hop(protocol="ws", protocol_as_written="Plain websocket", data=["profile"])
    assert "uses ws, read from the label 'Plain websocket'." in (
        only(doc, "unencrypted-hop").evidence
    )


def test_without_protocol_as_written_the_unencrypted_hop_evidence_quotes_nothing():
    unstated = only(hop(data=["profile"]), "unencrypted-hop").evidence
    assert "uses an unstated protocol (assumed plaintext)." in unstated
    stated = only(hop(protocol="http", data=["profile"]), "unencrypted-hop").evidence
    assert "uses http." in stated
    assert "written" not in unstated + stated and "label" not in unstated + stated
