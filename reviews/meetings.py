"""Review meeting views: reviews of a system, the walk-through, decisions, comments,
sign-off, what changed since the last review, and the decisions export.

Every view goes through `_get_review_for_user` (or the system helper), so a user outside
the workspace gets 404 on every review URL, a viewer reads, editors decide and comment,
and owners approve acceptances and sign off. A signed-off review is read-only for good.

Live updates are polled (`review_updates`, every few seconds, answering 204 when nothing
changed): the app runs on synchronous gunicorn workers, where a server-sent event stream
would hold a worker per open page, and a poll that answers 204 costs one indexed query.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import Mapping
from functools import lru_cache
from typing import TYPE_CHECKING, Any

from django.contrib import messages
from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied
from django.db.models import Max
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.text import slugify
from django.views.decorators.http import require_GET, require_http_methods, require_POST

import audit
import threatmodel

from . import reviewing
from .decisions import (
    Decided,
    DecisionConflict,
    DecisionRefused,
    StandingDecision,
    approve_acceptance,
    display_name,
    effective_state,
    export_decisions,
    is_settled,
    record_decision,
    state_label,
)
from .meeting_forms import CommentForm, DecisionForm, OverrideForm, ParticipantForm, ReviewForm
from .models import Comment, Decision, DecisionEvent, Membership, Review, System
from .requests import AuthenticatedHttpRequest
from .views import _can_write, _check_role, _get_system_for_user, _role_subquery

if TYPE_CHECKING:
    from .requests import ReviewWithRole

POLL_SECONDS = 3
FOCUS_ASPECT = 16 / 9
FOCUS_MARGIN = 90.0


def _get_review_for_user(
    request: AuthenticatedHttpRequest, pk: int, write: bool = False, owner: bool = False
) -> ReviewWithRole:
    """The review if the user is a member of its system's workspace (404 otherwise),
    with `role` set. A viewer asking to write gets 403; any write to a signed-off
    review is refused with 403 too."""
    reviews = (
        Review.objects.select_related("system", "system__workspace")
        .defer("system__analysis", "system__document")
        .annotate(role=_role_subquery(request, "system__workspace"))
    )
    review: ReviewWithRole = get_object_or_404(reviews.exclude(role=None).defer("analysis"), pk=pk)
    review.analysis = reviewing.frozen_analysis(review)
    _check_role(review.role, write or owner, owner)
    if (write or owner) and review.signed_off:
        raise PermissionDenied("This review is signed off: it is read-only for good.")
    return review


def _review_context(review: ReviewWithRole, request: AuthenticatedHttpRequest) -> dict:
    decisions = reviewing.review_decisions(review)
    today = reviewing.review_day(review)
    return {
        "review": review,
        "system": review.system,
        "can_edit": _can_write(review) and not review.signed_off,
        "is_owner": review.role == Membership.OWNER,
        "decisions": decisions,
        "today": today,
        "progress": reviewing.progress(review, decisions, today),
    }


# --- reviews of a system ---------------------------------------------------------------


@require_http_methods(["GET", "POST"])
def review_list(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    system = _get_system_for_user(request, pk, write=request.method == "POST")
    form = ReviewForm(
        request.POST or None,
        initial={"title": f"Review of version {system.version}", "date": timezone.localdate()},
    )
    if request.method == "POST" and form.is_valid():
        review = reviewing.create_review(
            system,
            title=form.cleaned_data["title"],
            date=form.cleaned_data["date"],
            author=request.user,
        )
        messages.success(request, f"Created the review; it freezes version {review.version}.")
        return redirect("review_detail", review.pk)
    reviews = system.reviews.defer("analysis").select_related("created_by")
    context = {"system": system, "reviews": reviews, "form": form, "can_edit": _can_write(system)}
    status = 400 if request.method == "POST" else 200
    return render(request, "reviews/review_list.html", context, status=status)


@require_GET
def review_detail(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    review = _get_review_for_user(request, pk)
    context = _review_context(review, request)
    findings = reviewing.walk_order(review)
    context.update(
        {
            "rows": [_finding_row(f, context["decisions"], context["today"]) for f in findings],
            "participants": review.participants.select_related("user"),
            "signoffs": review.signoffs.all(),
            "participant_form": ParticipantForm(review=review),
            "override_form": OverrideForm(),
            "blocking": reviewing.unsettled_guarded(review, context["decisions"], context["today"]),
            "my_participation": review.participants.filter(user=request.user).first(),
            "signed_by_me": review.signoffs.filter(user=request.user).exists(),
            "reports": review.system.reports.filter(review=review)[:5],
        }
    )
    return render(request, "reviews/review_detail.html", context)


def _finding_row(finding: dict, decisions: dict, today) -> dict:
    decision = decisions.get(finding["fingerprint"])
    return {
        "finding": finding,
        "decision": decision,
        "state": effective_state(decision, today),
        "label": state_label(decision, today),
        "settled": is_settled(decision, today),
    }


@require_POST
def participant_add(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    review = _get_review_for_user(request, pk, write=True)
    form = ParticipantForm(request.POST, review=review)
    if form.is_valid():
        try:
            reviewing.add_participant(review, form.cleaned_data["user"], form.cleaned_data["role"])
        except reviewing.ReviewRefused as refused:
            for message in refused.errors.values():
                messages.error(request, message)
        else:
            messages.success(request, f"Added {display_name(form.cleaned_data['user'])}.")
    else:
        messages.error(request, "Choose a member and a meeting role.")
    return redirect("review_detail", review.pk)


@require_POST
def participant_remove(
    request: AuthenticatedHttpRequest, pk: int, participant_pk: int
) -> HttpResponse:
    review = _get_review_for_user(request, pk, write=True)
    participant = get_object_or_404(review.participants, pk=participant_pk)
    if review.signoffs.filter(user_id=participant.user_id).exists():
        messages.error(request, "A participant who has signed stays on the review.")
    else:
        participant.delete()
        messages.success(request, f"Removed {display_name(participant.user)}.")
    return redirect("review_detail", review.pk)


@require_POST
def review_start(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    review = _get_review_for_user(request, pk, write=True)
    reviewing.start_review(review)
    return redirect("review_walk", review.pk)


# --- the walk-through ------------------------------------------------------------------


def _position(ordered: list[dict], fingerprint: str | None) -> int:
    for index, finding in enumerate(ordered):
        if finding["fingerprint"] == fingerprint:
            return index
    if fingerprint:
        raise Http404("This review has no such finding.")
    return 0


def _walk_url(review: Review, fingerprint: str, order: str) -> str:
    query = f"?at={fingerprint}" + ("&order=severity" if order == "severity" else "")
    return reverse("review_walk", args=[review.pk]) + query


@require_GET
def review_walk(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    review = _get_review_for_user(request, pk)
    order = request.GET.get("order", "")
    order = order if order in reviewing.ORDERS else "plan"
    ordered = reviewing.walk_order(review, order)
    context = _review_context(review, request)
    if not ordered:
        return render(request, "reviews/review_walk.html", {**context, "finding": None})
    index = _position(ordered, request.GET.get("at"))
    finding = ordered[index]
    labels = _labels(review)
    context.update(
        _finding_context(review, finding, context["decisions"], context["today"], request)
    )
    context.update(
        {
            "order": order,
            "orders": reviewing.ORDERS,
            "index": index,
            "count": len(ordered),
            "previous_url": _walk_url(review, ordered[index - 1]["fingerprint"], order)
            if index
            else "",
            "next_url": _walk_url(review, ordered[index + 1]["fingerprint"], order)
            if index + 1 < len(ordered)
            else "",
            "subject_labels": [labels.get(i, i) for i in finding["subject"]],
            "path_labels": [labels.get(i, i) for i in finding["path"]],
            "seen": _change_token(review),
            "poll_seconds": POLL_SECONDS,
        }
    )
    return render(request, "reviews/review_walk.html", context)


def _labels(review: Review) -> dict[str, str]:
    from .findings import labels

    return labels(reviewing.frozen_document(review.system, review.version))


def _finding_context(
    review: ReviewWithRole,
    finding: dict[str, Any],
    decisions: Mapping[str, Decided],
    today: dt.date,
    request: AuthenticatedHttpRequest,
    form: DecisionForm | None = None,
    **extra: Any,
) -> dict[str, Any]:
    fingerprint = finding["fingerprint"]
    decision = decisions.get(fingerprint)
    history = []
    if decision is not None:
        history = list(
            DecisionEvent.objects.filter(
                decision__system=review.system, decision__fingerprint=fingerprint
            )
            .select_related("owner", "approver", "approved_by", "review")
            .order_by("-number")
        )
        if review.signed_off and review.signed_off_at:
            history = [e for e in history if e.at <= review.signed_off_at]
    if form is None:
        form = DecisionForm(initial=_form_initial(decision, request.user), review=review)
    return {
        "finding": finding,
        "decision": decision,
        "state": effective_state(decision, today),
        "state_label": state_label(decision, today),
        "history": history,
        "form": form,
        "comments": review.comments.filter(fingerprint=fingerprint),
        "comment_form": CommentForm(),
        "can_approve": _can_approve(review, decision, request.user),
        **extra,
    }


def _form_initial(decision: Decided | None, user: User) -> dict[str, Any]:
    initial = {"base_revision": 0, "state": Decision.OPEN}
    if not isinstance(decision, Decision):  # none yet, or as it stood at a sign-off
        return initial
    event = decision.current
    initial["base_revision"] = decision.revision_count
    if decision.state in dict(Decision.CHOSEN):
        initial["state"] = decision.state
    if event is not None:
        for name in ("owner", "approver"):
            value = getattr(event, f"{name}_id")
            if value:
                initial[name] = value
        for name in ("due", "ticket_url", "justification", "compensating_controls", "expires"):
            initial[name] = getattr(event, name)
        initial["reason"] = event.reason
    return initial


def _can_approve(review: ReviewWithRole, decision: Decided | None, user: User) -> bool:
    if review.signed_off or review.role != Membership.OWNER or decision is None:
        return False
    if isinstance(decision, StandingDecision):
        return False
    if decision.state != Decision.ACCEPT or decision.approved or decision.current is None:
        return False
    named = decision.current.approver_id
    return named in (None, user.pk) and decision.current.actor_id != user.pk


def _review_finding(review: Review, fingerprint: str) -> dict:
    finding = next((f for f in review.findings if f["fingerprint"] == fingerprint), None)
    if finding is None:
        raise Http404("This review has no such finding.")
    return finding


def _decision_panel(
    request: AuthenticatedHttpRequest,
    review: ReviewWithRole,
    fingerprint: str,
    status: int = 200,
    form: DecisionForm | None = None,
    **extra: Any,
) -> HttpResponse:
    """The decision panel of one finding, with the progress and the finding's row in the
    review swapped out of band."""
    finding = _review_finding(review, fingerprint)
    context = _review_context(review, request)
    context.update(
        _finding_context(
            review, finding, context["decisions"], context["today"], request, form, **extra
        )
    )
    html = render_to_string("reviews/review_walk.html#decision_panel", context, request)
    context["oob"] = True
    html += render_to_string("reviews/review_walk.html#progress", context, request)
    return HttpResponse(html, status=status)


@require_POST
def decision_record(request: AuthenticatedHttpRequest, pk: int, fingerprint: str) -> HttpResponse:
    review = _get_review_for_user(request, pk, write=True)
    finding = _review_finding(review, fingerprint)
    form = DecisionForm(request.POST, review=review)
    if not form.is_valid():
        return _respond(request, review, fingerprint, form, status=400)
    try:
        record_decision(
            review.system,
            fingerprint,
            form.cleaned_data["state"],
            actor=request.user,
            rule=finding["rule"],
            subject=finding["subject"],
            review=review,
            base_revision=form.cleaned_data["base_revision"],
            **form.decision_values(),
        )
    except DecisionRefused as refused:
        form.add_refusal(refused)
        return _respond(request, review, fingerprint, form, status=400)
    except DecisionConflict as conflict:
        # Show theirs, keep mine, and base the next submit on theirs: submitting again
        # confirms mine over theirs; nothing is overwritten unseen.
        data = request.POST.copy()
        data["base_revision"] = str(conflict.decision.revision_count)
        form = DecisionForm(data, review=review)
        form.is_valid()
        event = conflict.decision.current
        who = event.actor_name or "someone" if event else "someone"
        form.add_error(
            None,
            f"{who} recorded “{state_label(conflict.decision)}” for this finding while you "
            "were deciding (shown above). Submit again to replace it with yours, or pick theirs.",
        )
        return _respond(request, review, fingerprint, form, status=409, conflict=True)
    reviewing.start_review(review)
    if not request.htmx:
        messages.success(request, "Decision recorded.")
        return redirect(_walk_url(review, fingerprint, request.GET.get("order", "plan")))
    return _decision_panel(request, review, fingerprint, saved=True)


def _respond(
    request: AuthenticatedHttpRequest,
    review: ReviewWithRole,
    fingerprint: str,
    form: DecisionForm,
    status: int,
    **extra: Any,
) -> HttpResponse:
    if request.htmx:
        return _decision_panel(request, review, fingerprint, status=status, form=form, **extra)
    for error in map(str, form.non_field_errors()):  # ErrorList yields its messages
        messages.error(request, error)
    for name, errors in form.errors.items():
        if name != "__all__":
            messages.error(request, f"{form.fields[name].label}: {' '.join(map(str, errors))}")
    return redirect(_walk_url(review, fingerprint, "plan"))


@require_POST
def decision_approve(request: AuthenticatedHttpRequest, pk: int, fingerprint: str) -> HttpResponse:
    review = _get_review_for_user(request, pk, owner=True)
    _review_finding(review, fingerprint)
    decision = (
        Decision.objects.select_related("current", "system")
        .filter(system=review.system, fingerprint=fingerprint)
        .first()
    )
    try:
        if decision is None:
            raise DecisionRefused({"state": "This finding has no acceptance to approve."})
        approve_acceptance(decision, request.user)
    except DecisionRefused as refused:
        messages.error(request, " ".join(refused.errors.values()))
    else:
        messages.success(request, "Acceptance approved.")
    if request.htmx:
        return _decision_panel(request, review, fingerprint)
    return redirect(_walk_url(review, fingerprint, "plan"))


@require_POST
def comment_add(request: AuthenticatedHttpRequest, pk: int, fingerprint: str) -> HttpResponse:
    review = _get_review_for_user(request, pk, write=True)
    _review_finding(review, fingerprint)
    form = CommentForm(request.POST)
    status = 200
    if form.is_valid():
        Comment.objects.create(
            review=review,
            fingerprint=fingerprint,
            author=request.user,
            author_name=display_name(request.user),
            text=form.cleaned_data["text"],
        )
        form = CommentForm()
    else:
        status = 400
    if not request.htmx:
        if status == 400:
            messages.error(request, "Comment: " + " ".join(map(str, form.errors.get("text", []))))
        return redirect(_walk_url(review, fingerprint, "plan"))
    context = {
        "review": review,
        "finding": {"fingerprint": fingerprint},
        "comments": review.comments.filter(fingerprint=fingerprint),
        "comment_form": form,
        "can_edit": True,
    }
    return render(request, "reviews/review_walk.html#comments", context, status=status)


# --- live updates ----------------------------------------------------------------------


def _change_token(review: Review) -> str:
    """Changes anyone else could have made to what the review shows, as one string."""
    last_event = DecisionEvent.objects.filter(decision__system_id=review.system_id).aggregate(
        last=Max("pk")
    )["last"]
    last_comment = Comment.objects.filter(review_id=review.pk).aggregate(last=Max("pk"))["last"]
    signatures = review.signoffs.count()
    return f"{last_event or 0}.{last_comment or 0}.{signatures}.{review.status}"


@require_GET
def review_updates(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """204 while nothing changed; otherwise the parts that changed, swapped out of band,
    never the decision form someone may be filling in."""
    review = _get_review_for_user(request, pk)
    token = _change_token(review)
    fingerprint = request.GET.get("at", "")
    if request.GET.get("seen") == token:
        return HttpResponse(status=204)
    context = _review_context(review, request)
    context.update({"seen": token, "poll_seconds": POLL_SECONDS, "oob": True})
    html = ""
    if fingerprint:
        finding = _review_finding(review, fingerprint)
        context.update(
            _finding_context(review, finding, context["decisions"], context["today"], request)
        )
        html += render_to_string("reviews/review_walk.html#current_decision", context, request)
        html += render_to_string("reviews/review_walk.html#comment_list", context, request)
    html += render_to_string("reviews/review_walk.html#progress", context, request)
    context["oob"] = False
    html = render_to_string("reviews/review_walk.html#poller", context, request) + html
    return HttpResponse(html)


# --- the diagram focused on a finding ------------------------------------------------


def _review_diagram(review: Review) -> tuple[str, dict, dict, dict]:
    """The frozen revision's diagram (SVG text), element centres, the document, and each
    key's blast radius (the stores it protects, directly or through keys it wraps)."""
    system = review.system
    return _frozen_diagram(system.pk, system.created, review.version)


