"""A navigator's list of their school's students' bookings (issue 12 §17): scoped to their school, filtered by class
and event, paginated, with cancel; its query count does not grow with the rows."""

import datetime as dt
from urllib.parse import urlencode

import pytest
from django.urls import reverse
from django.utils import timezone

from bilet.tests.directory import get_as, listed_set, queries_of
from participants.tests.factories import StudentFactory
from venues.forms import class_key
from venues.models import Booking
from venues.tests.factories import BookingFactory, EventFactory

URL = reverse("venues:school_bookings")


@pytest.fixture
def ninth(world):
    """A 9Б student of school "a" booked onto an online event of their own."""
    student = StudentFactory(school=world.a.school, grade=9, class_letter="Б", last_name="Девятиклассникова")
    event = EventFactory(venue=world.a.venue, campaign=world.campaign, online=True, title="Онлайн для 9Б",
                         starts_at=timezone.now() + dt.timedelta(days=12), seats_taken=1)
    return BookingFactory(event=event, student=student)


def test_a_navigator_sees_the_bookings_of_their_schools_students_only(client, world, ninth):
    response = get_as(client, world.a.navigator.user, URL)
    assert response.status_code == 200
    assert listed_set(response) == {world.a.booking.pk, ninth.pk}
    html = response.content.decode()
    assert world.a.student.full_name in html and world.a.event.title in html
    for outsider in (world.a.other_student, world.b.student):
        assert outsider.full_name not in html


@pytest.mark.parametrize("navigator,booking", [("a.other_navigator", "a.other_booking"), ("b.navigator", "b.booking")])
def test_another_schools_navigator_sees_only_their_own(client, world, ninth, navigator, booking):
    group, name = navigator.split(".")
    response = get_as(client, getattr(getattr(world, group), name).user, URL)
    group, name = booking.split(".")
    assert listed_set(response) == {getattr(getattr(world, group), name).pk}


@pytest.mark.parametrize("who", ["a.guardian", "a.student", "a.coordinator", "a.venue_staff", "a.mentor", "curator"])
def test_the_list_is_for_navigators_only(client, world, who):
    user = world.curator.user if who == "curator" else getattr(world.a, who.split(".")[1]).user
    assert get_as(client, user, URL).status_code == 404


def test_filtered_by_class(client, world, ninth):
    student = ninth.student
    response = get_as(client, world.a.navigator.user, URL, data={"school_class": class_key(world.a.school.pk, 9, "Б")})
    assert listed_set(response) == {ninth.pk}
    html = response.content.decode()
    assert f'value="{class_key(student.school_id, 9, "Б")}"' in html and ">9Б<" in html
    # Another school's class is not among the choices: not applied, and said so.
    response = get_as(client, world.a.navigator.user, URL, data={"school_class": class_key(world.b.school.pk, 8, "А")})
    assert listed_set(response) == {world.a.booking.pk, ninth.pk}
    assert response.context["listing"].problems


def test_filtered_by_event(client, world, ninth):
    response = get_as(client, world.a.navigator.user, URL, data={"event": world.a.event.pk})
    assert listed_set(response) == {world.a.booking.pk}
    options = response.context["form"].fields["event"].queryset
    assert set(options) == {world.a.event, ninth.event}  # only events their students are booked on
    response = get_as(client, world.a.navigator.user, URL, data={"event": world.b.event.pk})
    assert listed_set(response) == {world.a.booking.pk, ninth.pk}  # another region's event: not applied


def test_cancel_from_the_list_comes_back_to_it(client, world, ninth):
    page = f"{URL}?{urlencode({'school_class': class_key(world.a.school.pk, 9, 'Б')})}"
    html = get_as(client, world.a.navigator.user, page).content.decode()
    cancel = reverse("venues:booking_cancel", args=[ninth.pk])
    assert f'action="{cancel}"' in html
    response = client.post(cancel, {"next": page})
    assert response.status_code == 302 and response["Location"] == page
    ninth.refresh_from_db()
    assert ninth.status == Booking.Status.CANCELLED
    assert "отменена" in client.get(page).content.decode()


def test_paginated(client, world, settings):
    settings.PAGINATE_BY = 3
    for _ in range(4):
        BookingFactory(event=world.a.event, student=StudentFactory(school=world.a.school))
    first = get_as(client, world.a.navigator.user, URL)
    second = client.get(URL, {"page": 2})
    assert len(first.context["page_obj"]) == 3 and len(second.context["page_obj"]) == 2
    assert listed_set(first).isdisjoint(listed_set(second))


def test_query_count_does_not_grow_with_the_bookings(client, world, django_assert_num_queries):
    client.force_login(world.a.navigator.user)
    few = queries_of(client, URL)
    for grade in (6, 7, 10):
        student = StudentFactory(school=world.a.school, grade=grade)
        for days in (5, 9):
            event = EventFactory(venue=world.a.venue, campaign=world.campaign, online=True,
                                 starts_at=timezone.now() + dt.timedelta(days=days))
            BookingFactory(event=event, student=student)
    with django_assert_num_queries(few):
        response = client.get(URL)
    assert len(response.context["page_obj"]) == 7
    # The user and their roles, the class filter's choices, the count, the page's ids, its rows, the event choices,
    # the unread notifications of the navigation bar.
    assert few <= 8


def test_the_navigation_bar_offers_it_to_navigators(client, world):
    html = get_as(client, world.a.navigator.user, reverse("home")).content.decode()
    assert f'href="{URL}"' in html and "Записи моих учеников" in html
    assert f'href="{URL}"' not in get_as(client, world.a.guardian.user, reverse("home")).content.decode()
