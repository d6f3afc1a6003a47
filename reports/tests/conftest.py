"""A region with known answers for every figure of SPEC §4 (the `known` fixture), on top of the shared `world`.

Region «a» (71) of campaign C (1 Sep – 20 Dec 2026); the monthly report is November 2026 in Moscow time. The expected
values, worked out by hand, are `NOVEMBER`, `NOVEMBER_PERIOD`, `CAMPAIGN` below; each edge of issue 13's "Done means"
is in the data: s1 attends two introductory events (counted once there), s5 is anonymised (still counted), s7's
consent is withdrawn on 1 Dec at 00:30 Moscow time (in force at the end of November, not in the campaign report), s3's
bookings are cancelled and no-show, s2 attends an event of another campaign, a student of region «b» attends an event
of «a», and E4, E5, s6, N3 sit on either side of midnight of 30 November in Moscow (21:00 UTC).
"""

import datetime as dt
import zoneinfo
from types import SimpleNamespace

import pytest
from django.utils import timezone

from participants.models import Consent, DiagnosticResult, Navigator, Student
from participants.tests.factories import ConsentFactory, NavigatorFactory, StudentFactory
from regions.models import Appeal, Campaign, CampaignStage, PromotionMeasure, TeamTraining, TrainingNeed
from regions.tests.factories import CampaignFactory, RegionTargetFactory, UserFactory, nosology
from reports import services
from reports.services import builds
from reports.models import Report, ReportType
from venues.models import Booking, Event, MediaFile
from venues.services.media import media_delete
from venues.tests.factories import BookingFactory, EventFactory, MediaFileFactory, MentorFactory, VenueFactory

MSK = zoneinfo.ZoneInfo("Europe/Moscow")


def at(month, day, hour=12, minute=0, year=2026):
    return dt.datetime(year, month, day, hour, minute, tzinfo=MSK)


OCT = at(10, 15)
NOV = at(11, 10)
LAST_MINUTE_OF_NOVEMBER = at(11, 30, 23, 30)
FIRST_MINUTE_OF_DECEMBER = at(12, 1, 0, 30)  # still 30 November in UTC

NOSOLOGY_ZERO = {code: {"offline": 0, "online": 0} for code in
                 ("hearing", "sight", "musculoskeletal", "intellectual", "autism", "other")}


def _nosology(hearing_online):
    result = {code: dict(modes) for code, modes in NOSOLOGY_ZERO.items()}
    result["hearing"]["online"] = hearing_online
    return result


TARGETS = {"target_students": 100, "target_navigators": 10, "target_diagnostics": 50, "target_trials": 20}
NOVEMBER_RECORDS = {"promotion_measures": 2, "team_trainings": 1, "training_needs": 1, "media_files": 3}

NOVEMBER = {
    "students_registered": 6, "diagnostics_completed": 2,
    "participants": 4, "participants_introductory": 2, "participants_engaged": 2, "participants_in_depth": 1,
    "participants_offline": 1, "participants_online": 4, "participations": 6,
    "participants_disabled": 1, "participants_by_nosology": _nosology(1),
    "events_held": 4, "mentors_active": 2, "venues_active": 2,
    "navigators": 2, "navigators_at_quota": 1, "consents_active": 5,
    **TARGETS, **NOVEMBER_RECORDS, "appeals": 1,
}
NOVEMBER_PERIOD = {
    "students_registered": 3, "diagnostics_completed": 1,
    "participants": 4, "participants_introductory": 2, "participants_engaged": 2, "participants_in_depth": 1,
    "participants_offline": 0, "participants_online": 4, "participations": 5,
    "participants_disabled": 1, "participants_by_nosology": _nosology(1),
    "events_held": 3, "mentors_active": 2, "venues_active": 2,
    "navigators": 0, "promotion_measures": 1, "team_trainings": 1, "training_needs": 1, "media_files": 2,
    "appeals": 1,
}
CAMPAIGN = {
    "students_registered": 7, "diagnostics_completed": 3,
    "participants": 4, "participants_introductory": 2, "participants_engaged": 3, "participants_in_depth": 1,
    "participants_offline": 1, "participants_online": 4, "participations": 7,
    "participants_disabled": 1, "participants_by_nosology": _nosology(1),
    "events_held": 5, "mentors_active": 2, "venues_active": 2,
    "navigators": 3, "navigators_at_quota": 2, "consents_active": 5,
    **TARGETS, "promotion_measures": 3, "team_trainings": 1, "training_needs": 2, "media_files": 4, "appeals": 2,
}
# The campaign report's period is the campaign itself: every student, navigator and event here falls within it.
CAMPAIGN_PERIOD = {code: value for code, value in CAMPAIGN.items()
                   if code not in ("navigators_at_quota", "consents_active", *TARGETS)}


