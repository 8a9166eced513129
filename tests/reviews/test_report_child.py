"""Reports render in a child process under a time and memory budget, with a lease."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.core.management import call_command

from reviews.models import Report
from reviews.report.child import BudgetExceeded, run_bounded
from tests.conftest import client_for
from tests.reviews import child_work


def _address_space_mb() -> int:
    with open("/proc/self/status") as status:
        line = next(line for line in status if line.startswith("VmSize:"))
    return int(line.split()[1]) // 1024


def test_the_child_returns_its_result_and_forwards_its_progress():
    seen: list[str] = []
    (pdf, child_pid) = run_bounded(
        child_work.report_progress, 2, seconds=30, memory_mb=8192, progress=seen.append
    )
    assert pdf == b"%PDF-"
    assert child_pid != os.getpid()
    assert seen == ["Analysing the model", "Writing 2 pages"]


ROOT = Path(__file__).resolve().parents[2]
# A worker has threads; fork() from such a process warns on Python 3.12+ (and can
# deadlock). The child comes from a forkserver instead. The warning is shown always:
# os.fork() swallows it when -W error turns it into an exception.
THREADED_PARENT = """
import threading, time
from reviews.report.child import run_bounded
from tests.reviews import child_work
threading.Thread(target=time.sleep, args=(30,), daemon=True).start()
pdf, pid = run_bounded(child_work.report_progress, 1, seconds=30, memory_mb=8192)
assert pdf == b"%PDF-", pdf
print("child", pid)
"""


def test_a_child_started_from_a_threaded_worker_raises_no_fork_warning():
    result = subprocess.run(
        [sys.executable, "-W", "always::DeprecationWarning", "-c", THREADED_PARENT],
        cwd=ROOT,
        env={**os.environ, "DJANGO_SETTINGS_MODULE": "config.settings"},
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    assert "DeprecationWarning" not in result.stderr
    assert result.stdout.startswith("child ")


def test_the_child_lays_out_a_prepared_report_into_a_pdf():
    from reviews.report.render import prepare_report, write_report_pdf
    from tests.conftest import SAMPLE_DOCUMENT

    prepared = prepare_report(system_name="Web shop", revision=1, model=SAMPLE_DOCUMENT)
    pdf = run_bounded(write_report_pdf, prepared, seconds=120, memory_mb=8192)
    assert pdf.startswith(b"%PDF-")
    assert b"/EmbeddedFile" in pdf


def test_a_render_over_its_time_budget_is_stopped():
    started = time.monotonic()
    with pytest.raises(BudgetExceeded, match="longer than its 1 s budget"):
        run_bounded(child_work.sleep, 30, seconds=1, memory_mb=8192, poll=0.1)
    assert time.monotonic() - started < 10


def test_a_render_over_its_memory_budget_fails_and_the_worker_keeps_its_memory():
    # The child's baseline, not this process's: under the whole suite this process holds
    # far more address space than a child from the forkserver, and a budget read off it
    # let the child's 600 MiB through.
    budget = run_bounded(child_work.address_space_mb, seconds=30, memory_mb=8192) + 200
    before = _address_space_mb()
    with pytest.raises(BudgetExceeded, match=f"more than its {budget} MiB"):
        run_bounded(child_work.allocate, 600, seconds=30, memory_mb=budget)
    assert _address_space_mb() < before + 100
    assert bytearray(300 * 1024 * 1024)  # the limit was the child's, not this process's


def test_a_child_killed_mid_render_is_reported_not_waited_for():
    with pytest.raises(BudgetExceeded, match="killed"):
        run_bounded(child_work.kill_itself, seconds=30, memory_mb=8192)


def test_an_error_in_the_child_comes_back_with_its_type():
    with pytest.raises(RuntimeError, match="ValueError: no such version"):
        run_bounded(child_work.fail, "no such version", seconds=30, memory_mb=8192)


def test_the_lease_is_renewed_while_the_child_works():
    beats: list[float] = []
    run_bounded(
        child_work.sleep,
        0.6,
        seconds=30,
        memory_mb=8192,
        alive=lambda: beats.append(time.monotonic()),
        poll=0.1,
    )
    assert len(beats) >= 3


# The child opens its own connection: it sees only committed rows.
@pytest.mark.django_db(transaction=True)
def test_the_worker_renders_in_a_child_process(
    system, owner, settings, tmp_path, django_capture_on_commit_callbacks
):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    settings.REPORT_CHILD_PROCESS = True
    with django_capture_on_commit_callbacks(execute=True):
        client_for(owner).post(f"/systems/{system.pk}/reports/")
    call_command("report_worker", "--batch", "--no-startup-delay", verbosity=0)
    report = Report.objects.get()
    assert report.status == Report.DONE, report.error
    assert report.heartbeat_at is not None
    assert report.file.read().startswith(b"%PDF-")


@pytest.mark.django_db(transaction=True)
def test_a_render_over_budget_fails_the_report_with_the_reason(
    system, owner, settings, tmp_path, django_capture_on_commit_callbacks
):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    settings.REPORT_CHILD_PROCESS = True
    settings.REPORT_TIME_LIMIT = 0
    with django_capture_on_commit_callbacks(execute=True):
        client_for(owner).post(f"/systems/{system.pk}/reports/")
    call_command("report_worker", "--batch", "--no-startup-delay", verbosity=0)
    report = Report.objects.get()
    assert report.status == Report.FAILED
    assert "longer than its 0 s budget" in report.error
