"""Large shapes: evidence stays readable and the data stays complete.

No timing here (benchmarks/engine.py prints those); these check what the speed work must
not lose: every plaintext hop in the subject, every journey's flow in `flows`, correct
counts, and evidence of bounded length however long the path or wide the star.
"""

from __future__ import annotations

from threatmodel import analyze, load
from threatmodel.analysis import Finding
from threatmodel.rules.base import EVIDENCE_BUDGET

from .factory import document


def element(id: str, kind: str = "service", boundary: str | None = "prod", **fields) -> dict:
    return {"id": id, "kind": kind, **fields} | ({"boundary": boundary} if boundary else {})


def flow(id: str, source: str, target: str, **fields) -> dict:
    return {"id": id, "from": source, "to": target, **fields}


def run(doc: dict) -> list[Finding]:
    return list(analyze(load(doc)).findings)


def chain_of(n: int) -> dict:
    """browser -> s0 -> s1 -> ... over http, with card data, every third hop on https."""
    elements = [element("browser", "client", "internet")]
    flows = [flow("enter", "browser", "s0", protocol="https", data=["card"])]
    for i in range(n):
        elements.append(element(f"s{i}"))
        if i + 1 < n:
            protocol = "https" if i % 3 == 0 else "http"
            flows.append(flow(f"hop{i}", f"s{i}", f"s{i + 1}", protocol=protocol, data=["card"]))
    return document(elements=elements, flows=flows)


def test_a_long_chain_has_one_gap_finding_with_every_plaintext_hop_as_data():
    [gap] = [f for f in run(chain_of(1500)) if f.rule == "e2e-gap"]
    plaintext = {f"hop{i}" for i in range(1499) if i % 3}
    assert set(gap.subject[1:]) == plaintext
    assert set(gap.flows) == plaintext | {f"hop{i}" for i in range(1499)} | {"enter"}
    assert gap.path[0] == "browser" and gap.path[-1] == "s1499"


def test_a_long_chain_names_the_first_journeys_and_counts_the_other_hops():
    [gap] = [f for f in run(chain_of(1500)) if f.rule == "e2e-gap"]
    assert len(gap.evidence) <= EVIDENCE_BUDGET
    assert "crosses 999 plaintext hops: " in gap.evidence
    # The first journey runs the whole chain: every later hop is on it.
    assert "... " in gap.evidence and "more hops ..." in gap.evidence
    assert "--PLAINTEXT http--> s2" in gap.evidence


def test_journeys_that_do_not_share_hops_are_counted_past_the_first_few():
    elements = [element("browser", "client", "internet"), element("gw", "gateway")]
    flows = [flow("enter", "browser", "gw", protocol="https", data=["card"])]
    for i in range(40):
        elements.append(element(f"s{i}"))
        flows.append(flow(f"call{i:02}", "gw", f"s{i}", protocol="http", data=["card"]))
    [gap] = [f for f in run(document(elements=elements, flows=flows)) if f.rule == "e2e-gap"]
    assert "crosses 40 plaintext hops: " in gap.evidence
    assert gap.evidence.count("PLAINTEXT") == 5
    assert "; and 35 more plaintext hops." in gap.evidence
    assert len(gap.subject) == 41


def test_a_log_sink_fed_by_a_thousand_services_lists_five_and_counts_the_rest():
    elements = [element("logs", "log-sink", encryption="none", immutable=True)]
    flows = []
    for i in range(1000):
        elements.append(element(f"s{i}"))
        flows.append(flow(f"log{i}", f"s{i}", "logs", protocol="syslog", purpose="logging"))
    [sink] = [
        f for f in run(document(elements=elements, flows=flows)) if f.rule == "unprotected-log-sink"
    ]
    assert "s0 (syslog), s1 (syslog), s2 (syslog), s3 (syslog), s4 (syslog) and 995 more" in (
        sink.evidence
    )
    assert len(sink.flows) == 1000


def test_a_log_journey_keeps_its_last_hundred_hops_and_says_there_were_earlier_ones():
    elements = [element(f"s{i}") for i in range(300)]
    elements.append(element("logs", "log-sink", encryption="platform"))
    flows = [
        flow(f"hop{i}", f"s{i}", f"s{i + 1}", protocol="https", data=["passwords"])
        for i in range(299)
    ]
    flows.append(flow("ship", "s299", "logs", protocol="https", data=["passwords"]))
    [leak] = [
        f
        for f in run(document(elements=elements, flows=flows))
        if f.rule == "sensitive-data-in-logs"
    ]
    assert len(leak.flows) == 100 and leak.flows[-1] == "ship"
    assert leak.path[-1] == "logs" and len(leak.path) == 101
    assert "... earlier hops ..." in leak.evidence and len(leak.evidence) <= EVIDENCE_BUDGET


def test_a_key_wrap_chain_counts_every_store_under_the_root():
    keys = [
        {"id": f"k{i}", "type": "kek", "custody": "kms", "rotation_days": 90}
        | ({"wraps": [f"k{i + 1}"]} if i < 1999 else {})
        for i in range(2000)
    ]
    keys[-1]["type"] = "dek"
    keys[0]["custody"] = "env-var"
    stores = [
        element(f"db{i}", "database", stores=["card"], encryption="sse-kms", key=f"k{1999 - i}")
        for i in range(50)
    ]
    result = analyze(load(document(keys=keys, elements=stores)))
    [root] = [f for f in result.findings if f.rule == "key-in-app-config"]
    assert root.blast_radius == 50
    assert "It protects 50 stores: db0, db1, db10, db11, db12 and 45 more." in root.evidence
    assert "PAN" in root.steps
    assert result.metrics["keys"]["largest_blast_radius"] == 50


def test_a_diamond_of_wrapped_keys_counts_each_store_once():
    keys = [
        {"id": "root", "type": "kek", "custody": "env-var", "wraps": ["left", "right"]},
        {"id": "left", "type": "kek", "custody": "kms", "wraps": ["dek"]},
        {"id": "right", "type": "kek", "custody": "kms", "wraps": ["dek"]},
        {"id": "dek", "type": "dek", "custody": "kms"},
    ]
    stores = [
        element(f"db{i}", "database", stores=["orders"], encryption="sse-kms", key="dek")
        for i in range(3)
    ]
    result = analyze(load(document(keys=keys, elements=stores)))
    [root] = [f for f in result.findings if f.rule == "key-in-app-config"]
    assert root.blast_radius == 3


def test_boundaries_nested_two_hundred_deep_inherit_env_and_mesh():
    boundaries = [{"id": "b0", "kind": "internal", "env": "non-prod", "mesh": "strict"}]
    boundaries += [
        {"id": f"b{d}", "kind": "internal", "parent": f"b{d - 1}"} for d in range(1, 200)
    ]
    doc = document(
        boundaries=boundaries,
        elements=[element("a", boundary="b199"), element("b", boundary="b199")],
        flows=[
            flow(
                "call",
                "a",
                "b",
                protocol="https",
                data=["orders"],
                tls={"certificate": "self-signed"},
            )
        ],
    )
    rules = {f.rule for f in run(doc)}
    assert "self-signed-cert" not in rules  # non-prod, inherited from 199 levels up
    assert "no-mutual-auth" not in rules  # strict mesh, inherited


def test_no_finding_on_the_benchmark_shapes_exceeds_the_evidence_budget():
    for doc in (chain_of(600),):
        assert max(len(f.evidence) for f in run(doc)) <= EVIDENCE_BUDGET
