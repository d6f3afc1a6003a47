"""Anonymisation after a withdrawn consent (152-ФЗ art. 21, SPEC §3): the daily job erases a student's personal data
after the grace period — and not before —, once, keeping every figure of SPEC §4 for every past period; it writes an
act of destruction with the log extract, which the region's coordinator can list and download.

The figures: `reports/figures.py` (branch `figures`) is not in main yet, so `spec_figures` below counts each figure of
SPEC §4 by its definition (as of a moment `D`), and the home page's `reports.dashboards.figures_by_region.region_figures` is compared too.
"""

import datetime as dt

import pytest
from allauth.account.models import EmailAddress
from django.db.models import Count, Q
from django.urls import reverse
from django.utils import timezone
from django_celery_beat.models import PeriodicTask

from bilet.models import PersonalDataAccess
from participants.models import Consent, DestructionAct, DiagnosticResult, Navigator, Student
from participants.services.consents import (
    ANONYMISE_AFTER,
    ANONYMISE_LIMIT,
    REDACTED,
    consent_withdraw,
    student_anonymise,
    students_anonymise_due,
)
from participants.tasks import anonymise_withdrawn
from regions.models import Appeal, Nosology, RegionTarget
from reports.dashboards.figures_by_region import region_figures
from venues.models import Booking, Event
from venues.tests.factories import BookingFactory, EventFactory

pytestmark = pytest.mark.django_db


def _withdraw(world, student, *, days_ago: float):
    guardian = world.a.guardian if student in (world.a.student, world.a.sibling) else world.a.other_guardian
    consent_withdraw(actor=guardian.user, student=student)
    Consent.objects.filter(student=student).update(withdrawn_at=timezone.now() - dt.timedelta(days=days_ago))


def test_the_grace_period_meets_the_30_days_of_the_law():
    assert ANONYMISE_AFTER < ANONYMISE_LIMIT == dt.timedelta(days=30)


def test_the_daily_beat_entry_is_created_by_a_migration():
    entry = PeriodicTask.objects.get(task="participants.anonymise_withdrawn")
    assert entry.enabled and entry.crontab.hour == "3" and entry.crontab.day_of_week == "*"


def test_after_the_grace_period_the_job_erases_personal_data_and_writes_the_act(client, world):
    a = world.a
    student, user = a.student, a.student.user
    EmailAddress.objects.create(user=user, email=user.email, verified=True, primary=True)
    # a search that typed the name, and a view of the student's page (linked to the student)
    PersonalDataAccess.objects.create(user=a.navigator.user, kind="view", what="Список", query=f"/students/?q={student.last_name}")
    client.force_login(a.navigator.user)
    client.get(reverse("participants:student_detail", args=[student.pk]))
    _withdraw(world, student, days_ago=ANONYMISE_AFTER.days + 1)

    assert anonymise_withdrawn.delay().get() == [student.pk]

    student.refresh_from_db()
    assert student.anonymised_at is not None
    assert (student.last_name, student.first_name, student.middle_name, student.birth_date) == ("", "", "", None)
    assert (student.region_id, student.school_id, student.grade) == (a.region.pk, a.school.pk, 8)
    user.refresh_from_db()
    assert not user.is_active and not user.has_usable_password()
    assert user.email.endswith("@invalid.example") and "student71" not in user.email
    assert not EmailAddress.objects.filter(user=user).exists()
    # the guardian has another child (the sibling): their account stays
    a.guardian.user.refresh_from_db()
    assert a.guardian.user.is_active and a.guardian.user.email == "guardian71@test.example"
    consent = Consent.objects.get(student=student)
    assert consent.given_by_name == REDACTED and consent.ip_address is None
    assert consent.given_at and consent.withdrawn_at  # the dates the consents figure counts stay
    assert a.booking.__class__.objects.filter(student=student).count() == 1  # rows stay
    for row in PersonalDataAccess.objects.all():
        assert "Студентова71" not in row.query + row.what + row.scope
    act = DestructionAct.objects.get(student=student)
    assert act.region == a.region and act.performed_by is None
    assert act.keep_until == timezone.localdate(act.performed_at).replace(year=timezone.localdate(act.performed_at).year + 3)
    assert "фамилия, имя, отчество" in act.categories and "дата рождения" in act.categories
    assert [e["kind"] for e in act.log_extract] == ["view", "destruction"]
    assert "Студентова" not in str(act.log_extract) + str(act.categories) + act.reason


