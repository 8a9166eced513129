"""SARIF 2.1.0 output, so code-scanning tools show findings where the model says it."""

from __future__ import annotations

from typing import Any

from ..analysis import Analysis, Finding
from ..model import System
from ..rules import REGISTRY

SARIF_SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"
LEVELS = {"critical": "error", "high": "error", "medium": "warning", "low": "note", "info": "note"}
# GitHub code scanning reads this property to rank results.
SECURITY_SEVERITY = {"critical": "9.5", "high": "8.0", "medium": "5.5", "low": "3.0", "info": "0.0"}


def _item_lines(system: System) -> dict[str, int]:
    """The line each element, flow, key or data class starts on in the model file."""
    lines: dict[str, int] = {}
    for section in ("data", "boundaries", "keys", "elements", "flows"):
        for index, item in enumerate(getattr(system, section)):
            line = system.lines.get(f"{section}[{index}]")
            if line is not None:
                lines.setdefault(item.id, line)
    return lines


def _result(finding: Finding, rule_index: dict[str, int], uri: str, lines: dict[str, int]):
    locations = []
    for subject in finding.subject:
        physical: dict[str, Any] = {"artifactLocation": {"uri": uri}}
        if subject in lines:
            physical["region"] = {"startLine": lines[subject]}
        locations.append({"physicalLocation": physical, "logicalLocations": [{"name": subject}]})
    return {
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


def to_sarif(analysis: Analysis, system: System, uri: str, version: str) -> dict[str, Any]:
    rules = list(REGISTRY.values())
    rule_index = {rule.id: i for i, rule in enumerate(rules)}
    lines = _item_lines(system)
    return {
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
                "results": [_result(f, rule_index, uri, lines) for f in analysis.findings],
            }
        ],
    }
