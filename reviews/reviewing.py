"""Review meetings: freezing a revision, participants, the walk-through order, progress,
sign-off and what changed since the previous signed-off review.

The decisions themselves are recorded by `reviews.decisions`; this module arranges them
around one review.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

from django.contrib.auth.models import User
from django.db import transaction
from django.utils import timezone

import threatmodel

from . import services
from .decisions import (
    EXPIRING_SOON_DAYS,
    decisions_as_of,
    decisions_for,
    display_name,
    effective_state,
    is_settled,
)
from .history import DocumentDiff, diff_documents
from .models import SEVERITIES, Decision, Membership, Participant, Review, SignOff, System

GUARDED_SEVERITIES = ("critical", "high")
ORDERS = {"plan": "Plan order", "severity": "By severity"}


class ReviewRefused(ValueError):
    """The review cannot do this now; `errors` maps a field (or "") to the reason."""

    def __init__(self, errors: dict[str, str]) -> None:
        self.errors = errors
        super().__init__("; ".join(errors.values()))


def frozen_analysis(review: Review) -> dict:
    """A review's stored analysis, parsed once per process: it never changes. (Keyed with
    the creation time too, so a reused primary key never meets a stale entry.)"""
    return _frozen_analysis(review.pk, review.created_at)


@lru_cache(maxsize=16)
def _frozen_analysis(review_pk: int, created_at) -> dict:
    return Review.objects.values_list("analysis", flat=True).get(pk=review_pk)


def frozen_document(system: System, version: int) -> dict:
    """The document of a version, rebuilt once per process: versions never change (every
    save makes a new one). Callers must not modify it."""
    return _frozen_document(system.pk, system.created, version)


@lru_cache(maxsize=16)
def _frozen_document(system_pk: int, created, version: int) -> dict:
    return services.document_at(System.objects.get(pk=system_pk), version)


def model_hash(document: dict) -> str:
    from .report.render import model_hash as hash_of

    return hash_of(threatmodel.load(document))


@transaction.atomic
def create_review(system: System, *, title: str, date: dt.date, author: User) -> Review:
    """A draft review of the system's current version, which it freezes; the author
    joins as facilitator."""
    analysis = services.current_analysis(system)
    document = System.objects.values_list("document", flat=True).get(pk=system.pk)
    review = Review.objects.create(
        system=system,
        version=system.version,
        model_hash=model_hash(document),
        title=title,
        date=date,
        analysis=analysis,
        created_by=author,
    )
    services.freeze_revision(system, system.version)
    Participant.objects.create(review=review, user=author, role=Participant.FACILITATOR)
    return review


def _workspace_role(review: Review, user: User) -> str | None:
    return (
        Membership.objects.filter(workspace_id=review.system.workspace_id, user=user)
        .values_list("role", flat=True)
        .first()
    )


def add_participant(review: Review, user: User, role: str) -> Participant:
    if review.signed_off:
        raise ReviewRefused({"": "This review is signed off; its participants are fixed."})
    workspace_role = _workspace_role(review, user)
    if workspace_role is None:
        raise ReviewRefused({"user": f"{display_name(user)} is not a member of this workspace"})
    if role in Participant.SIGN_OFF_ROLES and workspace_role != Membership.OWNER:
        raise ReviewRefused(
            {
                "role": f"{display_name(user)} is a workspace {workspace_role}; only owners sign "
                "off, so choose observer (or make them an owner first)"
            }
        )
    participant, created = Participant.objects.get_or_create(
        review=review, user=user, defaults={"role": role}
    )
    if not created:
        raise ReviewRefused({"user": f"{display_name(user)} already takes part"})
    return participant


def start_review(review: Review) -> None:
    if review.status == Review.DRAFT:
        Review.objects.filter(pk=review.pk, status=Review.DRAFT).update(status=Review.IN_PROGRESS)
        review.status = Review.IN_PROGRESS


# --- the findings of a review --------------------------------------------------------


def walk_order(review: Review, order: str = "plan") -> list[dict]:
    """The review's findings in plan order (the remediation plan's items in turn, each
    with its findings by priority) or by severity (worst first, then plan order)."""
    findings = review.findings
    by_fingerprint = {f["fingerprint"]: f for f in findings}
    ordered: list[dict] = []
    seen: set[str] = set()
    for item in review.analysis.get("plan", []):
        for fingerprint in item["findings"]:
            if fingerprint in by_fingerprint and fingerprint not in seen:
                ordered.append(by_fingerprint[fingerprint])
                seen.add(fingerprint)
    ordered += [f for f in findings if f["fingerprint"] not in seen]
    if order == "severity":
        rank = {severity: index for index, severity in enumerate(SEVERITIES)}
        ordered.sort(key=lambda f: rank.get(f["severity"], len(rank)))  # stable: plan order
    return ordered


def review_decisions(review: Review) -> dict[str, Any]:
    """The decisions the review shows: as they stood at sign-off for a signed-off
    review (read-only for good), the live ones otherwise."""
    if review.signed_off and review.signed_off_at:
        return decisions_as_of(review.system, review.signed_off_at)
    return decisions_for(review.system)


def review_day(review: Review) -> dt.date:
    """The day states are judged on: the sign-off day once signed, today before."""
    if review.signed_off and review.signed_off_at:
        return timezone.localdate(review.signed_off_at)
    return timezone.localdate()


@dataclass
class Progress:
    total: int
    decided: int
    left_by_severity: dict[str, int]

    @property
    def text(self) -> str:
        text = f"{self.decided} of {self.total} decided"
        critical = self.left_by_severity.get("critical", 0)
        if critical:
            text += f", {critical} critical left"
        elif self.left_by_severity.get("high", 0):
            text += f", {self.left_by_severity['high']} high left"
        return text

    @property
    def percent(self) -> int:
        return round(100 * self.decided / self.total) if self.total else 100


def progress(review: Review, decisions: dict[str, Any], today: dt.date) -> Progress:
    left: dict[str, int] = {}
    decided = 0
    for finding in review.findings:
        if is_settled(decisions.get(finding["fingerprint"]), today):
            decided += 1
        else:
            left[finding["severity"]] = left.get(finding["severity"], 0) + 1
    return Progress(len(review.findings), decided, left)


def unsettled_guarded(review: Review, decisions: dict[str, Any], today: dt.date) -> list[dict]:
    """Critical and high findings still open, in discussion, reopened, expired or
    waiting for an approval: they block sign-off unless the facilitator says why."""
    return [
        f
        for f in review.findings
        if f["severity"] in GUARDED_SEVERITIES
        and not is_settled(decisions.get(f["fingerprint"]), today)
    ]


# --- sign-off -----------------------------------------------------------------------


def attestation(review: Review, day: dt.date) -> str:
    return (
        f"I reviewed the findings of revision {review.version}, sha256 {review.model_hash}, "
        f"on {day.isoformat()}."
    )


def record_override(review: Review, user: User, reason: str) -> None:
    """The facilitator's reason for signing off with critical or high findings open."""
    if review.signed_off:
        raise ReviewRefused({"": "This review is signed off."})
    if not review.participants.filter(user=user, role=Participant.FACILITATOR).exists():
        raise ReviewRefused({"reason": "only the review's facilitator can record this"})
    if not reason.strip():
        raise ReviewRefused({"reason": "say why the review can be signed off anyway"})
    Review.objects.filter(pk=review.pk).update(
        override_reason=reason.strip(), override_by=user, override_at=timezone.now()
    )
    review.refresh_from_db()


