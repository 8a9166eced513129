"""Findings as pages show them: filtered, sorted, with IDs turned into labels.

The engine computes; this module only selects and arranges its cached output.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlencode

from django.http import QueryDict

from threatmodel.schema import SECTION_NAMES

from .models import SEVERITIES

PAGE_SIZE = 50

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
    plan: str = ""
    sort: str = "priority"
    page: int = 1

    @classmethod
    def from_query(cls, query: QueryDict) -> FindingFilter:
        sort = query.get("sort", "priority")
        try:
            page = max(1, int(query.get("page", 1)))
        except ValueError:
            page = 1
        return cls(
            severity=query.get("severity", "") if query.get("severity") in SEVERITIES else "",
            rule=query.get("rule", "")[:100],
            element=query.get("element", "")[:100],
            plan=query.get("plan", "")[:100],
            sort=sort if sort in SORTS else "priority",
            page=page,
        )

    @property
    def active(self) -> bool:
        return bool(self.severity or self.rule or self.element or self.plan)

    def query(self, page: int) -> str:
        """The query string of this filter at another page."""
        params = {
            "severity": self.severity,
            "rule": self.rule,
            "element": self.element,
            "plan": self.plan,
            "sort": "" if self.sort == "priority" else self.sort,
            "page": "" if page == 1 else str(page),
        }
        return urlencode({k: v for k, v in params.items() if v})


@dataclass
class FindingsView:
    findings: list[dict]  # the page shown, presented
    matching: int  # findings that pass the filter
    total: int
    rules: list[str]
    elements: list[tuple[str, str]]
    counts: dict[str, int]
    filter: FindingFilter
    page: int = 1
    pages: int = 1
    plan: list[dict] = field(default_factory=list)
    plan_total: int = 0

    @property
    def previous_query(self) -> str | None:
        return self.filter.query(self.page - 1) if self.page > 1 else None

    @property
    def next_query(self) -> str | None:
        return self.filter.query(self.page + 1) if self.page < self.pages else None


def labels(document: dict) -> dict[str, str]:
    """ID -> display label for every item of the document."""
    result = {}
    for section in SECTION_NAMES:
        for item in document.get(section, []):
            result[item["id"]] = item.get("name") or item["id"]
    return result


def _elements_of(finding: dict) -> set[str]:
    return {*finding.get("subject", ()), *finding.get("path", ()), finding.get("target", "")}


def findings_view(
    analysis: dict,
    document: dict,
    selected: FindingFilter,
    page_size: int = PAGE_SIZE,
    plan_size: int | None = None,
) -> FindingsView:
    """One page of the findings that pass `selected`, with what the filters offer.

    Only the page shown is prepared for display: a large model has thousands of
    findings and the pages must stay fast.
    """
    findings: list[dict[str, Any]] = analysis.get("findings", [])
    names = labels(document)
    chosen = [
        finding
        for finding in findings
        if (not selected.severity or finding["severity"] == selected.severity)
        and (not selected.rule or finding["rule"] == selected.rule)
        and (not selected.plan or finding.get("plan_item") == selected.plan)
        and (not selected.element or selected.element in _elements_of(finding))
    ]
    order = {severity: index for index, severity in enumerate(SEVERITIES)}
    if selected.sort == "severity":
        chosen.sort(key=lambda f: order.get(f["severity"], 9))
    elif selected.sort == "rule":
        chosen.sort(key=lambda f: (f["rule"], order.get(f["severity"], 9)))
    elif selected.sort == "element":
        chosen.sort(key=lambda f: (names.get(f.get("target", ""), f.get("target", "")), f["rule"]))
    pages = max(1, -(-len(chosen) // page_size))
    page = min(selected.page, pages)
    shown = chosen[(page - 1) * page_size : page * page_size]
    counts = {severity: 0 for severity in SEVERITIES}
    for finding in findings:
        counts[finding["severity"]] = counts.get(finding["severity"], 0) + 1
    element_ids = {item["id"] for item in document.get("elements", [])}
    mentioned = {finding.get("target", "") for finding in findings}
    mentioned.update(i for f in findings for i in (*f.get("subject", ()), *f.get("path", ())))
    plan = analysis.get("plan", [])
    return FindingsView(
        findings=[_presented(finding, names) for finding in shown],
        matching=len(chosen),
        total=len(findings),
        rules=sorted({finding["rule"] for finding in findings}),
        elements=sorted(
            ((i, names.get(i, i)) for i in mentioned & element_ids), key=lambda p: p[1]
        ),
        counts=counts,
        filter=selected,
        page=page,
        pages=pages,
        plan=[_presented_plan(item, names) for item in plan[:plan_size]],
        plan_total=len(plan),
    )


def _presented(finding: dict, names: dict[str, str]) -> dict:
    return {
        **finding,
        "subject_labels": [names.get(i, i) for i in finding.get("subject", ())],
        "path_labels": [names.get(i, i) for i in finding.get("path", ())],
        "target_label": names.get(finding.get("target", ""), finding.get("target", "")),
    }


def _presented_plan(item: dict, names: dict[str, str]) -> dict:
    return {
        **item,
        "target_label": names.get(item.get("target", ""), item.get("target", "")),
        "closes": len(item.get("findings", ())),
    }


def metric_rows(metrics: Any, prefix: str = "") -> list[tuple[str, Any]]:
    """Flatten the engine's metrics dict into (label, value) rows for a table."""
    rows: list[tuple[str, Any]] = []
    if not isinstance(metrics, dict):
        return rows
    for key, value in metrics.items():
        if key == "severity_counts":  # shown as badges above the findings
            continue
        label = f"{prefix}{key}".replace("_", " ")
        if isinstance(value, dict):
            rows.extend(metric_rows(value, f"{prefix}{key} / "))
        elif isinstance(value, list | tuple):
            rows.append((label, ", ".join(_metric_item(v) for v in value) or "—"))
        elif value is None:
            rows.append((label, "—"))
        elif isinstance(value, float):
            rows.append((label, f"{value:.0%}" if 0 <= value <= 1 else f"{value:g}"))
        else:
            rows.append((label, value))
    return rows


def _metric_item(value: Any) -> str:
    if isinstance(value, dict) and {"sensitivity", "total", "protected"} <= value.keys():
        return f"{value['sensitivity']} {value['protected']}/{value['total']}"
    if isinstance(value, dict):
        return " ".join(f"{k} {v}" for k, v in value.items())
    return str(value)
