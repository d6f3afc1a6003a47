"""Writes of the reports app that carry a rule: asking for a report, building it, and its way to the operator.

Rules live here, views and tasks call them. No service imports a task: the caller enqueues the build
(`reports.tasks.report_enqueue`) with the task id the service wrote on the report.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import time
import uuid
from typing import Callable

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from bilet.models import NotificationKind
from bilet.notifications import notify
from bilet.roles import get_roles
from regions.models import Campaign, Coordinator, Region

from .models import (
    REGIONAL_TYPES,
    Report,
    ReportDeadline,
    ReportSubmission,
    ReportSubmissionEvent,
    ReportType,
    parameters_key,
)

Progress = Callable[[str, int], None]


class ReportError(Exception):
    """A report request or a step of its way that breaks a rule; the message is a sentence for the user."""


# --- asking for a report -------------------------------------------------------------------------------------------


def first_of_month(day: dt.date) -> dt.date:
    return day.replace(day=1)


def last_of_month(day: dt.date) -> dt.date:
    return (day.replace(day=28) + dt.timedelta(days=4)).replace(day=1) - dt.timedelta(days=1)


def previous_month(today: dt.date) -> dt.date:
    return first_of_month(first_of_month(today) - dt.timedelta(days=1))


def _check_parameters(*, report_type: str, region: Region | None, campaign: Campaign, period: dt.date | None):
    if report_type not in ReportType.values:
        raise ReportError(_("Choose the type of the report."))
    if campaign is None:
        raise ReportError(_("Choose the campaign."))
    if report_type in REGIONAL_TYPES and region is None:
        raise ReportError(_("Choose the region of the report."))
    if report_type == ReportType.NATIONAL and region is not None:
        raise ReportError(_("The national summary covers every region: leave the region empty."))
    if report_type == ReportType.MONTHLY:
        if period is None:
            raise ReportError(_("Choose the month of the monthly report."))
        if period.day != 1:
            raise ReportError(_("The month of a report starts on its first day."))
        if period > timezone.localdate():
            raise ReportError(_("The month of the report has not begun yet."))
    elif period is not None:
        raise ReportError(_("Only the monthly report is built for a month."))


def _check_may_request(*, actor, report_type: str, region: Region | None) -> None:
    """Coordinators build their region's reports, curators those of their regions, operator staff any; the national
    summary shows every region, so only operator staff (who see them all) build it."""
    roles = get_roles(actor)
    if roles.operator:
        return
    if report_type == ReportType.NATIONAL or region is None or region.pk not in roles.region_ids:
        raise ReportError(_("You cannot build this report: it is outside your regions."))


# Retries (at most 5) and redeliveries after a worker died: a build tried this often is given up.
MAX_BUILD_ATTEMPTS = 10
# A build not finished after this is given up: longer than the broker's visibility timeout (a dead worker's build is
# redelivered after it) plus the longest build (settings.CELERY_TASK_TIME_LIMIT).
STALE_AFTER = dt.timedelta(hours=4)


def _report_get_or_create(
    *, author, report_type: str, region: Region | None, campaign: Campaign, period: dt.date | None, rebuild: bool
) -> tuple[Report, bool]:
    key = parameters_key(
        report_type=report_type, region_id=region.pk if region else None, campaign_id=campaign.pk, period=period
    )
    with transaction.atomic():
        current = Report.objects.select_for_update().filter(parameters_key=key, is_current=True).first()
        if current is not None:
            in_progress = current.state in (Report.State.QUEUED, Report.State.RUNNING)
            if in_progress and (current.started_at or current.created_at) < timezone.now() - STALE_AFTER:
                # Its message is lost (a broker that lost its data): no worker will ever finish it.
                report_fail(report_id=current.pk, reason=gettext("The build did not finish in time."))
                in_progress = False
            # Asked again: the existing build is offered (and one still under way is never doubled); a failed one,
            # or a rebuild asked for, gives way to a new build and stays in the history.
            if in_progress or (current.state == Report.State.READY and not rebuild):
                return current, False
            Report.objects.filter(pk=current.pk).update(is_current=False)
        report = Report(
            report_type=report_type, region=region, campaign=campaign, period=period, parameters_key=key,
            author=author, celery_task_id=str(uuid.uuid4()),
        )
        report.full_clean(exclude=["pdf", "xlsx"])
        try:
            # The partial unique index (one current build per key) settles two requests that race past the lock
            # above when no build existed yet: the loser offers the winner's build.
            with transaction.atomic():
                report.save()
        except IntegrityError:
            return Report.objects.get(parameters_key=key, is_current=True), False
    return report, True


def report_request(
    *, actor, report_type: str, region: Region | None, campaign: Campaign, period: dt.date | None = None,
    rebuild: bool = False,
) -> tuple[Report, bool]:
    """The report of these parameters: the current build if there is one (ready, or still under way), else a new
    queued build. `rebuild=True` puts a new build in place of a ready one. Returns (report, created); the caller
    enqueues a created report's build after the transaction commits."""
    _check_parameters(report_type=report_type, region=region, campaign=campaign, period=period)
    _check_may_request(actor=actor, report_type=report_type, region=region)
    return _report_get_or_create(
        author=actor, report_type=report_type, region=region, campaign=campaign, period=period, rebuild=rebuild
    )