def expected_signers(review: Review) -> list[Participant]:
    return [p for p in review.participants.select_related("user") if p.signs]


@transaction.atomic
def sign(review: Review, user: User, today: dt.date | None = None) -> SignOff:
    """The user's signature on the review; the last expected one signs the review off."""
    today = today or timezone.localdate()
    review = Review.objects.select_for_update().get(pk=review.pk)
    if review.signed_off:
        raise ReviewRefused({"": "This review is already signed off."})
    participant = review.participants.filter(user=user).first()
    if participant is None or not participant.signs:
        raise ReviewRefused({"": "Only participants with a sign-off role sign this review."})
    if _workspace_role(review, user) != Membership.OWNER:
        raise ReviewRefused({"": "Only owners of the workspace sign off reviews."})
    if review.signoffs.filter(user=user).exists():
        raise ReviewRefused({"": "You have already signed this review."})
    blocking = unsettled_guarded(review, decisions_for(review.system), today)
    if blocking and not review.override_reason:
        raise ReviewRefused(
            {
                "": f"{len(blocking)} critical or high finding{'s' if len(blocking) != 1 else ''} "
                "still open or in discussion: decide them, or the facilitator records why the "
                "review can be signed off anyway."
            }
        )
    signature = SignOff.objects.create(
        review=review,
        user=user,
        name=display_name(user),
        role=participant.role,
        attestation=attestation(review, today),
    )
    signed = set(review.signoffs.values_list("user_id", flat=True))
    if all(p.user_id in signed for p in expected_signers(review)):
        review.status = Review.SIGNED_OFF
        review.signed_off_at = timezone.now()
        review.save(update_fields=["status", "signed_off_at"])
    elif review.status == Review.DRAFT:
        review.status = Review.IN_PROGRESS
        review.save(update_fields=["status"])
    return signature


# --- what changed since the previous review --------------------------------------------


def previous_review(review: Review) -> Review | None:
    """The system's last review signed off before this one was created."""
    return (
        Review.objects.defer("analysis")
        .filter(
            system_id=review.system_id,
            status=Review.SIGNED_OFF,
            signed_off_at__lte=review.signed_off_at or timezone.now(),
        )
        .exclude(pk=review.pk)
        .filter(pk__lt=review.pk)
        .order_by("-signed_off_at", "-pk")
        .first()
    )


