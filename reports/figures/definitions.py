"""What each figure of SPEC §4 counts: one definition per figure, read by every report, page, file and drill-down list.

A figure is a *source* — a queryset of the rows it counts as of the end `D` of the period, with the path from a row to
its region and the condition that narrows it to the period alone — plus the figure's own condition and what it counts
(rows, or distinct students, mentors, venues). The aggregate of a report (`compute.py`) and the drill-down list of a
figure (`drilldown.py`) are both built from these, so a figure is always the size of its list.

Time: `Window.end` is exclusive — `D` is the last moment before it (for a month, the month's last moment in the portal's
time zone, TIME_ZONE); `Window.start` opens the period.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass

from django.db.models import Count, Exists, F, IntegerField, Max, OuterRef, Q, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce
from django.utils import timezone

from participants.models import Consent, DiagnosticResult, Navigator, Student
from regions.models import Appeal, Campaign, Nosology, PromotionMeasure, RegionTarget, TeamTraining, TrainingNeed
from regions.quotas import DEFAULT_STUDENTS_PER_NAVIGATOR
from venues.models import Booking, Event, MediaFile


@dataclass(frozen=True)
class Window:
    """The campaign and the period a report counts: `start` ≤ t < `end`; `D` is the last moment before `end`."""

    campaign: Campaign | None  # None only for `as_of`: figures of no campaign
    start: dt.datetime
    end: dt.datetime

    @property
    def first_day(self) -> dt.date:
        return timezone.localdate(self.start)

    @property
    def last_day(self) -> dt.date:
        """The local date of `D` (records dated by day count up to and including it)."""
        return timezone.localdate(self.end - dt.timedelta(microseconds=1))

    @property
    def campaign_start(self) -> dt.datetime:
        return _midnight(self.campaign.starts_on)


def _midnight(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time.min))


def as_of(moment: dt.datetime, campaign: Campaign | None = None) -> Window:
    """A window that ends at `moment`: the sources of figures that need no campaign (students, diagnostics,
    consents) read "now" through it — the home page's figures (dashboards/figures_by_region.py) are these same
    definitions."""
    return Window(campaign, moment, moment)


def month_window(campaign: Campaign, period: dt.date) -> Window:
    """A calendar month in the portal's time zone: from its first moment to the first moment of the next month."""
    first = period.replace(day=1)
    following = (first + dt.timedelta(days=32)).replace(day=1)
    return Window(campaign, _midnight(first), _midnight(following))


def campaign_window(campaign: Campaign, now: dt.datetime | None = None) -> Window:
    """The campaign so far: from its first day to now, or to the end of its last day once it is over."""
    now = now or timezone.now()
    return Window(campaign, _midnight(campaign.starts_on), min(now, _midnight(campaign.ends_on + dt.timedelta(days=1))))


@dataclass(frozen=True)
class Source:
    """Rows counted as of `D` (`rows`), how a row reaches its region, and what narrows them to the period."""

    rows: Callable[[Window], QuerySet]
    region_path: str
    period: Callable[[Window], Q]
    # The same rows in the shape for many regions at once, where it differs: one pass over a table instead of an
    # index probe per row (tests pin both shapes to the same figures).
    scan: Source | None = None


@dataclass(frozen=True)
class FigureDef:
    code: str
    source: str
    condition: Q | None = None
    distinct: str | None = None  # count distinct values of this field (students, mentors, venues); rows when None
    in_period: bool = True  # False for states (consents in force, quotas met): they have no "within the period" value
    of: str = ""  # for keyed figures: (participants_by_nosology, "hearing.offline")


def _students(w: Window) -> QuerySet:
    return Student.objects.filter(created_at__lt=w.end)


def _diagnosed(w: Window) -> QuerySet:
    # Correlated subqueries probe each student of one region through the (student, stage) unique index; a semi-join
    # would hash the diagnostics of the whole country for one region (see dashboards/navigator.py).
    done = DiagnosticResult.objects.filter(student=OuterRef("pk"), completed_at__lt=w.end).order_by().values("student")
    return _students(w).annotate(
        stages_done=Subquery(done.annotate(n=Count("*")).values("n"), output_field=IntegerField()),
        last_stage_at=Subquery(done.annotate(last=Max("completed_at")).values("last")),
    ).filter(stages_done=3)  # one row per student and stage is unique: 3 rows are stages 1, 2 and 3


def _diagnosis_done(w: Window) -> QuerySet:
    """Students with three stages done by `D`, one aggregate pass over the diagnostics (for many regions)."""
    return (
        DiagnosticResult.objects.filter(completed_at__lt=w.end).order_by().values("student")
        .annotate(n=Count("*"), last=Max("completed_at")).filter(n=3)
    )


def _diagnosed_scan(w: Window) -> QuerySet:
    return _students(w).filter(pk__in=_diagnosis_done(w).values("student"))


def _attended(w: Window) -> QuerySet:
    return Booking.objects.filter(
        status=Booking.Status.ATTENDED, event__campaign=w.campaign, event__starts_at__lt=w.end
    )


def _held(w: Window) -> QuerySet:
    attended = Booking.objects.filter(event=OuterRef("pk"), status=Booking.Status.ATTENDED)
    return Event.objects.filter(
        campaign=w.campaign, status=Event.Status.PUBLISHED, ends_at__lt=w.end
    ).filter(Exists(attended))


def _navigators(w: Window) -> QuerySet:
    registered = (
        Student.objects.filter(registered_by=OuterRef("pk"), created_at__lt=w.end)
        .order_by().values("registered_by").annotate(n=Count("*")).values("n")
    )
    quota = RegionTarget.objects.filter(campaign=w.campaign, region=OuterRef("region")).values(
        "students_per_navigator"
    )[:1]
    return Navigator.objects.filter(created_at__lt=w.end).annotate(
        students_registered=Coalesce(Subquery(registered, output_field=IntegerField()), 0),
        quota=Coalesce(Subquery(quota), Value(DEFAULT_STUDENTS_PER_NAVIGATOR)),
    )


