"""The report tasks in-process (eager): retries with backoff on database and storage errors, a report that failed
for good says why, the monthly schedule's task, and the settings that let a build survive a killed worker."""

import datetime as dt

import pytest
from django.conf import settings
from django.core import mail
from django.db import OperationalError
from django.utils import timezone

from reports import services
from reports.services import builds
from reports.models import Report, ReportType
from reports.tasks import build_monthly_reports, build_report_task

pytestmark = pytest.mark.django_db


def _queued(world) -> Report:
    report, _ = services.report_request(
        actor=world.a.coordinator.user, report_type=ReportType.CAMPAIGN, region=world.a.region, campaign=world.campaign
    )
    return report


def test_the_task_builds_the_report(world, renderer):
    report = _queued(world)
    assert build_report_task.apply(args=[report.pk], throw=False).get() == "ready"
    report.refresh_from_db()
    assert report.state == Report.State.READY and report.pdf


@pytest.mark.parametrize("error", [OSError("storage unreachable"), OperationalError("server closed the connection")])
def test_transient_errors_are_retried_then_the_report_fails_for_good(world, renderer, error):
    assert set(build_report_task.autoretry_for) == {OSError, OperationalError} and build_report_task.retry_backoff
    renderer.error = error
    report = _queued(world)
    # The last attempt allowed: no retry is left, the error is the task's failure.
    result = build_report_task.apply(args=[report.pk], retries=build_report_task.max_retries, throw=False)
    assert result.failed() and isinstance(result.result, type(error))
    report.refresh_from_db()
    assert report.state == Report.State.FAILED
    assert report.failure_reason.startswith(f"Отчёт не удалось сформировать ({type(error).__name__})")


def test_a_transient_error_that_passes_leaves_a_built_report(world, renderer, monkeypatch):
    calls = []

    def flaky(**kwargs):
        calls.append(1)
        if len(calls) == 1:
            raise OSError("volume not mounted yet")
        return renderer(**kwargs)

    monkeypatch.setattr(builds, "_default_renderer", lambda: flaky)
    report = _queued(world)
    build_report_task.apply(args=[report.pk], throw=False)  # eager: the retry runs at once
    report.refresh_from_db()
    assert (report.state, report.attempts, len(calls)) == (Report.State.READY, 2, 2)


def test_an_unexpected_error_fails_the_report_without_retrying(world, renderer):
    renderer.error = KeyError("students_registered")
    report = _queued(world)
    assert build_report_task.apply(args=[report.pk], throw=False).failed()
    assert len(renderer.calls) == 1
    report.refresh_from_db()
    assert report.state == Report.State.FAILED and "KeyError" in report.failure_reason


def test_the_task_is_set_up_to_survive_a_killed_worker():
    assert build_report_task.acks_late and build_report_task.reject_on_worker_lost
    assert settings.CELERY_TASK_ACKS_LATE and settings.CELERY_TASK_REJECT_ON_WORKER_LOST
    # Redis gives a dead worker's message to another only after the visibility timeout: longer than any build.
    assert settings.CELERY_BROKER_TRANSPORT_OPTIONS["visibility_timeout"] > build_report_task.time_limit
    assert build_report_task.soft_time_limit < build_report_task.time_limit


def test_monthly_task_queues_builds_and_emails_coordinators(world, renderer, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        assert build_monthly_reports.apply().get() == 2
    assert Report.objects.filter(report_type="monthly", state="ready").count() == 2
    assert sorted(m.to[0] for m in mail.outbox) == sorted(
        [world.a.coordinator.user.email, world.b.coordinator.user.email]
    )
    with django_capture_on_commit_callbacks(execute=True):
        assert build_monthly_reports.apply().get() == 0  # run twice on the 1st: nothing new
    assert len(mail.outbox) == 2


def test_monthly_task_skips_a_month_outside_the_campaign(world):
    world.campaign.starts_on = timezone.localdate() - dt.timedelta(days=1)
    world.campaign.save(update_fields=["starts_on"])
    assert build_monthly_reports.apply().get() == 0
    assert not Report.objects.exists()


def test_a_build_stopped_by_the_time_limit_says_so(world, renderer):
    from celery.exceptions import SoftTimeLimitExceeded

    renderer.error = SoftTimeLimitExceeded()
    report = _queued(world)
    assert build_report_task.apply(args=[report.pk], throw=False).failed()
    report.refresh_from_db()
    assert report.state == Report.State.FAILED
    assert report.failure_reason == "Формирование заняло больше 50 минут и было остановлено."
