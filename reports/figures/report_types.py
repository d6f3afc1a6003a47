"""One figures object per report type (SPEC §4, issue 13 §2): it feeds the page, the PDF, the XLSX and build_report.

Every number here comes from `compute.py` (the figures) or from a GROUP BY of the same sources (per school, per
municipality, per mentor, per month); lists are rows of small tables (mentors, schools, navigators), never students.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import Count, Q
from django.db.models.functions import TruncMonth
from django.utils import timezone

from regions.models import Campaign, CampaignStage, Municipality, Region, RegionTarget, School
from venues.models import Mentor, Venue

from .compute import FigureValues, finish_group, grouped_values, region_values, regions_values, sum_values
from .definitions import SOURCES, TARGET_FIGURES, Window, campaign_window, month_window
from .records import record_lists


@dataclass
class GroupRow:
    """A school's or a municipality's figures beside its quota target (navigators × students per navigator)."""

    name: str
    parent: str
    values: FigureValues
    navigators: int = 0
    target_students: int = 0
    group_id: int | None = None  # a school's municipality


class _Windowed:
    """A report counted over a `window`: its campaign and the moment `D` its figures are as of."""

    window: Window

    @property
    def campaign(self) -> Campaign:
        return self.window.campaign

    @property
    def as_of(self) -> dt.datetime:
        return self.window.end - dt.timedelta(microseconds=1)


@dataclass
class RegionReport(_Windowed):
    report_type: str
    region: Region
    window: Window
    values: FigureValues
    period: dt.date | None = None
    participants_by_month: list[tuple[dt.date, int]] = field(default_factory=list)
    mentors: list[dict] = field(default_factory=list)
    disabled: list[dict] = field(default_factory=list)
    records: dict[str, list] = field(default_factory=dict)
    municipalities: list[GroupRow] = field(default_factory=list)
    schools: list[GroupRow] = field(default_factory=list)
    navigators: list[dict] = field(default_factory=list)
    stages: list[dict] = field(default_factory=list)

    def targets(self) -> list[tuple[str, str, int, int]]:
        """(target code, figure code, fact, plan) for each target that is set."""
        f = self.values.figures
        return [(t, code, f[code], f[t]) for t, code in TARGET_FIGURES.items() if f[t]]


def participants_by_month(window: Window, region) -> list[tuple[dt.date, int]]:
    """Distinct participants of the region per month of the campaign up to `D` (the month of the event's start)."""
    rows = (
        SOURCES["attended"].rows(window).filter(student__region=region).order_by()
        .annotate(month=TruncMonth("event__starts_at", tzinfo=timezone.get_current_timezone()))
        .values("month").annotate(n=Count("student", distinct=True)).order_by("month")
    )
    return [(_as_date(r["month"]), r["n"]) for r in rows]


def _as_date(value) -> dt.date:
    return timezone.localdate(value) if isinstance(value, dt.datetime) else value


def mentors_with_events(window: Window, region) -> list[dict]:
    """Mentors of the region's events held within the period, each with their events and venues."""
    source = SOURCES["held"]
    rows = (
        source.rows(window).filter(region=region).filter(source.period(window)).filter(mentors__isnull=False)
        .order_by().values("mentors", "venue").annotate(events=Count("pk", distinct=True))
    )
    per_mentor: dict[int, dict] = defaultdict(lambda: {"events": 0, "venues": []})
    for row in rows:
        entry = per_mentor[row["mentors"]]
        entry["events"] += row["events"]
        entry["venues"].append(row["venue"])
    mentors = Mentor.objects.in_bulk(list(per_mentor))
    venue_ids = {v for entry in per_mentor.values() for v in entry["venues"]}
    venues = Venue.objects.in_bulk(list(venue_ids))
    result = []
    for pk, entry in per_mentor.items():
        mentor = mentors[pk]
        result.append({
            "name": mentor.full_name,
            "organisation": mentor.organisation,
            "events": entry["events"],
            "venues": ", ".join(sorted(venues[v].short_name for v in entry["venues"])),
        })
    return sorted(result, key=lambda m: m["name"])


def disabled_participants(window: Window, region, *, within_period: bool) -> list[dict]:
    """Participants with a nosology, each with the modes they took part in: the students that
    `participants_disabled` counts (as of `D`, or within the period)."""
    source = SOURCES["attended"]
    rows = source.rows(window).filter(student__region=region, student__nosology__isnull=False)
    if within_period:
        rows = rows.filter(source.period(window))
    found = (
        rows.order_by().values("student", "student__last_name", "student__first_name", "student__middle_name",
                               "student__school__short_name", "student__nosology__code", "event__mode")
        .annotate(n=Count("pk"))
    )
    students: dict[int, dict] = {}
    for row in found:
        name = " ".join(filter(None, (row["student__last_name"], row["student__first_name"],
                                      row["student__middle_name"])))
        entry = students.setdefault(row["student"], {
            "name": name, "school": row["student__school__short_name"], "nosology": row["student__nosology__code"],
            "offline": 0, "online": 0,
        })
        entry[row["event__mode"]] += row["n"]
    return sorted(students.values(), key=lambda s: (s["nosology"], s["name"]))


def monthly_report(*, campaign: Campaign, region: Region, period: dt.date) -> RegionReport:
    window = month_window(campaign, period)
    return RegionReport(
        report_type="monthly",
        region=region,
        window=window,
        period=period.replace(day=1),
        values=region_values(window, region),
        participants_by_month=participants_by_month(window, region),
        mentors=mentors_with_events(window, region),
        disabled=disabled_participants(window, region, within_period=True),
        records=record_lists(window, region, within_period=True),
    )


# A school's rows: the sources that reach a school, and how. A municipality's figures are the sums of its schools':
# every row counted belongs to one student (or navigator) of one school, so the distinct counts add up.
SCHOOL_PATHS = {"students": "school", "diagnosed": "school", "attended": "student__school", "navigators": "school",
                "consents": "student__school"}


def _school_rows(window, region, schools, quota) -> list[GroupRow]:
    found = grouped_values(window, by=SCHOOL_PATHS, region=region)
    return [
        GroupRow(str(school), school.municipality.name, finish_group(found.get(school.pk)), school.n,
                 school.n * quota, group_id=school.municipality_id)
        for school in schools
    ]


def _municipality_rows(municipalities, schools: list[GroupRow]) -> list[GroupRow]:
    per_municipality = defaultdict(list)
    for row in schools:
        per_municipality[row.group_id].append(row)
    rows = []
    for municipality in municipalities:
        own = per_municipality[municipality.pk]
        rows.append(GroupRow(
            municipality.name, "", sum_values([row.values for row in own]),
            sum(row.navigators for row in own), sum(row.target_students for row in own),
        ))
    return rows


def navigator_rows(window: Window, region) -> list[dict]:
    rows = (
        SOURCES["navigators"].rows(window).filter(region=region).order_by("school__short_name", "user__last_name")
        .values("user__last_name", "user__first_name", "school__short_name", "students_registered", "quota")
    )
    return [
        {
            "name": f"{r['user__last_name']} {r['user__first_name']}".strip(),
            "school": r["school__short_name"],
            "students": r["students_registered"],
            "quota": r["quota"],
            "met": r["students_registered"] >= r["quota"],
        }
        for r in rows
    ]


def stage_rows(campaign: Campaign, as_of: dt.date) -> list[dict]:
    return [
        {"number": s.number, "title": s.title, "starts_on": s.starts_on, "deadline": s.deadline,
         "passed": s.deadline < as_of}
        for s in CampaignStage.objects.filter(campaign=campaign).order_by("number")
    ]


def campaign_report(*, campaign: Campaign, region: Region, now: dt.datetime | None = None) -> RegionReport:
    window = campaign_window(campaign, now)
    target = RegionTarget.objects.filter(campaign=campaign, region=region).first()
    quota = target.students_per_navigator if target else RegionTarget._meta.get_field("students_per_navigator").default
    schools = (
        School.objects.filter(region=region)
        .annotate(n=Count("navigators", filter=Q(navigators__created_at__lt=window.end)))
        .select_related("municipality").order_by("municipality__name", "short_name")
    )
    school_rows = _school_rows(window, region, schools, quota)
    return RegionReport(
        report_type="campaign",
        region=region,
        window=window,
        values=region_values(window, region),
        participants_by_month=participants_by_month(window, region),
        mentors=mentors_with_events(window, region),
        disabled=disabled_participants(window, region, within_period=False),
        records=record_lists(window, region, within_period=False),
        municipalities=_municipality_rows(Municipality.objects.filter(region=region).order_by("name"), school_rows),
        schools=school_rows,
        navigators=navigator_rows(window, region),
        stages=stage_rows(campaign, window.last_day),
    )


# --- national summary ------------------------------------------------------------------------------------------------

# A region is flagged when its share of its targets is under this part of the share the calendar expects by `D`
# (the part of the campaign's days gone by): at 60 % of the campaign, a region at 30 % of its targets is behind.
BELOW_SHARE_OF_EXPECTED = 0.75


@dataclass
class NationalRow:
    region: Region
    values: FigureValues
    share: float | None  # mean of fact / plan over the targets that are set (1.0 = every target met)
    rank: int = 0
    below_share: bool = False
    behind_deadlines: bool = False

    @property
    def percent(self) -> float | None:
        return None if self.share is None else round(100 * self.share, 1)


@dataclass
class NationalReport(_Windowed):
    report_type: str
    window: Window
    rows: list[NationalRow]
    stages: list[dict]
    expected_share: float
    period: dt.date | None = None


def target_share(values: FigureValues) -> float | None:
    f = values.figures
    shares = [min(f[code] / f[t], 1.0) for t, code in TARGET_FIGURES.items() if f[t]]
    return sum(shares) / len(shares) if shares else None


def national_report(*, campaign: Campaign, regions, period: dt.date | None = None,
                    now: dt.datetime | None = None) -> NationalReport:
    """Every region of `regions` side by side, ranked by the share of their targets met; laggards flagged."""
    window = month_window(campaign, period) if period else campaign_window(campaign, now)
    regions = list(regions.order_by("name"))
    values = regions_values(window, [r.pk for r in regions])
    campaign_days = max((campaign.ends_on - campaign.starts_on).days + 1, 1)
    expected = min(max((window.last_day - campaign.starts_on).days + 1, 0) / campaign_days, 1.0)
    stages = stage_rows(campaign, window.last_day)
    # the share of the campaign's stages whose deadline has passed: a region under it has missed a stage's work
    stages_due = sum(s["passed"] for s in stages) / len(stages) if stages else 0.0
    rows = [NationalRow(r, values[r.pk], target_share(values[r.pk])) for r in regions]
    for row in rows:
        if row.share is not None:
            row.below_share = row.share < BELOW_SHARE_OF_EXPECTED * expected
            row.behind_deadlines = row.share < stages_due
    rows.sort(key=lambda r: (r.share is None, -(r.share or 0), r.region.name))
    for rank, row in enumerate(rows, start=1):
        row.rank = rank
    return NationalReport("national", window, rows, stages, expected, period.replace(day=1) if period else None)
