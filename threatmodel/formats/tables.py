"""CSV tables for spreadsheets and auditors: findings (with their decisions) and the
crypto inventory.

Every cell a spreadsheet could run as a formula (text starting with =, +, -, @, a tab or
a carriage return) is prefixed with an apostrophe: a model's names are user text, and a
CSV opened in a spreadsheet must not execute it (CWE-1236).
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

__all__ = ["FINDING_COLUMNS", "findings_csv", "safe_cell", "table_csv"]

FINDING_COLUMNS = (
    "number",
    "priority",
    "severity",
    "rule",
    "title",
    "subject",
    "path",
    "evidence",
    "remediation",
    "effort",
    "references",
    "plan_item",
    "fingerprint",
    "decision",
    "justification",
    "reason",
    "owner",
    "due",
    "expires",
)
_FORMULA = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value: Any) -> str:
    """A value as CSV text that a spreadsheet shows instead of evaluating."""
    if value is None:
        return ""
    if isinstance(value, (list, tuple)):
        value = "; ".join(str(v) for v in value)
    text = str(value)
    return "'" + text if text.startswith(_FORMULA) else text


def table_csv(columns: Sequence[str], rows: Iterable[Mapping[str, Any]]) -> str:
    """A CSV text with a header row; each row's missing columns are empty."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(columns)
    for row in rows:
        writer.writerow([safe_cell(row.get(column)) for column in columns])
    return out.getvalue()


def findings_csv(
    findings: Iterable[Mapping[str, Any]], decided: Mapping[str, Mapping[str, Any]] | None = None
) -> str:
    """Findings (an analysis's `findings` dicts) in priority order, one per row, numbered
    as the PDF report numbers them (F1, F2, ...), with the decision recorded on each
    (`decided`: fingerprint -> {state, justification, ...})."""
    decided = decided or {}
    rows = []
    for number, finding in enumerate(findings, start=1):
        decision = decided.get(finding.get("fingerprint", ""), {})
        rows.append(
            {
                **finding,
                "number": number,
                "decision": decision.get("state", "open" if decided else ""),
                **{
                    k: decision.get(k)
                    for k in ("justification", "reason", "owner", "due", "expires")
                },
            }
        )
    return table_csv(FINDING_COLUMNS, rows)
