"""seed_demo (SPEC §6): idempotent, every role in both regions, logins a script can read, bookings within the rules."""

import io
from collections import defaultdict

import pytest
from django.apps import apps
from django.contrib.auth import authenticate
from django.core.management import call_command
from django.db.models import Count, Q
from django.utils import timezone

from bilet.models import User
from bilet.roles import get_roles
from participants.models import Consent, Guardian, Navigator, Student
from regions.models import Campaign, Coordinator, Curator, Region, RegionTarget
from devdata.demo_venues import SEAT_HOLDING
from venues.models import Booking, Event, Mentor, VenueCampaign, VenueStaff

pytestmark = pytest.mark.django_db

REGIONS = {"71": "Тульская область", "67": "Смоленская область"}


def run_seed() -> list[str]:
    out, err = io.StringIO(), io.StringIO()
    call_command("seed_demo", stdout=out, stderr=err)
    return out.getvalue().splitlines()


def row_counts() -> dict[str, int]:
    return {
        model._meta.label: model.objects.count()
        for app in ("bilet", "regions", "participants", "venues")
        for model in apps.get_app_config(app).get_models()
    }


@pytest.fixture
def seeded():
    return run_seed()


def test_second_run_changes_nothing(seeded):
    before = row_counts()
    statuses = dict(Booking.objects.values_list("pk", "status"))
    seats = dict(Event.objects.values_list("pk", "seats_taken"))
    passwords = dict(User.objects.values_list("email", "password"))
    second = run_seed()
    assert second == seeded
    assert row_counts() == before
    assert dict(Booking.objects.values_list("pk", "status")) == statuses
    assert dict(Event.objects.values_list("pk", "seats_taken")) == seats
    assert dict(User.objects.values_list("email", "password")) == passwords
    assert before["venues.Booking"] > 50 and before["participants.Student"] >= 50


def test_every_printed_login_signs_in_with_the_role_it_names(seeded):
    assert len(seeded) >= 20
    labels = {
        "операт": "operator", "куратор": "curator", "координатор": "coordinator", "навигатор": "navigator",
        "участник": "student", "родитель": "guardian", "площадк": "venue_staff", "наставник": "mentor",
    }
    for line in seeded:
        email, password, role = line.split(maxsplit=2)
        user = authenticate(username=email, password=password)
        assert user is not None, line
        held = get_roles(user).names
        assert [code for word, code in labels.items() if word in role] == [held[0]], line
        if "operator" not in held:
            assert any(f"({name})" in role for name in REGIONS.values()), line


def test_the_logins_cover_every_role_in_both_regions(seeded):
    roles_by_region = defaultdict(set)
    for line in seeded:
        email, _password, _role = line.split(maxsplit=2)
        user = authenticate(username=email, password="demo-pass-2026")
        roles = get_roles(user)
        for code, name in REGIONS.items():
            if name in line:
                roles_by_region[code].update(roles.names)
    for code in REGIONS:
        assert roles_by_region[code] >= {"coordinator", "navigator", "student", "guardian", "venue_staff", "mentor"}
    assert "curator" in roles_by_region["71"] and "curator" not in roles_by_region["67"]


def test_current_campaign_has_the_2020_rules_and_the_2022_stages_moved_to_2026(seeded):
    campaign = Campaign.objects.get(is_active=True)
    assert campaign.year == 2026
    assert (campaign.max_events_per_student, campaign.max_offline_per_student) == (4, 1)
    assert (campaign.cancel_hours_before, campaign.recommendation_days) == (24, 7)
    assert campaign.booking_opens_at <= timezone.now() < campaign.booking_closes_at
    stages = list(campaign.stages.order_by("number"))
    assert [s.number for s in stages] == [1, 2, 3, 4, 5]
    assert all(s.starts_on.year == 2026 for s in stages)
    assert stages[0].deadline.isoformat() == "2026-05-16"


def test_operator_and_a_curator_of_one_region(seeded):
    curator = Curator.objects.get(user__email="curator@demo.bilet.local")
    assert list(curator.regions.values_list("code", flat=True)) == ["71"]
    operator = authenticate(username="operator@demo.bilet.local", password="demo-pass-2026")
    assert operator.is_superuser and operator.is_staff


