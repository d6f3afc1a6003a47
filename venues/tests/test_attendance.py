"""Attendance registers: the service's rules and messages, the register page, the overdue list and their scoping."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from participants.tests.factories import StudentFactory
from venues.models import Booking, Event, Recommendation
from venues.services.attendance import AttendanceError, attendance_mark
from venues.tests.factories import BookingFactory, EventFactory
from venues.tests.query_counts import get_with_steady_queries

pytestmark = pytest.mark.django_db


def _in_the_past(event, *, days_ago=3):
    event.starts_at = timezone.now() - dt.timedelta(days=days_ago, hours=2)
    event.ends_at = event.starts_at + dt.timedelta(hours=2)
    event.save(update_fields=["starts_at", "ends_at"])
    return event


@pytest.fixture
def past(world):
    """Region a's event, held three days ago, with a second booked student and a waitlisted one."""
    a = world.a
    _in_the_past(a.event)
    a.second = BookingFactory(event=a.event, student=a.sibling)
    a.waiting = BookingFactory(event=a.event, student=a.other_student, status=Booking.Status.WAITLISTED)
    return world


def test_mark_every_booking(past):
    a = past.a
    event = attendance_mark(actor=a.venue_staff.user, event=a.event, marks={a.booking.pk: True, a.second.pk: False})
    a.booking.refresh_from_db()
    a.second.refresh_from_db()
    a.waiting.refresh_from_db()
    assert a.booking.status == Booking.Status.ATTENDED
    assert a.second.status == Booking.Status.NO_SHOW
    assert a.waiting.status == Booking.Status.WAITLISTED
    assert event.attendance_marked_at is not None


def test_an_event_nobody_booked_gets_an_empty_register(world):
    event = _in_the_past(EventFactory(venue=world.a.venue, campaign=world.campaign))
    assert attendance_mark(actor=world.a.venue_staff.user, event=event, marks={}).attendance_marked_at is not None


def test_coordinator_of_the_region_may_mark(past):
    a = past.a
    attendance_mark(actor=a.coordinator.user, event=a.event, marks={a.booking.pk: True, a.second.pk: True})
    assert Booking.objects.filter(event=a.event, status=Booking.Status.ATTENDED).count() == 2


def test_remarking_corrects_the_register(past):
    a = past.a
    attendance_mark(actor=a.venue_staff.user, event=a.event, marks={a.booking.pk: False, a.second.pk: False})
    attendance_mark(actor=a.venue_staff.user, event=a.event, marks={a.booking.pk: True, a.second.pk: False})
    a.booking.refresh_from_db()
    assert a.booking.status == Booking.Status.ATTENDED


@pytest.mark.parametrize("who", ["other_venue_staff", "mentor", "navigator", "guardian"])
def test_others_may_not_mark(past, who):
    a = past.a
    with pytest.raises(AttendanceError, match="Отмечать посещаемость могут только сотрудники площадки"):
        attendance_mark(actor=getattr(a, who).user, event=a.event, marks={a.booking.pk: True, a.second.pk: True})


def test_coordinator_of_another_region_may_not_mark(past):
    a = past.a
    with pytest.raises(AttendanceError, match="только сотрудники площадки или координатор региона"):
        attendance_mark(actor=past.b.coordinator.user, event=a.event, marks={a.booking.pk: True, a.second.pk: True})


def test_not_before_the_start(world):
    a = world.a
    with pytest.raises(AttendanceError, match="Мероприятие ещё не началось"):
        attendance_mark(actor=a.venue_staff.user, event=a.event, marks={a.booking.pk: True})
    assert Booking.objects.get(pk=a.booking.pk).status == Booking.Status.CONFIRMED


def test_may_mark_once_started(world):
    a = world.a
    a.event.starts_at = timezone.now() - dt.timedelta(minutes=5)
    a.event.ends_at = timezone.now() + dt.timedelta(hours=1)
    a.event.save()
    attendance_mark(actor=a.venue_staff.user, event=a.event, marks={a.booking.pk: True})
    assert Booking.objects.get(pk=a.booking.pk).status == Booking.Status.ATTENDED


