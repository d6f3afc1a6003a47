"""Figures of the home page (issue 3 §3): one section per role the user holds, each from that role's scope.

Selectors in the house sense: every function takes the acting user and reads only through the scoping selectors.
Counts are correlated COUNT subqueries on the region (or school, or venue) rows, so a section costs one or two
queries whatever the number of regions, schools or students.
"""

import datetime as dt
import hashlib
from dataclasses import dataclass, field
from urllib.parse import urlencode

from django.core.cache import cache
from django.db.models import Count, Exists, IntegerField, OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from bilet.roles import get_roles
from participants.models import Consent, DiagnosticResult, Navigator, Student
from regions.models import Campaign, Municipality, Region, RegionTarget, School
from regions.quotas import DEFAULT_TRIALS_MAX, DEFAULT_TRIALS_MIN, navigator_quota_bars
from regions.selectors import region_list, school_list
from venues.selectors.bookings import counted_bookings, family_booking_list, family_student_list, with_usage
from venues.models import Booking, Event, Venue, VenueCampaign
from venues.selectors import booking_list, event_list, venue_list
from venues.selectors.contracts import EXPIRY_WARNING_DAYS, contract_venue_list, with_contract_flags

from .figures.definitions import SOURCES, as_of

# seed 003: «каждый педагог-навигатор сопровождает не менее 70 обучающихся»; a region's target may set another.
DEFAULT_STUDENTS_PER_NAVIGATOR = 70
UPCOMING_LIMIT = 10


def url_or_none(name: str, *args) -> str | None:
    """Pages of other apps appear as they are built; a figure links to its list only where the list exists."""
    try:
        return reverse(name, args=args)
    except NoReverseMatch:
        return None


def _count(qs: QuerySet, outer: str, counted=None):
    """COUNT of `qs` rows whose `outer` field is the outer row, as a subquery (0 when there are none)."""
    subquery = (
        qs.filter(**{outer: OuterRef("pk")})
        .order_by()
        .values(outer)
        .annotate(n=counted if counted is not None else Count("*"))
        .values("n")
    )
    return Coalesce(Subquery(subquery, output_field=IntegerField()), 0)


# The two counts below probe each student of the region (or school) through an index, with correlated scalar
# subqueries on purpose: written as EXISTS, PostgreSQL turns them into a semi-join that hashes the whole consent
# (or diagnostics) table for one region — 0.2 s at 200,000 students, and growing with the country, not the region.


def _students_with_consent() -> QuerySet[Student]:
    in_force = (
        Consent.objects.filter(student=OuterRef("pk"), withdrawn_at__isnull=True).order_by().values("student_id")[:1]
    )
    return Student.objects.annotate(consent_in_force=Subquery(in_force)).filter(consent_in_force__isnull=False)


def _students_with_all_diagnostics() -> QuerySet[Student]:
    # One row per student and stage is unique: three rows mean stages 1, 2 and 3 are done.
    stages = (
        DiagnosticResult.objects.filter(student=OuterRef("pk"))
        .order_by()
        .values("student")
        .annotate(n=Count("*"))
        .values("n")
    )
    return Student.objects.annotate(stages_done=Subquery(stages, output_field=IntegerField())).filter(stages_done=3)


# --- regions: coordinator, curator, operator --------------------------------------------------------------------


def percent_of(fact: int, plan: int | None) -> int | float | None:
    """`fact` as a per cent of `plan`, as people read progress: whole per cent, but one decimal under 1 % so that early
    progress does not read «0%» (9 of 5,200 is 0.2 %), and never «100%» before the plan is met (995 of 1,000 is 99 %)."""
    if not plan:
        return None
    exact = 100 * fact / plan
    if 0 < exact < 1:
        return max(round(exact, 1), 0.1)
    if fact < plan:
        return min(round(exact), 99)
    return round(exact)


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
#   that region's rows through indexes — ~15 ms for a region of 2,000 students on PostgreSQL;
# - SCAN (the operator, a curator of many regions): one GROUP BY region query per figure that reads each table
#   once, instead of 89 regions × index probes (5.2 s → 1.1 s for 89 regions and 200,000 students). The national
#   figures then stay in the cache (Redis in production) for SCAN_CACHE_SECONDS: the page says as of when.
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
    annotations = {f"n_{key}": _count(m.rows, m.region_path, m.counted) for key, m in metrics.items()}
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


# --- charts ------------------------------------------------------------------------------------------------------


