"""Findings and plan as text for a terminal: worst first, the plan at the end."""

from __future__ import annotations

import textwrap

from ..analysis import Analysis

WIDTH = 88


def _wrap(text: str, indent: str = "    ") -> str:
    return textwrap.fill(text, WIDTH, initial_indent=indent, subsequent_indent=indent)


def to_text(analysis: Analysis, name: str) -> str:
    counts = analysis.metrics["severity_counts"]
    summary = ", ".join(f"{n} {sev}" for sev, n in counts.items() if n) or "no findings"
    out = [f"{name}: {summary}", ""]
    for finding in analysis.findings:
        out.append(f"{finding.severity.upper():8} {finding.rule:28} {finding.title}")
        out.append(_wrap(finding.evidence))
        if finding.path and len(finding.path) > 2:
            out.append(_wrap("path: " + " -> ".join(finding.path)))
        out.append(_wrap(f"severity: {finding.steps}"))
        out.append(_wrap(f"fix: {finding.remediation}"))
        out.append(_wrap("refs: " + "; ".join(finding.references)))
        out.append("")
    if analysis.plan:
        out.append("Remediation plan (highest score first)")
        for number, item in enumerate(analysis.plan, 1):
            out.append(f"{number:3}. [{item.worst}] {item.summary} (score {item.score:.1f})")
    return "\n".join(out).rstrip() + "\n"
