"""Asking for a report: its parameters checked against the rules and the asker's scope, the existing build offered
(one current build per set of parameters), the monthly schedule's builds."""

from __future__ import annotations

import datetime as dt
import uuid

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from bilet.roles import get_roles
from regions.models import Campaign, Region

from ..models import REGIONAL_TYPES, Report, ReportType, parameters_key
from ..selectors import summary_region_list
from .builds import report_fail


class ReportError(Exception):
    """A report request or a step of its way that breaks a rule; the message is a sentence for the user."""


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
        raise ReportError(_("The national summary puts your regions side by side: leave the region empty."))
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
    summary is for curators and operator staff (its regions are checked by `_summary_region_ids`)."""
    roles = get_roles(actor)
    if roles.operator:
        return
    if report_type == ReportType.NATIONAL:
        if roles.curator_region_ids:
            return
    elif region is not None and region.pk in roles.region_ids:
        return
    raise ReportError(_("You cannot build this report: it is outside your regions."))


def _summary_region_ids(*, actor, regions) -> list[int]:
    """The regions of a national summary: `regions` (a rebuild keeps those of the build it replaces) or, by default,
    every region the actor's summaries cover (selectors.summary_region_list); never one outside them."""
    scope = set(summary_region_list(user=actor).values_list("pk", flat=True))
    chosen = scope if regions is None else {region.pk for region in regions}
    if not chosen or not chosen <= scope:
        raise ReportError(_("You cannot build this report: it is outside your regions."))
    return sorted(chosen)


# A build not finished after this is given up: longer than the broker's visibility timeout (a dead worker's build is
# redelivered after it) plus the longest build (settings.CELERY_TASK_TIME_LIMIT).
STALE_AFTER = dt.timedelta(hours=4)


def _report_get_or_create(
    *, author, report_type: str, region: Region | None, campaign: Campaign, period: dt.date | None, rebuild: bool,
    summary_region_ids: list[int] | None = None,
) -> tuple[Report, bool]:
    key = parameters_key(
        report_type=report_type, region_id=region.pk if region else None, campaign_id=campaign.pk, period=period,
        summary_region_ids=summary_region_ids,
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
        # The fields only: the one-current-build constraint is the unique index's to settle below (checked here, it
        # would refuse the loser of a race with a ValidationError once the winner had committed).
        report.full_clean(exclude=["pdf", "xlsx"], validate_constraints=False)
        try:
            # The partial unique index (one current build per key) settles two requests that race past the lock
            # above when no build existed yet: the loser offers the winner's build.
            with transaction.atomic():
                report.save()
        except IntegrityError:
            return Report.objects.get(parameters_key=key, is_current=True), False
        if summary_region_ids is not None:
            report.regions.set(summary_region_ids)
    return report, True


def report_request(
    *, actor, report_type: str, region: Region | None, campaign: Campaign, period: dt.date | None = None,
    rebuild: bool = False, regions=None,
) -> tuple[Report, bool]:
    """The report of these parameters: the current build if there is one (ready, or still under way), else a new
    queued build. `rebuild=True` puts a new build in place of a ready one. A national summary covers `regions`, by
    default all the actor's (a curator's assigned regions, every region for operator staff). Returns (report,
    created); the caller enqueues a created report's build after the transaction commits."""
    _check_parameters(report_type=report_type, region=region, campaign=campaign, period=period)
    _check_may_request(actor=actor, report_type=report_type, region=region)
    summary_region_ids = None
    if report_type == ReportType.NATIONAL:
        summary_region_ids = _summary_region_ids(actor=actor, regions=regions)
    return _report_get_or_create(
        author=actor, report_type=report_type, region=region, campaign=campaign, period=period, rebuild=rebuild,
        summary_region_ids=summary_region_ids,
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
