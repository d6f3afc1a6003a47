"""The booking's transaction on PostgreSQL: one `transaction.atomic()`, managed by Django like any other.

These tests hold what a transaction of its own must guarantee: a refusal or an error leaves no transaction open and no
lock held; `transaction.on_commit` runs after the commit, never inside the booking; a nested `atomic` (a savepoint)
does not end the transaction or release the student's lock; a booking inside a caller's `atomic` block is committed
or undone with it; and the booking returned is the row stored.
"""

import datetime as dt
import json

import psycopg2.extensions
import pytest
from django.contrib.messages import get_messages
from django.db import DataError, connection, connections, transaction
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from bilet.db import prepared
from participants.models import Student
from regions.tests.factories import UserFactory
from venues.models import Booking, Event
from venues.selectors import events as venue_selectors
from venues.selectors.bookings import queue_position, with_queue_position
from venues.services.booking import (
    BookingError,
    booking_create,
    booking_create_self,
    claim,
    rules,
)
from venues.tests.factories import BookingFactory

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def _idle() -> bool:
    """The connection is open and outside any transaction on the server."""
    status = connection.connection.get_transaction_status()
    return status == psycopg2.extensions.TRANSACTION_STATUS_IDLE


def _from_another_connection(sql: str, params) -> list:
    other = connections.create_connection("default")
    try:
        with other.cursor() as cursor:
            cursor.execute(sql, params)
            return cursor.fetchall()
    finally:
        other.close()


def _student_is_free(student_id: int) -> bool:
    """Another session can lock the student at once: no transaction of ours still holds them."""
    try:
        _from_another_connection(
            "SELECT 1 FROM participants_student WHERE id = %s FOR UPDATE NOWAIT", [student_id]
        )
        return True
    except Exception:  # noqa: BLE001 - lock_not_available is the answer we test for
        return False


def _committed_bookings(student_id: int) -> int:
    """Active bookings of the student that another session sees: committed ones only."""
    return _from_another_connection(
        "SELECT count(*) FROM venues_booking WHERE student_id = %s AND status <> 'cancelled'", [student_id]
    )[0][0]


@pytest.fixture
def online(school_world):
    return school_world.event(capacity=1, mode=Event.Mode.ONLINE, address="", online_url="https://video.example/t")


@pytest.fixture
def inside_the_booking(monkeypatch):
    """Run `work(student)` inside the booking's transaction, where the rules are decided (after the student's lock)."""

    def install(work):
        real = rules.refusal

        def refusal(**kwargs):
            work(kwargs["student"])
            return real(**kwargs)

        monkeypatch.setattr(rules, "refusal", refusal)

    return install


def test_a_booking_leaves_nothing_open_and_returns_the_row_stored(school_world, online):
    first, second = school_world.students(2)
    actor = school_world.navigator.user
    booking_create(actor=actor, event=online, student=first)

    booking = booking_create(actor=actor, event=online, student=second)

    assert booking.status == Booking.Status.WAITLISTED
    assert queue_position(booking) == 1
    assert _idle() and _student_is_free(second.pk)
    stored = Booking.objects.get(pk=booking.pk)
    assert (stored.status, stored.student_id, stored.event_id, stored.created_at) == (
        "waitlisted", second.pk, online.pk, booking.created_at
    )
    online.refresh_from_db()
    assert online.seats_taken == 1


def test_on_commit_runs_after_the_booking_is_committed(school_world, online, inside_the_booking):
    """Work a booking hands to `on_commit` (an email, a task) sees the booking committed, and never runs inside it."""
    (student,) = school_world.students(1)
    seen = []
    inside_the_booking(
        lambda student: transaction.on_commit(lambda: seen.append(_committed_bookings(student.pk)))
    )

    booking_create(actor=school_world.navigator.user, event=online, student=student)

    assert seen == [1]


