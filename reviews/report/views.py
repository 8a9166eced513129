"""Report views: start a report (editors and owners), poll its status, download it.

Every view goes through the system's access helper, so a user outside the workspace gets
404 and a viewer may read and download but not start a report.
"""

from __future__ import annotations

from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.text import slugify
from django.views.decorators.http import require_GET, require_POST

from ..models import Report, System
from ..tasks import start_report
from ..views import _can_write, _get_system_for_user


def _get_report_for_user(request: HttpRequest, pk: int, report_pk: int) -> tuple[System, Report]:
    system = _get_system_for_user(request, pk)
    return system, get_object_or_404(Report, pk=report_pk, system=system)


def _requested_version(request: HttpRequest, system: System) -> int:
    """The version asked for in the form, or the current one; an unknown one is a 404."""
    raw = request.POST.get("version", "").strip()
    if not raw:
        return system.version
    if not raw.isdigit() or not 1 <= int(raw) <= system.version:
        raise Http404(f"{system.name} has versions 1 to {system.version}.")
    return int(raw)


@require_POST
def report_start(request: HttpRequest, pk: int) -> HttpResponse:
    system = _get_system_for_user(request, pk, write=True)
    report = start_report(system, _requested_version(request, system), request.user)
    if request.htmx:
        # With the in-process backend the report is already done here; otherwise the
        # fragment polls until it is.
        report.refresh_from_db()
        return _render_panel(request, system)
    return redirect(reverse("report_status", args=[system.pk, report.pk]))


@require_GET
def report_status(request: HttpRequest, pk: int, report_pk: int) -> HttpResponse:
    system, report = _get_report_for_user(request, pk, report_pk)
    context = {"system": system, "report": report}
    if request.htmx:
        return render(request, "reviews/_report_panel.html#report_status", context)
    return render(request, "report/report_status.html", context)


@require_GET
def report_download(request: HttpRequest, pk: int, report_pk: int) -> FileResponse:
    system, report = _get_report_for_user(request, pk, report_pk)
    if report.status != Report.DONE or not report.file:
        raise Http404("This report is not ready.")
    name = f"{slugify(system.name) or 'system'}-v{report.version}-report.pdf"
    return FileResponse(
        report.file.open("rb"), as_attachment=True, filename=name, content_type="application/pdf"
    )


def _render_panel(request: HttpRequest, system: System) -> HttpResponse:
    context = {"system": system, "can_edit": _can_write(system)}
    return render(request, "reviews/_report_panel.html", context)
