"""Decisions an imported file records (Threagile risk tracking, Threat Dragon and OTM
threat states), recorded on the matching findings of the imported system.

The importers propose decisions as plain dicts (`threatmodel.formats.detect.Imported`):
{rule, match, state, note, justification?, reason?, expires?}. A finding matches when it
is of `rule` and every ID in `match` ("*" matches anything) is among its subject, path and
flows. Each goes through `record_decision`, the one writer, as an import: what a rule
refuses (an acceptance already past its expiry) is recorded as in discussion instead,
with the note saying what the other tool had recorded.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Iterator, Mapping
from typing import Any

from django.contrib.auth.models import User

from .decisions import DecisionRefused, record_decision
from .models import DecisionEvent, System

WILDCARD = "*"


def matching_findings(
    findings: Iterable[Mapping[str, Any]], proposal: Mapping[str, Any]
) -> Iterator[Mapping[str, Any]]:
    """The findings a proposed decision is about."""
    named = [part for part in proposal.get("match", []) if part != WILDCARD]
    for finding in findings:
        if finding.get("rule") != proposal.get("rule"):
            continue
        ids = {*finding.get("subject", []), *finding.get("path", []), *finding.get("flows", [])}
        if all(part in ids for part in named):
            yield finding


def record_imported_decisions(
    system: System, proposals: list[dict], actor: User | None, *, undecided_only: bool = False
) -> int:
    """Record every proposal on every finding it matches; returns how many were recorded.
    A finding named by several proposals keeps the most specific (the one naming most).
    `undecided_only` (a re-import) leaves the findings the team has decided alone."""
    chosen: dict[str, dict] = {}
    findings = system.analysis.get("findings", [])
    decided = set(system.decisions.values_list("fingerprint", flat=True)) if undecided_only else ()
    for proposal in sorted(proposals, key=lambda p: len(p.get("match", []))):
        for finding in matching_findings(findings, proposal):
            if finding["fingerprint"] not in decided:
                chosen[finding["fingerprint"]] = {**proposal, "finding": finding}
    for fingerprint, proposal in chosen.items():
        _record(system, fingerprint, proposal, actor)
    return len(chosen)


def _record(system: System, fingerprint: str, proposal: dict, actor: User | None) -> None:
    finding = proposal["finding"]
    common = {
        "actor": actor,
        "rule": finding["rule"],
        "subject": finding.get("subject", []),
        "source": DecisionEvent.IMPORT,
        "note": proposal.get("note", ""),
    }
    expires = proposal.get("expires")
    try:
        record_decision(
            system,
            fingerprint,
            proposal["state"],
            justification=proposal.get("justification", ""),
            reason=proposal.get("reason", ""),
            expires=expires if isinstance(expires, dt.date) else None,
            **common,
        )
    except DecisionRefused as refused:
        said = "; ".join(f"{field}: {message}" for field, message in refused.errors.items())
        common["note"] = f"{common['note']} (recorded as in discussion: {said})".strip()
        record_decision(system, fingerprint, "in-discussion", **common)