def _student(school, created_at, navigator=None, **kwargs):
    student = StudentFactory(school=school, registered_by=navigator, **kwargs)
    Student.objects.filter(pk=student.pk).update(created_at=created_at)
    return student


def _consent(student, given_at, withdrawn_at=None):
    return ConsentFactory(student=student, given_at=given_at, withdrawn_at=withdrawn_at)


def _event(venue, campaign, starts_at, level, *, online=True, hours=1, mentors=()):
    event = EventFactory(venue=venue, campaign=campaign, starts_at=starts_at,
                         ends_at=starts_at + dt.timedelta(hours=hours), level=level, online=online)
    event.mentors.set(mentors)
    return event


def _attend(student, event, status=Booking.Status.ATTENDED):
    return BookingFactory(student=student, event=event, status=status)


def _diagnostics(student, *times):
    for stage, completed_at in enumerate(times, start=1):
        DiagnosticResult.objects.create(student=student, stage=stage, completed_at=completed_at, result="")


def _records(region, campaign, other_campaign):
    """Promotion: 10 Oct, 5 Nov, 3 Dec, and one of another campaign; training: 20 Nov, and 15 Aug before the campaign;
    needs: entered in November and on 2 December."""
    for held_on, of in ((dt.date(2026, 10, 10), campaign), (dt.date(2026, 11, 5), campaign),
                        (dt.date(2026, 12, 3), campaign), (dt.date(2026, 11, 6), other_campaign)):
        PromotionMeasure.objects.create(region=region, campaign=of, kind="publication", held_on=held_on,
                                        title=f"=Статья {held_on}", reach=1500)
    for completed_on in (dt.date(2026, 11, 20), dt.date(2026, 8, 15)):
        TeamTraining.objects.create(region=region, campaign=campaign, person_name="Петрова Ольга", role="teacher",
                                    course="Навигатор профориентации", format="course", completed_on=completed_on)
    for created_at in (NOV, at(12, 2)):
        need = TrainingNeed.objects.create(region=region, campaign=campaign, topic="Работа с ОВЗ", audience="teacher",
                                           people_count=12, wished_month=dt.date(2027, 2, 1))
        TrainingNeed.objects.filter(pk=need.pk).update(created_at=created_at)


def _media(world, campaign, other_campaign, events) -> dict:
    """Photos and videos: of region a's campaign uploaded 15 Oct, 10 Nov, at 23:30 on 30 Nov (the region's own) and at
    00:30 on 1 Dec; and what must not count — one deleted, one of region b, one of another campaign, one uploaded
    before the campaign began."""
    a = world.a
    e1, e3, e5, e2, eb, e_old = events
    made = {}
    for name, when, fields in (
        ("october", OCT, {"event": e1}),
        ("november", NOV, {"event": e3, "kind": MediaFile.Kind.VIDEO}),
        ("last_minute", LAST_MINUTE_OF_NOVEMBER, {"event": None, "region": a.region, "campaign": campaign}),
        ("december", FIRST_MINUTE_OF_DECEMBER, {"event": e5}),
        ("deleted", NOV, {"event": e2, "uploaded_by": a.coordinator.user}),
        ("other_region", NOV, {"event": eb}),
        ("other_campaign", NOV, {"event": e_old}),
        ("before_campaign", at(8, 20), {"event": None, "region": a.region, "campaign": campaign}),
    ):
        made[name] = MediaFileFactory(**fields)
        MediaFile.objects.filter(pk=made[name].pk).update(uploaded_at=when)
    media_delete(actor=a.coordinator.user, media=made.pop("deleted"))
    return made


