"""Properties that hold for every valid model, checked on random ones."""

from __future__ import annotations

import copy

from hypothesis import HealthCheck, given, settings

from threatmodel import analyze, load
from threatmodel.model import PLAINTEXT_PROTOCOLS, STORE_KINDS

from .strategies import documents

AT_REST_RULES = {"unencrypted-store", "transparent-encryption-only", "weaker-copy", "public-store"}
FAST = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@FAST
@given(documents())
def test_every_finding_references_existing_ids(doc):
    system = load(doc)
    analysis = analyze(system)
    known = {
        item.id
        for section in (system.data, system.boundaries, system.keys, system.elements, system.flows)
        for item in section
    }
    fingerprints = [f.fingerprint for f in analysis.findings]
    assert len(fingerprints) == len(set(fingerprints))
    for finding in analysis.findings:
        assert set(finding.subject) <= known, finding
        assert set(finding.path) <= {e.id for e in system.elements}, finding
        assert set(finding.flows) <= {f.id for f in system.flows}, finding
        assert finding.target in known, finding
    planned = [fp for item in analysis.plan for fp in item.findings]
    assert sorted(planned) == sorted(fingerprints)


@FAST
@given(documents())
def test_analysis_is_deterministic(doc):
    first = analyze(load(doc)).to_dict()
    second = analyze(load(copy.deepcopy(doc))).to_dict()
    assert first == second


def unencrypted_hops(doc) -> set[str]:
    return {f.fingerprint for f in analyze(load(doc)).findings if f.rule == "unencrypted-hop"}


@FAST
@given(documents())
def test_adding_tls_to_a_flow_never_adds_an_unencrypted_hop_finding(doc):
    before = unencrypted_hops(doc)
    for flow in doc["flows"]:
        if flow.get("protocol", "http") in PLAINTEXT_PROTOCOLS:
            flow["protocol"] = "https"
            after = unencrypted_hops(doc)
            assert after <= before
            assert len(after) < len(before)
            before = after


def at_rest(doc) -> dict[str, tuple]:
    findings = analyze(load(doc)).findings
    return {f.fingerprint: f.subject for f in findings if f.rule in AT_REST_RULES}


@FAST
@given(documents())
def test_encrypting_a_store_never_adds_an_at_rest_finding_about_it(doc):
    """weaker-copy compares copies of one data class: making one copy stronger rightly
    shows the others up as weaker, so the property speaks of the encrypted store itself."""
    for element in doc["elements"]:
        if element["kind"] not in STORE_KINDS or element["kind"] == "backup":
            continue
        if element.get("encryption") in ("field", "client-side", "envelope"):
            continue
        before = at_rest(doc)
        element["encryption"] = "client-side"
        element.pop("key", None)
        after = at_rest(doc)
        added = {fp: subject for fp, subject in after.items() if fp not in before}
        assert not [s for s in added.values() if element["id"] in s], added
        assert all(fp in before or subject[0] != element["id"] for fp, subject in after.items())
