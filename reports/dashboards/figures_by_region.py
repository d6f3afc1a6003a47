"""The figures of each region a coordinator, curator or operator reads on the home page (issue 3 §3): counts with the
region's plan beside them, each linking to the list of the rows it counts.

Counts are correlated COUNT subqueries on the region rows (PROBE) or one GROUP BY region per figure (SCAN), so a
section costs a fixed number of queries whatever the number of regions, schools or students.
"""

import datetime as dt
import hashlib
from dataclasses import dataclass
from urllib.parse import urlencode

from django.core.cache import cache
from django.db.models import Count, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from bilet.roles import get_roles
from participants.models import Consent, DiagnosticResult, Student
from regions.models import Campaign, Municipality, Region, RegionTarget, School
from regions.selectors import region_list
from venues.models import Booking, Event, Venue, VenueCampaign

from ..figures.definitions import SOURCES, as_of
from .counts import count_of, percent_of
from .links import url_or_none


@dataclass
class Figure:
    key: str
    label: str
    short_label: str
    value: int
    url: str | None = None
    plan: int | None = None

    @property
    def percent(self) -> int | float | None:
        return percent_of(self.value, self.plan)


@dataclass
class RegionFigures:
    region: Region
    figures: list[Figure]
    target: RegionTarget | None = None
    chart: dict | None = None
    as_of: dt.datetime | None = None

    def figure(self, key: str) -> Figure:
        return next(f for f in self.figures if f.key == key)


# key, label (cards and table headings), short label (chart).
# Short labels carry a context: other apps' catalogues translate bare words ("navigators") in other cases.
REGION_FIGURES = [
    ("municipalities", _("municipalities"), pgettext_lazy("home figure short", "municipalities")),
    ("schools", _("schools"), pgettext_lazy("home figure short", "schools")),
    ("navigators", _("teacher-navigators"), pgettext_lazy("home figure short", "navigators")),
    ("students", _("students registered"), pgettext_lazy("home figure short", "students")),
    ("consents", _("students with consent in force"), pgettext_lazy("home figure short", "with consent")),
    ("diagnostics", _("students who completed all 3 diagnostic stages"),
     pgettext_lazy("home figure short", "diagnostics, 3 stages")),
    ("venues", _("venues"), pgettext_lazy("home figure short", "venues")),
    ("venues_signed", _("venues with a signed contract for the campaign"),
     pgettext_lazy("home figure short", "contract signed")),
    ("events_upcoming", _("published upcoming events"), pgettext_lazy("home figure short", "upcoming events")),
    ("events_submitted", _("events awaiting approval"), pgettext_lazy("home figure short", "awaiting approval")),
    ("bookings", _("confirmed bookings"), pgettext_lazy("home figure short", "confirmed bookings")),
    ("trial_students", _("students who took part in trials"),
     pgettext_lazy("home figure short", "took part in trials")),
]
# The list page of a figure, where one exists, with the filters that make it list the rows counted (URL names
# of the directory and event pages; a page not built yet simply leaves its figure without a link).
FIGURE_LISTS = {
    "municipalities": ("regions:municipality_list", {}),
    "schools": ("regions:school_list", {}),
    "navigators": ("participants:navigator_list", {}),
    "students": ("participants:student_list", {}),
    "consents": ("participants:student_list", {"consent": "yes"}),
    "diagnostics": ("participants:student_list", {"diagnostics": "complete"}),
    "venues": ("venues:venue_list", {}),
    "venues_signed": ("venues:venue_list", {"contract": VenueCampaign.ContractStatus.SIGNED.value}),
    "events_upcoming": ("venues:event_manage_list", {"status": Event.Status.PUBLISHED.value, "date_from": "today"}),
    "events_submitted": ("venues:event_queue", {}),
}
# Lists that filter by region: a section of one region among several links to that region's rows.
REGION_FILTERED_LISTS = {
    "regions:municipality_list", "regions:school_list", "participants:navigator_list",
    "participants:student_list", "venues:venue_list",
}