LIST_LIMIT = 100  # entries per list on the comparison page; the counts are complete


@dataclass
class Comparison:
    previous: Review | None
    new: list[dict] = field(default_factory=list)
    fixed: list[dict] = field(default_factory=list)
    still_open: list[dict] = field(default_factory=list)
    changed: list[dict] = field(default_factory=list)  # {finding, before, after}
    expired: list[dict] = field(default_factory=list)  # {finding, decision}
    expiring: list[dict] = field(default_factory=list)
    overdue: list[dict] = field(default_factory=list)
    model: DocumentDiff | None = None


def compare_with_previous(review: Review) -> Comparison:
    previous = previous_review(review)
    if previous is not None:
        previous.analysis = frozen_analysis(previous)
    comparison = Comparison(previous)
    decisions = review_decisions(review)
    today = review_day(review)
    current = {f["fingerprint"]: f for f in review.findings}
    before = {f["fingerprint"]: f for f in previous.findings} if previous else {}
    comparison.new = [f for fp, f in current.items() if fp not in before] if previous else []
    comparison.fixed = [f for fp, f in before.items() if fp not in current]
    comparison.still_open = [
        f for fp, f in current.items() if fp in before and not is_settled(decisions.get(fp), today)
    ]
    if previous is not None:
        assert previous.signed_off_at is not None  # previous_review finds signed-off ones
        then = decisions_as_of(review.system, previous.signed_off_at)
        for fp, finding in current.items():
            old, new = then.get(fp), decisions.get(fp)
            old_state = effective_state(old, review_day(previous)) if old else Decision.OPEN
            new_state = effective_state(new, today) if new else Decision.OPEN
            if old_state != new_state:
                comparison.changed.append({"finding": finding, "before": old_state, "after": new})
        comparison.model = diff_documents(
            frozen_document(review.system, previous.version),
            frozen_document(review.system, review.version),
        )
    soon = today + dt.timedelta(days=EXPIRING_SOON_DAYS)
    for fp, finding in current.items():
        decision = decisions.get(fp)
        if decision is None:
            continue
        state = effective_state(decision, today)
        entry = {"finding": finding, "decision": decision}
        if state == Decision.EXPIRED:
            comparison.expired.append(entry)
        elif state == Decision.ACCEPT and decision.expires and decision.expires <= soon:
            comparison.expiring.append(entry)
        elif state == Decision.MITIGATE and decision.current.due and decision.current.due < today:
            comparison.overdue.append(entry)
    return comparison


# --- per system, for the dashboard and the system page ------------------------------


@dataclass
class SystemStanding:
    last_review: Review | None
    undecided_critical_high: int
    expiring_soon: int
    overdue: int


def system_standings(systems: list[System], today: dt.date | None = None) -> dict[int, Any]:
    """Per system: the last signed-off review, critical and high findings without a
    settled decision, acceptances expiring within 30 days and overdue mitigations.

    The count of undecided findings is the system's critical + high count less its
    settled decisions on critical or high findings still present, so the dashboard
    needs no analysis loaded.
    """
    today = today or timezone.localdate()
    ids = [s.pk for s in systems]
    last: dict[int, Review] = {}
    for review in (
        Review.objects.filter(system_id__in=ids, status=Review.SIGNED_OFF)
        .defer("analysis")
        .order_by("system_id", "-signed_off_at")
    ):
        last.setdefault(review.system_id, review)
    settled: dict[int, int] = {}
    expiring: dict[int, int] = {}
    overdue: dict[int, int] = {}
    soon = today + dt.timedelta(days=EXPIRING_SOON_DAYS)
    decisions = Decision.objects.filter(system_id__in=ids).exclude(state=Decision.FIXED)
    for decision in decisions.only("system_id", "state", "severity", "expires", "due", "approved"):
        state = effective_state(decision, today)
        if decision.severity in GUARDED_SEVERITIES and is_settled(decision, today):
            settled[decision.system_id] = settled.get(decision.system_id, 0) + 1
        if state == Decision.ACCEPT and decision.expires and decision.expires <= soon:
            expiring[decision.system_id] = expiring.get(decision.system_id, 0) + 1
        if state == Decision.MITIGATE and decision.due and decision.due < today:
            overdue[decision.system_id] = overdue.get(decision.system_id, 0) + 1
    standings = {}
    for system in systems:
        guarded = sum(system.counts.get(s, 0) for s in GUARDED_SEVERITIES)
        standings[system.pk] = SystemStanding(
            last_review=last.get(system.pk),
            undecided_critical_high=max(0, guarded - settled.get(system.pk, 0)),
            expiring_soon=expiring.get(system.pk, 0),
            overdue=overdue.get(system.pk, 0),
        )
    return standings