def bar_chart(rows: list[tuple[str, int, int | None]], *, common_scale: bool) -> dict:
    """Geometry of a horizontal bar chart drawn as inline SVG by `reports/includes/bar_chart.html`.

    Each row is (label, fact, plan or None): the bar is the fact, a mark shows the plan. With `common_scale`
    all rows share one axis (regions side by side); otherwise each row is scaled to its own plan (fact / plan of
    figures as different as 75 navigators and 4,500 students)."""
    label_width, bar_width, row_height, value_width = 240, 320, 30, 150
    top = max((max(fact, plan or 0) for _l, fact, plan in rows), default=0) or 1
    bars = []
    for i, (label, fact, plan) in enumerate(rows):
        scale = top if common_scale else (max(fact, plan or 0) or 1)
        y = i * row_height
        bars.append({
            "label": label,
            "fact": fact,
            "plan": plan,
            "percent": percent_of(fact, plan),
            "bar_y": y + 5,
            "text_y": y + 19,
            "width": round(bar_width * fact / scale, 1),
            "plan_x": round(label_width + bar_width * plan / scale, 1) if plan else None,
            "plan_top": y + 2,
            "plan_bottom": y + row_height - 2,
        })
    return {
        "bars": bars,
        "label_x": label_width - 8,
        "bar_x": label_width,
        "bar_height": row_height - 10,
        "value_x": label_width + bar_width + 8,
        "width": label_width + bar_width + value_width,
        "height": max(len(rows) * row_height, row_height),
    }


def _truncate(text: str, limit: int = 30) -> str:
    text = str(text)
    return text if len(text) <= limit else text[: limit - 1] + "…"


def regions_chart(rows: list[RegionFigures], key: str = "students") -> dict | None:
    """Regions side by side on one axis: the figure `key` with its plan where one is set."""
    data = [(_truncate(r.region.name), r.figure(key).value, r.figure(key).plan) for r in rows]
    return bar_chart(data, common_scale=True) if data else None


# --- navigator ---------------------------------------------------------------------------------------------------


def navigator_schools(*, user, campaign: Campaign | None) -> list[School]:
    """The navigator's schools with their students, consents, completed diagnostics, booked students and quota."""
    roles = get_roles(user)
    annotations = {
        "students_count": _count(Student.objects.all(), "school"),
        "consents_count": _count(_students_with_consent(), "school"),
        "diagnostics_count": _count(_students_with_all_diagnostics(), "school"),
        "navigators_count": _count(Navigator.objects.all(), "school"),
        "registered_by_me": _count(Student.objects.filter(registered_by__user=user), "school"),
    }
    if campaign is not None:
        annotations["booked_count"] = _count(
            counted_bookings(campaign), "student__school", Count("student", distinct=True)
        )
        annotations["my_trial_students"] = _count(
            counted_bookings(campaign).filter(student__registered_by__user=user), "student__school",
            Count("student", distinct=True),
        )

        def target(field: str, default: int):
            return Coalesce(
                Subquery(
                    RegionTarget.objects.filter(campaign=campaign, region=OuterRef("region")).values(field)[:1],
                    output_field=IntegerField(),
                ),
                default,
            )

        annotations["quota"] = target("students_per_navigator", DEFAULT_STUDENTS_PER_NAVIGATOR)
        annotations["trials_min"] = target("trial_students_per_navigator_min", DEFAULT_TRIALS_MIN)
        annotations["trials_max"] = target("trial_students_per_navigator_max", DEFAULT_TRIALS_MAX)
    schools = list(
        school_list(user=user).filter(id__in=roles.navigator_school_ids).annotate(**annotations).order_by("short_name")
    )
    for school in schools:
        if campaign is None:
            school.booked_count, school.quota = 0, DEFAULT_STUDENTS_PER_NAVIGATOR
            school.my_trial_students, school.trials_min, school.trials_max = 0, DEFAULT_TRIALS_MIN, DEFAULT_TRIALS_MAX
        school.quota_total = school.quota * school.navigators_count
        school.bars = navigator_quota_bars(
            registered=school.registered_by_me, target=school.quota, trial_students=school.my_trial_students,
            trials_min=school.trials_min, trials_max=school.trials_max,
        )
    return schools


# --- venue staff -------------------------------------------------------------------------------------------------


def staff_venues(*, user, campaign: Campaign | None) -> list[Venue]:
    """The user's venues with their contract for the campaign, flagged when it has ended or ends within 30 days."""
    roles = get_roles(user)
    venues = venue_list(user=user).filter(id__in=roles.venue_ids).order_by("short_name")
    if campaign is not None:
        contract = VenueCampaign.objects.filter(venue=OuterRef("pk"), campaign=campaign)
        venues = venues.annotate(**{name: Subquery(contract.values(name)[:1])
                                    for name in ("contract_status", "contract_number", "contract_valid_until")})
    venues = with_contract_flags(list(venues), today=timezone.localdate())
    for venue in venues:
        if not getattr(venue, "contract_status", None):
            venue.contract_label = _("campaign not assigned")
    return venues


def coordinator_contracts_flagged(*, user, campaign: Campaign | None) -> list[Venue]:
    """Venues of the coordinator's regions whose contract for the campaign has ended or ends within 30 days."""
    if campaign is None:
        return []
    roles = get_roles(user)
    statuses = VenueCampaign.ContractStatus
    venues = contract_venue_list(user=user, campaign=campaign).filter(
        Q(contract_status=statuses.SIGNED,
          contract_valid_until__lte=timezone.localdate() + dt.timedelta(days=EXPIRY_WARNING_DAYS))
        | Q(contract_status=statuses.EXPIRED),
        region_id__in=roles.coordinator_region_ids,
    )
    return with_contract_flags(list(venues), today=timezone.localdate())


