"""Findings as pages show them: filtered, sorted, with IDs turned into labels.

The engine computes; this module only selects and arranges its cached output.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from .models import SEVERITIES

SORTS = {
    "priority": "Priority",
    "severity": "Severity",
    "rule": "Rule",
    "element": "Element",
}


@dataclass
class FindingFilter:
    severity: str = ""
    rule: str = ""
    element: str = ""
    sort: str = "priority"

    @classmethod
    def from_query(cls, query) -> FindingFilter:
        sort = query.get("sort", "priority")
        return cls(
            severity=query.get("severity", "") if query.get("severity") in SEVERITIES else "",
            rule=query.get("rule", "")[:100],
            element=query.get("element", "")[:100],
            sort=sort if sort in SORTS else "priority",
        )

    @property
    def active(self) -> bool:
        return bool(self.severity or self.rule or self.element)


@dataclass
class FindingsView:
    findings: list[dict]
    total: int
    rules: list[str]
    elements: list[tuple[str, str]]
    counts: dict[str, int]
    filter: FindingFilter
    plan: list[dict] = field(default_factory=list)


def labels(document: dict) -> dict[str, str]:
    """ID -> display label for every item of the document."""
    result = {}
    for section in ("data", "boundaries", "keys", "elements", "flows"):
        for item in document.get(section, []):
            result[item["id"]] = item.get("name") or item["id"]
    return result


def _elements_of(finding: dict) -> set[str]:
    return {*finding.get("subject", ()), *finding.get("path", ()), finding.get("target", "")}


def findings_view(analysis: dict, document: dict, selected: FindingFilter) -> FindingsView:
    findings: list[dict[str, Any]] = analysis.get("findings", [])
    element_ids = {item["id"] for item in document.get("elements", [])}
    names = labels(document)
    chosen = [
        finding
        for finding in findings
        if (not selected.severity or finding["severity"] == selected.severity)
        and (not selected.rule or finding["rule"] == selected.rule)
        and (not selected.element or selected.element in _elements_of(finding))
    ]
    order = {severity: index for index, severity in enumerate(SEVERITIES)}
    if selected.sort == "severity":
        chosen.sort(key=lambda f: order.get(f["severity"], 9))
    elif selected.sort == "rule":
        chosen.sort(key=lambda f: (f["rule"], order.get(f["severity"], 9)))
    elif selected.sort == "element":
        chosen.sort(key=lambda f: (names.get(f.get("target", ""), f.get("target", "")), f["rule"]))
    counts = {severity: 0 for severity in SEVERITIES}
    for finding in findings:
        counts[finding["severity"]] = counts.get(finding["severity"], 0) + 1
    mentioned = set().union(*(_elements_of(f) for f in findings)) if findings else set()
    return FindingsView(
        findings=[_presented(finding, names) for finding in chosen],
        total=len(findings),
        rules=sorted({finding["rule"] for finding in findings}),
        elements=sorted(
            ((i, names.get(i, i)) for i in mentioned & element_ids), key=lambda p: p[1]
        ),
        counts=counts,
        filter=selected,
        plan=[_presented_plan(item, names, findings) for item in analysis.get("plan", [])],
    )


def _presented(finding: dict, names: dict[str, str]) -> dict:
    return {
        **finding,
        "subject_labels": [names.get(i, i) for i in finding.get("subject", ())],
        "path_labels": [names.get(i, i) for i in finding.get("path", ())],
        "target_label": names.get(finding.get("target", ""), finding.get("target", "")),
    }


def _presented_plan(item: dict, names: dict[str, str], findings: list[dict]) -> dict:
    by_fingerprint = {f["fingerprint"]: f for f in findings}
    return {
        **item,
        "target_label": names.get(item.get("target", ""), item.get("target", "")),
        "closes": [by_fingerprint[fp] for fp in item.get("findings", ()) if fp in by_fingerprint],
    }


def metric_rows(metrics: Any, prefix: str = "") -> list[tuple[str, Any]]:
    """Flatten the engine's metrics dict into (label, value) rows for a table."""
    rows: list[tuple[str, Any]] = []
    if not isinstance(metrics, dict):
        return rows
    for key, value in metrics.items():
        label = f"{prefix}{key}".replace("_", " ")
        if isinstance(value, dict):
            rows.extend(metric_rows(value, f"{prefix}{key} / "))
        elif isinstance(value, list | tuple):
            rows.append((label, ", ".join(_metric_item(v) for v in value) or "—"))
        elif value is None:
            rows.append((label, "—"))
        elif isinstance(value, float):
            rows.append((label, f"{value:.2%}" if 0 <= value <= 1 else f"{value:g}"))
        else:
            rows.append((label, value))
    return rows


def _metric_item(value: Any) -> str:
    if isinstance(value, dict) and {"sensitivity", "total", "protected"} <= value.keys():
        return f"{value['sensitivity']} {value['protected']}/{value['total']}"
    if isinstance(value, dict):
        return " ".join(f"{k} {v}" for k, v in value.items())
    return str(value)
