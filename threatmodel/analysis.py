"""analyze(): run every rule over the graph, score the findings, build the plan."""

from __future__ import annotations

import gc
import hashlib
from collections import defaultdict
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from functools import lru_cache
from typing import Any, NamedTuple

from .graph import SystemGraph
from .metrics import compute_metrics
from .model import SEVERITIES, Policy, System
from .rules import REGISTRY, Hit, Rule
from .rules.base import EVIDENCE_BUDGET, bounded
from .scoring import RANKS, priority, rank


class Finding(NamedTuple):
    """One finding, immutable. A NamedTuple rather than a frozen dataclass: a frozen
    dataclass sets each field through object.__setattr__, and at 45,000 findings (a
    10,000-service chain) that was a sixth of the analysis."""

    rule: str
    severity: str
    steps: str
    subject: tuple[str, ...]
    path: tuple[str, ...]
    flows: tuple[str, ...]
    title: str
    evidence: str
    remediation: str
    references: tuple[str, ...]
    fingerprint: str
    effort: int
    target: str
    blast_radius: int
    priority: float
    plan_item: str = ""

    def to_dict(self) -> dict[str, Any]:
        return {
            "rule": self.rule,
            "severity": self.severity,
            "steps": self.steps,
            "subject": list(self.subject),
            "path": list(self.path),
            "flows": list(self.flows),
            "title": self.title,
            "evidence": self.evidence,
            "remediation": self.remediation,
            "references": list(self.references),
            "fingerprint": self.fingerprint,
            "effort": self.effort,
            "target": self.target,
            "blast_radius": self.blast_radius,
            "priority": round(self.priority, 3),
            "plan_item": self.plan_item,
        }


class PlanItem(NamedTuple):
    """One fix on one target, closing every finding that shares it (a NamedTuple, as
    Finding is)."""

    id: str
    title: str
    fix: str
    target: str
    findings: tuple[str, ...]
    rules: tuple[str, ...]
    effort: int
    score: float
    worst: str
    summary: str

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "title": self.title,
            "fix": self.fix,
            "target": self.target,
            "findings": list(self.findings),
            "rules": list(self.rules),
            "effort": self.effort,
            "score": round(self.score, 3),
            "worst": self.worst,
            "summary": self.summary,
        }


@dataclass(frozen=True, slots=True)
class Analysis:
    findings: tuple[Finding, ...]
    plan: tuple[PlanItem, ...]
    metrics: dict[str, Any]

    def to_dict(self) -> dict[str, Any]:
        return {
            "findings": [f.to_dict() for f in self.findings],
            "plan": [p.to_dict() for p in self.plan],
            "metrics": self.metrics,
        }


def fingerprint(rule_id: str, identity: tuple[str, ...]) -> str:
    """Depends on the rule and the IDs it is about only, so labels and unrelated edits
    leave it alone and review decisions stay attached."""
    text = "\x1f".join((rule_id, *identity))
    return hashlib.sha256(text.encode()).hexdigest()[:16]


@lru_cache(maxsize=65536)
def plan_item_id(fix: str, target: str) -> str:
    """Many findings share an item: hash each fix and target once."""
    return fingerprint("plan:" + fix, (target,))


def _finding(rule: Rule, hit: Hit, graph: SystemGraph) -> Finding:
    steps = hit.steps
    severity = steps.severity
    effort = hit.effort or rule.effort
    title = hit.title or f"{rule.title}: " + ", ".join(map(graph.describe, hit.subject[:3]))
    evidence = hit.evidence
    return Finding(
        rule=rule.id,
        severity=severity,
        steps=steps.text,
        subject=hit.subject,
        path=hit.path,
        flows=hit.flows,
        title=title,
        evidence=evidence if len(evidence) <= EVIDENCE_BUDGET else bounded(evidence),
        remediation=rule.remediation,
        references=rule.references,
        fingerprint=fingerprint(rule.id, hit.identity or hit.subject),
        effort=effort,
        target=hit.target,
        blast_radius=hit.blast_radius,
        priority=priority(severity, hit.blast_radius, effort),
        plan_item=plan_item_id(rule.fix, hit.target),
    )


def _sort_key(finding: Finding) -> tuple:
    return (-RANKS[finding.severity], -finding.priority, finding.rule, finding.subject)


