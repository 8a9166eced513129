"""Background work: rendering PDF reports.

Development runs tasks in-process (ImmediateBackend: the report is ready when the POST
returns). Production queues them in the database (django-tasks-db) and a worker renders
them: `python manage.py report_worker`. Either way the Report row carries the progress,
so the page polls it rather than the task.

In production each render's layout runs in a child process with a time and memory
budget (reviews/report/child.py); the database reads, the analysis and the HTML (bounded
by what each section lists) come first, in the worker. Each render holds a lease: the
worker renews `heartbeat_at` every few seconds. A running report whose lease has run out
lost its worker (killed, or the machine restarted); `fail_lost_reports` marks it failed
with that reason, so it can be retried and no new request joins it.
"""

from __future__ import annotations

import logging
import time
from datetime import timedelta

from django.conf import settings
from django.contrib.auth.models import User
from django.core.files.base import ContentFile
from django.db import DatabaseError, connections, transaction
from django.db.models import Q
from django.tasks import TaskResultStatus, task
from django.utils import timezone

from .models import Report, Review, System

logger = logging.getLogger(__name__)

HEARTBEAT_EVERY = 5  # seconds between lease renewals while a render runs
LOST_AFTER = timedelta(seconds=30)  # a running report silent this long lost its worker
# Rendering inline (development) renews the lease only between steps, and one step of a
# large report can take minutes.
INLINE_LOST_AFTER = timedelta(minutes=10)


def _update(report_id: int, **fields) -> None:
    Report.objects.filter(pk=report_id).update(**fields)


def _update_patiently(report_id: int, attempts: int = 10, **fields) -> None:
    """_update that survives a database restart (the failure handler must not fail)."""
    for attempt in range(attempts):
        try:
            _update(report_id, **fields)
            return
        except DatabaseError:
            if attempt == attempts - 1:
                raise
            logger.warning("report %s: database unavailable, retrying", report_id)
            connections.close_all()
            time.sleep(min(2**attempt, 10))


class _Lease:
    """Renews the report's heartbeat at most every HEARTBEAT_EVERY seconds."""

    def __init__(self, report_id: int) -> None:
        self.report_id = report_id
        self.renewed = 0.0

    def progress(self, message: str) -> None:
        self.renewed = time.monotonic()
        _update(self.report_id, progress=message[:200], heartbeat_at=timezone.now())

    def renew(self) -> None:
        if time.monotonic() - self.renewed >= HEARTBEAT_EVERY:
            self.renewed = time.monotonic()
            _update(self.report_id, heartbeat_at=timezone.now())


def _render(report: Report, lease: _Lease):
    from .report.review import review_sections
    from .report.source import render_system_report  # WeasyPrint loads only in the worker

    extra = review_sections(report.review) if report.review is not None else ()
    if not settings.REPORT_CHILD_PROCESS:
        return render_system_report(
            report.system, report.version, progress=lease.progress, extra_sections=extra
        )
    from .report.child import run_bounded
    from .report.render import write_report_pdf

    def write_in_child(prepared, progress):
        # The layout is what grows with the model (seconds per hundred pages, GiB for
        # thousands): it runs under the budget, after the database reads in this process.
        return run_bounded(
            write_report_pdf,
            prepared,
            seconds=settings.REPORT_TIME_LIMIT,
            memory_mb=settings.REPORT_MEMORY_LIMIT_MB,
            progress=progress,
            alive=lease.renew,
        )

    return render_system_report(
        report.system,
        report.version,
        progress=lease.progress,
        extra_sections=extra,
        write=write_in_child,
    )


@task
def render_report(report_id: int) -> None:
    """Render the report's revision to PDF and store it with the Report row."""
    report = Report.objects.select_related("system", "review").filter(pk=report_id).first()
    if report is None or report.status not in (Report.QUEUED, Report.RUNNING):
        return  # deleted, failed as lost, or already rendered by a retry
    lease = _Lease(report_id)
    _update(report_id, status=Report.RUNNING)
    lease.progress("Starting")
    try:
        rendered = _render(report, lease)
        with transaction.atomic():
            report.refresh_from_db()
            if report.status != Report.RUNNING:
                return  # declared lost meanwhile; its retry is another report
            report.file.save(f"report-{report_id}.pdf", ContentFile(rendered.pdf), save=False)
            report.model_hash = rendered.model_hash
            report.status = Report.DONE
            report.progress = "Done"
            report.finished_at = timezone.now()
            report.save()
    except Exception as error:
        # The user sees a short reason; the traceback goes to the log.
        logger.exception("report %s failed", report_id)
        _update_patiently(
            report_id,
            status=Report.FAILED,
            progress="Failed",
            error=f"{type(error).__name__}: {error}"[:1000],
            finished_at=timezone.now(),
        )


