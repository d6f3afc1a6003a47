"""The booking's own transaction on PostgreSQL: two round trips, the commit sent with the seat's claim.

A request runs in autocommit, so `booking_create` opens and ends its transaction itself (`BEGIN` with the student's
lock, then the place, `COMMIT` and the read-back in one message). These tests hold that a refusal or an error in
between leaves no transaction open and no lock held, that changed terms fall back to the long path, and that inside
a caller's own `atomic` block nothing is committed behind its back.
"""

import datetime as dt

import psycopg2.extensions
import pytest
from django.contrib.messages import get_messages
from django.db import DataError, connection, connections, transaction
from django.urls import reverse
from django.test.utils import CaptureQueriesContext

from django.utils import timezone

from bilet.db import prepared
from participants.models import Student
from regions.tests.factories import CampaignFactory, UserFactory
from venues.selectors.bookings import queue_position
from venues import selectors as venue_selectors
from venues.models import Booking, Event
from venues.services import bookings as service
from venues.services.bookings import BookingError, booking_create
from venues.tests.factories import BookingFactory, EventFactory

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def _idle() -> bool:
    """The connection is open and outside any transaction on the server."""
    status = connection.connection.get_transaction_status()
    return status == psycopg2.extensions.TRANSACTION_STATUS_IDLE


def _student_is_free(student_id: int) -> bool:
    """Another session can lock the student at once: no transaction of ours still holds them."""
    other = connections.create_connection("default")
    try:
        with other.cursor() as cursor:
            cursor.execute("BEGIN; SELECT 1 FROM participants_student WHERE id = %s FOR UPDATE NOWAIT", [student_id])
            cursor.execute("ROLLBACK")
        return True
    except Exception:  # noqa: BLE001 - lock_not_available is the answer we test for
        return False
    finally:
        other.close()


@pytest.fixture
def online(school_world):
    return school_world.event(capacity=1, mode=Event.Mode.ONLINE, address="", online_url="https://video.example/t")


def test_a_booking_is_two_round_trips_and_leaves_nothing_open(school_world, online):
    first, second = school_world.students(2)
    actor = school_world.navigator.user
    booking_create(actor=actor, event=online, student=first)  # prepares the statements on this connection

    with CaptureQueriesContext(connection) as queries:
        booking = booking_create(actor=actor, event=online, student=second)

    assert len(queries) == 2
    assert queries[0]["sql"].startswith("BEGIN;") and "COMMIT;" in queries[1]["sql"]
    assert booking.status == Booking.Status.WAITLISTED
    # The place in the queue came with the booking, and it is the one the database counts.
    assert booking.queue_position == 1
    del booking.queue_position
    assert queue_position(booking) == 1
    assert _idle() and _student_is_free(second.pk)
    stored = Booking.objects.get(pk=booking.pk)
    assert (stored.status, stored.student_id, stored.event_id) == ("waitlisted", second.pk, online.pk)


def test_a_refusal_rolls_back_and_releases_the_student(school_world, online):
    (student,) = school_world.students(1)
    booking_create(actor=school_world.navigator.user, event=online, student=student)

    with pytest.raises(BookingError) as refused:
        booking_create(actor=school_world.navigator.user, event=online, student=student)

    assert refused.value.rule == "already_booked"
    assert _idle() and _student_is_free(student.pk)
    assert Booking.objects.filter(student=student).count() == 1


def test_an_error_while_taking_the_place_rolls_back_and_is_not_hidden(school_world, online, monkeypatch):
    (student,) = school_world.students(1)

    real = service._take_place_statement

    def failing(**kwargs):
        _sql, params = real(**kwargs)
        return "SELECT 1 / 0", params

    monkeypatch.setattr(service, "_take_place_statement", failing)
    with pytest.raises(DataError):
        booking_create(actor=school_world.navigator.user, event=online, student=student)

    assert _idle() and _student_is_free(student.pk)
    assert not Booking.objects.filter(student=student).exists()
    online.refresh_from_db()
    assert online.seats_taken == 0


