"""generate_load_data (SPEC §6): the planning shape of §5 in bulk, students sign in with the shared password."""

import io
import math
from collections import defaultdict

import pytest
from django.contrib.auth import authenticate
from django.core.management import CommandError, call_command
from django.db import IntegrityError, connection, transaction
from django.db.models import Count, Q
from django.test.utils import CaptureQueriesContext

from bilet.models import User
from participants.models import Consent, DiagnosticResult, Guardian, Guardianship, Navigator, Student
from regions.models import Coordinator, Municipality, Region, RegionTarget, School
from devdata.demo_venues import SEAT_HOLDING
from venues.models import Booking, Event, Mentor, Venue, VenueCampaign, VenueStaff

pytestmark = pytest.mark.django_db

N, REGIONS = 420, 3


def generate(*args, students=N, regions=REGIONS) -> str:
    out = io.StringIO()
    call_command("generate_load_data", *args, students=students, regions=regions, no_progress=True, stdout=out,
                 stderr=io.StringIO())
    return out.getvalue()


def load_students():
    return Student.objects.filter(region__code__startswith="L")


def assert_planning_shape(students: int, regions: int):
    per_region = students / regions
    assert Region.objects.filter(code__startswith="L").count() == regions
    assert load_students().count() == students
    schools = School.objects.filter(region__code__startswith="L").count()
    assert schools == regions * math.ceil(per_region / 40)
    assert Municipality.objects.filter(region__code__startswith="L").count() >= regions
    assert Navigator.objects.filter(region__code__startswith="L").count() == regions * math.ceil(per_region / 70)
    assert Coordinator.objects.filter(region__code__startswith="L").count() == regions
    assert Guardian.objects.filter(user__email__endswith="@load.example").count() == students
    assert Guardianship.objects.filter(student__in=load_students()).count() == students
    consents = Consent.objects.filter(student__in=load_students(), withdrawn_at__isnull=True).count()
    assert consents == students * 9 // 10
    stages = DiagnosticResult.objects.filter(student__in=load_students()).values("student").annotate(n=Count("pk"))
    assert sum(1 for row in stages if row["n"] == 3) == students * 3 // 5
    assert sum(1 for row in stages if row["n"] == 1) == students // 5
    venues = Venue.objects.filter(region__code__startswith="L")
    assert venues.count() >= regions
    assert VenueCampaign.objects.filter(venue__in=venues, contract_status="signed").count() == venues.count()
    assert VenueStaff.objects.filter(venue__in=venues).count() == venues.count()
    assert Mentor.objects.filter(region__code__startswith="L").count() == 2 * venues.count()
    events = Event.objects.filter(region__code__startswith="L")
    assert events.count() == regions * max(4, math.ceil(per_region / 20))
    bookings = Booking.objects.filter(student__in=load_students()).count()
    assert 1.8 * students <= bookings <= 2.2 * students
    assert RegionTarget.objects.filter(region__code__startswith="L").count() == regions


def assert_bookings_consistent():
    events = Event.objects.filter(region__code__startswith="L").annotate(
        held=Count("bookings", filter=Q(bookings__status__in=SEAT_HOLDING))
    )
    for event in events:
        assert event.seats_taken == event.held <= event.capacity
    assert any(e.seats_taken == e.capacity for e in events), "some events are full"
    per_student = defaultdict(list)
    for booking in Booking.objects.filter(student__in=load_students()).select_related("event", "student"):
        assert booking.event.region_id == booking.student.region_id
        per_student[booking.student_id].append(booking.event)
    consenting = set(Consent.objects.filter(student__in=load_students()).values_list("student_id", flat=True))
    assert set(per_student) <= consenting
    for booked in per_student.values():
        assert len(booked) <= 4 and sum(e.mode == "offline" for e in booked) <= 1
        ordered = sorted(booked, key=lambda e: e.starts_at)
        assert all(a.ends_at <= b.starts_at for a, b in zip(ordered, ordered[1:]))
    # Events that took place have their attendance marked; the others hold confirmed bookings only.
    statuses = set(Booking.objects.filter(student__in=load_students()).values_list("status", flat=True))
    assert statuses <= {"confirmed", "attended", "no_show"} and "confirmed" in statuses


def test_generates_the_planning_shape_with_consistent_bookings():
    out = generate()
    assert_planning_shape(N, REGIONS)
    assert_bookings_consistent()
    assert "/" in out.splitlines()[-1]  # the closing line gives rows per second


def test_students_sign_in_with_the_one_shared_password():
    generate()
    assert authenticate(username="student1@load.example", password="load-pass-2026") is not None
    assert authenticate(username=f"student{N}@load.example", password="load-pass-2026") is not None
    assert authenticate(username="student1@load.example", password="wrong") is None
    assert authenticate(username="coordinator01@load.example", password="load-pass-2026").coordinators.exists()
    student = Student.objects.get(user__email="student7@load.example")
    assert student.region.code.startswith("L")
    hashes = User.objects.filter(email__endswith="@load.example").values("password").distinct().count()
    assert hashes == 1