# The approval queue is the coordinators' (and the operator's); a curator reads the same events in the events list.
QUEUE_READERS_LIST = ("venues:event_manage_list", {"status": Event.Status.SUBMITTED.value})


def _figure_urls(region_pk: int | None, today: dt.date, *, approves: bool = True) -> dict[str, str]:
    urls = {}
    for key, (name, params) in FIGURE_LISTS.items():
        if key == "events_submitted" and not approves:
            name, params = QUEUE_READERS_LIST
        base = url_or_none(name)
        if base is None:
            continue
        query = {k: today.isoformat() if v == "today" else v for k, v in params.items()}
        if region_pk is not None and name in REGION_FILTERED_LISTS:
            query["region"] = region_pk
        urls[key] = f"{base}?{urlencode(query)}" if query else base
    return urls


# Region targets (RegionTarget fields) against the figure that measures them: "факт / план".
# The trials target counts participations (attended bookings, SPEC §4), not the distinct students of "trial_students":
# the coordinator's home shows it against the reports' `participations` (home_blocks.target_progress).
TARGETS = {"navigators": "navigators", "students": "students", "diagnostics": "diagnostics"}


# A region's figures are read in one of two shapes, chosen by how many regions a page shows:
# - PROBE (a coordinator, a curator of a few regions): one query, a correlated COUNT per figure that reaches only
#   that region's rows through indexes;
# - SCAN (the operator, a curator of many regions): one GROUP BY region query per figure that reads each table
#   once, instead of 89 regions × index probes, which cost several times more. The national figures then stay in
#   the cache (Redis in production) for SCAN_CACHE_SECONDS: the page says as of when.
PROBE_MAX_REGIONS = 5
SCAN_CACHE_SECONDS = 300


@dataclass(frozen=True)
class Metric:
    rows: QuerySet
    region_path: str
    counted: object = None  # an aggregate; COUNT(*) when None
    # the same count for the SCAN shape, where it differs (a join that hashes once instead of a probe per row)
    scan_rows: QuerySet | None = None
    scan_region_path: str | None = None


def _metrics(campaign: Campaign | None, now: dt.datetime) -> dict[str, Metric]:
    complete = DiagnosticResult.objects.order_by().values("student").annotate(n=Count("*")).filter(n=3)
    # The figures the reports count too (students_registered, consents_active, diagnostics_completed, navigators)
    # are the reports' own definitions as of now (reports/figures/definitions.py): one computation for both.
    # Several regions (SCAN) read two of them in a shape that hashes each table once; a test pins both equal.
    now_window = as_of(now, campaign)
    metrics = {
        "municipalities": Metric(Municipality.objects.all(), "region"),
        "schools": Metric(School.objects.all(), "region"),
        "navigators": Metric(SOURCES["navigators"].rows(now_window), "region"),
        "students": Metric(SOURCES["students"].rows(now_window), "region"),
        "consents": Metric(
            SOURCES["consents"].rows(now_window), "student__region", Count("student", distinct=True),
            scan_rows=Consent.objects.filter(withdrawn_at__isnull=True), scan_region_path="student__region",
        ),
        "diagnostics": Metric(
            SOURCES["diagnosed"].rows(now_window), "region",
            scan_rows=Student.objects.filter(pk__in=complete.values("student")),
        ),
        "venues": Metric(Venue.objects.all(), "region"),
        "events_upcoming": Metric(Event.objects.filter(status=Event.Status.PUBLISHED, starts_at__gt=now), "region"),
        "events_submitted": Metric(Event.objects.filter(status=Event.Status.SUBMITTED), "region"),
    }
    if campaign is not None:
        campaign_bookings = Booking.objects.filter(event__campaign=campaign)
        metrics |= {
            "venues_signed": Metric(
                VenueCampaign.objects.filter(campaign=campaign, contract_status=VenueCampaign.ContractStatus.SIGNED),
                "venue__region",
            ),
            "bookings": Metric(campaign_bookings.filter(status=Booking.Status.CONFIRMED), "event__region"),
            "trial_students": Metric(
                campaign_bookings.filter(status=Booking.Status.ATTENDED), "event__region",
                Count("student", distinct=True),
            ),
        }
    return metrics


