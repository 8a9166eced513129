"""Small model documents for rule tests: a base system and a way to run one rule.

Tests state only what matters to the rule they check:

    doc = document(elements=[...], flows=[...])
    assert fired(doc, "unencrypted-hop") == [("f1",)]
"""

from __future__ import annotations

import copy
from typing import Any

from threatmodel import analyze, load
from threatmodel.analysis import Finding

TODAY = "2026-11-28"

BASE_BOUNDARIES = [
    {"id": "internet", "kind": "internet"},
    {"id": "vendor", "kind": "third-party"},
    {"id": "prod", "kind": "internal", "env": "prod"},
    {"id": "prod-data", "kind": "internal", "env": "prod", "parent": "prod"},
    {"id": "staging", "kind": "internal", "env": "non-prod"},
    {"id": "backup-account", "kind": "internal", "env": "prod"},
]
BASE_DATA = [
    {"id": "public-docs", "classification": "public"},
    {"id": "telemetry", "classification": "internal"},
    {"id": "orders", "classification": "confidential", "tags": ["pii"]},
    {"id": "profile", "classification": "restricted", "tags": ["pii"]},
    {"id": "card", "classification": "restricted", "tags": ["pan"]},
    {"id": "health", "classification": "restricted", "tags": ["phi"]},
    {"id": "passwords", "classification": "restricted", "tags": ["credentials"]},
]


def document(**sections: Any) -> dict[str, Any]:
    """A valid document with the base boundaries and data classes, plus `sections`."""
    doc: dict[str, Any] = {
        "format": "ciphermap/1",
        "name": "Test system",
        "policy": {"today": TODAY},
        "data": copy.deepcopy(BASE_DATA),
        "boundaries": copy.deepcopy(BASE_BOUNDARIES),
        "keys": [],
        "elements": [],
        "flows": [],
    }
    policy = sections.pop("policy", {})
    doc["policy"].update(policy)
    doc.update(copy.deepcopy(sections))
    return doc


def findings(doc: dict[str, Any], rule: str | None = None) -> list[Finding]:
    result = analyze(load(doc)).findings
    return [f for f in result if rule is None or f.rule == rule]


def fired(doc: dict[str, Any], rule: str) -> list[tuple[str, ...]]:
    """Subjects of the findings `rule` produced, sorted."""
    return sorted(f.subject for f in findings(doc, rule))


def only(doc: dict[str, Any], rule: str) -> Finding:
    """The single finding of `rule`; fails when there are none or several."""
    result = findings(doc, rule)
    assert len(result) == 1, [f.subject for f in result]
    return result[0]
