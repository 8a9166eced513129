"""Decisions on findings (reviews.decisions): every state, the rules each one checks, the
optimistic check, the append-only history, and fixed / reopened / expired."""

from __future__ import annotations

import datetime as dt
import json

import pytest

from reviews import services
from reviews.decisions import (
    DecisionConflict,
    DecisionRefused,
    approve_acceptance,
    decisions_as_of,
    effective_state,
    export_decisions,
    is_settled,
    record_decision,
)
from reviews.models import Decision, DecisionEvent
from tests.conftest import make_user, sample_document

TODAY = dt.date(2026, 11, 28)


def _fingerprint(system, rule: str) -> str:
    return next(f["fingerprint"] for f in system.analysis["findings"] if f["rule"] == rule)


@pytest.fixture
def finding(system) -> str:
    """The plaintext database connection's finding of the sample system."""
    return _fingerprint(system, "unencrypted-hop")


@pytest.fixture
def second_owner(workspace):
    user = make_user("carol")
    workspace.memberships.create(user=user, role="owner")
    return user


def _accept(system, finding, actor, approver, **extra):
    values = {
        "justification": "Internal network only",
        "compensating_controls": "Network ACLs",
        "approver": approver,
        "expires": TODAY + dt.timedelta(days=90),
        "today": TODAY,
        **extra,
    }
    return record_decision(system, finding, "accept", actor=actor, **values)


def test_a_finding_without_a_decision_is_open(system, finding):
    assert effective_state(None) == "open"
    assert not is_settled(None)
    assert not Decision.objects.exists()


def test_recording_a_decision_takes_rule_subject_and_title_from_the_analysis(
    system, finding, editor
):
    decision = record_decision(system, finding, "in-discussion", actor=editor, note="ask ops")
    assert decision.state == "in-discussion"
    assert decision.rule == "unencrypted-hop"
    assert decision.subject == ["orders"]
    assert decision.title
    event = decision.current
    assert (event.from_state, event.to_state, event.note) == ("open", "in-discussion", "ask ops")
    assert event.actor == editor
    assert event.version == system.version
    assert not is_settled(decision)


def test_a_mitigation_needs_a_member_owner_and_a_due_date(system, finding, editor, outsider):
    with pytest.raises(DecisionRefused) as refused:
        record_decision(system, finding, "mitigate", actor=editor)
    assert set(refused.value.errors) == {"owner", "due"}
    with pytest.raises(DecisionRefused) as refused:
        record_decision(
            system, finding, "mitigate", actor=editor, owner=outsider, due=TODAY, today=TODAY
        )
    assert refused.value.errors == {"owner": "outsider is not a member of this workspace"}
    assert not DecisionEvent.objects.exists()


def test_a_mitigation_records_owner_due_date_and_an_http_ticket(system, finding, editor):
    decision = record_decision(
        system,
        finding,
        "mitigate",
        actor=editor,
        owner=editor,
        due=TODAY + dt.timedelta(days=14),
        ticket_url="https://tracker.example/SEC-12",
    )
    assert decision.state == "mitigate"
    assert decision.due == TODAY + dt.timedelta(days=14)
    assert decision.current.ticket_url == "https://tracker.example/SEC-12"
    assert is_settled(decision)


@pytest.mark.parametrize("url", ["javascript:alert(1)", "ftp://x/y", "file:///etc/passwd"])
def test_a_ticket_link_must_be_http_or_https(system, finding, editor, url):
    with pytest.raises(DecisionRefused) as refused:
        record_decision(
            system, finding, "mitigate", actor=editor, owner=editor, due=TODAY, ticket_url=url
        )
    assert "http" in refused.value.errors["ticket_url"]


def test_an_acceptance_needs_a_justification_and_an_expiry(system, finding, editor, owner):
    with pytest.raises(DecisionRefused) as refused:
        record_decision(system, finding, "accept", actor=editor, approver=owner)
    assert set(refused.value.errors) == {"justification", "expires"}


def test_an_acceptance_expires_within_the_policy_maximum(system, finding, editor, owner):
    with pytest.raises(DecisionRefused) as refused:
        _accept(system, finding, editor, owner, expires=TODAY + dt.timedelta(days=366))
    assert "at most 365 days" in refused.value.errors["expires"]
    _accept(system, finding, editor, owner, expires=TODAY + dt.timedelta(days=365))


def test_the_policy_can_shorten_the_maximum(system, finding, editor, owner):
    system.document = {**system.document, "policy": {"acceptance_max_days": 30}}
    with pytest.raises(DecisionRefused) as refused:
        _accept(system, finding, editor, owner, expires=TODAY + dt.timedelta(days=31))
    assert "at most 30 days" in refused.value.errors["expires"]


def test_an_expiry_in_the_past_is_refused(system, finding, editor, owner):
    with pytest.raises(DecisionRefused) as refused:
        _accept(system, finding, editor, owner, expires=TODAY)
    assert refused.value.errors["expires"] == "the expiry must be after today"


