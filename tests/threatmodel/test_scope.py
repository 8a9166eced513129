"""out_of_scope: items the review leaves out get no findings, and are listed for the report."""

from __future__ import annotations

from threatmodel import analyze, load
from threatmodel.analysis import OutOfScope, out_of_scope

from .factory import document, findings


def model(**marks) -> dict:
    """browser -> api over http, api -> vendor; api internet-facing without a rate limit."""
    doc = document(
        elements=[
            {"id": "browser", "kind": "client", "boundary": "internet"},
            {"id": "api", "kind": "service", "boundary": "prod", "name": "API"},
            {"id": "crm", "kind": "external", "boundary": "vendor"},
        ],
        flows=[
            {"id": "in", "from": "browser", "to": "api", "protocol": "http", "data": ["orders"]},
            {"id": "out", "from": "api", "to": "crm", "protocol": "http", "data": ["orders"]},
        ],
    )
    for item_id, reason in marks.items():
        for section in ("elements", "flows"):
            for item in doc[section]:
                if item["id"] == item_id:
                    item.update(out_of_scope=True, out_of_scope_reason=reason)
    return doc


def subjects(doc: dict) -> set[tuple[str, str]]:
    return {(f.rule, f.subject[0]) for f in findings(doc)}


def test_an_out_of_scope_flow_gets_no_findings():
    before, after = subjects(model()), subjects(model(out="Owned by the CRM team"))
    assert ("unencrypted-hop", "out") in before
    assert {s for s in after if s[1] == "out"} == set()
    assert ("unencrypted-hop", "in") in after


def test_an_out_of_scope_element_gets_no_findings():
    before, after = subjects(model()), subjects(model(api="Reviewed separately"))
    assert ("no-rate-limit", "api") in before
    assert ("no-rate-limit", "api") not in after
    assert ("unencrypted-hop", "in") in after  # the flow into it is still in scope


def test_the_out_of_scope_items_are_listed_with_their_reasons():
    system = load(model(api="Reviewed separately", out="Owned by the CRM team"))
    assert out_of_scope(system) == [
        OutOfScope("elements", "api", "API", "Reviewed separately"),
        OutOfScope("flows", "out", "API -> crm", "Owned by the CRM team"),
    ]


def test_nothing_is_listed_when_everything_is_in_scope():
    assert out_of_scope(load(model())) == []
    assert analyze(load(model())).findings