def _with_urls(objects: list, url_name: str) -> list:
    for obj in objects:
        obj.url = url_or_none(url_name, obj.pk)
    return objects


def staff_upcoming_events(*, user) -> list[Event]:
    roles = get_roles(user)
    events = (
        event_list(user=user)
        .filter(venue_id__in=roles.venue_ids, starts_at__gt=timezone.now())
        .exclude(status=Event.Status.CANCELLED)
        .order_by("starts_at", "pk")[:UPCOMING_LIMIT]
    )
    return _with_urls(list(events), "venues:event_manage_detail")


# --- mentor ------------------------------------------------------------------------------------------------------


def mentor_upcoming_events(*, user) -> list[Event]:
    roles = get_roles(user)
    events = (
        event_list(user=user)
        .filter(mentors__id=roles.mentor_id, status=Event.Status.PUBLISHED, starts_at__gt=timezone.now())
        .order_by("starts_at", "pk")[:UPCOMING_LIMIT]
    )
    return _with_urls(list(events), "venues:event_detail")


def mentor_pending_recommendations(*, user) -> tuple[int, list[Booking]]:
    """Attended students of the mentor's events who have no recommendation yet (oldest event first)."""
    roles = get_roles(user)
    pending = (
        booking_list(user=user)
        .filter(event__mentors__id=roles.mentor_id, status=Booking.Status.ATTENDED, recommendation__isnull=True)
        .select_related("event__campaign")
        .order_by("event__ends_at", "pk")
    )
    rows = _with_urls(list(pending[:UPCOMING_LIMIT]), "venues:recommendation_write")
    today = timezone.localdate()
    for booking in rows:
        booking.due_on = timezone.localdate(booking.event.ends_at) + dt.timedelta(
            days=booking.event.campaign.recommendation_days
        )
        booking.overdue = booking.due_on < today
    count = len(rows) if len(rows) < UPCOMING_LIMIT else pending.count()
    return count, rows


# --- guardian and student ----------------------------------------------------------------------------------------


@dataclass
class FamilyMember:
    student: Student
    consent_in_force: bool
    used: int
    offline_used: int
    url: str | None = None
    bookings: list[Booking] = field(default_factory=list)


def family(*, user, campaign: Campaign | None, roles_filter: str) -> list[FamilyMember]:
    """The student themself (`roles_filter="student"`) or a guardian's children (`"guardian"`), each with the
    consent state, what the campaign's limits leave, and their bookings of the campaign — two queries."""
    roles = get_roles(user)
    students = family_student_list(user=user)
    if roles_filter == "student":
        students = students.filter(pk=roles.student_id)
    else:
        students = students.filter(guardians__id=roles.guardian_id)
    students = with_usage(
        students.annotate(
            consent_in_force=Exists(Consent.objects.filter(student=OuterRef("pk"), withdrawn_at__isnull=True))
        ),
        campaign,
    ).select_related("school")
    # A child's own page for a parent is "my bookings" narrowed to the child: their bookings, results and
    # recommendations (the directory's student page is for the school's and the region's staff).
    bookings_url = url_or_none("venues:my_bookings")
    members = {
        s.pk: FamilyMember(
            s, s.consent_in_force, s.used, s.offline_used,
            f"{bookings_url}?{urlencode({'student': s.pk})}" if bookings_url else None,
        )
        for s in students
    }
    if members:
        bookings = family_booking_list(user=user, students=list(members)).exclude(status=Booking.Status.CANCELLED)
        if campaign is not None:
            bookings = bookings.filter(event__campaign=campaign)
        for booking in bookings.order_by("event__starts_at", "pk"):
            booking.event_url = url_or_none("venues:event_detail", booking.event_id)
            recommendation = getattr(booking, "recommendation", None)  # select_related: no query, None if unwritten
            booking.recommendation_url = (
                url_or_none("venues:recommendation_detail", recommendation.pk) if recommendation else None
            )
            members[booking.student_id].bookings.append(booking)
    return list(members.values())


# --- reports: monthly reports past their deadline (issue 13 §6) -------------------------------------------------------


def overdue_reports(*, user, region_ids) -> list:
    """The region's (or the curator's regions') monthly reports past the curator's deadline, neither sent nor
    accepted, the longest overdue first; each with the link to the region's reports."""
    from .selectors import overdue_deadlines

    return list(overdue_deadlines(user=user, region_ids=region_ids)[:UPCOMING_LIMIT])


# --- curators' requests (issue 15 §1) --------------------------------------------------------------------------------

OVERDUE_REQUESTS_LIMIT = 10


def overdue_requests(*, user, today: dt.date | None = None) -> list:
    """Requests past their date and still awaiting an answer, oldest date first: the curator's regions' and the
    coordinator's region's (regions.selectors.request_list scopes them)."""
    from regions.selectors import request_overdue_list

    return list(request_overdue_list(user=user, today=today or timezone.localdate())[:OVERDUE_REQUESTS_LIMIT])
