"""Background work: rendering PDF reports.

Development runs tasks in-process (ImmediateBackend: the report is ready when the POST
returns). Production queues them in the database (django-tasks-db) and a worker renders
them: `python manage.py db_worker`. Either way the Report row carries the progress, so the
page polls it rather than the task.
"""

from __future__ import annotations

import logging

from django.core.files.base import ContentFile
from django.db import transaction
from django.tasks import task
from django.utils import timezone

from .models import Report

logger = logging.getLogger(__name__)


def _update(report_id: int, **fields) -> None:
    Report.objects.filter(pk=report_id).update(**fields)


@task
def render_report(report_id: int) -> None:
    """Render the report's revision to PDF and store it with the Report row."""
    from .report.review import review_sections
    from .report.source import render_system_report  # WeasyPrint loads only in the worker

    report = Report.objects.select_related("system", "review").filter(pk=report_id).first()
    if report is None or report.status not in (Report.QUEUED, Report.RUNNING):
        return  # deleted, or already rendered by a retry
    _update(report_id, status=Report.RUNNING, progress="Starting")
    try:
        rendered = render_system_report(
            report.system,
            report.version,
            progress=lambda message: _update(report_id, progress=message[:200]),
            extra_sections=review_sections(report.review) if report.review_id else (),
        )
        with transaction.atomic():
            report.refresh_from_db()
            report.file.save(f"report-{report_id}.pdf", ContentFile(rendered.pdf), save=False)
            report.model_hash = rendered.model_hash
            report.status = Report.DONE
            report.progress = "Done"
            report.finished_at = timezone.now()
            report.save()
    except Exception as error:
        # The user sees a short reason; the traceback goes to the log.
        logger.exception("report %s failed", report_id)
        _update(
            report_id,
            status=Report.FAILED,
            progress="Failed",
            error=f"{type(error).__name__}: {error}"[:1000],
            finished_at=timezone.now(),
        )


def start_report(system, version: int, user, review=None) -> Report:
    """A queued Report, handed to the task queue once the transaction commits; a report
    refers to its revision, so that revision's sitting closes."""
    from .services import freeze_revision

    report = Report.objects.create(
        system=system,
        version=version,
        created_by=user,
        review=review,
        progress="Waiting for a worker",
    )
    freeze_revision(system, version)
    transaction.on_commit(lambda: render_report.enqueue(report.pk))
    return report
