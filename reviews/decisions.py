"""Decisions on findings: the one way to record them, and what they amount to on a day.

`record_decision` is the only writer. The web forms, the review walk-through and the
importers (Threagile `risk_tracking`, Threat Dragon and OTM threat states) all call it,
so every decision obeys the same rules and lands in the same append-only history:

- `mitigate` needs an owner (a member of the workspace) and a due date, and may carry a
  ticket URL (http or https only; shown as a link, never fetched);
- `accept` needs a justification and an expiry no later than `policy.acceptance_max_days`
  (default 365) from today, and names the approver: an owner of the workspace other than
  the person who proposed it. It counts only once that owner approves it
  (`approve_acceptance`); an import can record it with no approver named, and any owner
  other than the proposer may then approve it;
- `false-positive` needs a reason.

`fixed` and `reopened` are never chosen: `observe_findings` records them when a saved
revision loses or regains a decided finding. `expired` is not stored at all: an
acceptance whose date has passed reads as expired, and counts as open again.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any, Protocol

from django.contrib.auth.models import User
from django.db import IntegrityError, transaction
from django.utils import timezone

import audit

from .models import Decision, DecisionEvent, Membership, Review, System

DEFAULT_ACCEPTANCE_MAX_DAYS = 365
MAX_TEXT = 5000
EXPIRING_SOON_DAYS = 30
FORMAT = "ciphermap-decisions/1"

# What needs a person to look at it again: counted as open by progress and sign-off.
UNSETTLED = {Decision.OPEN, Decision.IN_DISCUSSION, Decision.REOPENED, Decision.EXPIRED}


class DecisionRefused(ValueError):
    """The decision breaks a rule; `errors` maps a field name to what is wrong with it."""

    def __init__(self, errors: dict[str, str]) -> None:
        self.errors = errors
        super().__init__("; ".join(f"{field}: {message}" for field, message in errors.items()))


class DecisionConflict(Exception):
    """Someone changed the decision since the caller read it; `decision` is the new one."""

    def __init__(self, decision: Decision) -> None:
        self.decision = decision
        super().__init__(f"the decision on {decision.fingerprint} changed (now {decision.state})")


def acceptance_max_days(document: dict) -> int:
    value = (document.get("policy") or {}).get("acceptance_max_days")
    return value if isinstance(value, int) and value > 0 else DEFAULT_ACCEPTANCE_MAX_DAYS


def display_name(user: User | None) -> str:
    if user is None:
        return ""
    return user.get_full_name() or user.get_username()


def _owners(system: System) -> set[int]:
    return set(
        Membership.objects.filter(
            workspace_id=system.workspace_id, role=Membership.OWNER
        ).values_list("user_id", flat=True)
    )


def _members(system: System) -> set[int]:
    return set(
        Membership.objects.filter(workspace_id=system.workspace_id).values_list(
            "user_id", flat=True
        )
    )


def check_decision(
    system: System,
    state: str,
    *,
    proposer: User | None,
    justification: str = "",
    reason: str = "",
    owner: User | None = None,
    due: dt.date | None = None,
    ticket_url: str = "",
    approver: User | None = None,
    expires: dt.date | None = None,
    note: str = "",
    compensating_controls: str = "",
    today: dt.date | None = None,
) -> dict[str, str]:
    """What is wrong with a decision, by field (empty when it can be recorded)."""
    today = today or timezone.localdate()
    errors: dict[str, str] = {}
    if state not in dict(Decision.CHOSEN):
        allowed = ", ".join(dict(Decision.CHOSEN))
        return {"state": f"'{state}' is not a decision one can record (choose {allowed})"}
    texts = {
        "justification": justification,
        "reason": reason,
        "note": note,
        "compensating_controls": compensating_controls,
    }
    for field, text in texts.items():
        if len(text) > MAX_TEXT:
            errors[field] = f"at most {MAX_TEXT} characters (this has {len(text)})"
    if state == Decision.MITIGATE:
        if owner is None:
            errors["owner"] = "a mitigation needs an owner"
        elif owner.pk not in _members(system):
            errors["owner"] = f"{display_name(owner)} is not a member of this workspace"
        if due is None:
            errors["due"] = "a mitigation needs a due date"
        if ticket_url and not ticket_url.lower().startswith(("http://", "https://")):
            errors["ticket_url"] = "the ticket link must start with http:// or https://"
    if state == Decision.ACCEPT:
        if not justification.strip():
            errors["justification"] = "say why the risk is acceptable"
        limit = acceptance_max_days(system.document)
        if expires is None:
            errors["expires"] = "an acceptance needs an expiry date"
        elif expires <= today:
            errors["expires"] = "the expiry must be after today"
        elif expires > today + dt.timedelta(days=limit):
            latest = (today + dt.timedelta(days=limit)).isoformat()
            errors["expires"] = (
                f"at most {limit} days from today (policy.acceptance_max_days): {latest} or earlier"
            )
        if approver is not None:
            if approver.pk not in _owners(system):
                errors["approver"] = f"{display_name(approver)} is not an owner of this workspace"
            elif proposer is not None and approver.pk == proposer.pk:
                errors["approver"] = "someone other than the proposer must approve an acceptance"
    if state == Decision.FALSE_POSITIVE and not reason.strip():
        errors["reason"] = "say why this is not a real weakness"
    return errors


def _finding_facts(review: Review | None, system: System, fingerprint: str) -> dict:
    findings = review.findings if review else system.analysis.get("findings", [])
    return next((f for f in findings if f["fingerprint"] == fingerprint), {})


def record_decision(
    system: System,
    fingerprint: str,
    state: str,
    *,
    actor: User | None,
    rule: str = "",
    subject: Sequence[str] = (),
    justification: str = "",
    compensating_controls: str = "",
    reason: str = "",
    owner: User | None = None,
    due: dt.date | None = None,
    ticket_url: str = "",
    approver: User | None = None,
    expires: dt.date | None = None,
    note: str = "",
    review: Review | None = None,
    base_revision: int | None = None,
    source: str = DecisionEvent.WEB,
    today: dt.date | None = None,
) -> Decision:
    """Record `state` for the finding `fingerprint` of `system`, as one new event.

    `actor` is the user deciding (None for an import that names no one). `rule` and
    `subject` describe the finding; when left out they are taken from the review's (or
    the system's current) analysis. `base_revision` is the decision's `revision_count`
    the caller saw: if someone recorded a change since, DecisionConflict is raised and
    nothing is written (None skips the check, for imports). A decision that breaks a
    rule raises DecisionRefused with the errors by field, and nothing is written.
    """
    errors = check_decision(
        system,
        state,
        proposer=actor,
        justification=justification,
        reason=reason,
        owner=owner,
        due=due,
        ticket_url=ticket_url,
        approver=approver,
        expires=expires,
        note=note,
        compensating_controls=compensating_controls,
        today=today,
    )
    if errors:
        raise DecisionRefused(errors)
    facts = _finding_facts(review, system, fingerprint)
    # Only what the state uses is kept, so a mitigation's owner does not linger on an
    # acceptance made later.
    fields: dict[str, Any] = {
        "justification": justification if state == Decision.ACCEPT else "",
        "compensating_controls": compensating_controls if state == Decision.ACCEPT else "",
        "approver": approver if state == Decision.ACCEPT else None,
        "expires": expires if state == Decision.ACCEPT else None,
        "reason": reason if state == Decision.FALSE_POSITIVE else "",
        "owner": owner if state == Decision.MITIGATE else None,
        "due": due if state == Decision.MITIGATE else None,
        "ticket_url": ticket_url if state == Decision.MITIGATE else "",
    }
    try:
        with transaction.atomic():
            decision, _created = Decision.objects.get_or_create(
                system=system,
                fingerprint=fingerprint,
                defaults={
                    "rule": rule or facts.get("rule", ""),
                    "subject": list(subject) or facts.get("subject", []),
                    "title": facts.get("title", "")[:500],
                    "severity": facts.get("severity", ""),
                },
            )
            return _append(
                decision,
                base_revision,
                kind=DecisionEvent.DECIDED,
                to_state=state,
                actor=actor,
                note=note,
                review=review,
                source=source,
                version=system.version,
                **fields,
            )
    except IntegrityError:
        # Two first decisions on one finding at once: the unique constraint let one in.
        current = Decision.objects.get(system=system, fingerprint=fingerprint)
        raise DecisionConflict(current) from None


def _append(decision: Decision, base_revision: int | None, **event: Any) -> Decision:
    """Write the next event and point the decision at it, or raise DecisionConflict."""
    expected = decision.revision_count if base_revision is None else base_revision
    number = expected + 1
    state = event["to_state"]
    now = timezone.now()
    approved = event.pop("approved", False)
    # The WHERE revision_count = expected lets exactly one of two concurrent changes in.
    changed = Decision.objects.filter(pk=decision.pk, revision_count=expected).update(
        revision_count=number,
        state=state,
        expires=event.get("expires"),
        due=event.get("due"),
        approved=approved,
        updated_at=now,
    )
    if not changed:
        raise DecisionConflict(Decision.objects.select_related("current").get(pk=decision.pk))
    actor = event.get("actor")
    record = DecisionEvent.objects.create(
        decision=decision,
        number=number,
        at=now,
        actor_name=display_name(actor),
        from_state=effective_state(decision) if decision.revision_count else Decision.OPEN,
        **event,
    )
    Decision.objects.filter(pk=decision.pk).update(current=record)
    if record.kind in (DecisionEvent.DECIDED, DecisionEvent.APPROVED):
        review = event.get("review")
        audit.record(
            "decision",
            actor=actor,
            system=decision.system,
            target=f"{decision.rule} {decision.fingerprint}",
            kind=record.kind,
            state=state,
            review=review.pk if review else None,
        )
    decision.refresh_from_db()
    return decision


def approve_acceptance(
    decision: Decision, approver: User, *, base_revision: int | None = None
) -> Decision:
    """The approver's signature on a pending acceptance (a new event; the rest is kept).

    Refused unless the decision is an unapproved acceptance and `approver` is an owner
    other than its proposer (and the owner it names, when it names one).
    """
    current = decision.current
    if decision.state != Decision.ACCEPT or current is None:
        raise DecisionRefused({"state": "only an acceptance can be approved"})
    if decision.approved:
        raise DecisionRefused({"approver": "this acceptance is already approved"})
    if approver.pk not in _owners(decision.system):
        raise DecisionRefused({"approver": "only an owner of the workspace can approve"})
    proposer_id = _proposer_id(decision)
    if proposer_id is not None and proposer_id == approver.pk:
        raise DecisionRefused({"approver": "someone other than the proposer must approve"})
    if current.approver_id is not None and current.approver_id != approver.pk:
        named = display_name(current.approver)
        raise DecisionRefused({"approver": f"this acceptance asks {named} to approve it"})
    with transaction.atomic():
        return _append(
            decision,
            base_revision,
            kind=DecisionEvent.APPROVED,
            to_state=Decision.ACCEPT,
            actor=approver,
            approved=True,
            approved_by=approver,
            approved_at=timezone.now(),
            justification=current.justification,
            compensating_controls=current.compensating_controls,
            approver=current.approver or approver,
            expires=current.expires,
            review=current.review,
            source=DecisionEvent.WEB,
            version=current.version,
        )


def _proposer_id(decision: Decision) -> int | None:
    """Who recorded the acceptance the decision currently stands on."""
    proposal = decision.events.filter(kind=DecisionEvent.DECIDED).order_by("-number").first()
    return proposal.actor_id if proposal else None


def observe_findings(system: System, fingerprints: Iterable[str], version: int) -> None:
    """Record `fixed` for decided findings that the revision no longer has, and `reopened`
    for fixed ones that came back. Called after every save."""
    present = set(fingerprints)
    decisions = Decision.objects.filter(system=system).exclude(revision_count=0)
    for decision in decisions.only("pk", "fingerprint", "state", "revision_count"):
        gone = decision.fingerprint not in present
        if gone and decision.state != Decision.FIXED:
            to_state, note = Decision.FIXED, f"the finding is gone in version {version}"
        elif not gone and decision.state == Decision.FIXED:
            to_state, note = Decision.REOPENED, f"the finding is back in version {version}"
        else:
            continue
        try:
            with transaction.atomic():
                _append(
                    decision,
                    None,
                    kind=DecisionEvent.DECIDED,
                    to_state=to_state,
                    actor=None,
                    note=note,
                    source=DecisionEvent.SYSTEM,
                    version=version,
                )
        except DecisionConflict:
            continue  # someone decided it this instant; the next save looks again


# --- reading ----------------------------------------------------------------------


class Decided(Protocol):
    """What the readers below need of a decision: a live `Decision`, or a
    `StandingDecision` (the decision as it stood when a review was signed off)."""

    @property
    def state(self) -> str: ...
    @property
    def expires(self) -> dt.date | None: ...
    @property
    def approved(self) -> bool: ...
    @property
    def current(self) -> DecisionEvent | None: ...


def effective_state(decision: Decided | None, today: dt.date | None = None) -> str:
    """The state as it stands today: an acceptance past its date is `expired`."""
    if decision is None:
        return Decision.OPEN
    today = today or timezone.localdate()
    if decision.state == Decision.ACCEPT and decision.expires and decision.expires < today:
        return Decision.EXPIRED
    return decision.state


def is_settled(decision: Decided | None, today: dt.date | None = None) -> bool:
    """Decided for now: mitigated, an approved acceptance in date, a false positive, or
    fixed. Anything else (open, in discussion, reopened, expired, an acceptance still
    waiting for its approver) needs the meeting's attention."""
    state = effective_state(decision, today)
    if state in UNSETTLED:
        return False
    if state == Decision.ACCEPT:
        return bool(decision and decision.approved)
    return True


