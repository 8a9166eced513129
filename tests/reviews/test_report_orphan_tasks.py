"""The lease sweep also closes the task rows a dead worker left running."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from reviews.models import Report
from reviews.tasks import fail_lost_reports, render_report

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def child_process_lease(settings):
    settings.REPORT_CHILD_PROCESS = True  # the 30 s lease of the production worker


def _task(report_id: int, *, started_seconds_ago: int, status: str = "RUNNING") -> DBTaskResult:
    now = timezone.now()
    return DBTaskResult.objects.create(
        status=status,
        args_kwargs={"args": [report_id], "kwargs": {}},
        task_path=render_report.module_path,
        backend_name="default",
        run_after=now,
        started_at=now - timedelta(seconds=started_seconds_ago),
    )


def _report(system, user, status: str, heartbeat_seconds_ago: int | None = None) -> Report:
    report = Report.objects.create(system=system, version=1, created_by=user, status=status)
    if heartbeat_seconds_ago is not None:
        heartbeat = timezone.now() - timedelta(seconds=heartbeat_seconds_ago)
        Report.objects.filter(pk=report.pk).update(heartbeat_at=heartbeat)
    return report


def test_a_lost_reports_task_row_is_marked_failed_with_the_reason(system, owner):
    report = _report(system, owner, Report.RUNNING, heartbeat_seconds_ago=40)
    task = _task(report.pk, started_seconds_ago=60)
    assert fail_lost_reports(system=system) == 1
    task.refresh_from_db()
    assert task.status == "FAILED"
    assert task.exception_class_path == "reviews.tasks.WorkerLost"
    assert "stopped" in task.traceback
    assert task.finished_at is not None


def test_a_live_render_and_its_task_are_left_alone(system, owner):
    report = _report(system, owner, Report.RUNNING, heartbeat_seconds_ago=2)
    task = _task(report.pk, started_seconds_ago=600)
    assert fail_lost_reports() == 0
    task.refresh_from_db()
    report.refresh_from_db()
    assert (task.status, report.status) == ("RUNNING", Report.RUNNING)


def test_a_task_claimed_by_a_worker_that_died_before_starting_fails_its_queued_report(
    system, owner
):
    report = _report(system, owner, Report.QUEUED)
    task = _task(report.pk, started_seconds_ago=60)
    fail_lost_reports()
    report.refresh_from_db()
    task.refresh_from_db()
    assert report.status == Report.FAILED
    assert "stopped before it started" in report.error
    assert task.status == "FAILED"


def test_a_queued_report_whose_task_waits_in_the_queue_is_left_alone(system, owner):
    report = _report(system, owner, Report.QUEUED)
    task = _task(report.pk, started_seconds_ago=600, status="READY")
    fail_lost_reports()
    report.refresh_from_db()
    task.refresh_from_db()
    assert (report.status, task.status) == (Report.QUEUED, "READY")


def test_the_running_task_of_a_deleted_report_is_closed(system, owner):
    report = _report(system, owner, Report.DONE)
    task = _task(report.pk, started_seconds_ago=60)
    report.delete()
    fail_lost_reports()
    task.refresh_from_db()
    assert task.status == "FAILED"


def test_a_task_that_just_finished_its_report_is_not_touched_while_its_worker_closes_it(
    system, owner
):
    report = _report(system, owner, Report.DONE)
    task = _task(report.pk, started_seconds_ago=5)
    fail_lost_reports()
    task.refresh_from_db()
    assert task.status == "RUNNING"