def report_monthly_schedule(*, campaign: Campaign, period: dt.date) -> list[Report]:
    """The monthly report of every region for `period`, asked for by the schedule (no author). Run twice for one
    month, it offers the builds of the first run: nothing is built twice. Returns the reports newly queued."""
    period = first_of_month(period)
    created = []
    for region in Region.objects.order_by("code"):
        report, is_new = _report_get_or_create(
            author=None, report_type=ReportType.MONTHLY, region=region, campaign=campaign, period=period,
            rebuild=False,
        )
        if is_new:
            created.append(report)
    return created


# --- building ------------------------------------------------------------------------------------------------------


def _default_renderer():
    from .building import render_report  # the figures' side of issue 13: one computation for every output

    return render_report


# The renderer's stages (reports.building.render_report) as the progress bar names them.
STAGE_LABELS = {
    "figures": _("computing the figures"),
    "pdf": _("writing the PDF"),
    "xlsx": _("writing the XLSX"),
}


def _set_progress(report_id: int, stage: str, percent: int) -> None:
    # Outside any transaction and by UPDATE: the page that polls sees each stage as soon as it is written. 100 % is
    # the report's once its files are stored.
    label = str(STAGE_LABELS.get(stage, stage))[:100]
    Report.objects.filter(pk=report_id).update(progress_stage=label, progress_percent=max(0, min(percent, 99)))
    delay = getattr(settings, "REPORTS_TEST_STEP_DELAY", 0)
    if delay:  # test settings only: slows a build so that a test can watch it, or kill its worker, midway
        time.sleep(delay)


def _clear_folder(folder: str) -> None:
    """Delete whatever an earlier build of this report left in its folder (a rebuild, or a worker killed after
    saving a file but before recording it): one file of each kind remains after any number of builds."""
    try:
        _dirs, files = default_storage.listdir(folder)
    except FileNotFoundError:
        return
    for name in files:
        default_storage.delete(f"{folder}/{name}")


def _store(report: Report, field: str, stem: str, content: bytes) -> None:
    file_field = getattr(report, field)
    file_field.save(f"{stem}.{field}", ContentFile(content), save=False)
    setattr(report, f"{field}_size", len(content))
    setattr(report, f"{field}_sha256", hashlib.sha256(content).hexdigest())