def test_on_commit_inside_a_refused_booking_never_runs(school_world, online, inside_the_booking):
    (student,) = school_world.students(1)
    booking_create(actor=school_world.navigator.user, event=online, student=student)
    seen = []
    inside_the_booking(lambda student: transaction.on_commit(lambda: seen.append("ran")))

    with pytest.raises(BookingError):
        booking_create(actor=school_world.navigator.user, event=online, student=student)

    assert seen == []


def test_a_nested_atomic_keeps_the_student_locked_and_nothing_committed(school_world, online, inside_the_booking):
    """A savepoint inside the booking (a helper with its own `atomic`) neither commits the booking early nor releases
    the student's lock."""
    (student,) = school_world.students(1)
    observed = []

    def nested(student):
        with transaction.atomic():
            Student.objects.filter(pk=student.pk).exists()
        observed.append((_student_is_free(student.pk), _committed_bookings(student.pk)))

    inside_the_booking(nested)

    booking_create(actor=school_world.navigator.user, event=online, student=student)

    assert observed == [(False, 0)]
    assert _idle() and _student_is_free(student.pk) and _committed_bookings(student.pk) == 1


def test_a_refusal_rolls_back_and_releases_the_student(school_world, online):
    (student,) = school_world.students(1)
    booking_create(actor=school_world.navigator.user, event=online, student=student)

    with pytest.raises(BookingError) as refused:
        booking_create(actor=school_world.navigator.user, event=online, student=student)

    assert refused.value.rule == "already_booked"
    assert _idle() and _student_is_free(student.pk)
    assert Booking.objects.filter(student=student).count() == 1


def test_an_error_while_claiming_the_seat_rolls_back_and_is_not_hidden(school_world, online, monkeypatch):
    (student,) = school_world.students(1)

    def failing(event):
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1 / 0")

    monkeypatch.setattr(claim, "_claim_seat", failing)
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

    killed = []

    def refuse_after_losing_the_server(**kwargs):
        killed.append(connection.connection.get_backend_pid())
        _from_another_connection("SELECT pg_terminate_backend(%s)", killed)
        return BookingError("refused", "test")

    monkeypatch.setattr(rules, "refusal", refuse_after_losing_the_server)
    with pytest.raises(BookingError) as raised:
        booking_create(actor=school_world.navigator.user, event=online, student=student)
    monkeypatch.undo()

    assert raised.value.rule == "test"  # the refusal on its way out, not the failed ROLLBACK
    # Django closed the broken connection and opened a new one: nothing later runs inside the broken transaction.
    assert connection.connection.get_backend_pid() not in killed and _idle()
    assert not Booking.objects.filter(student=student).exists()  # and the next query simply reconnects


def test_a_stale_copy_of_the_event_is_read_again(school_world, online):
    """The caller's copy of the event is stale (the event was moved meanwhile): the booking reads the event again
    and decides on its current terms."""
    (student,) = school_world.students(1)
    stale = Event.objects.select_related("campaign").get(pk=online.pk)
    Event.objects.filter(pk=online.pk).update(starts_at=online.starts_at + dt.timedelta(hours=1))

    booking = booking_create(actor=school_world.navigator.user, event=stale, student=student)

    assert booking.status == Booking.Status.CONFIRMED
    online.refresh_from_db()
    assert online.seats_taken == 1
    assert _idle()