def _probe(regions: QuerySet[Region], metrics: dict[str, Metric]) -> dict[int, dict[str, int]]:
    # "n_" keeps the annotations clear of the reverse relations (region.schools, region.students, …)
    annotations = {f"n_{key}": count_of(m.rows, m.region_path, m.counted) for key, m in metrics.items()}
    rows = regions.annotate(**annotations).values("pk", *annotations)
    return {row["pk"]: {key: row[f"n_{key}"] for key in metrics} for row in rows}


def _scan(region_ids: list[int], metrics: dict[str, Metric]) -> dict[int, dict[str, int]]:
    values = {pk: dict.fromkeys(metrics, 0) for pk in region_ids}
    for key, m in metrics.items():
        rows = m.scan_rows if m.scan_rows is not None else m.rows
        path = m.scan_region_path or m.region_path
        grouped = (
            rows.filter(**{f"{path}__in": region_ids})
            .order_by()
            .values(path)
            .annotate(n=m.counted if m.counted is not None else Count("*"))
        )
        for row in grouped:
            values[row[path]][key] = row["n"]
    return values


def region_figures(*, user, region_ids=None, campaign: Campaign | None) -> list[RegionFigures]:
    """The figures of each region the user may see (restricted to `region_ids` when given), in a fixed number of
    queries whatever the number of rows."""
    regions = region_list(user=user)
    if region_ids is not None:
        regions = regions.filter(id__in=region_ids)
    regions = list(regions.order_by("name"))
    if not regions:
        return []
    now = timezone.now()
    metrics = _metrics(campaign, now)
    region_ids = sorted(r.pk for r in regions)
    if len(regions) <= PROBE_MAX_REGIONS:
        values, as_of = _probe(Region.objects.filter(pk__in=region_ids), metrics), now
    else:
        digest = hashlib.sha256(",".join(map(str, region_ids)).encode()).hexdigest()[:16]
        cache_key = f"reports:home:scan:v1:{campaign.pk if campaign else 0}:{digest}"
        cached = cache.get(cache_key)
        if cached is None:
            cached = (_scan(region_ids, metrics), now)
            cache.set(cache_key, cached, SCAN_CACHE_SECONDS)
        values, as_of = cached
    targets = {}
    if campaign is not None:
        targets = {t.region_id: t for t in RegionTarget.objects.filter(campaign=campaign, region__in=regions)}
    today = timezone.localdate(now)
    # one region: its lists are the user's whole scope; several: each region's figures link to its own rows
    roles = get_roles(user)
    approves = roles.operator or bool(roles.coordinator_region_ids)
    shared_urls = _figure_urls(None, today, approves=approves) if len(regions) == 1 else None
    result = []
    for region in regions:
        target = targets.get(region.pk)
        urls = shared_urls if shared_urls is not None else _figure_urls(region.pk, today, approves=approves)
        figures = []
        for key, label, short_label in REGION_FIGURES:
            if key not in metrics:
                continue  # campaign figures when there is no current campaign
            plan = getattr(target, TARGETS[key]) if target is not None and key in TARGETS else None
            figures.append(Figure(key, label, short_label, values[region.pk][key], urls.get(key), plan or None))
        result.append(RegionFigures(region=region, figures=figures, target=target, as_of=as_of))
    return result


def region_totals(rows: list[RegionFigures]) -> list[Figure]:
    """National totals: the sum of every region's figures (and of their plans), linking to the unfiltered lists."""
    if not rows:
        return []
    urls = _figure_urls(None, timezone.localdate())
    totals = []
    for i, first in enumerate(rows[0].figures):
        plans = [r.figures[i].plan for r in rows if r.figures[i].plan]
        value = sum(r.figures[i].value for r in rows)
        totals.append(Figure(first.key, first.label, first.short_label, value, urls.get(first.key), sum(plans) or None))
    return totals