def _consents(w: Window) -> QuerySet:
    return Consent.objects.filter(given_at__lt=w.end).filter(Q(withdrawn_at__isnull=True) | Q(withdrawn_at__gte=w.end))


def _appeals(w: Window) -> QuerySet:
    # Appeals carry no campaign: those received since the campaign began count for it.
    return Appeal.objects.filter(received_at__gte=w.campaign_start, received_at__lt=w.end)


# The records a coordinator keeps (issue 13 §1) count for their campaign when dated from its first day to `D`. A
# training need is dated when it is entered (its wished month lies ahead by nature).
def _promotion(w: Window) -> QuerySet:
    return PromotionMeasure.objects.filter(
        campaign=w.campaign, held_on__gte=w.campaign.starts_on, held_on__lte=w.last_day
    )


def _trainings(w: Window) -> QuerySet:
    return TeamTraining.objects.filter(
        campaign=w.campaign, completed_on__gte=w.campaign.starts_on, completed_on__lte=w.last_day
    )


def _needs(w: Window) -> QuerySet:
    return TrainingNeed.objects.filter(campaign=w.campaign, created_at__gte=w.campaign_start, created_at__lt=w.end)


def _media(w: Window) -> QuerySet:
    # Photos and videos of the region's events and work (issue 15 §5), dated by their upload; a deleted file is gone.
    return MediaFile.objects.filter(campaign=w.campaign, uploaded_at__gte=w.campaign_start, uploaded_at__lt=w.end)


SOURCES: dict[str, Source] = {
    "students": Source(_students, "region", lambda w: Q(created_at__gte=w.start)),
    "diagnosed": Source(
        _diagnosed, "region", lambda w: Q(last_stage_at__gte=w.start),
        scan=Source(
            _diagnosed_scan, "region",
            lambda w: Q(pk__in=_diagnosis_done(w).filter(last__gte=w.start).values("student")),
        ),
    ),
    "attended": Source(_attended, "student__region", lambda w: Q(event__starts_at__gte=w.start)),
    "held": Source(_held, "region", lambda w: Q(ends_at__gte=w.start)),
    "navigators": Source(_navigators, "region", lambda w: Q(created_at__gte=w.start)),
    "consents": Source(_consents, "student__region", lambda w: Q(given_at__gte=w.start)),
    "promotion": Source(_promotion, "region", lambda w: Q(held_on__gte=w.first_day)),
    "trainings": Source(_trainings, "region", lambda w: Q(completed_on__gte=w.first_day)),
    "needs": Source(_needs, "region", lambda w: Q(created_at__gte=w.start)),
    "appeals": Source(_appeals, "region", lambda w: Q(received_at__gte=w.start)),
    "media": Source(_media, "region", lambda w: Q(uploaded_at__gte=w.start)),
}

LEVELS = {
    "participants_introductory": Event.Level.INTRODUCTORY,
    "participants_engaged": Event.Level.ENGAGED,
    "participants_in_depth": Event.Level.IN_DEPTH,
}
MODES = {"participants_offline": Event.Mode.OFFLINE, "participants_online": Event.Mode.ONLINE}
NOSOLOGY_CODES = tuple(Nosology.Code.values)
MODE_CODES = tuple(Event.Mode.values)  # offline, online

FIGURES: list[FigureDef] = [
    FigureDef("students_registered", "students"),
    FigureDef("diagnostics_completed", "diagnosed"),
    FigureDef("participants", "attended", distinct="student"),
    *(FigureDef(code, "attended", Q(event__level=level), distinct="student") for code, level in LEVELS.items()),
    *(FigureDef(code, "attended", Q(event__mode=mode), distinct="student") for code, mode in MODES.items()),
    FigureDef("participations", "attended"),
    FigureDef("participants_disabled", "attended", Q(student__nosology__isnull=False), distinct="student"),
    *(
        FigureDef(
            "participants_by_nosology", "attended", Q(student__nosology__code=code, event__mode=mode),
            distinct="student", of=f"{code}.{mode}",
        )
        for code in NOSOLOGY_CODES for mode in MODE_CODES
    ),
    FigureDef("events_held", "held", distinct="pk"),
    FigureDef("mentors_active", "held", distinct="mentors"),
    FigureDef("venues_active", "held", distinct="venue"),
    FigureDef("navigators", "navigators"),
    FigureDef("navigators_at_quota", "navigators", Q(students_registered__gte=F("quota")), in_period=False),
    FigureDef("consents_active", "consents", distinct="student", in_period=False),
    FigureDef("promotion_measures", "promotion"),
    FigureDef("team_trainings", "trainings"),
    FigureDef("training_needs", "needs"),
    FigureDef("media_files", "media"),
    FigureDef("appeals", "appeals"),
]

# The region's targets for the campaign (RegionTarget fields), printed beside the figures they are compared with.
TARGETS = {
    "target_students": "students",
    "target_navigators": "navigators",
    "target_diagnostics": "diagnostics",
    "target_trials": "trials",
}
# target → the figure it is compared with (seed 003: ≥4,500 students, ≥75 navigators, ≥865 trials)
TARGET_FIGURES = {
    "target_students": "students_registered",
    "target_navigators": "navigators",
    "target_diagnostics": "diagnostics_completed",
    "target_trials": "participations",
}

def figure_key(d: FigureDef) -> str:
    return f"{d.code}.{d.of}" if d.of else d.code


FIGURES_BY_KEY = {figure_key(d): d for d in FIGURES}