def test_when_the_rollback_itself_fails_the_connection_is_closed_and_the_refusal_still_reported(
    school_world, online, monkeypatch
):
    (student,) = school_world.students(1)
    refuse = service._raise_refusal

    def refuse_after_losing_the_server(**kwargs):
        other = connections.create_connection("default")
        try:
            with other.cursor() as cursor:
                cursor.execute("SELECT pg_terminate_backend(%s)", [connection.connection.get_backend_pid()])
        finally:
            other.close()
        raise BookingError("refused", "test")

    monkeypatch.setattr(service, "_raise_refusal", refuse_after_losing_the_server)
    with pytest.raises(BookingError) as raised:
        booking_create(actor=school_world.navigator.user, event=online, student=student)
    monkeypatch.setattr(service, "_raise_refusal", refuse)

    assert raised.value.rule == "test"  # the refusal on its way out, not the failed ROLLBACK
    assert connection.connection is None  # closed: nothing later can run inside the broken transaction
    assert not Booking.objects.filter(student=student).exists()  # and the next query simply reconnects


def test_terms_changed_under_the_rules_fall_back_to_the_event_lock(school_world, online):
    """The caller's copy of the event is stale (the event was moved meanwhile): the place-taking statement writes
    nothing, and the long path decides every rule again on the event's current terms."""
    (student,) = school_world.students(1)
    stale = Event.objects.select_related("campaign").get(pk=online.pk)
    Event.objects.filter(pk=online.pk).update(starts_at=online.starts_at + dt.timedelta(hours=1))

    booking = booking_create(actor=school_world.navigator.user, event=stale, student=student)

    assert booking.status == Booking.Status.CONFIRMED
    online.refresh_from_db()
    assert online.seats_taken == 1
    assert _idle()


def test_inside_the_callers_atomic_block_nothing_is_committed_behind_its_back(school_world, online):
    (student,) = school_world.students(1)

    class Undo(Exception):
        pass

    with pytest.raises(Undo):
        with transaction.atomic():
            booking = booking_create(actor=school_world.navigator.user, event=online, student=student)
            assert booking.status == Booking.Status.CONFIRMED
            raise Undo

    assert not Booking.objects.filter(student=student).exists()
    online.refresh_from_db()
    assert online.seats_taken == 0


# --- a student booking themself: `booking_create_self` ----------------------------------------------------------------


def _signed_in_student(school_world):
    (student,) = school_world.students(1)
    student.user = UserFactory()
    student.save(update_fields=["user"])
    return student


def _self_facts(student, event) -> dict | None:
    """The facts as `booking_create_self` reads them (the event and student as columns of the same statement); None
    where it finds no row or the event is not published, as it then books the general way."""
    _lock, read_sql, sizes = service._self_texts()
    params = service._facts_constants() | {"actor": student.user_id, "event": event.pk}
    with connection.cursor() as cursor:
        cursor.execute(read_sql, params)
        row = cursor.fetchone()
    if row is None:
        return None
    status = row[sizes[0] + service._attnames(Event, self_path=True).index("status")]
    return dict(zip(service._FACTS, row[sizes[-1]:])) if status == Event.Status.PUBLISHED else None


def _buffers(sql: str, params: dict) -> int:
    """Pages a statement touched when run (EXPLAIN ANALYZE's shared buffers, hit and read): what it reads, whatever
    the machine's speed."""
    with connection.cursor() as cursor:
        cursor.execute("EXPLAIN (ANALYZE, BUFFERS, FORMAT JSON) " + sql, params)
        plan = cursor.fetchone()[0][0]["Plan"]
    return plan["Shared Hit Blocks"] + plan["Shared Read Blocks"]


def test_the_booking_statements_do_not_read_a_popular_events_queue(school_world):
    """The booking's statements are prepared once per connection with a generic plan, which the connection keeps, and
    the tables may have no statistics yet (this test database has none). Whatever the plan, a booking must reach the
    student's bookings by the student's key: a student on an event with a queue of thousands reads no more pages than
    a student on an event nobody else booked."""
    online = {"mode": Event.Mode.ONLINE, "address": "", "online_url": "https://video.example/q"}
    quiet, popular = (school_world.event(capacity=5, **online) for _ in range(2))
    alone, crowded = (_signed_in_student(school_world) for _ in range(2))
    BookingFactory(event=quiet, student=alone, status=Booking.Status.CONFIRMED)
    BookingFactory(event=popular, student=crowded, status=Booking.Status.CONFIRMED)
    template = {f.attname: getattr(alone, f.attname) for f in alone._meta.concrete_fields if f.attname != "id"}
    others = Student.objects.bulk_create(Student(**(template | {"user_id": None})) for _ in range(6000))
    Booking.objects.bulk_create(Booking(event=popular, student=s, status=Booking.Status.WAITLISTED) for s in others)

    _lock, self_read = service._self_texts()[:2]
    general_read = service._lock_student_texts()[1]

    def pages(student, event) -> dict:
        facts = service._facts_params(student_id=student.pk, event=event)
        statements = {
            "self_read": (self_read, facts | {"actor": student.user_id}),
            "student_facts": (general_read, facts),
            "placed": (service._placed_text(), {"event": event.pk, "student": student.pk, "waitlisted": "waitlisted"}),
        }
        return {name: _buffers(prepared(f"{name}_queue_test", sql), params) for name, (sql, params) in statements.items()}

    on_quiet, on_popular = pages(alone, quiet), pages(crowded, popular)
    # Reading the queue would cost a page per ~200 bookings: ~30 more here.
    assert all(on_popular[name] <= on_quiet[name] + 2 for name in on_quiet), (on_quiet, on_popular)


