"""The charted blocks of the home pages (issue 13 §7): a coordinator's targets, participants per month, stage deadlines
and overdue work; a curator's regions, laggards first; venue staff's fill rates.

Every figure here is a report figure (`reports/figures`): the same definitions, the same aggregates, the same charts
(`reports/documents/charts.py`), so a home page never disagrees with a report. Each block costs a fixed number of
queries, whatever the number of students, bookings or events.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from urllib.parse import urlencode

from django.db.models import Count, Exists, OuterRef
from django.utils import timezone
from django.utils.translation import gettext as _

from bilet.roles import get_roles
from participants.models import Consent
from participants.selectors import student_list
from regions.selectors import region_list
from regions.models import Campaign, Region, RegionTarget
from venues.models import Event
from venues.selectors.events import event_queue_list
from venues.selectors.followup import attendance_overdue_list, recommendation_overdue_bookings

from .dashboards.counts import percent_of
from .dashboards.links import url_or_none
from .documents import charts
from .figures.compute import FigureValues, finish_group, grouped_values
from .figures.definitions import SOURCES, TARGET_FIGURES, TARGETS, Window, campaign_window
from .figures.labels import FIGURE_LABELS
from .figures.report_types import national_report, participants_by_month, stage_rows

# The sources the targets are measured by (students, diagnostics, participations, navigators): the other sources of a
# report are not read for the home page.
TARGET_SOURCES = ("students", "diagnosed", "attended", "navigators")


@dataclass
class Progress:
    """One target: the report figure `code` against the target `target` («факт / план»)."""

    target: str
    code: str
    label: str
    fact: int
    plan: int

    @property
    def percent(self):
        return percent_of(self.fact, self.plan)


def target_progress(window: Window, region: Region) -> list[Progress]:
    """The region's targets against its report figures as of now: one aggregate query per source, one for targets."""
    found = grouped_values(
        window, by={key: SOURCES[key].region_path for key in TARGET_SOURCES}, region=region
    ).get(region.pk)
    values: FigureValues = finish_group(found)
    target = RegionTarget.objects.filter(campaign=window.campaign, region=region).first()
    rows = []
    for target_code, figure_code in TARGET_FIGURES.items():
        plan = getattr(target, TARGETS[target_code]) if target is not None else 0
        if plan:
            rows.append(Progress(target_code, figure_code, str(FIGURE_LABELS[figure_code]),
                                 values.figures[figure_code], plan))
    return rows


def campaign_months(campaign: Campaign, until: dt.date) -> list[dt.date]:
    """The first days of the campaign's months from its first month to the month of `until` (or its last month)."""
    last = min(until, campaign.ends_on).replace(day=1)
    month = campaign.starts_on.replace(day=1)
    months = []
    while month <= last:
        months.append(month)
        month = (month + dt.timedelta(days=32)).replace(day=1)
    return months


def months_with_participants(window: Window, region: Region) -> list[tuple[dt.date, int]]:
    """Distinct participants per month of the attended event (the reports' `participants_by_month`), every month of
    the campaign so far listed, those with nobody as 0."""
    counted = dict(participants_by_month(window, region))
    return [(month, counted.get(month, 0)) for month in campaign_months(window.campaign, window.last_day)]


def stages_with_next(campaign: Campaign, today: dt.date) -> list[dict]:
    """The campaign's stages (the reports' `stage_rows`), the first stage whose deadline has not passed marked next."""
    stages = stage_rows(campaign, today)
    upcoming = next((s for s in stages if not s["passed"]), None)
    for stage in stages:
        stage["next"] = stage is upcoming
    return stages


@dataclass
class RegionHome:
    region: Region
    targets: list[Progress]
    months: list[tuple[dt.date, int]]
    months_chart: str | None
    stages: list[dict]


