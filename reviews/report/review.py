"""The parts a review adds to the PDF: the review and its sign-offs, the decision on every
finding, the risk-acceptance register, the mitigation plan, the changes since the previous
review, and a scope and methodology page.

`review_sections(review)` returns report Sections (see render.py's extra-sections hook);
each reads the review once, when the report is built. A signed-off review shows the
decisions as they stood when it was signed off.
"""

from __future__ import annotations

from typing import Any

from ..decisions import (
    acceptance_max_days,
    effective_state,
    is_settled,
    state_label,
)
from ..models import Decision, Review
from .render import ReportContext, Section

UNDECIDED = "UNDECIDED"


def _name(user) -> str:
    if user is None:
        return ""
    return user.get_full_name() or user.get_username()


class ReviewFacts:
    """What the review sections print, gathered once per report."""

    def __init__(self, review: Review) -> None:
        from ..reviewing import compare_with_previous, review_day, review_decisions

        self.review = review
        self.decisions = review_decisions(review)
        self.today = review_day(review)
        self.comparison = compare_with_previous(review)

    def number(self, report: ReportContext, fingerprint: str) -> str:
        number = report.numbers.get(fingerprint)
        return f"F{number}" if number else "\u2013"


def build_review(report: ReportContext, facts: ReviewFacts) -> dict[str, Any]:
    review = facts.review
    return {
        "title": review.title,
        "date": review.date,
        "status": review.get_status_display(),
        "version": review.version,
        "model_hash": review.model_hash,
        "signed_off_at": review.signed_off_at,
        "participants": [
            {"name": _name(p.user), "role": p.get_role_display(), "signs": p.signs}
            for p in review.participants.select_related("user")
        ],
        "signoffs": [
            {
                "name": s.name,
                "role": s.get_role_display(),
                "at": s.signed_at,
                "attestation": s.attestation,
            }
            for s in review.signoffs.all()
        ],
        "override": review.override_reason,
        "override_by": _name(review.override_by),
        "override_at": review.override_at,
    }


def _detail(decision, state: str) -> str:
    event = decision.current if decision is not None else None
    if event is None:
        return ""
    if state == Decision.MITIGATE:
        return f"{_name(event.owner)}, due {event.due.isoformat() if event.due else '?'}"
    if state in (Decision.ACCEPT, Decision.EXPIRED):
        return f"until {event.expires.isoformat() if event.expires else '?'}: {event.justification}"
    if state == Decision.FALSE_POSITIVE:
        return event.reason
    return event.note


def build_decisions(report: ReportContext, facts: ReviewFacts) -> dict[str, Any]:
    rows = []
    undecided = 0
    for finding in facts.review.findings:
        decision = facts.decisions.get(finding["fingerprint"])
        state = effective_state(decision, facts.today)
        settled = is_settled(decision, facts.today)
        undecided += not settled
        rows.append(
            {
                "number": facts.number(report, finding["fingerprint"]),
                "severity": finding["severity"],
                "title": finding["title"],
                "state": state_label(decision, facts.today) if decision else UNDECIDED,
                "settled": settled,
                "detail": _detail(decision, state),
            }
        )
    return {"rows": rows, "undecided": undecided, "total": len(rows)}


def build_register(report: ReportContext, facts: ReviewFacts) -> dict[str, Any]:
    rows = []
    for finding in facts.review.findings:
        decision = facts.decisions.get(finding["fingerprint"])
        state = effective_state(decision, facts.today)
        if decision is None or state not in (Decision.ACCEPT, Decision.EXPIRED):
            continue
        event = decision.current
        rows.append(
            {
                "number": facts.number(report, finding["fingerprint"]),
                "severity": finding["severity"],
                "title": finding["title"],
                "justification": event.justification,
                "controls": event.compensating_controls,
                "approver": _name(event.approved_by or event.approver),
                "approved": event.approved_by_id is not None,
                "approved_at": event.approved_at,
                "expires": event.expires,
                "expired": state == Decision.EXPIRED,
            }
        )
    return {"rows": rows, "max_days": acceptance_max_days(facts.review.system.document)}