def test_a_guardian_with_no_other_child_is_erased_too(world):
    a = world.a
    _withdraw(world, a.other_student, days_ago=ANONYMISE_AFTER.days + 1)
    students_anonymise_due()
    guardian_user = a.other_guardian.user
    guardian_user.refresh_from_db()
    assert not guardian_user.is_active and guardian_user.email.endswith("@invalid.example")
    assert (guardian_user.first_name, guardian_user.last_name, guardian_user.phone) == ("", "", "")
    assert "учётная запись родителя: адрес электронной почты, ФИО, телефон" in DestructionAct.objects.get().categories


def test_the_parents_named_at_sign_up_are_erased_and_a_waiting_link_stops_working(world):
    from participants.models import GuardianInvitation

    student = world.a.other_student
    answered, waiting = (
        GuardianInvitation.objects.create(student=student, email=email, last_name="Иванова", first_name="Мария",
                                          middle_name="Петровна", status=status)
        for email, status in (("mama@test.example", "refused"), ("papa@test.example", "pending"))
    )
    other_family = GuardianInvitation.objects.create(
        student=world.a.student, email="other@test.example", last_name="Петрова", first_name="Анна",
    )
    _withdraw(world, student, days_ago=ANONYMISE_AFTER.days + 1)

    students_anonymise_due()

    for invitation in (answered, waiting):
        invitation.refresh_from_db()
        assert (invitation.last_name, invitation.first_name, invitation.middle_name) == ("[удалено]", "[удалено]", "")
        assert invitation.email == f"anonymised-invitation-{invitation.pk}@invalid.example"
    assert (answered.status, waiting.status) == ("refused", "cancelled")
    other_family.refresh_from_db()
    assert (other_family.email, other_family.status) == ("other@test.example", "pending")
    assert "ФИО и адрес электронной почты родителя, указанные при регистрации" in (
        DestructionAct.objects.get().categories
    )


def test_an_account_with_another_role_is_kept(world):
    """A guardian who is also a navigator keeps the account the school's work needs."""
    a = world.a
    Navigator.objects.create(user=a.other_guardian.user, school=a.other_school, region=a.region)
    _withdraw(world, a.other_student, days_ago=ANONYMISE_AFTER.days + 1)
    students_anonymise_due()
    a.other_guardian.user.refresh_from_db()
    assert a.other_guardian.user.is_active


def test_before_the_grace_period_nothing_is_touched(world):
    _withdraw(world, world.a.student, days_ago=ANONYMISE_AFTER.days - 1)
    assert students_anonymise_due() == []
    student = Student.objects.get(pk=world.a.student.pk)
    assert student.anonymised_at is None and student.last_name == "Студентова71"
    assert student.user.is_active and not DestructionAct.objects.exists()


def test_the_job_is_idempotent(world):
    _withdraw(world, world.a.student, days_ago=ANONYMISE_AFTER.days + 3)
    assert students_anonymise_due() == [world.a.student.pk]
    assert students_anonymise_due() == []
    assert student_anonymise(student_id=world.a.student.pk) is None
    assert DestructionAct.objects.count() == 1


def test_a_new_consent_after_the_withdrawal_stops_the_anonymisation(world):
    from participants.services.consents import consent_give

    _withdraw(world, world.a.student, days_ago=ANONYMISE_AFTER.days + 3)
    consent_give(actor=world.a.guardian.user, student=world.a.student, text_version=1, agreed=True)
    assert students_anonymise_due() == []
    assert Student.objects.get(pk=world.a.student.pk).anonymised_at is None


