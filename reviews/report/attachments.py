"""The complete lists a large report only summarises, as files embedded in the PDF.

A report of thousands of findings prints the worst in full and groups the rest by rule;
the auditor still gets every finding, plan item and inventory row, as CSV (spreadsheets)
and JSON (scripts), attached to the PDF itself so the evidence travels as one file.
"""

from __future__ import annotations

import csv
import io
import json
from typing import Any

FINDING_COLUMNS = (
    "number",
    "severity",
    "rule",
    "title",
    "subject",
    "path",
    "evidence",
    "remediation",
    "references",
    "effort",
    "plan_item",
    "fingerprint",
)


def _csv(header: tuple[str, ...], rows: list[dict[str, Any]]) -> str:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=header, extrasaction="ignore")
    writer.writeheader()
    for row in rows:
        # A cell starting with = + - @ is a formula to a spreadsheet: quote it as text.
        writer.writerow({k: _inert(v) for k, v in row.items()})
    return out.getvalue()


def _inert(value: Any) -> Any:
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + value
    return value


def findings_csv(analysis) -> str:
    rows = [
        {
            "number": number,
            "severity": f.severity,
            "rule": f.rule,
            "title": f.title,
            "subject": " ".join(f.subject),
            "path": " > ".join(f.path),
            "evidence": f.evidence,
            "remediation": f.remediation,
            "references": "; ".join(f.references),
            "effort": f.effort,
            "plan_item": f.plan_item,
            "fingerprint": f.fingerprint,
        }
        for number, f in enumerate(analysis.findings, start=1)
    ]
    return _csv(FINDING_COLUMNS, rows)


def analysis_json(analysis, model_hash: str) -> str:
    """Every finding and plan item, as the engine reports them, with the model's hash."""
    document = {"model_sha256": model_hash, **analysis.to_dict()}
    return json.dumps(document, indent=1, ensure_ascii=False, sort_keys=True, default=str)


def inventory_csv(system) -> str:
    rows = [
        {
            "section": "element",
            "id": e.id,
            "name": e.name,
            "kind": e.kind,
            "boundary": e.boundary or "",
            "detail": e.encryption or "" if e.is_store else "",
            "description": e.description,
        }
        for e in system.elements
    ]
    rows += [
        {
            "section": "flow",
            "id": f.id,
            "name": f.name,
            "kind": f.protocol or "",
            "boundary": f"{f.source} > {f.target}",
            "detail": " ".join(f.data),
            "description": f.description,
        }
        for f in system.flows
    ]
    rows += [
        {
            "section": "key",
            "id": k.id,
            "name": k.name,
            "kind": k.type,
            "boundary": k.held_by or "",
            "detail": k.custody or "",
            "description": k.description,
        }
        for k in system.keys
    ]
    header = ("section", "id", "name", "kind", "boundary", "detail", "description")
    return _csv(header, rows)