@pytest.fixture
def known(world):
    a, b = world.a, world.b
    campaign = world.campaign
    Campaign.objects.filter(pk=campaign.pk).update(
        starts_on=dt.date(2026, 9, 1), ends_on=dt.date(2026, 12, 20),
        booking_opens_at=at(9, 1), booking_closes_at=at(12, 20),
    )
    campaign.refresh_from_db()
    for stage in (1, 2):
        CampaignStage.objects.create(campaign=campaign, number=stage, title=f"Этап {stage}",
                                     starts_on=dt.date(2026, 9, 1), deadline=dt.date(2026, 10 + stage, 1))
    other_campaign = CampaignFactory(name="Кампания 2025", year=2025, is_active=False)
    # the world's rows were made "now": move them to October so that the month's figures do not depend on the day
    Student.objects.update(created_at=OCT)
    Navigator.objects.update(created_at=OCT)
    Consent.objects.update(given_at=OCT)
    RegionTargetFactory(campaign=campaign, region=a.region, students=100, navigators=10, diagnostics=50, trials=20,
                        students_per_navigator=2)
    school1, school2 = a.school, a.other_school
    n1, n2 = a.navigator, a.other_navigator
    s1, s2, s3 = a.student, a.sibling, a.other_student
    Student.objects.filter(pk__in=[s1.pk, s2.pk]).update(registered_by=n1)
    Student.objects.filter(pk=s3.pk).update(registered_by=n2)
    s4 = _student(school1, NOV, nosology=nosology("hearing"))
    s5 = _student(school1, NOV, last_name="", first_name="", anonymised_at=at(11, 25))
    s6 = _student(school2, FIRST_MINUTE_OF_DECEMBER, navigator=n2)
    s7 = _student(school2, NOV)
    n3 = NavigatorFactory(school=school1, user=UserFactory())
    Navigator.objects.filter(pk=n3.pk).update(created_at=FIRST_MINUTE_OF_DECEMBER)
    _consent(s4, NOV)
    _consent(s5, NOV, withdrawn_at=at(11, 15))
    _consent(s6, FIRST_MINUTE_OF_DECEMBER)
    _consent(s7, OCT, withdrawn_at=FIRST_MINUTE_OF_DECEMBER)
    _diagnostics(s1, OCT, OCT, OCT)
    _diagnostics(s2, OCT, OCT, NOV)
    _diagnostics(s3, OCT, OCT)
    _diagnostics(s4, NOV, NOV, FIRST_MINUTE_OF_DECEMBER)

    m1, m2 = a.mentor, MentorFactory(region=a.region)
    v1, v2 = a.venue, a.other_venue
    level = Event.Level
    e1 = _event(v1, campaign, at(10, 20), level.INTRODUCTORY, online=False, mentors=[m1])
    e2 = _event(v1, campaign, at(11, 5), level.INTRODUCTORY, mentors=[m1])
    e3 = _event(v2, campaign, at(11, 12), level.ENGAGED, mentors=[m2])
    e4 = _event(v2, campaign, at(11, 30, 23, 0), level.IN_DEPTH, hours=0.8)
    e5 = _event(v1, campaign, FIRST_MINUTE_OF_DECEMBER, level.ENGAGED)
    eb = _event(b.venue, campaign, at(11, 6), level.ENGAGED)
    e_old = _event(v1, other_campaign, at(11, 8), level.IN_DEPTH)
    for student, event in ((s1, e1), (s1, e2), (s1, eb), (s2, e3), (s2, e_old), (s4, e4), (s4, e5), (s5, e2),
                           (b.student, e2)):
        _attend(student, event)
    _attend(s3, e3, Booking.Status.NO_SHOW)
    _attend(s3, e2, Booking.Status.CANCELLED)

    for received_at in (at(8, 20), at(11, 3), at(12, 2)):
        Appeal.objects.create(region=a.region, author_name="Заявитель", subject="Вопрос", text="…",
                              received_at=received_at, due_on=received_at.date() + dt.timedelta(days=30))
    _records(a.region, campaign, other_campaign)
    media = _media(world, campaign, other_campaign, (e1, e3, e5, e2, eb, e_old))
    return SimpleNamespace(media=media,
        world=world, campaign=campaign, region=a.region, other_region=b.region, period=dt.date(2026, 11, 1),
        school1=school1, school2=school2, n1=n1, n2=n2, n3=n3, m1=m1, m2=m2, v1=v1, v2=v2,
        s1=s1, s2=s2, s3=s3, s4=s4, s5=s5, s6=s6, s7=s7, e1=e1, e2=e2, e3=e3, e4=e4, e5=e5, eb=eb, e_old=e_old,
    )


