"""A worker killed mid-render: its report fails with the reason, its task row is closed
by the same sweep, and a retry renders. A real `report_worker` process (with its
forkserver and render child) runs against a database file of its own, and is killed with
SIGKILL while the child lays the pages out."""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]

SETUP = """
from django.db import transaction
from examples.generate import generate_system
from reviews.tasks import start_report
from tests.conftest import make_system, make_user, make_workspace
owner = make_user("owner")
system = make_system(make_workspace(owner=owner), generate_system(60), owner)
with transaction.atomic():
    report = start_report(system, system.version, owner)
print(system.pk, report.pk)
"""

SWEEP_AND_RETRY = """
from django.test import Client
from django.contrib.auth import get_user_model
from reviews.tasks import fail_lost_reports
lost = fail_lost_reports()
client = Client()
client.force_login(get_user_model().objects.get(username="owner"))
response = client.post("/systems/{system}/reports/{report}/retry/")
print(lost, response.status_code)
"""


@pytest.fixture
def stack(tmp_path):
    database = tmp_path / "worker.sqlite3"
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings",
        "DATABASE_URL": f"sqlite:///{database}",
        "TASKS_BACKEND": "django_tasks_db.DatabaseBackend",
        "REPORT_CHILD_PROCESS": "1",
        "MEDIA_ROOT": str(tmp_path / "media"),
    }
    env.pop("PYTEST_CURRENT_TEST", None)

    def manage(*args: str) -> str:
        """The command's output (its last line, for `shell`)."""
        result = subprocess.run(
            [sys.executable, "manage.py", *args],
            cwd=ROOT,
            env=env,
            capture_output=True,
            text=True,
            timeout=300,
        )
        assert result.returncode == 0, result.stderr[-2000:]
        return result.stdout.strip().splitlines()[-1] if result.stdout.strip() else ""

    manage("migrate", "--verbosity", "0")
    return env, manage, database


def _row(database: Path, sql: str, *params) -> tuple:
    with sqlite3.connect(database, timeout=10) as connection:
        return connection.execute(sql, params).fetchone()


def _wait_for_layout(database: Path, report: int, worker) -> None:
    deadline = time.monotonic() + 180
    while time.monotonic() < deadline:
        assert worker.poll() is None, "the worker exited before rendering"
        status, progress = _row(
            database, "SELECT status, progress FROM reviews_report WHERE id = ?", report
        )
        if status == "running" and progress.startswith(("Laying out", "Writing")):
            return
        assert status in ("queued", "running"), (status, progress)
        time.sleep(0.05)
    raise AssertionError("the report never reached its layout")


def test_a_killed_worker_leaves_no_running_report_or_task_and_the_retry_renders(stack):
    env, manage, database = stack
    system, report = (int(v) for v in manage("shell", "-c", SETUP).split())
    worker = subprocess.Popen(
        [sys.executable, "manage.py", "report_worker", "--no-startup-delay", "--interval", "0.1"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,  # its own process group: the forkserver and child die too
    )
    try:
        _wait_for_layout(database, report, worker)
        os.killpg(worker.pid, signal.SIGKILL)
        worker.wait(10)
    finally:
        if worker.poll() is None:
            os.killpg(worker.pid, signal.SIGKILL)
    assert _row(database, "SELECT status FROM reviews_report WHERE id = ?", report) == ("running",)
    assert _row(database, "SELECT status FROM django_tasks_database_dbtaskresult") == ("RUNNING",)

    # The lease runs out: the worker's last sign of life is now 40 s old.
    with sqlite3.connect(database) as connection:
        connection.execute(
            "UPDATE reviews_report SET heartbeat_at = datetime('now', '-40 seconds')"
        )
        connection.execute(
            "UPDATE django_tasks_database_dbtaskresult SET started_at = "
            "datetime('now', '-60 seconds')"
        )
    lost, retry = manage(
        "shell", "-c", SWEEP_AND_RETRY.format(system=system, report=report)
    ).split()
    assert (lost, retry) == ("1", "302")
    status, error = _row(database, "SELECT status, error FROM reviews_report WHERE id = ?", report)
    assert status == "failed"
    assert "stopped" in error and "Retry" in error
    task_status, exception, finished = _row(
        database,
        "SELECT status, exception_class_path, finished_at FROM "
        "django_tasks_database_dbtaskresult ORDER BY enqueued_at LIMIT 1",
    )
    assert (task_status, exception) == ("FAILED", "reviews.tasks.WorkerLost")
    assert finished is not None

    manage("report_worker", "--batch", "--no-startup-delay")
    retried = _row(
        database, "SELECT status, error FROM reviews_report WHERE id != ? ORDER BY id", report
    )
    assert retried == ("done", "")
    assert _row(
        database,
        "SELECT count(*) FROM django_tasks_database_dbtaskresult WHERE status = 'RUNNING'",
    ) == (0,)