def report_build(*, report_id: int, progress: Progress | None = None, renderer=None) -> Report:
    """Build the report: its figures, PDF and XLSX, stored in the default storage with their size and SHA-256.

    Idempotent: building one report again replaces its files (one PDF and one XLSX remain). Parameters the
    renderer refuses (ValueError) fail the report for good with the renderer's reason; errors of the database or
    the storage propagate for the task to retry."""
    render = renderer or _default_renderer()
    report = Report.objects.select_related("region", "campaign", "author").get(pk=report_id)
    if report.state == Report.State.READY and report.submissions.exists():
        # Sent to the curator: what was sent never changes (a rebuild makes a new build). A late duplicate of its
        # build message is a no-op.
        return report
    if report.attempts >= MAX_BUILD_ATTEMPTS:
        # A build that kills its worker (out of memory) comes back after each death (reject_on_worker_lost): stop.
        return report_fail(report_id=report_id, reason=gettext("The build was interrupted too many times."))
    now = timezone.now()
    Report.objects.filter(pk=report_id).update(
        state=Report.State.RUNNING, started_at=now, finished_at=None, failure_reason="",
        progress_stage=gettext("started"), progress_percent=0, attempts=report.attempts + 1,
    )

    def on_progress(stage: str, percent: int) -> None:
        _set_progress(report_id, stage, percent)
        if progress is not None:
            progress(stage, percent)

    author = (report.author.get_full_name() or report.author.email) if report.author else gettext("on schedule")
    try:
        rendered = render(
            report_type=report.report_type, campaign=report.campaign, region=report.region, period=report.period,
            author=author, progress=on_progress,
        )
    except ValueError as exc:
        return report_fail(report_id=report_id, reason=str(exc))

    on_progress(gettext("saving the files"), 99)
    _clear_folder(report.storage_folder)
    _store(report, "pdf", rendered.filename_stem, rendered.pdf)
    _store(report, "xlsx", rendered.filename_stem, rendered.xlsx)
    report.figures = rendered.figures
    report.period_figures = rendered.period_figures
    report.state = Report.State.READY
    report.progress_stage = gettext("done")
    report.progress_percent = 100
    report.finished_at = timezone.now()
    report.save(update_fields=[
        "pdf", "pdf_size", "pdf_sha256", "xlsx", "xlsx_size", "xlsx_sha256", "figures", "period_figures",
        "state", "progress_stage", "progress_percent", "finished_at",
    ])  # fmt: skip
    return report


def report_fail(*, report_id: int, reason: str) -> Report:
    """The build failed for good: the report says so, with the reason, on its page."""
    Report.objects.filter(pk=report_id).update(
        state=Report.State.FAILED, failure_reason=reason[:2000], finished_at=timezone.now()
    )
    return Report.objects.get(pk=report_id)


# --- the way to the operator: deadlines, sending, accepting ----------------------------------------------------------


def _is_curator_of(actor, region_id: int) -> bool:
    roles = get_roles(actor)
    return roles.operator or region_id in roles.curator_region_ids


@transaction.atomic
def report_deadline_set(*, actor, region: Region, period: dt.date, due_on: dt.date) -> ReportDeadline:
    """The date by which the region's monthly report of `period` is due (seed 000 §6.2: set by the curator)."""
    if not _is_curator_of(actor, region.pk):
        raise ReportError(_("Only the region's curator sets the deadlines of its reports."))
    period = first_of_month(period)
    if due_on <= last_of_month(period):
        raise ReportError(_("The report of a month can only be due after the month ends."))
    deadline, _created = ReportDeadline.objects.update_or_create(
        region=region, period=period, defaults={"due_on": due_on, "set_by": actor}
    )
    return deadline


def _locked_submission(report: Report) -> ReportSubmission | None:
    return ReportSubmission.objects.select_for_update().filter(parameters_key=report.parameters_key).first()


def _record(submission: ReportSubmission, *, report: Report, action: str, comment: str, actor) -> None:
    ReportSubmissionEvent.objects.create(
        submission=submission, report=report, action=action, comment=comment, actor=actor
    )