# --- every figure of SPEC §4 stays ----------------------------------------------------------------------------------


def spec_figures(region, campaign, D) -> dict:
    """The figures of SPEC §4 for `region` and `campaign` as of `D`, each by its definition."""
    students = Student.objects.filter(region=region, created_at__lte=D)
    stages = DiagnosticResult.objects.filter(completed_at__lte=D).values("student").annotate(n=Count("*")).filter(n=3)
    attended = Booking.objects.filter(
        student__region=region, status=Booking.Status.ATTENDED, event__campaign=campaign, event__starts_at__lte=D
    )

    def distinct(qs):
        return qs.values("student").distinct().count()

    by_nosology = {}
    for nosology in Nosology.objects.all():
        of = attended.filter(student__nosology=nosology)
        by_nosology[nosology.code] = {m: distinct(of.filter(event__mode=m)) for m in Event.Mode.values}
    held = Event.objects.filter(
        region=region, campaign=campaign, status=Event.Status.PUBLISHED, ends_at__lte=D,
        bookings__status=Booking.Status.ATTENDED,
    ).distinct()
    target = RegionTarget.objects.filter(region=region, campaign=campaign).first()
    navigators = Navigator.objects.filter(region=region, created_at__lte=D).annotate(
        n=Count("registered_students", filter=Q(registered_students__created_at__lte=D))
    )
    return {
        "students_registered": students.count(),
        "diagnostics_completed": students.filter(pk__in=stages.values("student")).count(),
        "participants": distinct(attended),
        "participants_introductory": distinct(attended.filter(event__level=Event.Level.INTRODUCTORY)),
        "participants_engaged": distinct(attended.filter(event__level=Event.Level.ENGAGED)),
        "participants_in_depth": distinct(attended.filter(event__level=Event.Level.IN_DEPTH)),
        "participants_offline": distinct(attended.filter(event__mode=Event.Mode.OFFLINE)),
        "participants_online": distinct(attended.filter(event__mode=Event.Mode.ONLINE)),
        "participations": attended.count(),
        "participants_disabled": distinct(attended.filter(student__nosology__isnull=False)),
        "participants_by_nosology": by_nosology,
        "events_held": held.count(),
        "mentors_active": held.values("mentors").exclude(mentors=None).distinct().count(),
        "venues_active": held.values("venue").distinct().count(),
        "navigators": navigators.count(),
        "navigators_at_quota": navigators.filter(n__gte=target.students_per_navigator).count(),
        "consents_active": Consent.objects.filter(student__region=region, given_at__lte=D)
        .filter(Q(withdrawn_at__isnull=True) | Q(withdrawn_at__gt=D)).values("student").distinct().count(),
        "target_students": target.students,
        "target_navigators": target.navigators,
        "target_diagnostics": target.diagnostics,
        "target_trials": target.trials,
        "appeals": Appeal.objects.filter(region=region, received_at__lte=D).count(),
    }


@pytest.fixture
def history(world):
    """Region a's student with a whole campaign behind them: registered by the navigator 60 days ago, a nosology, all
    three stages, two attended practicums (in person and online, different levels), a consent given 50 days ago and
    withdrawn 30 days ago; the sibling with a booking that stays; a target of 1 student per navigator."""
    a, now = world.a, timezone.now()
    student = a.student
    Student.objects.filter(pk=student.pk).update(
        created_at=now - dt.timedelta(days=60), registered_by=a.navigator, nosology=Nosology.objects.get(code="sight")
    )
    Navigator.objects.filter(pk=a.navigator.pk).update(created_at=now - dt.timedelta(days=90))
    for stage in (1, 2, 3):
        DiagnosticResult.objects.create(student=student, stage=stage, completed_at=now - dt.timedelta(days=55 - stage))
    for days, mode, level in ((45, Event.Mode.OFFLINE, Event.Level.INTRODUCTORY), (35, Event.Mode.ONLINE, Event.Level.ENGAGED)):
        event = EventFactory(venue=a.venue, campaign=world.campaign, online=mode == Event.Mode.ONLINE, level=level,
                             starts_at=now - dt.timedelta(days=days))
        event.mentors.add(a.mentor)
        BookingFactory(event=event, student=student, status=Booking.Status.ATTENDED)
    Consent.objects.filter(student=student).update(given_at=now - dt.timedelta(days=50))
    RegionTarget.objects.create(region=a.region, campaign=world.campaign, students=100, navigators=3, diagnostics=50,
                                trials=80, students_per_navigator=1)
    _withdraw(world, student, days_ago=30)
    return world