def test_a_place_in_the_queue_is_counted_from_the_places_ahead_only(school_world):
    """A waitlisted booking is told its place: a count of the places ahead of it, which reads the event's queue up to
    its own time (an index range), not the whole queue — the first of 4,000 waiting reads what the only one would."""
    online = {"mode": Event.Mode.ONLINE, "address": "", "online_url": "https://video.example/w"}
    alone_event, long_event = (school_world.event(capacity=0, **online) for _ in range(2))
    alone, first, *others = school_world.students(2) + list(
        Student.objects.bulk_create(Student(**_copy(school_world.students(1)[0])) for _ in range(4000))
    )
    only = BookingFactory(event=alone_event, student=alone, status=Booking.Status.WAITLISTED)
    head = BookingFactory(event=long_event, student=first, status=Booking.Status.WAITLISTED)
    Booking.objects.bulk_create(Booking(event=long_event, student=s, status=Booking.Status.WAITLISTED) for s in others)
    with connection.cursor() as cursor:  # one second apart, after the head of the queue
        cursor.execute("UPDATE venues_booking SET created_at = created_at + (id - %s) * interval '1 second' "
                       "WHERE event_id = %s AND id > %s", [head.pk, long_event.pk, head.pk])
    tail = Booking.objects.get(event=long_event, student=others[-1])

    def pages(booking) -> int:
        params = {"event": booking.event_id, "student": booking.student_id, "waitlisted": "waitlisted"}
        return _buffers(prepared("placed_ahead_test", service._placed_text()), params)

    assert queue_position(head) == 1 and queue_position(tail) == 4001
    assert pages(head) <= pages(only) + 2 < pages(tail), (pages(only), pages(head), pages(tail))

    # Once vacuumed (autovacuum's work), the places ahead are counted in the index alone: no row of the queue is read.
    unvacuumed = pages(tail)
    with connection.cursor() as cursor:
        cursor.execute("VACUUM (ANALYZE) venues_booking")
        params = {"event": tail.event_id, "student": tail.student_id, "waitlisted": "waitlisted"}
        cursor.execute("EXPLAIN (ANALYZE, BUFFERS, FORMAT JSON) " + prepared("placed_ahead_test", service._placed_text()), params)
        nodes = list(_plan_nodes(cursor.fetchone()[0][0]["Plan"]))
    index_only = [n for n in nodes if n["Node Type"] == "Index Only Scan"]
    assert index_only and all(n["Heap Fetches"] == 0 for n in index_only), nodes
    assert queue_position(Booking.objects.get(pk=tail.pk)) == 4001
    assert pages(tail) < unvacuumed / 2, (pages(tail), unvacuumed)


def _plan_nodes(node):
    yield node
    for child in node.get("Plans", []):
        yield from _plan_nodes(child)


def _copy(instance) -> dict:
    return {f.attname: getattr(instance, f.attname) for f in instance._meta.concrete_fields if f.attname != "id"}