def test_the_approver_must_be_an_owner_other_than_the_proposer(system, finding, owner, editor):
    with pytest.raises(DecisionRefused) as refused:
        _accept(system, finding, editor, editor)
    assert refused.value.errors["approver"] == "editor is not an owner of this workspace"
    with pytest.raises(DecisionRefused) as refused:
        _accept(system, finding, owner, owner)
    assert "other than the proposer" in refused.value.errors["approver"]


def test_an_acceptance_counts_once_its_approver_approves_it(system, finding, editor, owner):
    decision = _accept(system, finding, editor, owner)
    assert decision.state == "accept"
    assert not decision.approved
    assert not is_settled(decision, TODAY)
    approved = approve_acceptance(decision, owner)
    assert approved.approved
    assert is_settled(approved, TODAY)
    event = approved.current
    assert (event.kind, event.approved_by, event.justification) == (
        "approved",
        owner,
        "Internal network only",
    )
    assert list(approved.events.values_list("number", flat=True)) == [1, 2]


def test_only_the_named_owner_approves_and_never_the_proposer(
    system, finding, editor, owner, second_owner
):
    decision = _accept(system, finding, editor, owner)
    with pytest.raises(DecisionRefused, match="asks owner"):
        approve_acceptance(decision, second_owner)
    with pytest.raises(DecisionRefused, match="owner"):
        approve_acceptance(decision, editor)
    proposed_by_owner = _accept(
        system, finding, owner, second_owner, base_revision=decision.revision_count
    )
    with pytest.raises(DecisionRefused, match="proposer"):
        approve_acceptance(proposed_by_owner, owner)


def test_an_imported_acceptance_with_no_approver_waits_for_any_owner(system, finding, owner):
    decision = record_decision(
        system,
        finding,
        "accept",
        actor=None,
        justification="From Threagile risk_tracking",
        expires=TODAY + dt.timedelta(days=30),
        source="import",
        today=TODAY,
    )
    assert decision.current.source == "import"
    assert approve_acceptance(decision, owner).approved


def test_an_acceptance_past_its_date_is_expired_and_counts_as_open(system, finding, editor, owner):
    decision = approve_acceptance(_accept(system, finding, editor, owner), owner)
    later = TODAY + dt.timedelta(days=91)
    assert effective_state(decision, later) == "expired"
    assert not is_settled(decision, later)
    assert effective_state(decision, TODAY + dt.timedelta(days=90)) == "accept"


def test_a_false_positive_needs_a_reason(system, finding, editor):
    with pytest.raises(DecisionRefused) as refused:
        record_decision(system, finding, "false-positive", actor=editor, reason="  ")
    assert set(refused.value.errors) == {"reason"}
    decision = record_decision(
        system, finding, "false-positive", actor=editor, reason="Unix socket"
    )
    assert is_settled(decision)
    assert decision.current.reason == "Unix socket"


@pytest.mark.parametrize("state", ["fixed", "reopened", "expired", "done"])
def test_computed_states_cannot_be_chosen(system, finding, editor, state):
    with pytest.raises(DecisionRefused) as refused:
        record_decision(system, finding, state, actor=editor)
    assert "state" in refused.value.errors


def test_texts_have_a_length_limit(system, finding, editor):
    with pytest.raises(DecisionRefused) as refused:
        record_decision(system, finding, "false-positive", actor=editor, reason="x" * 5001)
    assert "at most 5000" in refused.value.errors["reason"]


def test_a_change_based_on_an_old_revision_is_refused(system, finding, editor, owner):
    first = record_decision(system, finding, "in-discussion", actor=editor, base_revision=0)
    with pytest.raises(DecisionConflict) as conflict:
        record_decision(system, finding, "false-positive", actor=owner, reason="x", base_revision=0)
    assert conflict.value.decision.state == "in-discussion"
    assert conflict.value.decision.revision_count == first.revision_count == 1
    changed = record_decision(
        system, finding, "false-positive", actor=owner, reason="x", base_revision=1
    )
    assert changed.current.from_state == "in-discussion"


def test_each_change_is_a_new_event_and_the_old_ones_stay(system, finding, editor, owner):
    record_decision(system, finding, "in-discussion", actor=editor)
    record_decision(system, finding, "mitigate", actor=editor, owner=editor, due=TODAY)
    decision = record_decision(system, finding, "false-positive", actor=owner, reason="no")
    history = list(decision.events.values_list("from_state", "to_state"))
    assert history == [
        ("open", "in-discussion"),
        ("in-discussion", "mitigate"),
        ("mitigate", "false-positive"),
    ]
    mitigation = decision.events.get(number=2)
    assert (mitigation.owner, mitigation.due) == (editor, TODAY)
    assert decision.current.owner is None  # a false positive has no owner