# --- The storage side: a stand-in renderer (the fast tests are about storing, not figures — the worker and browser
# tests run the real one) and ready reports of the shared world ------------------------------------------------------

FAKE_PDF = b"%PDF-1.4 fake report\n%%EOF\n"
FAKE_XLSX = b"PK\x03\x04 fake workbook"


class FakeRenderer:
    """Records its calls, reports three progress steps, returns fixed bytes (or raises what it is told to)."""

    def __init__(self):
        self.calls = []
        self.error = None

    def __call__(self, *, report_type, campaign, region=None, period=None, regions=None, author="", progress=None):
        self.calls.append(SimpleNamespace(
            report_type=report_type, campaign=campaign, region=region, period=period, author=author,
            regions=None if regions is None else sorted(r.code for r in regions),
        ))
        if self.error is not None:
            raise self.error
        for stage, percent in (("показатели", 30), ("PDF", 60), ("XLSX", 90)):
            if progress is not None:
                progress(stage, percent)
        return SimpleNamespace(
            report_type=report_type, region=region, campaign=campaign, period=period,
            figures={"students_registered": 3}, period_figures={"participations": 1},
            pdf=FAKE_PDF, xlsx=FAKE_XLSX, filename_stem=f"{report_type}-{region.code if region else 'all'}",
        )


@pytest.fixture
def renderer(monkeypatch):
    fake = FakeRenderer()
    monkeypatch.setattr(builds, "_default_renderer", lambda: fake)
    return fake


@pytest.fixture
def ready_report(world, renderer):
    """A's campaign report, built by its coordinator."""
    report, _created = services.report_request(
        actor=world.a.coordinator.user, report_type=ReportType.CAMPAIGN, region=world.a.region,
        campaign=world.campaign,
    )
    return services.report_build(report_id=report.pk)


def make_report(world, side="a", report_type=ReportType.CAMPAIGN, period=None, state=Report.State.READY) -> Report:
    w = getattr(world, side)
    report, _created = services.report_request(
        actor=w.coordinator.user, report_type=report_type, region=w.region, campaign=world.campaign, period=period,
    )
    if state == Report.State.READY:
        report = services.report_build(report_id=report.pk)
    return report


# --- the home page's tests: `world` with region a's figures made distinct ---------------------------------------


def _home_diagnostics(student, stages):
    for stage in stages:
        DiagnosticResult.objects.create(student=student, stage=stage, completed_at=timezone.now(), result="ok")


@pytest.fixture
def rich_world(world):
    """`world` plus rows that make region a's figures distinct, and more rows in region b that must never show."""
    a, b = world.a, world.b
    _home_diagnostics(a.student, [1, 2, 3])
    _home_diagnostics(a.sibling, [1, 2])  # not complete
    EventFactory(venue=a.venue, campaign=world.campaign, status=Event.Status.SUBMITTED)
    EventFactory(venue=a.venue, campaign=world.campaign, status=Event.Status.DRAFT)
    past = EventFactory(
        venue=a.venue, campaign=world.campaign,
        starts_at=timezone.now() - dt.timedelta(days=3), ends_at=timezone.now() - dt.timedelta(days=3, hours=-2),
    )
    past.mentors.add(a.mentor)
    BookingFactory(event=past, student=a.sibling, status=Booking.Status.ATTENDED)
    RegionTargetFactory(campaign=world.campaign, region=a.region, navigators=75, students=4500, diagnostics=4500, trials=865)
    # region b: more of everything, so its counts differ from region a's
    for _ in range(5):
        ConsentFactory(student=StudentFactory(school=b.school))
    VenueFactory(municipality=b.municipality)
    NavigatorFactory(school=b.school)
    return world