def build_mitigations(report: ReportContext, facts: ReviewFacts) -> dict[str, Any]:
    rows = []
    for finding in facts.review.findings:
        decision = facts.decisions.get(finding["fingerprint"])
        if decision is None or effective_state(decision, facts.today) != Decision.MITIGATE:
            continue
        event = decision.current
        rows.append(
            {
                "number": facts.number(report, finding["fingerprint"]),
                "severity": finding["severity"],
                "title": finding["title"],
                "owner": _name(event.owner),
                "due": event.due,
                "overdue": bool(event.due and event.due < facts.today),
                "ticket": event.ticket_url,
            }
        )
    rows.sort(key=lambda row: (row["due"] is None, row["due"]))
    return {"rows": rows}


def build_changes(report: ReportContext, facts: ReviewFacts) -> dict[str, Any]:
    comparison = facts.comparison
    model_lines = []
    if comparison.model is not None:
        for section in comparison.model.sections:
            for item in section.added:
                model_lines.append(f"added {section.noun} {item['id']}")
            for item in section.removed:
                model_lines.append(f"removed {section.noun} {item['id']}")
            for _before, after, fields in section.changed:
                model_lines.append(f"changed {section.noun} {after['id']}: {', '.join(fields)}")
        if comparison.model.fields:
            model_lines.append("changed " + ", ".join(comparison.model.fields))
    return {
        "previous": comparison.previous,
        "new": comparison.new,
        "fixed": comparison.fixed,
        "still_open": comparison.still_open,
        "changed": [
            {"title": row["finding"]["title"], "before": row["before"], "after": row["after"]}
            for row in comparison.changed
        ],
        "expired": comparison.expired,
        "expiring": comparison.expiring,
        "overdue": comparison.overdue,
        "model": model_lines,
    }


def build_scope(report: ReportContext, facts: ReviewFacts) -> dict[str, Any]:
    document = facts.review.system.document
    policy = report.system.policy
    out_of_scope = [
        {
            "what": f"{section[:-1] if section != 'data' else 'data class'} {item['id']}",
            "reason": item.get("out_of_scope_reason", ""),
        }
        for section in ("elements", "flows")
        for item in document.get(section, [])
        if item.get("out_of_scope")
    ]
    return {
        "engine_version": report.engine_version,
        "rule_count": len(report.rules),
        "rules": ", ".join(rule["id"] for rule in report.rules),
        "policy": [
            ("As of", report.analysis.metrics.get("today", "")),
            ("Key rotation", f"{policy.key_rotation_days} days"),
            ("Token lifetime", f"{policy.token_ttl_minutes} minutes"),
            ("Certificate warning", f"{policy.cert_warning_days} days"),
            ("Blast radius hotspot", f"{policy.blast_radius} elements"),
            ("Longest risk acceptance", f"{acceptance_max_days(document)} days"),
        ],
        "out_of_scope": out_of_scope,
        "version": facts.review.version,
        "model_hash": facts.review.model_hash,
    }


def review_sections(review: Review) -> list[Section]:
    """The review's sections for `render_report_pdf(extra_sections=...)`."""
    facts: list[ReviewFacts] = []

    def use(build):
        def run(report: ReportContext):
            if not facts:
                facts.append(ReviewFacts(review))
            return build(report, facts[0])

        return run

    return [
        Section(
            "review", "The review", "report/sections/review.html", use(build_review), "summary"
        ),
        Section(
            "decisions",
            "Decisions",
            "report/sections/review_decisions.html",
            use(build_decisions),
            "findings",
        ),
        Section(
            "register",
            "Risk-acceptance register",
            "report/sections/review_register.html",
            use(build_register),
            "decisions",
        ),
        Section(
            "mitigations",
            "Mitigation plan",
            "report/sections/review_mitigations.html",
            use(build_mitigations),
            "register",
        ),
        Section(
            "changes",
            "Changes since the previous review",
            "report/sections/review_changes.html",
            use(build_changes),
            "mitigations",
        ),
        Section(
            "scope",
            "Scope and methodology",
            "report/sections/review_scope.html",
            use(build_scope),
            "rules",
        ),
    ]