def test_password_option():
    generate("--password", "another-secret-77")
    assert authenticate(username="student3@load.example", password="another-secret-77") is not None
    assert authenticate(username="student3@load.example", password="load-pass-2026") is None


def test_refuses_when_load_data_exists_and_reset_replaces_it():
    generate()
    users = User.objects.count()
    with pytest.raises(CommandError) as refused:
        generate()
    assert "--reset" in str(refused.value) and "уже" in str(refused.value)
    assert User.objects.count() == users
    generate("--reset")
    assert User.objects.count() == users
    assert_planning_shape(N, REGIONS)


def test_delete_removes_load_data_and_keeps_the_demo():
    call_command("seed_demo", stdout=io.StringIO(), stderr=io.StringIO())
    demo = {m: m.objects.count() for m in (User, Region, Student, Event, Booking, Consent)}
    generate()
    call_command("generate_load_data", "--delete", stdout=io.StringIO(), stderr=io.StringIO())
    assert {m: m.objects.count() for m in (User, Region, Student, Event, Booking, Consent)} == demo
    assert not User.objects.filter(email__endswith="@load.example").exists()


def test_bad_arguments_are_refused_in_russian():
    with pytest.raises(CommandError, match="--students"):
        call_command("generate_load_data", stdout=io.StringIO(), stderr=io.StringIO())
    with pytest.raises(CommandError, match="регион"):
        generate(students=2, regions=5)
    assert not Region.objects.filter(code__startswith="L").exists()


def test_rows_are_written_in_bulk_never_one_by_one():
    with CaptureQueriesContext(connection) as queries:
        generate(students=2000, regions=2)
    assert load_students().count() == 2000

    def inserts(table):
        return sum(1 for q in queries.captured_queries if q["sql"].startswith(f'INSERT INTO "{table}"'))

    if connection.vendor == "postgresql":  # COPY, which the query log does not show
        assert inserts("participants_student") == inserts("venues_booking") == inserts("bilet_user") == 0
    else:  # bulk_create: as many rows per statement as Django's limit of 999 SQLite parameters allows
        assert 2000 / inserts("participants_student") >= 50
        assert 4000 / inserts("bilet_user") >= 50
        assert 3600 / inserts("venues_booking") >= 100


def test_postgresql_copy_keeps_every_index_and_constraint(require_postgres):
    def indexes():
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT tablename, indexname, indexdef FROM pg_indexes WHERE tablename IN "
                "('bilet_user', 'participants_student', 'participants_consent', 'venues_booking', 'venues_event') "
                "ORDER BY 1, 2"
            )
            # A rebuilt partial index prints its WHERE with other casts: compare what it covers and whether partial.
            return [(t, name, d.split(" WHERE ")[0], " WHERE " in d) for t, name, d in cursor.fetchall()]

    before = indexes()
    generate()
    assert indexes() == before
    assert_planning_shape(N, REGIONS)
    assert_bookings_consistent()
    assert authenticate(username="student5@load.example", password="load-pass-2026") is not None
    # The rebuilt unique indexes hold: a second active booking of the same student on the same event is refused.
    booking = Booking.objects.filter(status="confirmed").first()
    with pytest.raises(IntegrityError), transaction.atomic():
        Booking.objects.create(event=booking.event, student=booking.student, status="waitlisted")
    with pytest.raises(IntegrityError), transaction.atomic():
        User.objects.create(email="STUDENT1@load.example")
    # New rows get ids after the reserved blocks.
    assert User.objects.create(email="after@example.org").pk > User.objects.filter(
        email__endswith="@load.example").order_by("-pk").values_list("pk", flat=True)[0]


def test_load_data_joins_the_current_campaign_and_leaves_it_current():
    from regions.models import Campaign
    from regions.tests.factories import CampaignFactory

    current = CampaignFactory(name="Кампания 2027")
    generate(students=100, regions=1)
    assert set(Event.objects.filter(region__code__startswith="L").values_list("campaign", flat=True)) == {current.pk}
    assert list(Campaign.objects.filter(is_active=True)) == [current]


def test_delete_refuses_while_the_personal_data_log_names_a_generated_user():
    from bilet.models import PersonalDataAccess

    generate(students=100, regions=1)
    coordinator = User.objects.get(email="coordinator01@load.example")
    PersonalDataAccess.objects.create(user=coordinator, kind="export", what="students", row_count=100)
    users = User.objects.count()
    with pytest.raises(CommandError, match="ничего не удалено"):
        call_command("generate_load_data", "--delete", stdout=io.StringIO(), stderr=io.StringIO())
    assert User.objects.count() == users and load_students().count() == 100


def test_postgresql_keep_indexes_writes_the_same_data(require_postgres):
    generate("--keep-indexes")
    assert_planning_shape(N, REGIONS)
    assert_bookings_consistent()