def test_the_booking_statements_find_the_event_by_its_key_however_many_are_published(school_world):
    """Like the queue above, the number of events must not matter: with a generic plan and no statistics the planner
    once chose the index of published events (or of the campaign's events) over the primary key and read all of them,
    2,000 on a campaign of 2,000 published events, in every booking's read and, under the event's lock, its claim."""
    online = {"mode": Event.Mode.ONLINE, "address": "", "online_url": "https://video.example/k"}
    event = Event.objects.select_related("campaign").get(pk=school_world.event(capacity=5, **online).pk)
    student = _signed_in_student(school_world)
    template = {f.attname: getattr(event, f.attname) for f in event._meta.concrete_fields if f.attname != "id"}

    def pages() -> dict:
        facts = service._facts_params(student_id=student.pk, event=event)
        self_read = service._self_texts()[1]
        take_sql, take_params = service._take_place_statement(
            actor=student.user, snapshot=event, student=student, now=timezone.now()
        )
        public_sql = venue_selectors._event_public_text()[0]
        read = {
            "self_read": _buffers(prepared("self_read_key_test", self_read), facts | {"actor": student.user_id}),
            "event_public": _buffers(prepared("event_public_key_test", public_sql), {"pk": event.pk}),
        }
        with transaction.atomic():  # the claim writes a booking: measured, then undone
            sid = transaction.savepoint()
            read["take_place"] = _buffers(take_sql, take_params)
            transaction.savepoint_rollback(sid)
        return read

    few = pages()
    Event.objects.bulk_create(Event(**template) for _ in range(2000))
    many = pages()
    # Reading the events' index and rows would cost ~60 pages more here.
    assert all(many[name] <= few[name] + 2 for name in few), (few, many)


def test_the_self_read_finds_the_same_facts_as_the_general_one(school_world):
    """One statement template serves both ways; rendered with the event's columns it must count exactly what it
    counts with the event's values as parameters: consent, this event's booking, the campaign's counted bookings
    (all and in person, not waitlisted, cancelled or on cancelled events, not another campaign's), the overlap."""
    busy, withdrawn, fresh = (_signed_in_student(school_world) for _ in range(3))
    withdrawn.consents.update(withdrawn_at=timezone.now())
    soon = timezone.now() + dt.timedelta(days=10)
    online = {"mode": Event.Mode.ONLINE, "address": "", "online_url": "https://video.example/f"}
    booked = school_world.event(starts_at=soon, **online)
    in_person = school_world.event(starts_at=soon + dt.timedelta(days=1))
    waiting = school_world.event(starts_at=soon + dt.timedelta(days=2), **online)
    dropped = school_world.event(starts_at=soon + dt.timedelta(days=3), **online)
    called_off = school_world.event(starts_at=soon + dt.timedelta(days=4), **online)
    elsewhere = EventFactory(campaign=CampaignFactory(name="Кампания 2025 (другая)", year=2025, is_active=False),
                             starts_at=soon + dt.timedelta(days=5), **online)
    for event, status in ((booked, "confirmed"), (in_person, "attended"), (waiting, "waitlisted"),
                          (dropped, "cancelled"), (called_off, "confirmed"), (elsewhere, "confirmed")):
        BookingFactory(event=event, student=busy, status=status)
    Event.objects.filter(pk=called_off.pk).update(status=Event.Status.CANCELLED)
    overlapping = school_world.event(starts_at=soon + dt.timedelta(minutes=30), **online)
    overlapping_before = school_world.event(starts_at=soon - dt.timedelta(minutes=30), **online)
    just_before = school_world.event(starts_at=soon - dt.timedelta(hours=3), **online)
    apart = school_world.event(starts_at=soon + dt.timedelta(days=9))

    compared = 0
    for student in (busy, withdrawn, fresh):
        for event in (booked, waiting, overlapping, overlapping_before, just_before, apart):
            event = Event.objects.select_related("campaign").get(pk=event.pk)
            general = service._student_facts(student=student, event=event)
            assert _self_facts(student, event) == general, (student, event)
            compared += 1
    assert compared == 18
    # And they are not trivially equal: the busy student's facts are all set.
    facts = _self_facts(busy, Event.objects.get(pk=overlapping.pk))
    assert facts == {"has_consent": True, "existing": None, "used": 2, "offline_used": 1, "clash_event_id": booked.pk}
    assert _self_facts(busy, Event.objects.get(pk=overlapping_before.pk))["clash_event_id"] == booked.pk
    assert _self_facts(busy, Event.objects.get(pk=just_before.pk))["clash_event_id"] is None
    assert _self_facts(withdrawn, booked)["has_consent"] is False
    assert _self_facts(busy, booked)["existing"] == "confirmed"
    # No row for an event that is not published, nor for a user who is not a student.
    assert _self_facts(busy, called_off) is None
    nobody = type("Nobody", (), {"user_id": UserFactory().pk})()
    assert _self_facts(nobody, apart) is None


