"""The remediation plan: one item per fix and target, scored and ordered (RULES.md)."""

from __future__ import annotations

import pytest

from tests.threatmodel.factory import document
from threatmodel import analyze, load
from threatmodel.analysis import Finding, build_plan
from threatmodel.graph import SystemGraph
from threatmodel.scoring import priority

HARDEN = "Harden TLS on connections into {target}"
REQUIRE_TLS = "Require TLS on every connection into {target}"

ELEMENTS = [
    {"id": "browser", "kind": "client", "boundary": "internet"},
    {"id": "partner", "kind": "client", "name": "Partner", "boundary": "internet"},
    {"id": "api", "kind": "gateway", "name": "API", "boundary": "prod", "rate_limited": True},
    {"id": "db", "kind": "database", "name": "DB", "boundary": "prod", "encryption": "envelope"},
]
BAD_TLS = {
    "min_version": "1.0",
    "forward_secrecy": True,
    "verify_peer": False,
    "certificate": "public-ca",
    "auto_renew": True,
}


def tls_flow(id, source, target, tls=BAD_TLS):
    return {
        "id": id,
        "from": source,
        "to": target,
        "protocol": "https",
        "data": ["orders"],
        "tls": tls,
    }


def analysis(*flows):
    return analyze(load(document(elements=ELEMENTS, flows=list(flows))))


def items_for(result, fix):
    return [item for item in result.plan if item.fix == fix]


# -- merging ----------------------------------------------------------------------------


def test_findings_of_rules_sharing_a_fix_on_one_target_merge_into_one_item():
    result = analysis(tls_flow("checkout", "browser", "api"))

    [item] = items_for(result, HARDEN)
    assert item.rules == ("cert-validation-disabled", "weak-tls")
    assert item.target == "api"
    assert item.title == "Harden TLS on connections into API"
    assert len(item.findings) == 2


def test_findings_on_different_flows_into_one_target_merge():
    result = analysis(tls_flow("checkout", "browser", "api"), tls_flow("feed", "partner", "api"))

    [item] = items_for(result, HARDEN)
    assert len(item.findings) == 4
    assert item.summary == "Harden TLS on connections into API: closes 4 findings, effort 1"


def test_the_same_fix_on_different_targets_makes_separate_items():
    result = analysis(tls_flow("checkout", "browser", "api"), tls_flow("query", "api", "db"))

    assert sorted(item.target for item in items_for(result, HARDEN)) == ["api", "db"]


def test_rules_with_different_fixes_on_one_target_stay_apart():
    plain = {"id": "plain", "from": "partner", "to": "api", "protocol": "http", "data": ["orders"]}
    result = analysis(tls_flow("checkout", "browser", "api"), plain)

    assert [i.target for i in items_for(result, HARDEN)] == ["api"]
    assert [i.target for i in items_for(result, REQUIRE_TLS)] == ["api"]


def test_every_finding_points_at_the_item_that_closes_it():
    result = analysis(tls_flow("checkout", "browser", "api"), tls_flow("query", "api", "db"))
    items = {item.id: item for item in result.plan}

    assert result.findings
    for finding in result.findings:
        assert finding.fingerprint in items[finding.plan_item].findings
    closed = [fp for item in result.plan for fp in item.findings]
    assert sorted(closed) == sorted(f.fingerprint for f in result.findings)


# -- score, order and summary, on findings made by hand ---------------------------------


@pytest.fixture
def graph():
    system = load(document(elements=ELEMENTS))
    return SystemGraph(system, system.policy)


def made(rule, target, severity, effort=1, blast_radius=1, name=""):
    return Finding(
        rule=rule,
        severity=severity,
        steps=severity,
        subject=(name or f"{rule}-{target}-{severity}",),
        path=(),
        flows=(),
        title="",
        evidence="",
        remediation="",
        references=(),
        fingerprint=name or f"{rule}-{target}-{severity}",
        effort=effort,
        target=target,
        blast_radius=blast_radius,
        priority=priority(severity, blast_radius, effort),
    )


def test_the_score_sums_weighted_points_over_the_highest_effort(graph):
    findings = [
        made("weak-tls", "api", "high", effort=1),
        made("cert-validation-disabled", "api", "medium", effort=2, blast_radius=4),
    ]

    [item] = build_plan(findings, graph)

    assert item.score == (5 * 1 + 2 * (1 + 2)) / 2
    assert item.effort == 2
    assert item.worst == "high"
    assert item.summary == "Harden TLS on connections into API: closes 2 findings, effort 2"


def test_a_single_finding_reads_in_the_singular(graph):
    [item] = build_plan([made("weak-tls", "db", "low")], graph)

    assert item.summary == "Harden TLS on connections into DB: closes 1 finding, effort 1"
    assert item.score == 1


def test_info_findings_add_nothing_to_the_score(graph):
    [item] = build_plan(
        [made("weak-tls", "db", "info"), made("weak-tls", "db", "low", name="x")], graph
    )

    assert item.score == 1


def test_items_sort_by_score_before_severity(graph):
    findings = [
        made("unencrypted-hop", "db", "critical", effort=3),  # 10 / 3
        made("weak-tls", "api", "high", effort=1),  # 5 / 1
    ]

    assert [item.target for item in build_plan(findings, graph)] == ["api", "db"]


def test_equal_scores_sort_by_worst_severity(graph):
    findings = [
        made("weak-tls", "api", "high", effort=1),  # 5 / 1
        made("unencrypted-hop", "db", "critical", effort=2),  # 10 / 2
    ]

    plan = build_plan(findings, graph)

    assert [item.score for item in plan] == [5, 5]
    assert [item.worst for item in plan] == ["critical", "high"]


def test_equal_scores_and_severities_sort_by_title(graph):
    findings = [made("weak-tls", "db", "high"), made("weak-tls", "api", "high")]

    assert [item.title for item in build_plan(findings, graph)] == [
        "Harden TLS on connections into API",
        "Harden TLS on connections into DB",
    ]


def test_an_item_lists_its_findings_in_priority_order(graph):
    findings = [
        made("weak-tls", "api", "medium"),
        made("cert-validation-disabled", "api", "critical"),
        made("weak-tls", "api", "high", name="other"),
    ]

    [item] = build_plan(findings, graph)

    assert item.findings == (
        "cert-validation-disabled-api-critical",
        "other",
        "weak-tls-api-medium",
    )
