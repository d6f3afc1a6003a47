"""What a booking reads on PostgreSQL (the pages its statements touch, whatever the size of the data), and a student
booking themself the short way (`booking_create_self`): its statements, its answers, its races."""

import datetime as dt
import json

import pytest
from django.contrib.messages import get_messages
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from bilet.db import prepared
from participants.models import Student
from regions.tests.factories import UserFactory
from venues.models import Booking, Event
from venues.selectors import events as venue_selectors
from venues.selectors.bookings import queue_position, with_queue_position
from venues.services.booking import booking_create_self, claim
from venues.tests.booking_db import idle, one_seat_online_event, student_is_free
from venues.tests.factories import BookingFactory

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


@pytest.fixture
def online(school_world):
    return one_seat_online_event(school_world)


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
    # The signed-in user; BEGIN, the student (locked), the event with the student's bookings; no free seat: the
    # event's lock, the places ahead in the queue, the booking; COMMIT. Nothing after it (the place in the queue came
    # with the booking).
    assert len(sql) == 8 and '"bilet_user"' in sql[0] and sql[1] == "BEGIN" and sql[-1] == "COMMIT", sql
    assert idle()
    assert _messages(response) == [f"Мест на «{online.title}» нет — вы в листе ожидания, 1-й в очереди."]


def test_a_self_booking_of_a_free_seat_sends_seven_statements_and_nothing_to_the_broker(
    client, school_world, online, monkeypatch, settings
):
    """The booking's cost per request is its round trips (RESULTS.md): pinned so that none creeps in. The signed-in
    user; BEGIN, the student (locked, with the consent), the event with its campaign and the student's bookings, the
    booking's INSERT, the seat's UPDATE, COMMIT: no savepoint, no read-back, no roles, no lock timeout of its own (the
    connection has it). The family is told from the booking's `notify_pending` by the beat task: the request neither
    writes a notification nor sends a task."""
    settings.CELERY_TASK_ALWAYS_EAGER = False  # as in production
    sent = []
    monkeypatch.setattr("venues.services.notifications.send_task", lambda name, **kwargs: sent.append((name, kwargs)))
    student = _signed_in_student(school_world)
    client.force_login(student.user)

    with CaptureQueriesContext(connection) as queries:
        response = _book_page(client, online)

    assert response.status_code == 302
    booking = Booking.objects.get(event=online, student=student)
    assert booking.status == "confirmed" and booking.notify_pending
    sql = [q["sql"] for q in queries.captured_queries]
    assert len(sql) <= 7 and sql[-1] == "COMMIT", sql
    assert not any("SAVEPOINT" in s for s in sql), sql
    assert "claim_seat" in sql[-2] or sql[-2].startswith('UPDATE "venues_event"'), sql
    assert sent == []
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
    assert idle() and student_is_free(student.pk)


def test_the_self_way_gives_way_to_the_general_one(client, school_world, online):
    """A user who is not a student, or an event that is not published: nothing is held, and the general way answers
    (here: whom to book, and 404)."""
    client.force_login(UserFactory())
    response = _book_page(client, online)
    assert _messages(response) == ["Выберите, кого записать."]
    assert idle()

    student = _signed_in_student(school_world)
    client.force_login(student.user)
    draft = school_world.event(status=Event.Status.DRAFT)
    assert _book_page(client, draft).status_code == 404
    assert idle() and student_is_free(student.pk)
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
