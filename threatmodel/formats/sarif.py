"""SARIF 2.1.0 output, so code-scanning tools show findings where the model says it."""

from __future__ import annotations

from typing import Any

from ..analysis import Analysis, Finding
from ..decisions import Outcome, Ruling
from ..model import System
from ..rules import REGISTRY
from ..schema import SECTION_NAMES

SARIF_SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"
LEVELS = {"critical": "error", "high": "error", "medium": "warning", "low": "note", "info": "note"}
# GitHub code scanning reads this property to rank results.
SECURITY_SEVERITY = {"critical": "9.5", "high": "8.0", "medium": "5.5", "low": "3.0", "info": "0.0"}


def _item_lines(system: System) -> dict[str, int]:
    """The line each element, flow, key or data class starts on in the model file."""
    lines: dict[str, int] = {}
    for section in SECTION_NAMES:
        for index, item in enumerate(getattr(system, section)):
            line = system.lines.get(f"{section}[{index}]")
            if line is not None:
                lines.setdefault(item.id, line)
    return lines


def _suppressions(ruling: Ruling) -> list[dict[str, Any]]:
    """A decided finding stays in the log, marked as suppressed outside the tool."""
    if not ruling.suppressed:
        return []
    return [{"kind": "external", "status": "accepted", "justification": ruling.note}]


def _result(
    finding: Finding,
    rule_index: dict[str, int],
    uri: str,
    lines: dict[str, int],
    ruling: Ruling | None = None,
) -> dict[str, Any]:
    locations = []
    for subject in finding.subject:
        physical: dict[str, Any] = {"artifactLocation": {"uri": uri}}
        if subject in lines:
            physical["region"] = {"startLine": lines[subject]}
        locations.append({"physicalLocation": physical, "logicalLocations": [{"name": subject}]})
    result: dict[str, Any] = {
        "ruleId": finding.rule,
        "ruleIndex": rule_index[finding.rule],
        "level": LEVELS[finding.severity],
        "message": {"text": f"{finding.title}. {finding.evidence}"},
        "locations": locations[:1],
        "relatedLocations": [dict(loc, id=i) for i, loc in enumerate(locations[1:], 1)],
        "partialFingerprints": {"ciphermap/v1": finding.fingerprint},
        "properties": {
            "severity": finding.severity,
            "steps": finding.steps,
            "security-severity": SECURITY_SEVERITY[finding.severity],
            "path": list(finding.path),
        },
    }
    if ruling:
        result["suppressions"] = _suppressions(ruling)
        result["properties"]["decision"] = ruling.to_dict()
    return result


def _invocation(decisions: Outcome) -> dict[str, Any]:
    """Stale decisions are worth a warning in the log, not a failed run."""
    return {
        "executionSuccessful": True,
        "toolExecutionNotifications": [
            {
                "level": "warning",
                "message": {"text": f"Stale decision: {decision.describe()}"},
                "descriptor": {"id": "stale-decision"},
            }
            for decision in decisions.stale
        ],
    }


def to_sarif(
    analysis: Analysis,
    system: System,
    uri: str,
    version: str,
    decisions: Outcome | None = None,
) -> dict[str, Any]:
    rules = list(REGISTRY.values())
    rule_index = {rule.id: i for i, rule in enumerate(rules)}
    lines = _item_lines(system)
    run: dict[str, Any] = {
        "$schema": SARIF_SCHEMA,
        "version": "2.1.0",
        "runs": [
            {
                "tool": {
                    "driver": {
                        "name": "Ciphermap",
                        "version": version,
                        "informationUri": "https://github.com/ciphermap/ciphermap",
                        "rules": [
                            {
                                "id": rule.id,
                                "name": rule.title,
                                "shortDescription": {"text": rule.title},
                                "fullDescription": {"text": rule.check.__doc__ or rule.title},
                                "help": {"text": rule.remediation},
                                "defaultConfiguration": {"level": LEVELS[rule.base]},
                                "properties": {
                                    "tags": ["security", rule.family],
                                    "references": list(rule.references),
                                },
                            }
                            for rule in rules
                        ],
                    }
                },
                "artifacts": [{"location": {"uri": uri}}],
                "results": [
                    _result(f, rule_index, uri, lines, decisions.ruling(f) if decisions else None)
                    for f in analysis.findings
                ],
            }
        ],
    }
    if decisions:
        run["runs"][0]["invocations"] = [_invocation(decisions)]
    return run