def coordinator_regions(*, regions: list[Region], campaign: Campaign | None,
                        now: dt.datetime | None = None) -> list[RegionHome]:
    """Targets, participants per month and stage deadlines of each of the coordinator's regions."""
    if campaign is None:
        return []
    window = campaign_window(campaign, now)
    stages = stages_with_next(campaign, timezone.localdate(now or timezone.now()))
    result = []
    for region in regions:
        months = months_with_participants(window, region)
        chart = charts.months_chart(months) if any(n for _m, n in months) else None
        result.append(RegionHome(region, target_progress(window, region), months, charts.data_uri(chart), stages))
    return result


@dataclass
class Overdue:
    label: str
    count: int
    url: str | None


def _list_url(name: str, **params) -> str | None:
    base = url_or_none(name)
    if base is None:
        return None
    return f"{base}?{urlencode(params)}" if params else base


def coordinator_overdue(*, user) -> list[Overdue]:
    """The coordinator's outstanding work, each count from the selector of the page that lists it (so the count is
    that page's length): events to approve, registers not taken, recommendations past due, consents missing."""
    consents = Consent.objects.filter(student=OuterRef("pk"))
    any_consent = Exists(consents)
    in_force = Exists(consents.filter(withdrawn_at__isnull=True))
    paper = Exists(consents.filter(withdrawn_at__isnull=True, paper_received_on__isnull=False))
    # the three conditions of the student list's filters (consent=no, consent=withdrawn, consent=yes&paper=no)
    students = student_list(user=user).order_by().aggregate(
        never=Count("pk", filter=~any_consent),
        withdrawn=Count("pk", filter=any_consent & ~in_force),
        no_paper=Count("pk", filter=in_force & ~paper),
    )
    return [
        Overdue(_("events awaiting your approval"), event_queue_list(user=user).count(),
                _list_url("venues:event_queue")),
        Overdue(_("events whose attendance is overdue"), attendance_overdue_list(user=user).count(),
                _list_url("venues:attendance_overdue")),
        Overdue(_("mentors' recommendations overdue"), recommendation_overdue_bookings(user=user).count(),
                _list_url("venues:recommendations_overdue")),
        Overdue(_("students with no consent given"), students["never"],
                _list_url("participants:student_list", consent="no")),
        Overdue(_("students whose consent was withdrawn"), students["withdrawn"],
                _list_url("participants:student_list", consent="withdrawn")),
        Overdue(_("consents in force without the paper original"), students["no_paper"],
                _list_url("participants:student_list", consent="yes", paper="no")),
    ]


# --- curator -----------------------------------------------------------------------------------------------------


def curator_ranking(*, user, campaign: Campaign | None, now: dt.datetime | None = None) -> dict | None:
    """The curator's regions by the national summary's share of targets met, laggards first (regions with no
    targets set last), each with its targets and a link to its campaign report; with the summary's chart."""
    roles = get_roles(user)
    if campaign is None or not roles.curator_region_ids:
        return None
    regions = region_list(user=user).filter(id__in=roles.curator_region_ids)
    report = national_report(campaign=campaign, regions=regions, now=now)
    rows = sorted(report.rows, key=lambda r: (r.share is None, r.share or 0, r.region.name))
    preview = url_or_none("reports:report_preview", "campaign")
    for row in rows:
        f = row.values.figures
        row.targets = [Progress(t, code, str(FIGURE_LABELS[code]), f[code], f[t]) for t, code in TARGET_FIGURES.items()]
        row.url = f"{preview}?{urlencode({'region': row.region.code, 'campaign': campaign.pk})}" if preview else None
    chart = charts.regions_chart([(r.region.name, r.share) for r in rows])
    return {"rows": rows, "chart": charts.data_uri(chart), "as_of": report.as_of}


# --- venue staff -------------------------------------------------------------------------------------------------


def with_fill_rates(events: list[Event]) -> list[Event]:
    """Seats taken (confirmed bookings, kept on the event) as a share of the event's capacity."""
    for event in events:
        event.fill_percent = percent_of(event.seats_taken, event.capacity)
    return events
