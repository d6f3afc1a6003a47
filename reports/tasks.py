"""Celery tasks of the reports: thin wrappers around `reports.services`, taking ids.

A build may take minutes and a worker may die in the middle of it. `acks_late` (settings) keeps the message in the
broker until the build is done; `reject_on_worker_lost` puts it back when the pool's child process is killed; and the
broker's `visibility_timeout` (settings, longer than the longest build) gives the message of a worker killed outright
to another worker. Building twice is harmless: a build replaces the report's files (services.report_build).
"""

from functools import partial

from celery import Task, shared_task
from celery.exceptions import SoftTimeLimitExceeded
from django.conf import settings
from django.db import OperationalError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext

from regions.models import Coordinator, Curator
from regions.selectors import current_campaign
from venues.tasks.notifications import send_notification_email

from .models import Report, ReportSubmission
from .services import last_of_month, previous_month, report_build, report_fail, report_monthly_schedule

__all__ = ["build_report_task", "build_monthly_reports", "report_enqueue", "report_sent_notify"]

# A build that outlives this is stopped (soft limit first, so the report is marked failed with a reason).
BUILD_SOFT_TIME_LIMIT = 50 * 60
BUILD_TIME_LIMIT = 55 * 60


class ReportBuildTask(Task):
    def on_failure(self, exc, task_id, args, kwargs, einfo):
        """The build failed for good (retries spent, or an error no retry can mend): the report's page says why."""
        report_id = kwargs.get("report_id", args[0] if args else None)
        if report_id is None:
            return
        if isinstance(exc, SoftTimeLimitExceeded):
            reason = gettext("The build took longer than %(minutes)s minutes and was stopped.") % {
                "minutes": BUILD_SOFT_TIME_LIMIT // 60
            }
        else:
            reason = gettext(
                "The build failed: %(error)s. Try to build the report again; if it fails again, tell the operator."
            ) % {"error": type(exc).__name__}
        report_fail(report_id=report_id, reason=reason)


@shared_task(
    bind=True,
    base=ReportBuildTask,
    acks_late=True,
    reject_on_worker_lost=True,
    # A database restarting or a storage volume briefly unreachable: try again later, the file is replaced anyway.
    autoretry_for=(OperationalError, OSError),
    retry_backoff=5,
    retry_backoff_max=600,
    retry_jitter=True,
    max_retries=5,
    soft_time_limit=BUILD_SOFT_TIME_LIMIT,
    time_limit=BUILD_TIME_LIMIT,
)
def build_report_task(self, report_id: int) -> str:
    report = report_build(report_id=report_id)
    return report.state


def report_enqueue(report: Report) -> None:
    """Queue the report's build once the transaction that created the report commits (the worker must see it), under
    the task id the service gave the report."""
    options = {"queue": settings.REPORTS_BUILD_QUEUE} if settings.REPORTS_BUILD_QUEUE else {}
    transaction.on_commit(
        partial(build_report_task.apply_async, args=[report.pk], task_id=report.celery_task_id or None, **options)
    )


@shared_task
def build_monthly_reports() -> int:
    """On the 1st of each month (django-celery-beat, migration 0002): every region's monthly report of the month
    before, and an email to each region's coordinator. Returns how many builds were queued."""
    campaign = current_campaign()
    period = previous_month(timezone.localdate())
    # Only a month that the campaign covers, at least in part, has anything to report.
    if campaign is None or campaign.starts_on > last_of_month(period) or campaign.ends_on < period:
        return 0
    with transaction.atomic():
        reports = report_monthly_schedule(campaign=campaign, period=period)
        for report in reports:
            report_enqueue(report)
        _notify_coordinators(reports)
    return len(reports)


def _notify_coordinators(reports: list[Report]) -> None:
    by_region = {report.region_id: report for report in reports}
    coordinators = (
        Coordinator.objects.filter(region_id__in=by_region, user__is_active=True)
        .select_related("region", "user")
        .order_by("region__code", "user__email")
    )
    for coordinator in coordinators:
        report = by_region[coordinator.region_id]
        context = {
            "region": coordinator.region.name,
            "month": date_format(report.period, "m.Y"),
            "url": settings.PORTAL_URL.rstrip("/") + reverse("reports:report_detail", args=[report.pk]),
        }
        _email_after_commit(
            recipients=[coordinator.user.email],
            subject=gettext("The monthly report of %(region)s for %(month)s") % context,
            template_name="reports/email/monthly_report_built.txt",
            context=context,
        )


def _email_after_commit(*, recipients, subject: str, template_name: str, context: dict) -> None:
    for recipient in recipients:
        transaction.on_commit(
            partial(
                send_notification_email.delay,
                recipient=recipient, subject=subject, template_name=template_name, context=context,
            )
        )


def report_sent_notify(submission: ReportSubmission) -> list[str]:
    """Tell the region's curators, by email after the transaction commits, that a report was sent to them. Returns
    the addresses. (The curator's decision is told to the coordinators by the service, as a notification.)"""
    event = submission.events.select_related("actor").order_by("-created_at", "-pk").first()
    report = Report.objects.select_related("region", "campaign").get(pk=event.report_id)
    people = Curator.objects.filter(regions=report.region_id, user__is_active=True)
    recipients = sorted(set(people.values_list("user__email", flat=True)))
    context = {
        "report": str(report),
        "action": str(event.get_action_display()),
        "who": event.actor.get_full_name() or event.actor.email,
        "comment": event.comment,
        "url": settings.PORTAL_URL.rstrip("/") + reverse("reports:report_detail", args=[report.pk]),
    }
    subject = gettext("Report %(action)s: %(report)s") % context
    _email_after_commit(
        recipients=recipients, subject=subject, template_name="reports/email/report_submission.txt", context=context
    )
    return recipients