def state_label(decision: Decided | None, today: dt.date | None = None) -> str:
    state = effective_state(decision, today)
    if state == Decision.EXPIRED:
        return "Acceptance expired"
    if state == Decision.ACCEPT and decision is not None and not decision.approved:
        return "Accept (awaiting approval)"
    return dict(Decision.STATES).get(state, state)


def decisions_for(system: System) -> dict[str, Decision]:
    """The system's decisions by fingerprint, each with its current event loaded."""
    decisions = (
        Decision.objects.filter(system=system)
        .select_related(
            "current",
            "current__owner",
            "current__approver",
            "current__approved_by",
            "current__review",
        )
        .defer("current__review__analysis")
    )  # a review's frozen analysis is large
    return {decision.fingerprint: decision for decision in decisions}


@dataclass(frozen=True)
class StandingDecision:
    """A decision as of a moment, read from its history (for signed-off reviews)."""

    fingerprint: str
    state: str
    event: DecisionEvent
    approved: bool

    @property
    def current(self) -> DecisionEvent:
        return self.event

    @property
    def expires(self) -> dt.date | None:
        return self.event.expires


def decisions_as_of(system: System, moment: dt.datetime) -> dict[str, StandingDecision]:
    """Every decision of the system as it stood at `moment`, from the append-only history:
    a signed-off review shows what was decided then, whatever happened after."""
    events = (
        DecisionEvent.objects.filter(decision__system=system, at__lte=moment)
        .select_related("decision", "owner", "approver", "approved_by", "review")
        .defer("review__analysis")
        .order_by("decision_id", "number")
    )
    latest: dict[str, DecisionEvent] = {}
    for event in events:
        latest[event.decision.fingerprint] = event
    return {
        fingerprint: StandingDecision(
            fingerprint, event.to_state, event, approved=event.approved_by_id is not None
        )
        for fingerprint, event in latest.items()
    }


def export_decisions(system: System, today: dt.date | None = None) -> dict[str, Any]:
    """The `ciphermap-decisions/1` document that `python -m threatmodel check --decisions`
    reads: one entry per decision, states as they stand today. An acceptance still waiting
    for its approver is exported as in-discussion: it suppresses nothing yet."""
    today = today or timezone.localdate()
    entries = []
    for decision in decisions_for(system).values():
        event = decision.current
        if event is None:
            continue
        state = effective_state(decision, today)
        if state == Decision.ACCEPT and not decision.approved:
            state = Decision.IN_DISCUSSION
        review = event.review
        entries.append(
            {
                "fingerprint": decision.fingerprint,
                "rule": decision.rule,
                "subject": list(decision.subject),
                "state": state,
                "justification": event.justification or None,
                "reason": event.reason or None,
                "owner": event.owner.get_username() if event.owner else None,
                "due": event.due.isoformat() if event.due else None,
                "expires": event.expires.isoformat() if event.expires else None,
                "approved_by": event.approved_by.get_username() if event.approved_by else None,
                "decided_at": event.at.isoformat(),
                "review": f"{review.title} ({review.date.isoformat()})" if review else None,
            }
        )
    return {"format": FORMAT, "system": system.name, "decisions": entries}
