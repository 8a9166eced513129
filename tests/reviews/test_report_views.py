"""Starting, polling and downloading reports from the system page."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from reviews.models import Report
from reviews.services import save_document
from tests.conftest import client_for, csrf_client_for, sample_document
from tests.reviews.report_fixtures import pdf_pages_text


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def fake_renderer(monkeypatch):
    """A stand-in PDF for tests about names, files and headers: they need a finished
    report, not seconds of WeasyPrint layout (the tests above render for real)."""
    from reviews.report import source

    def render(system, version=None, **_options):
        version, _document = source.revision_document(system, version)
        return source.RenderedReport(
            pdf=b"%PDF-1.7\n% test\n", version=version, model_hash="0" * 64
        )

    monkeypatch.setattr(source, "render_system_report", render)


def _start(client, system, captured, **data):
    with captured(execute=True):
        return client.post(reverse("report_start", args=[system.pk]), data)


def _queued(system, user, version=1, status=Report.QUEUED) -> Report:
    return Report.objects.create(system=system, version=version, created_by=user, status=status)


def test_an_editor_starts_a_report_and_downloads_it(
    system, editor, django_capture_on_commit_callbacks
):
    client = client_for(editor)
    response = _start(client, system, django_capture_on_commit_callbacks)
    report = Report.objects.get(system=system)
    assert response.status_code == 302
    assert response["Location"] == reverse("report_status", args=[system.pk, report.pk])
    assert report.status == Report.DONE, report.error
    assert report.version == system.version
    assert report.created_by == editor
    assert len(report.model_hash) == 64
    download = client.get(reverse("report_download", args=[system.pk, report.pk]))
    assert download.status_code == 200
    assert download["Content-Type"] == "application/pdf"
    assert 'attachment; filename="web-shop-v1-report.pdf"' in download["Content-Disposition"]
    pdf = b"".join(download.streaming_content)
    assert "Web shop" in pdf_pages_text(pdf)[0]


def test_the_file_has_a_random_name_under_media_root(
    system, owner, settings, django_capture_on_commit_callbacks, fake_renderer
):
    _start(client_for(owner), system, django_capture_on_commit_callbacks)
    report = Report.objects.get(system=system)
    assert report.file.name.startswith("reports/")
    assert report.file.name.removeprefix("reports/").removesuffix(".pdf").isalnum()
    assert (settings.MEDIA_ROOT / report.file.name).read_bytes().startswith(b"%PDF-")


def test_a_report_of_an_older_version_can_be_asked_for(
    system, owner, django_capture_on_commit_callbacks
):
    save_document(system, sample_document(name="Renamed shop"), base_version=1, author=owner)
    client = client_for(owner)
    _start(client, system, django_capture_on_commit_callbacks, version="1")
    report = Report.objects.get(system=system)
    assert report.version == 1
    download = client.get(reverse("report_download", args=[system.pk, report.pk]))
    cover = pdf_pages_text(b"".join(download.streaming_content))[0]
    assert "Web shop" in cover
    assert "Renamed shop" not in cover


@pytest.mark.parametrize("version", ["0", "3", "abc", "-1"])
def test_a_version_the_system_does_not_have_is_refused(system, owner, version):
    response = client_for(owner).post(
        reverse("report_start", args=[system.pk]), {"version": version}
    )
    assert response.status_code == 404
    assert not Report.objects.exists()


def test_a_viewer_can_start_a_report(system, viewer, django_capture_on_commit_callbacks):
    """Auditors are usually viewers: a report changes nothing in the system."""
    _start(client_for(viewer), system, django_capture_on_commit_callbacks)
    report = Report.objects.get()
    assert (report.status, report.created_by) == (Report.DONE, viewer)


def test_a_viewer_can_see_and_download_a_finished_report(
    system, owner, viewer, django_capture_on_commit_callbacks, fake_renderer
):
    _start(client_for(owner), system, django_capture_on_commit_callbacks)
    report = Report.objects.get()
    client = client_for(viewer)
    assert client.get(reverse("report_status", args=[system.pk, report.pk])).status_code == 200
    download = client.get(reverse("report_download", args=[system.pk, report.pk]))
    assert download.status_code == 200


def test_an_outsider_gets_404_everywhere(system, owner, outsider):
    report = _queued(system, owner, status=Report.DONE)
    client = client_for(outsider)
    assert client.post(reverse("report_start", args=[system.pk])).status_code == 404
    for name in ("report_status", "report_download"):
        assert client.get(reverse(name, args=[system.pk, report.pk])).status_code == 404
    assert Report.objects.count() == 1


def test_a_report_is_only_reachable_through_its_own_system(workspace, system, owner):
    from tests.conftest import make_system

    other = make_system(workspace, author=owner, name="Other system")
    report = _queued(other, owner, status=Report.DONE)
    client = client_for(owner)
    response = client.get(reverse("report_status", args=[system.pk, report.pk]))
    assert response.status_code == 404


def test_starting_a_report_needs_a_csrf_token(system, editor):
    response = csrf_client_for(editor).post(reverse("report_start", args=[system.pk]))
    assert response.status_code == 403


def test_an_unfinished_report_is_not_downloadable(system, owner):
    report = _queued(system, owner)
    response = client_for(owner).get(reverse("report_download", args=[system.pk, report.pk]))
    assert response.status_code == 404


def test_the_status_fragment_polls_every_second_until_the_report_is_done(system, owner):
    report = _queued(system, owner)
    client = client_for(owner)
    url = reverse("report_status", args=[system.pk, report.pk])
    polling = client.get(url, headers={"HX-Request": "true"}).content.decode()
    assert 'hx-trigger="every 1s"' in polling
    assert f'hx-get="{url}"' in polling
    assert "<html" not in polling
    Report.objects.filter(pk=report.pk).update(status=Report.FAILED, error="ValueError: <b>x</b>")
    failed = client.get(url, headers={"HX-Request": "true"}).content.decode()
    assert "hx-trigger" not in failed
    assert "ValueError: &lt;b&gt;x&lt;/b&gt;" in failed


def test_the_plain_status_page_refreshes_itself_without_javascript(system, owner):
    report = _queued(system, owner)
    page = client_for(owner).get(reverse("report_status", args=[system.pk, report.pk]))
    assert '<meta http-equiv="refresh" content="2">' in page.content.decode()


def test_an_htmx_start_returns_the_panel_that_polls_for_the_report(
    system, editor, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = client_for(editor).post(
            reverse("report_start", args=[system.pk]), headers={"HX-Request": "true"}
        )
    report = Report.objects.get()
    html = response.content.decode()
    assert response.status_code == 200
    assert 'id="report-panel"' in html
    # Rendered before the task ran (tests keep the request's transaction open), so the
    # panel polls; the next poll finds the finished report.
    panel_url = reverse("report_panel", args=[system.pk])
    assert f'hx-get="{panel_url}"' in html
    assert "Rendering version 1…" in html and "disabled" in html
    assert 'aria-current="step"' in html
    poll = client_for(editor).get(panel_url, headers={"HX-Request": "true"}).content.decode()
    assert reverse("report_download", args=[system.pk, report.pk]) in poll
    assert "hx-trigger" not in poll
    assert "Generate PDF" in poll


def test_the_system_page_shows_the_report_panel(system, editor, viewer):
    editor_page = client_for(editor).get(reverse("system_detail", args=[system.pk])).content
    viewer_page = client_for(viewer).get(reverse("system_detail", args=[system.pk])).content
    assert b'id="report-panel"' in editor_page
    assert b"Generate PDF" in editor_page
    assert b'id="report-panel"' in viewer_page
    assert b"Generate PDF" in viewer_page


def test_a_failing_render_is_recorded_with_its_reason(
    system, owner, monkeypatch, django_capture_on_commit_callbacks
):
    def broken(*args, **kwargs):
        raise RuntimeError("no fonts")

    monkeypatch.setattr("reviews.report.source.render_system_report", broken)
    _start(client_for(owner), system, django_capture_on_commit_callbacks)
    report = Report.objects.get()
    assert report.status == Report.FAILED
    assert report.error == "RuntimeError: no fonts"
    assert report.finished_at is not None
    assert not report.file


# The worker closes its database connection between tasks, which a test wrapped in a
# transaction cannot survive on PostgreSQL.
@pytest.mark.django_db(transaction=True)
def test_with_the_database_queue_the_worker_renders_the_report(
    system, owner, settings, django_capture_on_commit_callbacks
):
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    _start(client_for(owner), system, django_capture_on_commit_callbacks)
    report = Report.objects.get()
    assert report.status == Report.QUEUED
    call_command("db_worker", "--batch", "--no-startup-delay", verbosity=0)
    report.refresh_from_db()
    assert report.status == Report.DONE, report.error
    assert report.file


def test_deleting_the_system_deletes_its_report_files(
    system, owner, settings, django_capture_on_commit_callbacks, fake_renderer
):
    _start(client_for(owner), system, django_capture_on_commit_callbacks)
    path = settings.MEDIA_ROOT / Report.objects.get().file.name
    assert path.exists()
    with django_capture_on_commit_callbacks(execute=True):
        system.delete()
    assert not Report.objects.exists()
    assert not path.exists()


def test_a_second_start_joins_the_report_in_progress(system, owner, editor):
    running = _queued(system, owner, status=Report.RUNNING)
    response = client_for(editor).post(reverse("report_start", args=[system.pk]))
    assert response["Location"] == reverse("report_status", args=[system.pk, running.pk])
    assert Report.objects.count() == 1


def test_an_abandoned_report_does_not_block_a_new_one(system, owner, editor):
    stuck = _queued(system, owner, status=Report.RUNNING)
    Report.objects.filter(pk=stuck.pk).update(created_at=timezone.now() - timedelta(hours=1))
    client_for(editor).post(reverse("report_start", args=[system.pk]))
    assert Report.objects.count() == 2


def test_the_download_is_not_cached(
    system, owner, django_capture_on_commit_callbacks, fake_renderer
):
    _start(client_for(owner), system, django_capture_on_commit_callbacks)
    report = Report.objects.get()
    response = client_for(owner).get(reverse("report_download", args=[system.pk, report.pk]))
    assert response["Cache-Control"] == "private, no-store"


def test_the_task_reports_its_progress_while_rendering(system, owner, monkeypatch):
    from reviews import tasks

    report = _queued(system, owner)
    seen: list[str] = []
    update = tasks._update

    def recording(report_id, **fields):
        if "progress" in fields:
            seen.append(fields["progress"])
        update(report_id, **fields)

    monkeypatch.setattr(tasks, "_update", recording)
    tasks.render_report.call(report.pk)
    assert seen[:4] == [
        "Starting",
        "Analysing the model",
        "Drawing the diagram and tables",
        "Laying out the pages",
    ]
    assert seen[4].startswith("Writing ") and seen[4].endswith(" pages")
    report.refresh_from_db()
    assert (report.status, report.progress) == (Report.DONE, "Done")


def test_a_finished_report_is_not_rendered_again(system, owner, monkeypatch):
    from reviews import tasks

    report = _queued(system, owner, status=Report.DONE)
    monkeypatch.setattr("reviews.report.source.render_system_report", None)
    tasks.render_report.call(report.pk)  # would fail if it tried to render
    report.refresh_from_db()
    assert report.status == Report.DONE


def test_the_steps_of_a_running_report_are_shown(system, owner):
    report = _queued(system, owner, status=Report.RUNNING)
    Report.objects.filter(pk=report.pk).update(
        progress="Laying out the pages", heartbeat_at=timezone.now()
    )
    report.refresh_from_db()
    assert report.steps == [
        ("Queued", "done"),
        ("Analysing", "done"),
        ("Laying out", "current"),
        ("Writing pages", "todo"),
    ]
    page = client_for(owner).get(reverse("system_detail", args=[system.pk])).content.decode()
    assert '<li class="step-current" aria-current="step">Laying out</li>' in page


def test_an_older_pdf_is_marked_with_its_version(system, owner, django_capture_on_commit_callbacks):
    _start(client_for(owner), system, django_capture_on_commit_callbacks)
    save_document(system, sample_document(name="Renamed shop"), base_version=1, author=owner)
    page = client_for(owner).get(reverse("system_detail", args=[system.pk])).content.decode()
    assert "of version 1; the system is at 2" in page


def test_a_running_report_whose_worker_died_is_failed_and_not_joined(system, owner, editor):
    dead = _queued(system, owner, status=Report.RUNNING)
    Report.objects.filter(pk=dead.pk).update(heartbeat_at=timezone.now() - timedelta(minutes=11))
    response = client_for(editor).post(reverse("report_start", args=[system.pk]))
    dead.refresh_from_db()
    assert dead.status == Report.FAILED
    assert "worker rendering this report stopped" in dead.error
    new = Report.objects.exclude(pk=dead.pk).get()
    assert response["Location"] == reverse("report_status", args=[system.pk, new.pk])


def test_a_live_report_is_joined(system, owner, editor):
    live = _queued(system, owner, status=Report.RUNNING)
    Report.objects.filter(pk=live.pk).update(heartbeat_at=timezone.now())
    client_for(editor).post(reverse("report_start", args=[system.pk]))
    live.refresh_from_db()
    assert live.status == Report.RUNNING
    assert Report.objects.count() == 1


def test_the_status_page_shows_a_lost_report_as_failed(system, owner, settings):
    settings.REPORT_CHILD_PROCESS = True  # the worker's 30 s lease
    lost = _queued(system, owner, status=Report.RUNNING)
    Report.objects.filter(pk=lost.pk).update(heartbeat_at=timezone.now() - timedelta(seconds=40))
    page = client_for(owner).get(reverse("report_status", args=[system.pk, lost.pk]))
    assert "no sign of life for 30 s" in page.content.decode()
    assert reverse("report_retry", args=[system.pk, lost.pk]) in page.content.decode()


def test_a_failed_report_can_be_retried(system, owner, viewer, django_capture_on_commit_callbacks):
    failed = _queued(system, owner, status=Report.FAILED)
    with django_capture_on_commit_callbacks(execute=True):
        response = client_for(viewer).post(reverse("report_retry", args=[system.pk, failed.pk]))
    retry = Report.objects.exclude(pk=failed.pk).get()
    assert response["Location"] == reverse("report_status", args=[system.pk, retry.pk])
    assert (retry.version, retry.status) == (failed.version, Report.DONE)


def test_retrying_needs_a_failed_report(system, owner):
    done = _queued(system, owner, status=Report.DONE)
    client_for(owner).post(reverse("report_retry", args=[system.pk, done.pk]))
    assert Report.objects.count() == 1


def test_an_outsider_cannot_retry_or_poll_the_panel(system, owner, outsider):
    failed = _queued(system, owner, status=Report.FAILED)
    client = client_for(outsider)
    assert client.post(reverse("report_retry", args=[system.pk, failed.pk])).status_code == 404
    assert client.get(reverse("report_panel", args=[system.pk])).status_code == 404
    assert Report.objects.count() == 1