def build_plan(findings: list[Finding], graph: SystemGraph) -> list[PlanItem]:
    """One item per fix and target; the findings carry their item's ID already."""
    groups: dict[str, list[Finding]] = defaultdict(list)
    for finding in findings:
        groups[
            finding.plan_item or plan_item_id(REGISTRY[finding.rule].fix, finding.target)
        ].append(finding)
    items = []
    for item_id, members in groups.items():
        first = members[0]
        if len(members) == 1:  # most items: one finding, nothing to sort or add up
            effort, weights = first.effort, first.priority * first.effort
            rules: tuple[str, ...] = (first.rule,)
            fingerprints: tuple[str, ...] = (first.fingerprint,)
        else:
            members.sort(key=_sort_key)  # near-linear: findings come in priority order
            first = members[0]
            effort = max(f.effort for f in members)
            # priority x effort is the finding's weight: points x (1 + log2 B)
            weights = sum(f.priority * f.effort for f in members)
            rules = tuple(sorted({f.rule for f in members}))
            fingerprints = tuple([f.fingerprint for f in members])
        fix, target = REGISTRY[first.rule].fix, first.target
        title = fix.replace("{target}", graph.label(target))
        count = len(members)
        items.append(
            PlanItem(
                id=item_id,
                title=title,
                fix=fix,
                target=target,
                findings=fingerprints,
                rules=rules,
                effort=effort,
                score=weights / effort,
                worst=first.severity,
                summary=(
                    f"{title}: closes {count} finding{'s' if count != 1 else ''}, effort {effort}"
                ),
            )
        )
    items.sort(key=lambda p: (-p.score, -rank(p.worst), p.title, p.id))
    return items


@contextmanager
def without_cycle_collection() -> Iterator[None]:
    """Pause the cyclic garbage collector while an analysis allocates.

    An analysis makes tens of thousands of short-lived, acyclic objects; each allocation
    burst triggers a full scan of an ever larger heap, which made time grow faster than
    the model (3x slower at 10,000 elements). Reference counting still frees everything.
    """
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def analyze(system: System, policy: Policy | None = None) -> Analysis:
    """Every rule of the catalog over the system; deterministic for a given policy.today."""
    with without_cycle_collection():
        return _analyze(system, policy)


def _in_scope(hit: Hit, graph: SystemGraph) -> bool:
    """A finding about an element or flow marked out_of_scope is not reported.

    A hit is about its first subject: a flow when the hit's flows are that flow alone,
    else an element (IDs are unique per section only, so a flow and an element may share
    one). Rules that span many items (e2e-gap) leave out-of-scope flows out themselves.
    """
    elements, flows = graph.out_of_scope
    if not hit.subject or not (elements or flows):
        return True
    first = hit.subject[0]
    if hit.flows == (first,):
        return first not in flows
    return first not in elements


def _analyze(system: System, policy: Policy | None) -> Analysis:
    graph = SystemGraph(system, policy or system.policy)
    findings = sorted(
        (
            _finding(rule, hit, graph)
            for rule in REGISTRY.values()
            for hit in rule.check(graph)
            if _in_scope(hit, graph)
        ),
        key=_sort_key,
    )
    plan = build_plan(findings, graph)
    metrics = compute_metrics(graph, findings)
    return Analysis(findings=tuple(findings), plan=tuple(plan), metrics=metrics)


@dataclass(frozen=True, slots=True)
class OutOfScope:
    """An element or flow the review leaves out, for the report's scope section."""

    section: str  # "elements" or "flows"
    id: str
    name: str
    reason: str


def out_of_scope(system: System) -> list[OutOfScope]:
    """Every element and flow marked out_of_scope, in model order, elements first."""
    items = [
        OutOfScope("elements", e.id, e.label, e.out_of_scope_reason)
        for e in system.elements
        if e.out_of_scope
    ]
    labels = {e.id: e.label for e in system.elements}
    items += [
        OutOfScope(
            "flows",
            f.id,
            f.name or f"{labels.get(f.source, f.source)} -> {labels.get(f.target, f.target)}",
            f.out_of_scope_reason,
        )
        for f in system.flows
        if f.out_of_scope
    ]
    return items


__all__ = [
    "SEVERITIES",
    "Analysis",
    "Finding",
    "OutOfScope",
    "PlanItem",
    "analyze",
    "fingerprint",
    "out_of_scope",
    "without_cycle_collection",
]