def test_every_spec_figure_of_every_past_period_is_the_same_after_anonymisation(history):
    world, now = history, timezone.now()
    moments = [now - dt.timedelta(days=d) for d in (58, 52, 44, 40, 34, 31, 29, 1)] + [now]
    before = {D: spec_figures(world.a.region, world.campaign, D) for D in moments}
    home_before = [(r.region.pk, [(f.key, f.value) for f in r.figures])
                   for r in region_figures(user=world.operator, campaign=world.campaign)]
    # the fixture is not empty: the figures move over the periods
    assert before[moments[0]]["diagnostics_completed"] == 0 and before[now]["diagnostics_completed"] == 1
    assert before[moments[3]]["participants_offline"] == 1 and before[now]["participations"] == 2
    assert before[now]["participants_by_nosology"]["sight"] == {"offline": 1, "online": 1}
    assert before[moments[5]]["consents_active"] == 1 and before[moments[7]]["consents_active"] == 0
    assert before[now]["consents_active"] == 2  # the sibling's and the other student's, given today

    assert students_anonymise_due() == [world.a.student.pk]

    assert Student.objects.get(pk=world.a.student.pk).anonymised_at is not None
    after = {D: spec_figures(world.a.region, world.campaign, D) for D in moments}
    assert after == before
    home_after = [(r.region.pk, [(f.key, f.value) for f in r.figures])
                  for r in region_figures(user=world.operator, campaign=world.campaign)]
    assert home_after == home_before


# --- the acts ---------------------------------------------------------------------------------------------------------


def test_the_coordinator_lists_and_downloads_the_acts_of_their_region(client, world):
    _withdraw(world, world.a.student, days_ago=ANONYMISE_AFTER.days + 1)
    students_anonymise_due()
    act = DestructionAct.objects.get()
    client.force_login(world.a.coordinator.user)
    listing = client.get(reverse("participants:destruction_acts")).content.decode()
    assert reverse("participants:destruction_act", args=[act.pk]) in listing
    response = client.get(reverse("participants:destruction_act", args=[act.pk]))
    assert response.status_code == 200 and response["Content-Type"].startswith("text/plain")
    text = response.content.decode()
    assert f"АКТ № {act.pk} об уничтожении персональных данных" in text
    assert "фамилия, имя, отчество" in text and "Выгрузка из журнала регистрации событий" in text
    assert "Студентова71" not in text


@pytest.mark.parametrize("role", ["coordinator_b", "navigator", "curator", "guardian", "venue_staff"])
def test_acts_outside_the_region_are_404(client, world, role):
    _withdraw(world, world.a.student, days_ago=ANONYMISE_AFTER.days + 1)
    students_anonymise_due()
    act = DestructionAct.objects.get()
    user = {"coordinator_b": world.b.coordinator.user, "curator": world.curator.user}.get(role) or getattr(world.a, role).user
    client.force_login(user)
    assert client.get(reverse("participants:destruction_act", args=[act.pk])).status_code == 404
    listing = client.get(reverse("participants:destruction_acts"))
    assert listing.status_code == 404 or reverse("participants:destruction_act", args=[act.pk]) not in listing.content.decode()
