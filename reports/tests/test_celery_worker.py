"""Report builds through Redis and real Celery worker processes, with the real renderer (issue 13 "Done means"):
the beat entry's task builds every region's monthly report and tells the coordinators; a build runs twice and leaves
one file of each kind; a worker killed with SIGKILL in the middle of a build leaves it to a second worker, which
finishes it. Skipped locally without Redis and PostgreSQL; under CI=true their absence is a failure."""

import importlib
import json
import os
import signal
import time

import pytest
from django.core.files.storage import default_storage
from django.db import transaction
from django_celery_beat.models import PeriodicTask

from bilet.celery import app
from reports import services
from reports.models import Report, ReportType
from reports.tasks import build_report_task, report_enqueue

pytestmark = pytest.mark.celery_worker


def _wait(predicate, *, timeout: float, what: str, log=None):
    deadline = time.monotonic() + timeout
    while not predicate():
        if time.monotonic() > deadline:
            tail = log.read_text(errors="replace")[-4000:] if log else ""
            pytest.fail(f"timed out waiting for {what}\n{tail}")
        time.sleep(0.2)


def _files(report: Report) -> list[str]:
    return sorted(default_storage.listdir(report.storage_folder)[1])


def _assert_built(report: Report) -> None:
    report.refresh_from_db()
    assert report.state == Report.State.READY, report.failure_reason
    stem = os.path.basename(report.pdf.name).removesuffix(".pdf")
    assert _files(report) == [f"{stem}.pdf", f"{stem}.xlsx"]
    assert report.pdf.open("rb").read(5) == b"%PDF-"
    assert report.xlsx.open("rb").read(2) == b"PK"
    assert report.pdf_size == report.pdf.size and report.xlsx_size == report.xlsx.size
    assert "students_registered" in report.figures


def test_beat_entry_builds_every_regions_monthly_report_and_tells_the_coordinators(celery_worker, world):
    if not PeriodicTask.objects.filter(task="reports.tasks.build_monthly_reports").exists():
        # An earlier transactional test flushed the migration's row: the migration's own function puts it back.
        from django.apps import apps

        importlib.import_module("reports.migrations.0002_monthly_reports_schedule").create_schedule(apps, None)
    entry = PeriodicTask.objects.get(task="reports.tasks.build_monthly_reports")
    assert entry.enabled
    assert (entry.crontab.day_of_month, entry.crontab.hour, entry.crontab.minute) == ("1", "3", "0")
    assert str(entry.crontab.timezone) == "Europe/Moscow"

    # What beat does on the 1st: send the entry's task by its name, with its arguments.
    app.send_task(entry.task, args=json.loads(entry.args), kwargs=json.loads(entry.kwargs))

    _wait(lambda: Report.objects.filter(state=Report.State.READY).count() == 2, timeout=120,
          what="two monthly reports", log=celery_worker.log)
    reports = list(Report.objects.order_by("region__code"))
    assert [r.region for r in reports] == [world.b.region, world.a.region]  # "67" < "71"
    previous = services.previous_month(reports[0].created_at.astimezone().date())
    for report in reports:
        assert (report.report_type, report.period, report.author) == (ReportType.MONTHLY, previous, None)
        _assert_built(report)

    messages = celery_worker.read_mail(count=2)
    assert sorted(m["To"] for m in messages) == sorted(
        [world.a.coordinator.user.email, world.b.coordinator.user.email]
    )
    for message in messages:
        assert message["Subject"].startswith("Ежемесячный отчёт: ")
        assert "/reports/" in message.get_content()


def test_building_twice_through_the_worker_leaves_one_file_of_each_kind(celery_worker, world):
    with transaction.atomic():
        report, _ = services.report_request(
            actor=world.a.coordinator.user, report_type=ReportType.CAMPAIGN, region=world.a.region,
            campaign=world.campaign,
        )
        report_enqueue(report)
    _wait(lambda: Report.objects.get(pk=report.pk).state == Report.State.READY, timeout=90, what="the first build",
          log=celery_worker.log)
    first_sha = Report.objects.get(pk=report.pk).pdf_sha256

    build_report_task.delay(report.pk)  # a duplicate delivery of the same build
    _wait(lambda: Report.objects.get(pk=report.pk).attempts == 2 and Report.objects.get(pk=report.pk).state == "ready",
          timeout=90, what="the second build", log=celery_worker.log)
    _assert_built(report)
    assert len(report.pdf_sha256) == len(first_sha) == 64


def test_a_worker_killed_mid_build_leaves_the_build_to_a_second_worker(start_celery_worker, world, settings):
    settings.REPORTS_BUILD_QUEUE = start_celery_worker.queue
    # The first worker pauses 2 s at each stage of the build, so it is surely killed midway.
    first = start_celery_worker(extra_env={"REPORTS_TEST_STEP_DELAY": "2"})
    with transaction.atomic():
        report, _ = services.report_request(
            actor=world.a.coordinator.user, report_type=ReportType.CAMPAIGN, region=world.a.region,
            campaign=world.campaign,
        )
        report_enqueue(report)

    _wait(lambda: Report.objects.get(pk=report.pk).progress_percent >= 30, timeout=60, what="the build to start",
          log=first.log_path)
    os.kill(first.pid, signal.SIGKILL)
    first.wait(timeout=10)
    report.refresh_from_db()
    assert report.state == Report.State.RUNNING and not report.pdf and report.attempts == 1

    # acks_late kept the message in Redis, unacknowledged. A second worker gives it back to the queue once the
    # visibility timeout has passed (2 h in production; 2 s here, so the test need not wait for it) and builds it.
    time.sleep(2.5)
    second = start_celery_worker(extra_env={"CELERY_VISIBILITY_TIMEOUT": "2"})
    _wait(lambda: Report.objects.get(pk=report.pk).state == Report.State.READY, timeout=90,
          what="the second worker to finish the build", log=second.log_path)
    _assert_built(report)
    assert report.attempts == 2
    task = f"reports.tasks.build_report_task[{report.celery_task_id}]"
    first_log, second_log = first.log_path.read_text(), second.log_path.read_text()
    assert f"{task} received" in first_log and "succeeded" not in first_log
    assert f"{task} received" in second_log and f"{task} succeeded" in second_log


def test_a_curators_national_summary_is_built_by_a_worker_for_their_regions_only(celery_worker, world):
    with transaction.atomic():
        report, _ = services.report_request(
            actor=world.curator.user, report_type=ReportType.NATIONAL, region=None, campaign=world.campaign,
        )
        report_enqueue(report)
    _wait(lambda: Report.objects.get(pk=report.pk).is_finished, timeout=90, what="the summary's build",
          log=celery_worker.log)
    report.refresh_from_db()
    assert report.state == Report.State.READY, report.failure_reason
    assert list(report.figures) == list(report.period_figures) == [world.a.region.code]
    assert report.figures[world.a.region.code]["students_registered"] == 3  # region a's three students
    assert report.pdf.open("rb").read(5) == b"%PDF-" and report.xlsx.open("rb").read(2) == b"PK"