@pytest.mark.parametrize("code", REGIONS)
def test_each_region_has_every_item_of_spec_6(seeded, code):
    region = Region.objects.get(code=code, name=REGIONS[code])
    campaign = Campaign.objects.get(is_active=True)
    assert Coordinator.objects.filter(region=region, user__email=f"coordinator{code}@demo.bilet.local").exists()
    assert region.municipalities.count() >= 2
    schools = region.schools.annotate(navigator_count=Count("navigators"), student_count=Count("students"))
    assert schools.count() >= 2
    assert all(s.navigator_count >= 1 and s.student_count >= 5 for s in schools)

    students = Student.objects.filter(region=region)
    in_force = Q(consents__withdrawn_at__isnull=True, consents__isnull=False)
    assert students.filter(in_force).exists()
    assert students.filter(consents__isnull=True).exists()
    assert students.filter(nosology__isnull=False).exists()
    assert Consent.objects.filter(student__region=region, withdrawn_at__isnull=False).exists()
    assert Consent.objects.filter(student__region=region, paper_received_on__isnull=False).exists()
    two_children = Guardian.objects.filter(children__region=region).annotate(n=Count("children")).filter(n=2)
    assert two_children.exists()
    assert Navigator.objects.filter(region=region).count() >= 2

    signed = VenueCampaign.objects.filter(venue__region=region, campaign=campaign, contract_status="signed")
    assert signed.exists()
    assert VenueStaff.objects.filter(venue__in=signed.values("venue")).exists()
    mentor = Mentor.objects.get(region=region, user__email=f"mentor{code}@demo.bilet.local")
    assert mentor.competencies.count() >= 2 and mentor.venues.exists()
    assert {"Сварочные технологии", "Программные решения для бизнеса"} <= set(
        mentor.competencies.values_list("name", flat=True)
    )

    events = Event.objects.filter(region=region, campaign=campaign)
    now = timezone.now()
    upcoming = events.filter(status="published", starts_at__gt=now)
    assert upcoming.filter(mode="offline").exists() and upcoming.filter(mode="online").exists()
    nearly_full = [e for e in upcoming if 0 < e.seats_left <= 2]
    assert len(nearly_full) >= 2
    full = [e for e in upcoming if e.seats_left == 0]
    assert full and full[0].bookings.filter(status="waitlisted").count() >= 1
    to_mark = events.filter(status="published", ends_at__lt=now, attendance_marked_at__isnull=True)
    assert to_mark.filter(bookings__status="confirmed").exists()
    marked = events.filter(attendance_marked_at__isnull=False)
    assert marked.filter(bookings__status="attended").exists()
    assert marked.filter(bookings__recommendation__isnull=False).exists()
    assert events.filter(status="draft").exists() and events.filter(status="submitted").exists()

    target = RegionTarget.objects.get(region=region, campaign=campaign)
    assert target.navigators >= 75 and target.students >= 4500 and target.trials >= 865


def test_bookings_keep_capacity_and_the_campaign_rules(seeded):
    campaign = Campaign.objects.get(is_active=True)
    for event in Event.objects.annotate(held=Count("bookings", filter=Q(bookings__status__in=SEAT_HOLDING))):
        assert event.seats_taken == event.held <= event.capacity, event.title
    holding = Booking.objects.filter(status__in=SEAT_HOLDING).select_related("event", "student")
    per_student = defaultdict(list)
    for booking in holding:
        per_student[booking.student_id].append(booking.event)
        student = booking.student
        assert booking.event.grade_min <= student.grade <= booking.event.grade_max
        assert Consent.objects.filter(student=student, withdrawn_at__isnull=True).exists(), student
    for events in per_student.values():
        assert len(events) <= campaign.max_events_per_student
        assert sum(e.mode == "offline" for e in events) <= campaign.max_offline_per_student
        ordered = sorted(events, key=lambda e: e.starts_at)
        assert all(a.ends_at <= b.starts_at for a, b in zip(ordered, ordered[1:])), "overlapping bookings"
    # A waiting student holds no in-person seat elsewhere, so promotion is possible.
    for booking in Booking.objects.filter(status="waitlisted"):
        assert not holding.filter(student=booking.student, event__mode="offline").exists()


def test_the_family_that_signs_in_can_still_book_an_in_person_event(seeded):
    from venues.services.booking import booking_refusal

    student = Student.objects.get(user__email="student71@demo.bilet.local")
    guardian = authenticate(username="guardian71@demo.bilet.local", password="demo-pass-2026")
    event = Event.objects.filter(region__code="71", mode="offline", status="published", starts_at__gt=timezone.now())
    event = next(e for e in event if e.seats_left > 0)
    assert booking_refusal(actor=student.user, event=event, student=student) is None
    assert booking_refusal(actor=guardian, event=event, student=student) is None
    without_consent = Student.objects.get(user__email="student71b@demo.bilet.local")
    refusal = booking_refusal(actor=without_consent.user, event=event, student=without_consent)
    assert refusal is not None and refusal.message


