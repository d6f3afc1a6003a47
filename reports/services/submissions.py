"""A region's report on its way to the operator (seed 000 §6.2): the curator's deadline, the coordinator's sending, the
curator's acceptance or return — each told to the other side."""

from __future__ import annotations

import datetime as dt

from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from bilet.models import NotificationKind
from bilet.notifications import notify
from bilet.roles import get_roles
from regions.models import Coordinator, Region

from ..models import REGIONAL_TYPES, Report, ReportDeadline, ReportSubmission, ReportSubmissionEvent
from .report_requests import ReportError, first_of_month, last_of_month


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
