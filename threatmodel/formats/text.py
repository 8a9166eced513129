"""Findings and plan as text for a terminal: worst first, the plan at the end."""

from __future__ import annotations

import textwrap

from ..analysis import Analysis, Finding
from ..decisions import Outcome

WIDTH = 88


def _wrap(text: str, indent: str = "    ") -> str:
    return textwrap.fill(text, WIDTH, initial_indent=indent, subsequent_indent=indent)


def _heading(finding: Finding) -> str:
    return f"{finding.severity.upper():8} {finding.rule:28} {finding.title}"


def to_text(analysis: Analysis, name: str, decisions: Outcome | None = None) -> str:
    counts = analysis.metrics["severity_counts"]
    summary = ", ".join(f"{n} {sev}" for sev, n in counts.items() if n) or "no findings"
    rulings = [decisions.ruling(f) if decisions else None for f in analysis.findings]
    decided = [
        (f, r) for f, r in zip(analysis.findings, rulings, strict=True) if r and r.suppressed
    ]
    if decided:
        summary += f" ({len(decided)} decided: accepted or false positive)"
    out = [f"{name}: {summary}", ""]
    for finding, ruling in zip(analysis.findings, rulings, strict=True):
        if ruling and ruling.suppressed:
            continue
        out.append(_heading(finding))
        out.append(_wrap(finding.evidence))
        if finding.path and len(finding.path) > 2:
            out.append(_wrap("path: " + " -> ".join(finding.path)))
        out.append(_wrap(f"severity: {finding.steps}"))
        out.append(_wrap(f"fix: {finding.remediation}"))
        out.append(_wrap("refs: " + "; ".join(finding.references)))
        if ruling:
            out.append(_wrap(f"decision: {ruling.note}"))
        out.append("")
    if decided:
        out.append("Decided (not counted toward --fail-on)")
        for finding, ruling in decided:
            out.append(_heading(finding))
            out.append(_wrap(ruling.note))
        out.append("")
    if decisions and decisions.stale:
        out.append("Stale decisions (their findings are gone: fixed, or the model changed)")
        out.extend(_wrap(decision.describe()) for decision in decisions.stale)
        out.append("")
    if analysis.plan:
        out.append("Remediation plan (highest score first)")
        for number, item in enumerate(analysis.plan, 1):
            out.append(f"{number:3}. [{item.worst}] {item.summary} (score {item.score:.1f})")
    return "\n".join(out).rstrip() + "\n"