@lru_cache(maxsize=8)
def _frozen_diagram(system_pk: int, created, version: int) -> tuple[str, dict, dict, dict]:
    from threatmodel.graph import SystemGraph

    from .report.diagram import layout_system, render_diagram_svg

    document = reviewing.frozen_document(System.objects.get(pk=system_pk), version)
    model = threatmodel.load(document)
    svg = render_diagram_svg(model, threatmodel.analyze(model))
    centres = dict(layout_system(model).nodes)
    graph = SystemGraph(model, model.policy)
    reach = {key.id: set(graph.protected_set(key.id)) for key in model.keys}
    return svg, centres, document, reach


def _focus_elements(finding: dict, document: dict, reach: dict[str, set[str]]) -> set[str]:
    """The elements a finding is about: its subject and path, flows' ends, the holders and
    users of a key and its blast radius, the stores of a data class, the members of a
    boundary."""
    ids = set(finding.get("subject", [])) | set(finding.get("path", []))
    ids |= set(finding.get("flows", []))
    found = set()
    for element in document.get("elements", []):
        keys = {element.get("key"), *element.get("uses_keys", [])}
        if (
            element["id"] in ids
            or ids & keys
            or ids & set(element.get("stores", []))
            or element.get("boundary") in ids
        ):
            found.add(element["id"])
    for flow in document.get("flows", []):
        if flow["id"] in ids:
            found |= {flow["from"], flow["to"]}
    for key in document.get("keys", []):
        if key["id"] in ids:
            found |= reach.get(key["id"], set())
            if key.get("held_by"):
                found.add(key["held_by"])
    return found


