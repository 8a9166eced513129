"""Review meetings through their views: creating a review, the walk-through, decisions and
their field errors, conflicts, comments, live updates, sign-off and what changed."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from django.utils import timezone
from django.utils.html import escape

from reviews import reviewing, services
from reviews.decisions import approve_acceptance, record_decision
from reviews.models import Comment, Decision, DecisionEvent, Participant, Review, SignOff
from tests.conftest import client_for, make_user, sample_document

HTMX = {"HX-Request": "true"}


@pytest.fixture
def second_owner(workspace):
    user = make_user("carol")
    workspace.memberships.create(user=user, role="owner")
    return user


@pytest.fixture
def review(system, owner, second_owner):
    review = reviewing.create_review(
        system, title="Q4 review", date=dt.date(2026, 12, 1), author=owner
    )
    reviewing.add_participant(review, second_owner, Participant.SECURITY)
    return review


def _finding(review, rule="unencrypted-hop") -> dict:
    return next(f for f in review.findings if f["rule"] == rule)


def _decide(client, review, finding, **data):
    url = f"/reviews/{review.pk}/findings/{finding['fingerprint']}/decide/"
    return client.post(url, {"base_revision": 0, **data}, headers=HTMX)


def _later(days: int) -> str:
    return (timezone.localdate() + dt.timedelta(days=days)).isoformat()


def test_creating_a_review_freezes_the_current_revision(system, owner):
    response = client_for(owner).post(
        f"/systems/{system.pk}/reviews/", {"title": "First", "date": "2026-12-01"}
    )
    review = Review.objects.get()
    assert response["Location"] == f"/reviews/{review.pk}/"
    assert review.version == 1
    assert len(review.model_hash) == 64
    assert review.findings == system.analysis["findings"]
    assert system.revisions.get(version=1).closed
    assert review.participants.get().role == Participant.FACILITATOR


def test_a_review_keeps_showing_its_revision_after_edits(review, system, owner):
    document = sample_document()
    document["elements"][2]["encryption"] = "tde-cmk"
    services.save_document(system, document, base_version=1, author=owner)
    review.refresh_from_db()
    assert review.version == 1
    page = client_for(owner).get(f"/reviews/{review.pk}/walk/?at={_finding(review)['fingerprint']}")
    assert page.status_code == 200
    assert b"Version 1" in page.content


def test_only_owners_take_a_sign_off_role(review, editor):
    with pytest.raises(reviewing.ReviewRefused) as refused:
        reviewing.add_participant(review, editor, Participant.ARCHITECT)
    assert "only owners sign off" in refused.value.errors["role"]
    reviewing.add_participant(review, editor, Participant.OBSERVER)


def test_an_outsider_cannot_be_added(review, outsider):
    with pytest.raises(reviewing.ReviewRefused, match="not a member"):
        reviewing.add_participant(review, outsider, Participant.OBSERVER)


def test_the_walk_through_goes_in_plan_order_or_by_severity(review):
    plan_order = [f["fingerprint"] for f in reviewing.walk_order(review)]
    expected = []
    for item in review.analysis["plan"]:
        expected += [fp for fp in item["findings"] if fp not in expected]
    assert plan_order[: len(expected)] == expected
    assert sorted(plan_order) == sorted(f["fingerprint"] for f in review.findings)
    by_severity = [f["severity"] for f in reviewing.walk_order(review, "severity")]
    rank = ["critical", "high", "medium", "low", "info"]
    assert by_severity == sorted(by_severity, key=rank.index)


def test_the_walk_through_shows_one_finding_with_neighbours_and_progress(review, owner):
    ordered = reviewing.walk_order(review)
    page = client_for(owner).get(f"/reviews/{review.pk}/walk/?at={ordered[1]['fingerprint']}")
    html = page.content.decode()
    assert f"Finding <strong>2</strong> of {len(ordered)}" in html
    assert f"?at={ordered[0]['fingerprint']}" in html and 'rel="prev"' in html
    assert f"?at={ordered[2]['fingerprint']}" in html and 'rel="next"' in html
    assert f"0 of {len(ordered)} decided" in html
    assert escape(ordered[1]["steps"]) in html
    assert "diagram.svg?at=" in html


def test_an_unknown_finding_is_a_404(review, owner):
    assert client_for(owner).get(f"/reviews/{review.pk}/walk/?at=nope").status_code == 404


def test_progress_counts_settled_findings_and_critical_left(review, editor):
    decisions: dict = {}
    today = timezone.localdate()
    progress = reviewing.progress(review, decisions, today)
    critical = sum(1 for f in review.findings if f["severity"] == "critical")
    assert progress.decided == 0
    finding = review.findings[0]
    record_decision(
        review.system, finding["fingerprint"], "false-positive", actor=editor, reason="x"
    )
    progress = reviewing.progress(review, reviewing.review_decisions(review), today)
    assert progress.decided == 1
    text = f"1 of {len(review.findings)} decided"
    if critical - (finding["severity"] == "critical"):
        text += f", {critical - (finding['severity'] == 'critical')} critical left"
    assert progress.text.startswith(text)


def test_recording_a_decision_answers_with_the_panel_and_the_progress(review, editor):
    finding = _finding(review)
    response = _decide(client_for(editor), review, finding, state="in-discussion", note="ask")
    assert response.status_code == 200
    html = response.content.decode()
    assert 'id="decision-panel"' in html
    assert 'id="walk-progress" class="walk-progress" hx-swap-oob="true"' in html
    assert "In discussion" in html
    decision = Decision.objects.get(fingerprint=finding["fingerprint"])
    assert decision.current.review == review
    review.refresh_from_db()
    assert review.status == Review.IN_PROGRESS


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        ({"state": "mitigate", "due": "2020-01-01"}, "due", "The due date is in the past."),
        ({"state": "accept", "expires": _later(30)}, "justification", "say why the risk"),
        (
            {"state": "accept", "justification": "ok", "expires": _later(400)},
            "expires",
            "at most 365 days",
        ),
        ({"state": "false-positive"}, "reason", "say why this is not"),
        (
            {"state": "mitigate", "due": _later(5), "ticket_url": "javascript:alert(1)"},
            "ticket_url",
            "must start with http",
        ),
    ],
)
def test_bad_decisions_get_an_error_at_the_field(review, editor, data, field, message):
    response = _decide(client_for(editor), review, _finding(review), **data)
    assert response.status_code == 400
    form = response.context["form"]
    assert any(message in error for error in form.errors[field])
    assert not DecisionEvent.objects.exists()


def test_the_approver_must_be_an_owner(review, editor, viewer):
    response = _decide(
        client_for(editor),
        review,
        _finding(review),
        state="accept",
        justification="ok",
        expires=_later(30),
        approver=viewer.pk,
    )
    assert response.status_code == 400
    assert response.context["form"].errors["approver"] == [
        "viewer is not an owner of this workspace"
    ]


def test_a_second_decider_sees_the_first_and_confirms_theirs(review, editor, owner):
    finding = _finding(review)
    _decide(client_for(editor), review, finding, state="in-discussion")
    response = _decide(client_for(owner), review, finding, state="false-positive", reason="no")
    assert response.status_code == 409
    html = response.content.decode()
    assert "editor recorded “In discussion”" in html
    assert "Replace with mine" in html
    assert 'name="base_revision" value="1"' in html
    assert Decision.objects.get().state == "in-discussion"
    again = _decide(
        client_for(owner), review, finding, state="false-positive", reason="no", base_revision=1
    )
    assert again.status_code == 200
    assert Decision.objects.get().state == "false-positive"
    assert Decision.objects.get().events.count() == 2


def test_an_owner_approves_an_acceptance_from_the_walk_through(review, editor, owner):
    finding = _finding(review)
    _decide(
        client_for(editor),
        review,
        finding,
        state="accept",
        justification="Internal only",
        expires=_later(60),
        approver=owner.pk,
    )
    url = f"/reviews/{review.pk}/findings/{finding['fingerprint']}/approve/"
    page = client_for(owner).get(f"/reviews/{review.pk}/walk/?at={finding['fingerprint']}")
    assert b"Approve this acceptance" in page.content
    assert client_for(owner).post(url, headers=HTMX).status_code == 200
    decision = Decision.objects.get()
    assert decision.approved
    assert decision.current.approved_by == owner


def test_comments_are_escaped_and_limited(review, editor):
    finding = _finding(review)
    url = f"/reviews/{review.pk}/findings/{finding['fingerprint']}/comments/"
    client = client_for(editor)
    response = client.post(url, {"text": "<script>alert(1)</script>"}, headers=HTMX)
    assert response.status_code == 200
    assert b"&lt;script&gt;alert(1)&lt;/script&gt;" in response.content
    assert b"<script>alert" not in response.content
    too_long = client.post(url, {"text": "x" * (Comment.MAX_LENGTH + 1)}, headers=HTMX)
    assert too_long.status_code == 400
    assert "at most 2000 characters" in str(too_long.context["comment_form"].errors["text"])
    assert Comment.objects.count() == 1


def test_a_ticket_link_is_shown_as_a_link_and_never_fetched(review, editor, monkeypatch):
    import urllib.request

    monkeypatch.setattr(urllib.request, "urlopen", lambda *a, **k: pytest.fail("fetched"))
    finding = _finding(review)
    _decide(
        client_for(editor),
        review,
        finding,
        state="mitigate",
        owner=editor.pk,
        due=_later(10),
        ticket_url="https://tracker.example/SEC-1?a=1&b=<2>",
    )
    page = client_for(editor).get(f"/reviews/{review.pk}/walk/?at={finding['fingerprint']}")
    assert b'href="https://tracker.example/SEC-1?a=1&amp;b=&lt;2&gt;"' in page.content
    assert b'rel="noopener noreferrer nofollow"' in page.content


def test_updates_answer_204_until_something_changes(review, editor, owner):
    finding = _finding(review)
    client = client_for(owner)
    page = client.get(f"/reviews/{review.pk}/walk/?at={finding['fingerprint']}")
    seen = page.context["seen"]
    url = f"/reviews/{review.pk}/updates/?seen={seen}&at={finding['fingerprint']}"
    assert client.get(url, headers=HTMX).status_code == 204
    record_decision(review.system, finding["fingerprint"], "in-discussion", actor=editor)
    update = client.get(url, headers=HTMX)
    assert update.status_code == 200
    html = update.content.decode()
    assert html.startswith('\n<div id="review-poller"') or 'id="review-poller"' in html[:200]
    assert 'id="decision-current" class="decision-current" hx-swap-oob="true"' in html
    assert "In discussion" in html
    # The form someone may be filling in is never part of an update.
    assert 'id="decision-form"' not in html


def test_the_focused_diagram_rings_the_findings_elements(review, owner):
    finding = _finding(review)
    response = client_for(owner).get(
        f"/reviews/{review.pk}/diagram.svg?at={finding['fingerprint']}"
    )
    assert response["Content-Type"].startswith("image/svg+xml")
    svg = response.content.decode()
    assert svg.count('stroke="#f59e0b"') == 2  # the flow's two ends
    whole = client_for(owner).get(f"/reviews/{review.pk}/diagram.svg").content.decode()
    assert 'stroke="#f59e0b"' not in whole


def _settle_all(review, user):
    for finding in review.findings:
        record_decision(
            review.system, finding["fingerprint"], "false-positive", actor=user, reason="x"
        )


def test_sign_off_waits_for_critical_and_high_findings(review, owner, second_owner):
    client = client_for(owner)
    response = client.post(f"/reviews/{review.pk}/sign/", follow=True)
    assert "still open or in discussion" in response.content.decode()
    assert not SignOff.objects.exists()


def test_the_facilitator_can_record_why_sign_off_goes_ahead(review, owner, second_owner):
    refused = client_for(second_owner).post(
        f"/reviews/{review.pk}/override/", {"reason": "Accepted by the CISO"}, follow=True
    )
    assert "only the review&#x27;s facilitator" in refused.content.decode()
    client_for(owner).post(f"/reviews/{review.pk}/override/", {"reason": "Accepted by the CISO"})
    review.refresh_from_db()
    assert review.override_reason == "Accepted by the CISO"
    assert review.override_by == owner
    reviewing.sign(review, owner)
    assert SignOff.objects.count() == 1


def test_every_signer_signs_and_the_review_becomes_read_only(review, owner, second_owner, editor):
    _settle_all(review, editor)
    client_for(owner).post(f"/reviews/{review.pk}/sign/")
    review.refresh_from_db()
    assert review.status != Review.SIGNED_OFF
    client_for(second_owner).post(f"/reviews/{review.pk}/sign/")
    review.refresh_from_db()
    assert review.status == Review.SIGNED_OFF
    signature = review.signoffs.get(user=owner)
    assert signature.attestation == (
        f"I reviewed the findings of revision 1, sha256 {review.model_hash}, "
        f"on {timezone.localdate().isoformat()}."
    )
    assert signature.role == Participant.FACILITATOR
    finding = _finding(review)
    refused = _decide(client_for(editor), review, finding, state="in-discussion")
    assert refused.status_code == 403
    assert (
        client_for(editor)
        .post(f"/reviews/{review.pk}/findings/{finding['fingerprint']}/comments/", {"text": "x"})
        .status_code
        == 403
    )


def test_a_signed_off_review_shows_the_decisions_of_its_day(review, owner, second_owner, editor):
    _settle_all(review, editor)
    reviewing.sign(review, owner)
    reviewing.sign(review, second_owner)
    review.refresh_from_db()
    finding = _finding(review)
    # A later meeting reopens the discussion; the signed-off review does not change.
    record_decision(
        review.system, finding["fingerprint"], "in-discussion", actor=editor, base_revision=1
    )
    page = client_for(owner).get(f"/reviews/{review.pk}/walk/?at={finding['fingerprint']}")
    assert "False positive" in page.content.decode()
    assert 'id="decision-form"' not in page.content.decode()


def test_a_viewer_can_generate_the_report_of_a_signed_off_review_only(
    review, owner, second_owner, editor, viewer, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    assert client_for(viewer).post(f"/reviews/{review.pk}/report/").status_code == 403
    _settle_all(review, editor)
    reviewing.sign(review, owner)
    reviewing.sign(review, second_owner)
    response = client_for(viewer).post(f"/reviews/{review.pk}/report/")
    assert response.status_code == 302
    assert review.reports.get().version == review.version


def _second_review(system, owner, second_owner, editor, first):
    _settle_all(first, editor)
    reviewing.sign(first, owner)
    reviewing.sign(first, second_owner)
    document = sample_document()
    document["flows"][1]["protocol"] = "postgres-tls"
    document["keys"][0]["rotation_days"] = 30
    saved = services.save_document(system, document, base_version=system.version, author=owner)
    return reviewing.create_review(saved, title="Next", date=dt.date(2027, 1, 1), author=owner)


def test_a_review_compares_itself_with_the_last_signed_off_one(
    review, system, owner, second_owner, editor
):
    second = _second_review(system, owner, second_owner, editor, review)
    comparison = reviewing.compare_with_previous(second)
    assert comparison.previous == review
    fixed_rules = {f["rule"] for f in comparison.fixed}
    assert "unencrypted-hop" in fixed_rules
    model = comparison.model
    changed = {s.section: [after["id"] for _b, after, _f in s.changed] for s in model.sections}
    assert changed["flows"] == ["orders"]
    page = client_for(owner).get(f"/reviews/{second.pk}/changes/")
    assert page.status_code == 200
    assert b"Fixed" in page.content and b"Model changes from version 1 to 2" in page.content


def test_expiring_acceptances_and_overdue_mitigations_are_listed(review, editor, owner):
    findings = review.findings
    accepted = record_decision(
        review.system,
        findings[0]["fingerprint"],
        "accept",
        actor=editor,
        justification="j",
        approver=owner,
        expires=timezone.localdate() + dt.timedelta(days=10),
    )
    approve_acceptance(accepted, owner)
    record_decision(
        review.system,
        findings[1]["fingerprint"],
        "mitigate",
        actor=editor,
        owner=editor,
        due=timezone.localdate() - dt.timedelta(days=1),
    )
    comparison = reviewing.compare_with_previous(review)
    assert [row["finding"]["fingerprint"] for row in comparison.expiring] == [
        findings[0]["fingerprint"]
    ]
    assert [row["finding"]["fingerprint"] for row in comparison.overdue] == [
        findings[1]["fingerprint"]
    ]
    standing = reviewing.system_standings([review.system])[review.system.pk]
    assert (standing.expiring_soon, standing.overdue) == (1, 1)


def test_the_decisions_download_is_the_export(review, editor, viewer):
    record_decision(
        review.system, _finding(review)["fingerprint"], "false-positive", actor=editor, reason="x"
    )
    response = client_for(viewer).get(f"/systems/{review.system.pk}/decisions.json")
    assert response["Content-Disposition"] == 'attachment; filename="web-shop-decisions.json"'
    exported = json.loads(response.content)
    assert exported["format"] == "ciphermap-decisions/1"
    assert [d["state"] for d in exported["decisions"]] == ["false-positive"]


def test_export_decisions_command_writes_the_file(review, editor, tmp_path):
    from django.core.management import call_command

    record_decision(
        review.system, _finding(review)["fingerprint"], "false-positive", actor=editor, reason="x"
    )
    out = tmp_path / "decisions.json"
    call_command("export_decisions", str(review.system.pk), "-o", str(out))
    assert json.loads(out.read_text())["decisions"][0]["reason"] == "x"


def test_the_policy_form_sets_the_longest_acceptance(review, system, owner, editor):
    response = client_for(owner).post(
        f"/systems/{system.pk}/policy/",
        {"base_version": system.version, "acceptance_max_days": 30},
    )
    assert response.status_code == 302
    system.refresh_from_db()
    assert system.document["policy"]["acceptance_max_days"] == 30
    refused = _decide(
        client_for(editor),
        review,
        _finding(review),
        state="accept",
        justification="ok",
        expires=_later(31),
        approver=owner.pk,
    )
    assert "at most 30 days" in str(refused.context["form"].errors["expires"])


def test_starting_a_report_closes_the_sitting_of_its_version(system, owner, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    client_for(owner).post(f"/systems/{system.pk}/reports/")
    assert system.revisions.get(version=1).closed


def test_the_admin_shows_decisions_and_changes_nothing(review, editor, admin_client):
    decision = record_decision(
        review.system, _finding(review)["fingerprint"], "false-positive", actor=editor, reason="x"
    )
    page = admin_client.get(f"/admin/reviews/decision/{decision.pk}/change/")
    assert page.status_code == 200
    assert b'name="state"' not in page.content
    response = admin_client.post(
        f"/admin/reviews/decision/{decision.pk}/change/", {"state": "open"}
    )
    assert response.status_code == 403
    assert admin_client.post(f"/admin/reviews/decision/{decision.pk}/delete/").status_code == 403
    assert admin_client.get("/admin/reviews/decisionevent/add/").status_code == 403
    decision.refresh_from_db()
    assert decision.state == "false-positive"


def test_a_key_finding_focuses_on_the_keys_blast_radius(workspace, owner):
    from reviews.meetings import _focus_elements

    document = sample_document()
    finding = {"subject": ["orders-kek"], "path": [], "flows": []}
    reach = {"orders-kek": {"orders-db"}}
    assert _focus_elements(finding, document, reach) == {"orders-db"}
    assert _focus_elements(finding, document, {}) == set()