class WorkerLost(RuntimeError):
    """The worker running a task stopped (killed, or its machine restarted)."""


def fail_lost_reports(**scope) -> int:
    """Mark running reports whose lease ran out as failed; how many there were.

    `scope` filters the reports (e.g. system=...). A report queued but never started is
    left alone: it waits in the queue for a worker, and is rendered when one comes back.
    The same sweep closes the task rows such workers left running (`fail_orphan_tasks`).
    """
    lease = _lease()
    cutoff = timezone.now() - lease
    silent = Q(heartbeat_at__lt=cutoff) | Q(heartbeat_at__isnull=True, created_at__lt=cutoff)
    lost = Report.objects.filter(silent, status=Report.RUNNING, **scope)
    count = lost.update(
        status=Report.FAILED,
        progress="Failed",
        error=(
            "The worker rendering this report stopped (no sign of life for "
            f"{lease.seconds} s). Retry to render it again."
        ),
        finished_at=timezone.now(),
    )
    fail_orphan_tasks()
    return count


def _lease() -> timedelta:
    return LOST_AFTER if settings.REPORT_CHILD_PROCESS else INLINE_LOST_AFTER


def fail_orphan_tasks() -> int:
    """Mark as failed the render tasks a dead worker left running; how many there were.

    django-tasks-db marks a task finished only when its worker finishes it: a worker
    killed mid-render leaves the row running for ever. A render task is orphaned when it
    started longer than a lease ago and its report is no longer running (failed as lost,
    done, or deleted), or is still queued: a worker claimed it and died before starting,
    so no other worker will ever take it; that report is failed too, so it can be retried.
    """
    from django_tasks_db.models import DBTaskResult

    lease = _lease()
    cutoff = timezone.now() - lease
    running = DBTaskResult.objects.filter(
        status=TaskResultStatus.RUNNING,
        task_path=render_report.module_path,
        started_at__lt=cutoff,
    )
    rows = {row.pk: _report_id(row.args_kwargs) for row in running.only("pk", "args_kwargs")}
    if not rows:
        return 0
    statuses = dict(
        Report.objects.filter(pk__in=[r for r in rows.values() if r]).values_list("pk", "status")
    )
    claimed = [r for r in rows.values() if statuses.get(r) == Report.QUEUED]
    Report.objects.filter(pk__in=claimed, status=Report.QUEUED).update(
        status=Report.FAILED,
        progress="Failed",
        error=(
            "The worker that took this report stopped before it started. Retry to render it again."
        ),
        finished_at=timezone.now(),
    )
    orphans = [pk for pk, report in rows.items() if statuses.get(report) != Report.RUNNING]
    return DBTaskResult.objects.filter(pk__in=orphans, status=TaskResultStatus.RUNNING).update(
        status=TaskResultStatus.FAILED,
        finished_at=timezone.now(),
        exception_class_path=f"{WorkerLost.__module__}.{WorkerLost.__qualname__}",
        traceback=(
            f"{WorkerLost.__qualname__}: the worker running this task stopped; no sign of "
            f"life from its report for {lease.seconds} s."
        ),
        return_value=None,
    )


def _report_id(args_kwargs: object) -> int:
    """The report a render task row is for; 0 (no report's key) when it names none."""
    args = args_kwargs.get("args") if isinstance(args_kwargs, dict) else None
    return args[0] if isinstance(args, list) and args and isinstance(args[0], int) else 0


def start_report(system: System, version: int, user: User, review: Review | None = None) -> Report:
    """A queued Report, handed to the task queue once the transaction commits; a report
    refers to its revision, so that revision's sitting closes."""
    from .services import freeze_revision

    report = Report.objects.create(
        system=system,
        version=version,
        created_by=user,
        review=review,
        progress="Queued",
    )
    freeze_revision(system, version)
    transaction.on_commit(lambda: render_report.enqueue(report.pk))
    return report