def test_only_published_events(past):
    a = past.a
    Event.objects.filter(pk=a.event.pk).update(status=Event.Status.CANCELLED)
    with pytest.raises(AttendanceError, match="только для опубликованных мероприятий"):
        attendance_mark(actor=a.venue_staff.user, event=a.event, marks={a.booking.pk: True, a.second.pk: True})


def test_every_booking_must_be_marked(past):
    a = past.a
    with pytest.raises(AttendanceError, match="Отметьте всех записанных: не отмечен 1 участник"):
        attendance_mark(actor=a.venue_staff.user, event=a.event, marks={a.booking.pk: True})
    assert Booking.objects.get(pk=a.booking.pk).status == Booking.Status.CONFIRMED
    assert Event.objects.get(pk=a.event.pk).attendance_marked_at is None


def test_bookings_of_another_event_are_refused(past):
    a = past.a
    marks = {a.booking.pk: True, a.second.pk: True, past.b.booking.pk: True}
    with pytest.raises(AttendanceError, match="не из списка этого мероприятия"):
        attendance_mark(actor=a.venue_staff.user, event=a.event, marks=marks)
    assert Booking.objects.get(pk=past.b.booking.pk).status == Booking.Status.CONFIRMED


def test_waitlisted_booking_is_not_on_the_register(past):
    a = past.a
    with pytest.raises(AttendanceError, match="не из списка этого мероприятия"):
        attendance_mark(
            actor=a.venue_staff.user, event=a.event, marks={a.booking.pk: True, a.second.pk: True, a.waiting.pk: True}
        )


def test_a_student_with_a_recommendation_cannot_become_absent(past):
    a = past.a
    attendance_mark(actor=a.venue_staff.user, event=a.event, marks={a.booking.pk: True, a.second.pk: True})
    Recommendation.objects.create(booking=a.booking, mentor=a.mentor, competency=a.event.competency, text="x" * 30)
    with pytest.raises(AttendanceError, match="уже есть рекомендация наставника"):
        attendance_mark(actor=a.venue_staff.user, event=a.event, marks={a.booking.pk: False, a.second.pk: True})
    assert Booking.objects.get(pk=a.booking.pk).status == Booking.Status.ATTENDED


# --- the register page -------------------------------------------------------------------------------------------

def _url(event):
    return reverse("venues:event_attendance", args=[event.pk])


def test_register_page_lists_every_booked_student(client, past):
    a = past.a
    client.force_login(a.venue_staff.user)
    response = client.get(_url(a.event))
    assert response.status_code == 200
    html = response.content.decode()
    assert a.student.last_name in html and a.sibling.last_name in html
    assert a.other_student.last_name not in html  # waitlisted: no seat, not on the register
    assert f'name="booking-{a.booking.pk}"' in html
    assert "<fieldset" in html and "<legend>" in html


def test_register_page_saves_the_marks(client, past):
    a = past.a
    client.force_login(a.venue_staff.user)
    response = client.post(_url(a.event), {f"booking-{a.booking.pk}": "attended", f"booking-{a.second.pk}": "absent"})
    assert response.status_code == 302
    assert Booking.objects.get(pk=a.booking.pk).status == Booking.Status.ATTENDED
    assert Booking.objects.get(pk=a.second.pk).status == Booking.Status.NO_SHOW
    page = client.get(_url(a.event)).content.decode()
    assert "Посещаемость сохранена" in page


def test_register_page_keeps_the_choices_on_refusal(client, past):
    a = past.a
    client.force_login(a.venue_staff.user)
    response = client.post(_url(a.event), {f"booking-{a.booking.pk}": "absent"})
    assert response.status_code == 400
    html = response.content.decode()
    assert "не отмечен 1 участник" in html
    assert f'id="b{a.booking.pk}-out" name="booking-{a.booking.pk}" value="absent" checked' in html
    assert Booking.objects.get(pk=a.booking.pk).status == Booking.Status.CONFIRMED