def test_a_student_is_halfway_through_a_stage(seeded):
    from participants.models import DiagnosticAttempt, DiagnosticResult

    for code in REGIONS:
        student = Student.objects.get(user__email=f"student{code}@demo.bilet.local")
        results = DiagnosticResult.objects.filter(student=student).order_by("stage")
        assert [(r.stage, r.version is not None) for r in results] == [(1, True), (2, True)]
        assert results[1].spheres == ["Информационные технологии"]
        assert "Профессиональные сферы, с которых стоит начать: Информационные технологии." in results[1].result
        attempt = DiagnosticAttempt.objects.get(student=student, stage=3, completed_at__isnull=True)
        assert attempt.answers.count() == 5 and attempt.version.questions.count() == 8
        fresh = Student.objects.get(user__email=f"student{code}b@demo.bilet.local")
        assert not DiagnosticResult.objects.filter(student=fresh).exists()
        assert not DiagnosticAttempt.objects.filter(student=fresh).exists()


@pytest.mark.parametrize("code", REGIONS)
def test_each_region_keeps_records_and_monitoring_values(seeded, code):
    """Issue 13 §1, §2d: a few records of each kind, dated as the services require, and monitoring values."""
    from regions.models import MonitoringValue, PromotionMeasure, TeamTraining, TrainingNeed

    campaign = Campaign.objects.get(is_active=True)
    today = timezone.localdate()
    for model, date_field in ((PromotionMeasure, "held_on"), (TeamTraining, "completed_on")):
        records = model.objects.filter(region__code=code, campaign=campaign)
        assert records.count() >= 3
        assert all(campaign.starts_on <= getattr(r, date_field) <= min(today, campaign.ends_on) for r in records)
    needs = TrainingNeed.objects.filter(region__code=code, campaign=campaign)
    assert needs.count() >= 2 and all(n.wished_month.day == 1 for n in needs)
    values = MonitoringValue.objects.filter(region__code=code)
    assert values.filter(year=today.year).exists() and values.filter(year=today.year - 1).exists()
    assert not values.exclude(indicator__figure_code="").exists()


def test_monitoring_indicators_of_seed_004_with_units_and_figures(seeded):
    from regions.models import MonitoringCriterion, MonitoringIndicator

    assert MonitoringCriterion.objects.count() == 5
    units = set(MonitoringIndicator.objects.values_list("unit", flat=True))
    assert units == {"units", "people", "yes_no", "percent"}
    assert MonitoringIndicator.objects.exclude(figure_code="").count() >= 3

def test_a_parents_invitation_waits_and_its_printed_link_opens(client):
    from participants.models import GuardianInvitation

    err = io.StringIO()
    call_command("seed_demo", stdout=io.StringIO(), stderr=err)
    printed = [line for line in err.getvalue().splitlines() if ":8000/invitations/" in line]
    assert len(printed) == 2
    for line in printed:
        path = line.split("http://127.0.0.1:8000", 1)[1]
        page = client.get(path)
        assert page.status_code == 200 and page.context["state"] == "open"
        invitation = page.context["invitation"]
        assert invitation.student.user.email in line and not page.context["has_account"]
    # a person accepts one; the next run brings the demo back to a waiting invitation without that account
    client.post(path, {"answer": "accept", "last_name": "Иванова", "first_name": "Анна", "middle_name": "",
                       "password1": "Kvadrat-2026-sinij", "password2": "Kvadrat-2026-sinij"})
    assert User.objects.filter(email=invitation.email).exists()
    run_seed()
    assert not User.objects.filter(email=invitation.email).exists()
    assert GuardianInvitation.objects.filter(status="pending").count() == 2
    assert client.get(path).context["state"] == "open"


def test_the_curator_finds_a_report_to_accept_and_the_region_has_photos(seeded):
    from reports.models import Report, ReportSubmission
    from venues.models import MediaFile

    report = Report.objects.get(region__code="71", report_type="campaign")
    assert report.state == "ready" and report.pdf and report.xlsx
    assert ReportSubmission.objects.get(report=report).state == "sent"
    photos = MediaFile.objects.filter(region__code="71")
    assert photos.count() == 3 and photos.filter(event__isnull=True).count() == 1
    assert all(p.kind == "photo" and p.thumbnail for p in photos)
    assert not MediaFile.objects.filter(region__code="67").exists()