def _book_page(client, event, **extra):
    """POST the booking form; the messages cookie of earlier answers is dropped, as a browser's is once shown."""
    client.cookies.pop("messages", None)
    return client.post(reverse("venues:event_book", args=[event.pk]), **extra)


def _messages(response) -> list[str]:
    return [str(m) for m in get_messages(response.wsgi_request)]


def test_a_student_books_themself_in_two_statements_without_reading_roles_or_the_event(client, school_world, online):
    student = _signed_in_student(school_world)
    other = _signed_in_student(school_world)
    client.force_login(other.user)
    _book_page(client, online)  # prepares the statements on this connection
    client.force_login(student.user)

    with CaptureQueriesContext(connection) as queries:
        response = _book_page(client, online)

    assert response.status_code == 302
    booking = Booking.objects.get(event=online, student=student)
    assert booking.status == "waitlisted" and booking.booked_by_id == student.user_id
    sql = [q["sql"] for q in queries]
    assert sum(s.startswith("BEGIN;") for s in sql) == 1 and sum("COMMIT;" in s for s in sql) == 1
    assert not any("bilet_roles_" in s or "bilet_event_public_" in s or "regions_curator" in s for s in sql), sql
    # Nothing else: the signed-in user, then the booking's two round trips (no field left unread is loaded later).
    assert len(sql) == 3 and '"bilet_user"' in sql[0], sql
    assert _idle()
    assert _messages(response) == [f"Мест на «{online.title}» нет — вы в листе ожидания, 1-й в очереди."]


def test_the_self_way_refuses_with_the_rules_sentence_and_leaves_nothing_open(client, school_world):
    student = _signed_in_student(school_world)
    first = school_world.event(starts_at=timezone.now() + dt.timedelta(days=10))  # in person
    second = school_world.event(starts_at=timezone.now() + dt.timedelta(days=12))
    client.force_login(student.user)
    _book_page(client, first)

    response = _book_page(client, second)

    assert _messages(response) == [
        f"Вы уже записаны на 1 очное мероприятие — это максимум для кампании {school_world.campaign.year}."
    ]
    assert not Booking.objects.filter(event=second).exists()
    assert _idle() and _student_is_free(student.pk)


def test_the_self_way_gives_way_to_the_general_one(client, school_world, online):
    """A user who is not a student, or an event that is not published: nothing is held, and the general way answers
    (here: whom to book, and 404)."""
    client.force_login(UserFactory())
    response = _book_page(client, online)
    assert _messages(response) == ["Выберите, кого записать."]
    assert _idle()

    student = _signed_in_student(school_world)
    client.force_login(student.user)
    draft = school_world.event(status=Event.Status.DRAFT)
    assert _book_page(client, draft).status_code == 404
    assert _idle() and _student_is_free(student.pk)
    assert not Booking.objects.filter(student=student).exists()


def test_the_self_way_answers_htmx_with_the_booking_box(client, school_world, online):
    student = _signed_in_student(school_world)
    client.force_login(student.user)
    response = _book_page(client, online, HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    assert "venues/bookings/booking_box.html" in [t.name for t in response.templates]
    assert Booking.objects.get(event=online, student=student).status == "confirmed"


def test_the_self_way_answers_a_lost_unique_race_with_the_booking_that_won(school_world, online, monkeypatch):
    """As `booking_create`: if the unique constraint refuses the insert (a writer that skipped the student's lock
    booked first), the answer is that booking, not an error page."""
    from django.db import IntegrityError

    student = _signed_in_student(school_world)
    real = service._book_in_own_transaction

    def beaten(**kwargs):
        BookingFactory(event=online, student=student, status="confirmed")
        raise IntegrityError("booking_one_active_per_student_event")

    monkeypatch.setattr(service, "_book_in_own_transaction", beaten)
    booking = service.booking_create_self(actor=student.user, event_id=online.pk)
    monkeypatch.setattr(service, "_book_in_own_transaction", real)

    assert booking == Booking.objects.get(event=online, student=student)

    # With no booking to answer with, the error is not swallowed.
    def refused_for_nothing(**kwargs):
        raise IntegrityError("something else")

    monkeypatch.setattr(service, "_book_in_own_transaction", refused_for_nothing)
    with pytest.raises(IntegrityError):
        service.booking_create_self(actor=student.user, event_id=school_world.event().pk)