def test_register_page_for_the_coordinator(client, past):
    client.force_login(past.a.coordinator.user)
    assert client.get(_url(past.a.event)).status_code == 200


@pytest.mark.parametrize("who", ["b.coordinator", "a.other_venue_staff", "a.mentor", "a.navigator", "a.guardian"])
def test_register_page_is_404_outside_the_scope(client, past, who):
    group, role = who.split(".")
    client.force_login(getattr(getattr(past, group), role).user)
    assert client.get(_url(past.a.event)).status_code == 404
    assert client.post(_url(past.a.event), {f"booking-{past.a.booking.pk}": "absent"}).status_code == 404
    assert Booking.objects.get(pk=past.a.booking.pk).status == Booking.Status.CONFIRMED


def test_register_page_needs_login(client, past):
    assert client.get(_url(past.a.event)).status_code == 302


# --- events with the register overdue ---------------------------------------------------------------------------

@pytest.fixture
def overdue(world):
    a, b = world.a, world.b
    _in_the_past(a.event)  # ended 3 days ago, not marked: overdue
    _in_the_past(a.other_event)  # at the other venue of region a
    _in_the_past(b.event)  # region b
    a.fresh = _in_the_past(EventFactory(venue=a.venue, campaign=world.campaign, title="Вчерашняя проба"), days_ago=0)
    a.marked = _in_the_past(EventFactory(venue=a.venue, campaign=world.campaign, title="Отмеченная проба"))
    Event.objects.filter(pk=a.marked.pk).update(attendance_marked_at=timezone.now())
    a.draft = _in_the_past(
        EventFactory(venue=a.venue, campaign=world.campaign, title="Черновик", status=Event.Status.DRAFT)
    )
    return world


def _titles(response):
    return {e.title for e in response.context["page"].object_list}


def test_overdue_for_the_coordinator(client, overdue):
    a = overdue.a
    client.force_login(a.coordinator.user)
    response = client.get(reverse("venues:attendance_overdue"))
    assert response.status_code == 200
    assert _titles(response) == {a.event.title, a.other_event.title}
    booked = {e.pk: e.booked for e in response.context["page"].object_list}
    assert booked[a.event.pk] == 1


def test_overdue_for_venue_staff_shows_their_venue_only(client, overdue):
    client.force_login(overdue.a.venue_staff.user)
    assert _titles(client.get(reverse("venues:attendance_overdue"))) == {overdue.a.event.title}


@pytest.mark.parametrize("who", ["mentor", "navigator", "guardian", "student"])
def test_overdue_is_404_for_other_roles(client, overdue, who):
    client.force_login(getattr(overdue.a, who).user)
    assert client.get(reverse("venues:attendance_overdue")).status_code == 404


def test_overdue_query_count_does_not_grow(client, overdue, django_assert_max_num_queries):
    a = overdue.a
    client.force_login(a.coordinator.user)

    def grow():
        for _ in range(8):
            event = _in_the_past(EventFactory(venue=a.other_venue, campaign=overdue.campaign))
            for _ in range(3):
                BookingFactory(event=event, student=StudentFactory(school=a.school))

    response = get_with_steady_queries(
        client, reverse("venues:attendance_overdue"), grow=grow, ceiling=12,
        django_assert_max_num_queries=django_assert_max_num_queries,
    )
    assert len(response.context["page"].object_list) == 10


def test_overdue_page_turn_with_htmx_answers_the_results_only(client, overdue, settings):
    settings.PAGINATE_BY = 1
    client.force_login(overdue.a.coordinator.user)
    url = reverse("venues:attendance_overdue")
    whole = client.get(url).content.decode()
    assert "<html" in whole and 'href="/manage/attendance/overdue/?page=2"' in whole
    part = client.get(url, {"page": 2}, HTTP_HX_REQUEST="true")
    html = part.content.decode()
    assert "<html" not in html and html.strip().startswith('<section id="results"')
    assert "HX-Request" in part["Vary"]
    assert len(part.context["page"].object_list) == 1 and part.context["page"].number == 2