def test_an_event_moved_between_the_rules_and_the_seat_is_decided_again_under_the_event_lock(
    school_world, online, inside_the_booking
):
    """The event is moved after the rules were decided and before the seat is claimed: the claim finds another time,
    and under the event's lock the rules are decided again on it (here the new time overlaps another booking)."""
    (student,) = school_world.students(1)
    elsewhere = school_world.event(mode=Event.Mode.ONLINE, address="", online_url="https://video.example/o",
                                   starts_at=online.starts_at + dt.timedelta(days=1))
    booking_create(actor=school_world.navigator.user, event=elsewhere, student=student)
    moved = []

    def move_the_event(student):
        if moved:
            return  # once: asked again under the event's lock, the other session would wait for this one
        moved.append(True)
        _from_another_connection(
            "UPDATE venues_event SET starts_at = %s, ends_at = %s WHERE id = %s RETURNING id",
            [elsewhere.starts_at, elsewhere.ends_at, online.pk],
        )

    inside_the_booking(move_the_event)

    with pytest.raises(BookingError) as refused:
        booking_create(actor=school_world.navigator.user, event=online, student=student)

    assert refused.value.rule == "overlap"
    assert not Booking.objects.filter(student=student, event=online).exists()
    online.refresh_from_db()
    assert online.seats_taken == 0


def test_inside_the_callers_atomic_block_nothing_is_committed_behind_its_back(school_world, online):
    (student,) = school_world.students(1)

    class Undo(Exception):
        pass

    with pytest.raises(Undo):
        with transaction.atomic():
            booking = booking_create(actor=school_world.navigator.user, event=online, student=student)
            assert booking.status == Booking.Status.CONFIRMED
            assert _committed_bookings(student.pk) == 0
            raise Undo

    assert not Booking.objects.filter(student=student).exists()
    online.refresh_from_db()
    assert online.seats_taken == 0


# --- what the booking reads ----------------------------------------------------------------------------------------


def _buffers(plan_json: str) -> int:
    """Pages a statement touched (EXPLAIN ANALYZE's shared buffers, hit and read): what it reads, whatever the
    machine's speed."""
    plan = json.loads(plan_json)[0]["Plan"]
    return plan["Shared Hit Blocks"] + plan["Shared Read Blocks"]


def _plan_nodes(node):
    yield node
    for child in node.get("Plans", []):
        yield from _plan_nodes(child)


def _copy(instance) -> dict:
    return {f.attname: getattr(instance, f.attname) for f in instance._meta.concrete_fields if f.attname != "id"}


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

    def plan(booking) -> str:
        query = with_queue_position(Booking.objects.filter(pk=booking.pk)).values_list("queue_position", flat=True)
        return query.explain(analyze=True, buffers=True, format="json")

    def pages(booking) -> int:
        return _buffers(plan(booking))

    assert queue_position(head) == 1 and queue_position(tail) == 4001
    assert pages(head) <= pages(only) + 2 < pages(tail), (pages(only), pages(head), pages(tail))

    # Once vacuumed (autovacuum's work), the places ahead are counted in the index alone: no row of the queue is read.
    unvacuumed = pages(tail)
    with connection.cursor() as cursor:
        cursor.execute("VACUUM (ANALYZE) venues_booking")
    nodes = list(_plan_nodes(json.loads(plan(tail))[0]["Plan"]))
    index_only = [n for n in nodes if n["Node Type"] == "Index Only Scan"]
    assert index_only and all(n["Heap Fetches"] == 0 for n in index_only), nodes
    assert queue_position(Booking.objects.get(pk=tail.pk)) == 4001
    assert pages(tail) < unvacuumed / 2, (pages(tail), unvacuumed)


def test_the_event_pages_read_finds_the_event_by_its_key_however_many_are_published(school_world):
    """`event_public_get` is prepared with a generic plan and may meet tables without statistics: it must reach the
    event by its primary key, not read the index of every published event (2,000 here)."""
    online = {"mode": Event.Mode.ONLINE, "address": "", "online_url": "https://video.example/k"}
    event = school_world.event(capacity=5, **online)
    template = _copy(event)
    public_sql = venue_selectors._event_public_text()[0]

    def pages() -> int:
        with connection.cursor() as cursor:
            cursor.execute("EXPLAIN (ANALYZE, BUFFERS, FORMAT JSON) " + prepared("event_public_key_test", public_sql),
                           {"pk": event.pk})
            return _buffers(json.dumps(cursor.fetchone()[0]))

    few = pages()
    Event.objects.bulk_create(Event(**template) for _ in range(2000))
    assert pages() <= few + 2