@require_GET
def review_diagram(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    from .report.diagram import NODE_H, NODE_W

    review = _get_review_for_user(request, pk)
    svg, centres, document, reach = _review_diagram(review)
    fingerprint = request.GET.get("at", "")
    finding = next((f for f in review.findings if f["fingerprint"] == fingerprint), None)
    focus = (
        [centres[i] for i in sorted(_focus_elements(finding, document, reach)) if i in centres]
        if finding
        else []
    )
    if focus:
        xs, ys = [x for x, _ in focus], [y for _, y in focus]
        centre_x, centre_y = (min(xs) + max(xs)) / 2, (min(ys) + max(ys)) / 2
        width = max(xs) - min(xs) + NODE_W + 2 * FOCUS_MARGIN
        height = max(ys) - min(ys) + NODE_H + 2 * FOCUS_MARGIN
        # The frame is about 16:9: grow the box around its centre to that shape, so the
        # picture fills the frame instead of stopping at the box's edges.
        width = max(width, height * FOCUS_ASPECT, 480.0)
        height = max(height, width / FOCUS_ASPECT)
        left, top = centre_x - width / 2, centre_y - height / 2
        rings = "".join(
            f'<rect x="{x - NODE_W / 2 - 8:.1f}" y="{y - NODE_H / 2 - 8:.1f}" '
            f'width="{NODE_W + 16:.1f}" height="{NODE_H + 16:.1f}" rx="12" fill="none" '
            'stroke="#f59e0b" stroke-width="5"/>'
            for x, y in focus
        )
        svg = re.sub(
            r'viewBox="[^"]*" width="[^"]*" height="[^"]*"',
            f'viewBox="{left:.1f} {top:.1f} {width:.1f} {height:.1f}" '
            f'width="{width:.0f}" height="{height:.0f}"',
            svg,
            count=1,
        )
        svg = svg[: svg.rindex("</svg>")] + rings + "</svg>"
    response = HttpResponse(svg, content_type="image/svg+xml; charset=utf-8")
    # The revision is frozen: the same URL always draws the same picture.
    response["Cache-Control"] = "private, max-age=3600"
    return response


# --- sign-off --------------------------------------------------------------------------


@require_POST
def review_sign(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    review = _get_review_for_user(request, pk, owner=True)
    try:
        reviewing.sign(review, request.user)
    except reviewing.ReviewRefused as refused:
        messages.error(request, " ".join(refused.errors.values()))
    else:
        review.refresh_from_db()
        if review.signed_off:
            messages.success(
                request, "Signed. Every participant has signed: the review is signed off."
            )
        else:
            messages.success(request, "Signed.")
    return redirect("review_detail", review.pk)


@require_POST
def review_override(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    review = _get_review_for_user(request, pk, write=True)
    form = OverrideForm(request.POST)
    if form.is_valid():
        try:
            reviewing.record_override(review, request.user, form.cleaned_data["reason"])
        except reviewing.ReviewRefused as refused:
            messages.error(request, " ".join(refused.errors.values()))
        else:
            messages.success(request, "Recorded why the review can be signed off.")
    else:
        messages.error(request, "Say why the review can be signed off anyway.")
    return redirect("review_detail", review.pk)


# --- what changed, the report, the export ------------------------------------------------


@require_GET
def review_changes(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    review = _get_review_for_user(request, pk)
    context = _review_context(review, request)
    context["comparison"] = reviewing.compare_with_previous(review)
    context["walk_url"] = reverse("review_walk", args=[review.pk])
    context["limit"], context["minus_limit"] = reviewing.LIST_LIMIT, -reviewing.LIST_LIMIT
    return render(request, "reviews/review_changes.html", context)


@require_POST
def review_report(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """Render the review's PDF: editors any time, viewers (auditors) once signed off."""
    review = _get_review_for_user(request, pk)
    if not review.signed_off and not _can_write(review):
        raise PermissionDenied("Viewers can have the report of a signed-off review.")
    from .tasks import start_report

    report = start_report(review.system, review.version, request.user, review=review)
    return redirect(reverse("report_status", args=[review.system_id, report.pk]))


@require_GET
def decisions_export(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    system = _get_system_for_user(request, pk)
    text = json.dumps(export_decisions(system), indent=2, ensure_ascii=False)
    response = HttpResponse(text + "\n", content_type="application/json; charset=utf-8")
    filename = f"{slugify(system.name) or 'system'}-decisions.json"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    audit.record("export", request=request, system=system, target="decisions")
    return response
