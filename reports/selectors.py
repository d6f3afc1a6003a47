"""Reports, deadlines and submissions a user may see (SPEC §2): a coordinator their region's, a curator their
regions', operator staff all. A national summary (no region, the regions it covers side by side) is for curators and
operator staff: a curator reaches one whose every region is theirs. Every view goes through these; a report outside
them answers 404."""

import datetime as dt

from django.db.models import Case, CharField, DateField, Exists, F, OuterRef, Q, QuerySet, Subquery, Value, When
from django.shortcuts import get_object_or_404
from django.utils import timezone

from bilet.roles import get_roles
from regions.models import Region

from .models import Report, ReportDeadline, ReportSubmission, ReportSubmissionEvent, ReportType


def _scope(user) -> Q:
    roles = get_roles(user)
    if roles.operator:
        return Q()
    return Q(region_id__in=roles.region_ids)


def summary_region_list(*, user) -> QuerySet[Region]:
    """The regions a national summary puts side by side for `user`: every region for operator staff, the curator's
    assigned regions for a curator (a coordinator's own region is not a summary); none for anybody else."""
    roles = get_roles(user)
    if roles.operator:
        return Region.objects.all()
    return Region.objects.filter(id__in=roles.curator_region_ids)


def _report_scope(user) -> Q:
    """A region's report within the user's regions; a summary whose regions are all among the user's curated ones
    (one region outside, and the whole summary is out of scope: it shows that region's figures)."""
    roles = get_roles(user)
    if roles.operator:
        return Q()
    covered = Report.regions.through.objects.filter(report_id=OuterRef("pk"))
    summary = Q(region__isnull=True, report_type=ReportType.NATIONAL) & Exists(covered) & ~Exists(
        covered.exclude(region_id__in=roles.curator_region_ids)
    )
    return Q(region_id__in=roles.region_ids) | summary


def _deadline_of(region_ref: str, period_ref: str):
    return Subquery(
        ReportDeadline.objects.filter(region=OuterRef(region_ref), period=OuterRef(period_ref)).values("due_on")[:1]
    )


def _submission_display_state(today: dt.date):
    """The state people see: the stored one, or "overdue" when a deadline passed and the report is neither sent
    nor accepted (SPEC: a returned report past its deadline is overdue again)."""
    S = ReportSubmission.State
    stored = F("submission_stored_state")
    return Case(
        When(
            Q(due_on__lt=today)
            & (Q(submission_stored_state__isnull=True) | Q(submission_stored_state__in=[S.NOT_SENT, S.RETURNED])),
            then=Value(S.OVERDUE.value),
        ),
        When(submission_stored_state__isnull=False, then=stored),
        default=Value(S.NOT_SENT.value),
        output_field=CharField(),
    )


def report_list(*, user) -> QuerySet[Report]:
    """The user's reports, with the state of their way to the operator (`submission_state`) and the monthly
    report's deadline (`due_on`), in one query."""
    submission = ReportSubmission.objects.filter(parameters_key=OuterRef("parameters_key"))
    return (
        Report.objects.filter(_report_scope(user))
        .select_related("region", "campaign", "author")
        .prefetch_related("regions")
        .annotate(
            submission_stored_state=Subquery(submission.values("state")[:1]),
            submission_report_id=Subquery(submission.values("report_id")[:1]),
            due_on=Case(
                When(report_type=ReportType.MONTHLY, then=_deadline_of("region", "period")),
                default=Value(None),
                output_field=DateField(),
            ),
        )
        .annotate(submission_state=_submission_display_state(timezone.localdate()))
    )


def report_get(*, user, pk: int) -> Report:
    return get_object_or_404(report_list(user=user), pk=pk)


def submission_events(*, report: Report) -> QuerySet[ReportSubmissionEvent]:
    """The history of the report's way to the operator (every build of its parameters), oldest first. The caller
    has reached `report` through `report_get`: the events share its parameters, so its region and scope."""
    return (
        ReportSubmissionEvent.objects.filter(submission__parameters_key=report.parameters_key)
        .select_related("actor", "report")
        .order_by("created_at", "pk")
    )


def deadline_list(*, user) -> QuerySet[ReportDeadline]:
    """The monthly reports' deadlines of the user's regions, with where each report stands (`submission_state`)."""
    submission = ReportSubmission.objects.filter(
        report_type=ReportType.MONTHLY, region=OuterRef("region"), period=OuterRef("period")
    ).order_by("-updated_at")
    return (
        ReportDeadline.objects.filter(_scope(user))
        .select_related("region", "set_by")
        .annotate(submission_stored_state=Subquery(submission.values("state")[:1]))
        .annotate(submission_state=_submission_display_state(timezone.localdate()))
    )


def overdue_deadlines(*, user, region_ids=None) -> QuerySet[ReportDeadline]:
    """Monthly reports past their deadline and neither sent nor accepted, in the user's regions (restricted to
    `region_ids` when given), the longest overdue first."""
    rows = deadline_list(user=user).filter(submission_state=ReportSubmission.State.OVERDUE)
    if region_ids is not None:
        rows = rows.filter(region_id__in=region_ids)
    return rows.order_by("due_on", "region__name")