# --- a student booking themself: `booking_create_self` ----------------------------------------------------------------


def _signed_in_student(school_world):
    (student,) = school_world.students(1)
    student.user = UserFactory()
    student.save(update_fields=["user"])
    return student


def _book_page(client, event, **extra):
    """POST the booking form; the messages cookie of earlier answers is dropped, as a browser's is once shown."""
    client.cookies.pop("messages", None)
    return client.post(reverse("venues:event_book", args=[event.pk]), **extra)


def _messages(response) -> list[str]:
    return [str(m) for m in get_messages(response.wsgi_request)]


def test_a_student_books_themself_without_reading_their_roles_or_the_event_page(client, school_world, online):
    student = _signed_in_student(school_world)
    other = _signed_in_student(school_world)
    client.force_login(other.user)
    _book_page(client, online)
    client.force_login(student.user)

    with CaptureQueriesContext(connection) as queries:
        response = _book_page(client, online)

    assert response.status_code == 302
    booking = Booking.objects.get(event=online, student=student)
    assert booking.status == "waitlisted" and booking.booked_by_id == student.user_id
    sql = [q["sql"] for q in queries]
    assert not any("bilet_roles_" in s or "bilet_event_public_" in s or "regions_curator" in s for s in sql), sql
    # The signed-in user; BEGIN, the lock timeout, the student (locked), the event, the student's bookings; no free
    # seat: the event's lock, the places ahead in the queue, the booking; COMMIT. Nothing after it (the place in the
    # queue came with the booking).
    assert len(sql) == 10 and '"bilet_user"' in sql[0] and sql[1] == "BEGIN" and sql[-1] == "COMMIT", sql
    assert _idle()
    assert _messages(response) == [f"Мест на «{online.title}» нет — вы в листе ожидания, 1-й в очереди."]


def test_a_self_booking_of_a_free_seat_sends_nine_statements_and_one_task(client, school_world, online, monkeypatch):
    """The booking's cost per request is its round trips (RESULTS.md): pinned so that none creeps in. The signed-in
    user; BEGIN, the lock timeout, the student (locked, with the consent), the event with its campaign, the student's
    bookings, the booking's INSERT, the seat's UPDATE, COMMIT: no savepoint, no read-back, no roles. Telling the family
    is one task enqueued after that commit; the request writes no notification itself."""
    sent = []
    monkeypatch.setattr("venues.services.notifications.send_task", lambda name, **kwargs: sent.append((name, kwargs)))
    student = _signed_in_student(school_world)
    client.force_login(student.user)

    with CaptureQueriesContext(connection) as queries:
        response = _book_page(client, online)

    assert response.status_code == 302
    booking = Booking.objects.get(event=online, student=student)
    assert booking.status == "confirmed"
    sql = [q["sql"] for q in queries.captured_queries]
    assert len(sql) <= 9 and sql[-1] == "COMMIT", sql
    assert not any("SAVEPOINT" in s for s in sql), sql
    assert sql[-2].startswith('UPDATE "venues_event"'), sql
    assert sent == [("venues.notify_bookings_confirmed", {"booking_ids": [booking.pk]})]
    assert _messages(response) == [f"Вы записаны на «{online.title}»."]


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

    def beaten(**kwargs):
        BookingFactory(event=online, student=student, status="confirmed")
        raise IntegrityError("booking_one_active_per_student_event")

    monkeypatch.setattr(claim, "_book", beaten)
    assert booking_create_self(actor=student.user, event_id=online.pk) == Booking.objects.get(event=online, student=student)

    # With no booking to answer with, the error is not swallowed.
    def refused_for_nothing(**kwargs):
        raise IntegrityError("something else")

    monkeypatch.setattr(claim, "_book", refused_for_nothing)
    with pytest.raises(IntegrityError):
        booking_create_self(actor=student.user, event_id=school_world.event().pk)
