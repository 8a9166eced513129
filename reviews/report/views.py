"""Report views: start or retry a report, poll its progress, download it.

Every view goes through the system's access helper, so a user outside the workspace gets
404. Every member may start one: auditors are usually viewers, and a report changes
nothing in the system (one render at a time per system keeps the cost bounded).
"""

from __future__ import annotations

from datetime import timedelta
from typing import TYPE_CHECKING

from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.text import slugify
from django.views.decorators.http import require_GET, require_POST

import audit

from ..models import Report, System
from ..requests import AuthenticatedHttpRequest
from ..tasks import fail_lost_reports, start_report
from ..views import _can_write, _get_system_for_user

if TYPE_CHECKING:
    from ..requests import SystemWithRole

# A report queued or running for longer than this is taken to be lost (a worker died).
STALE_AFTER = timedelta(minutes=10)


def _get_report_for_user(
    request: AuthenticatedHttpRequest, pk: int, report_pk: int
) -> tuple[SystemWithRole, Report]:
    system = _get_system_for_user(request, pk)
    return system, get_object_or_404(Report, pk=report_pk, system=system)


def _requested_version(request: AuthenticatedHttpRequest, system: System) -> int:
    """The version asked for in the form, or the current one; an unknown one is a 404."""
    raw = request.POST.get("version", "").strip()
    if not raw:
        return system.version
    if not raw.isdigit() or not 1 <= int(raw) <= system.version:
        raise Http404(f"{system.name} has versions 1 to {system.version}.")
    return int(raw)


@require_POST
def report_start(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    system = _get_system_for_user(request, pk)
    version = _requested_version(request, system)
    return _start(request, system, version)


@require_POST
def report_retry(request: AuthenticatedHttpRequest, pk: int, report_pk: int) -> HttpResponse:
    """A failed report again: same version, same review."""
    system, failed = _get_report_for_user(request, pk, report_pk)
    if failed.status != Report.FAILED:
        return redirect(reverse("report_status", args=[system.pk, failed.pk]))
    return _start(request, system, failed.version, review=failed.review)


@require_GET
def report_panel(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """The system page's report panel, which polls itself while a report renders."""
    system = _get_system_for_user(request, pk)
    fail_lost_reports(system=system)
    return _render_panel(request, system)


def _start(
    request: AuthenticatedHttpRequest, system: SystemWithRole, version: int, review=None
) -> HttpResponse:
    # One render at a time per system: a second click (or a script) joins the running
    # one instead of queueing more CPU-heavy work. A report whose worker died is failed
    # first, so nobody joins it.
    fail_lost_reports(system=system)
    report = _report_in_progress(system) or start_report(
        system, version, request.user, review=review
    )
    if request.htmx:
        # With the in-process backend the report is already done here; otherwise the
        # fragment polls until it is.
        report.refresh_from_db()
        return _render_panel(request, system)
    return redirect(reverse("report_status", args=[system.pk, report.pk]))


@require_GET
def report_status(request: AuthenticatedHttpRequest, pk: int, report_pk: int) -> HttpResponse:
    system, report = _get_report_for_user(request, pk, report_pk)
    if fail_lost_reports(pk=report.pk):
        report.refresh_from_db()
    context = {"system": system, "report": report}
    if request.htmx:
        return render(request, "reviews/_report_panel.html#report_status", context)
    return render(request, "report/report_status.html", context)


@require_GET
def report_download(request: AuthenticatedHttpRequest, pk: int, report_pk: int) -> FileResponse:
    system, report = _get_report_for_user(request, pk, report_pk)
    if report.status != Report.DONE or not report.file:
        raise Http404("This report is not ready.")
    name = f"{slugify(system.name) or 'system'}-v{report.version}-report.pdf"
    response = FileResponse(
        report.file.open("rb"), as_attachment=True, filename=name, content_type="application/pdf"
    )
    # The PDF describes the system's weaknesses: no shared caches, no copy on disk.
    response["Cache-Control"] = "private, no-store"
    audit.record(
        "report-download", request=request, system=system, target=f"report of v{report.version}"
    )
    return response


def _report_in_progress(system: System) -> Report | None:
    """A queued or running report of the system, unless it looks abandoned."""
    recent = timezone.now() - STALE_AFTER
    return (
        Report.objects.filter(
            system=system, status__in=[Report.QUEUED, Report.RUNNING], created_at__gte=recent
        )
        .order_by("-created_at")
        .first()
    )


def _render_panel(request: AuthenticatedHttpRequest, system: SystemWithRole) -> HttpResponse:
    context = {"system": system, "can_edit": _can_write(system)}
    return render(request, "reviews/_report_panel.html", context)