@transaction.atomic
def report_send(*, actor, report: Report, comment: str = "") -> ReportSubmission:
    """The region's coordinator sends a ready report to the curator."""
    comment = (comment or "").strip()
    if report.region_id is None or report.report_type not in REGIONAL_TYPES:
        raise ReportError(_("Only a region's report is sent to its curator."))
    if report.region_id not in get_roles(actor).coordinator_region_ids:
        raise ReportError(_("Only the region's coordinator sends its reports."))
    report = Report.objects.select_for_update().get(pk=report.pk)
    if report.state != Report.State.READY:
        raise ReportError(_("The report is not built yet: send it once it is ready."))
    if not report.is_current:
        raise ReportError(_("A newer build of this report exists: send that one."))
    submission = _locked_submission(report)
    if submission is not None and submission.state == ReportSubmission.State.SENT:
        raise ReportError(_("The report has already been sent and awaits the curator."))
    if submission is not None and submission.state == ReportSubmission.State.ACCEPTED:
        raise ReportError(_("The curator has already accepted this report."))
    if submission is None:
        submission = ReportSubmission(
            parameters_key=report.parameters_key, report_type=report.report_type, region_id=report.region_id,
            campaign_id=report.campaign_id, period=report.period,
        )
    submission.state = ReportSubmission.State.SENT
    submission.report = report
    submission.full_clean(validate_unique=False)
    try:
        # Two first sendings at once: nothing to lock yet, the unique key lets one through.
        with transaction.atomic():
            submission.save()
    except IntegrityError:
        raise ReportError(_("The report has already been sent and awaits the curator.")) from None
    _record(submission, report=report, action=ReportSubmissionEvent.Action.SENT, comment=comment, actor=actor)
    return submission


def _review(*, actor, report: Report, state: str, action: str, comment: str) -> ReportSubmission:
    if report.region_id is None or not _is_curator_of(actor, report.region_id):
        raise ReportError(_("Only the region's curator accepts or returns its reports."))
    submission = _locked_submission(report)
    if submission is None or submission.state != ReportSubmission.State.SENT:
        raise ReportError(_("The report has not been sent: there is nothing to accept or return."))
    if submission.report_id != report.pk:
        raise ReportError(_("Another build of this report was sent: review that one."))
    submission.state = state
    submission.save(update_fields=["state", "updated_at"])
    _record(submission, report=report, action=action, comment=comment, actor=actor)
    _tell_coordinators(report=report, action=action, comment=comment)
    return submission


# A curator's decision → what the region's coordinators are told (issue 15 §6: a kind each, its email their choice).
REVIEW_NOTICES = {
    ReportSubmissionEvent.Action.ACCEPTED: (
        NotificationKind.REPORT_ACCEPTED, _("The curator accepted the report «%(report)s»."),
    ),
    ReportSubmissionEvent.Action.RETURNED: (
        NotificationKind.REPORT_RETURNED, _("The curator returned the report «%(report)s» for changes: %(comment)s"),
    ),
}


def _tell_coordinators(*, report: Report, action: str, comment: str) -> None:
    kind, text = REVIEW_NOTICES[action]
    values = {"report": report, "comment": comment}
    text = str(text) % values
    if comment and action == ReportSubmissionEvent.Action.ACCEPTED:
        text = f"{text} {gettext('Comment: %(comment)s') % values}"
    notify(
        recipients=Coordinator.objects.filter(region=report.region_id).values_list("user_id", flat=True),
        kind=kind,
        text=text,
        link=reverse("reports:report_detail", args=[report.pk]),
        subject=gettext("Report %(action)s: %(report)s")
        % {"action": ReportSubmissionEvent.Action(action).label, "report": report},
    )


@transaction.atomic
def report_accept(*, actor, report: Report, comment: str = "") -> ReportSubmission:
    """The curator accepts the report the coordinator sent."""
    return _review(
        actor=actor, report=report, state=ReportSubmission.State.ACCEPTED,
        action=ReportSubmissionEvent.Action.ACCEPTED, comment=(comment or "").strip(),
    )


@transaction.atomic
def report_return(*, actor, report: Report, comment: str) -> ReportSubmission:
    """The curator returns the report for changes, saying what to change."""
    comment = (comment or "").strip()
    if not comment:
        raise ReportError(_("Say what to change: a returned report needs a comment."))
    return _review(
        actor=actor, report=report, state=ReportSubmission.State.RETURNED,
        action=ReportSubmissionEvent.Action.RETURNED, comment=comment,
    )