def test_history_rows_cannot_be_edited_or_deleted(system, finding, editor):
    decision = record_decision(system, finding, "in-discussion", actor=editor)
    event = decision.current
    event.note = "rewritten"
    with pytest.raises(TypeError, match="append-only"):
        event.save()
    with pytest.raises(TypeError, match="append-only"):
        event.delete()
    with pytest.raises(TypeError, match="append-only"):
        DecisionEvent.objects.filter(pk=event.pk).update(note="rewritten")
    with pytest.raises(TypeError, match="append-only"):
        DecisionEvent.objects.all().delete()
    assert DecisionEvent.objects.get(pk=event.pk).note == ""


def _without_orders_flow(system):
    document = json.loads(json.dumps(system.document))
    document["flows"] = [f for f in document["flows"] if f["id"] != "orders"]
    return document


def test_a_decided_finding_that_disappears_is_fixed_and_reopened_when_it_returns(
    system, finding, editor
):
    record_decision(system, finding, "mitigate", actor=editor, owner=editor, due=TODAY)
    fixed = services.save_document(
        system, _without_orders_flow(system), base_version=1, author=editor
    )
    decision = Decision.objects.get(fingerprint=finding)
    assert decision.state == "fixed"
    assert decision.current.source == "system"
    assert decision.current.note == "the finding is gone in version 2"
    assert is_settled(decision)
    services.save_document(fixed, sample_document(), base_version=2, author=editor)
    decision.refresh_from_db()
    assert decision.state == "reopened"
    assert not is_settled(decision)
    states = list(decision.events.values_list("to_state", flat=True))
    assert states == ["mitigate", "fixed", "reopened"]
    # The mitigation that was agreed stays in the history.
    assert decision.events.get(number=1).owner == editor


def test_unrelated_saves_leave_decisions_alone(system, finding, editor):
    record_decision(system, finding, "in-discussion", actor=editor)
    document = sample_document(description="Changed")
    services.save_document(system, document, base_version=1, author=editor)
    assert Decision.objects.get(fingerprint=finding).revision_count == 1


def test_decisions_carry_across_revisions(system, finding, editor):
    record_decision(system, finding, "false-positive", actor=editor, reason="Unix socket")
    document = sample_document(description="Changed")
    saved = services.save_document(system, document, base_version=1, author=editor)
    assert finding in {f["fingerprint"] for f in saved.analysis["findings"]}
    assert Decision.objects.get(system=saved, fingerprint=finding).state == "false-positive"


def test_decisions_as_of_a_moment_read_the_history(system, finding, editor):
    decision = record_decision(system, finding, "in-discussion", actor=editor)
    moment = decision.current.at
    record_decision(system, finding, "false-positive", actor=editor, reason="no")
    standing = decisions_as_of(system, moment)
    assert standing[finding].state == "in-discussion"


def test_the_export_lists_each_decision_in_the_decisions_format(system, finding, editor, owner):
    record_decision(system, finding, "mitigate", actor=editor, owner=editor, due=TODAY)
    key_finding = system.analysis["findings"][0]["fingerprint"]
    if key_finding == finding:
        key_finding = system.analysis["findings"][1]["fingerprint"]
    pending = _accept(system, key_finding, editor, owner)
    exported = export_decisions(system, today=TODAY)
    assert exported["format"] == "ciphermap-decisions/1"
    assert exported["system"] == "Web shop"
    entries = {d["fingerprint"]: d for d in exported["decisions"]}
    assert entries[finding]["state"] == "mitigate"
    assert entries[finding]["owner"] == "editor"
    assert entries[finding]["due"] == TODAY.isoformat()
    # Not approved yet: it suppresses nothing in the CLI.
    assert entries[key_finding]["state"] == "in-discussion"
    approve_acceptance(pending, owner)
    entry = next(
        d
        for d in export_decisions(system, today=TODAY)["decisions"]
        if d["fingerprint"] == key_finding
    )
    assert (entry["state"], entry["approved_by"], entry["justification"]) == (
        "accept",
        "owner",
        "Internal network only",
    )
    assert set(entry) == {
        "fingerprint",
        "rule",
        "subject",
        "state",
        "justification",
        "reason",
        "owner",
        "due",
        "expires",
        "approved_by",
        "decided_at",
        "review",
    }


def test_the_export_is_what_the_cli_reads(system, finding, editor, owner):
    from threatmodel.decisions import load_decisions

    record_decision(system, finding, "false-positive", actor=editor, reason="Unix socket")
    other = next(
        f["fingerprint"] for f in system.analysis["findings"] if f["fingerprint"] != finding
    )
    approve_acceptance(_accept(system, other, editor, owner), owner)
    exported = json.loads(json.dumps(export_decisions(system, today=TODAY)))
    loaded = load_decisions(exported)
    assert {d.fingerprint: d.state for d in loaded.decisions} == {
        finding: "false-positive",
        other: "accept",
    }
