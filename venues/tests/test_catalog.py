"""The public catalog /events/ and the event page /events/<id>/ (issue 4 §3)."""

import datetime as dt
import re

import pytest
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape

from regions.tests.factories import CompetencyFactory, MunicipalityFactory, nosology
from venues.models import Booking, Event
from venues.services.booking import booking_refusal
from participants.tests.factories import StudentFactory
from venues.tests.factories import BookingFactory, EventFactory, MentorFactory, VenueFactory

URL = "/events/"


def _titles(response):
    return {event.title for event in response.context["page_obj"]}


def _published(world, **kwargs):
    kwargs.setdefault("venue", world.a.venue)
    return EventFactory(campaign=world.campaign, **kwargs)


def test_catalog_url_is_the_stable_contract(world):
    assert reverse("venues:catalog") == URL
    assert reverse("venues:event_detail", args=[world.a.event.pk]) == f"/events/{world.a.event.pk}/"


def test_anonymous_browse_published_upcoming_events_only(client, world):
    _published(world, title="Черновик", status=Event.Status.DRAFT)
    _published(world, title="На согласовании", status=Event.Status.SUBMITTED)
    _published(world, title="Отменено", status=Event.Status.CANCELLED)
    start = timezone.now() - dt.timedelta(hours=1)
    _published(world, title="Уже идёт", starts_at=start, ends_at=start + dt.timedelta(hours=3))
    response = client.get(URL)
    assert response.status_code == 200
    assert _titles(response) == {
        "Проба (Тульская область)", "Онлайн-проба (Тульская область)",
        "Проба (Смоленская область)", "Онлайн-проба (Смоленская область)",
    }


def test_filter_region_and_municipality(client, world):
    assert _titles(client.get(URL, {"region": world.a.region.pk})) == {
        "Проба (Тульская область)", "Онлайн-проба (Тульская область)"}
    assert _titles(client.get(URL, {"region": world.a.region.pk, "municipality": world.a.municipality.pk})) == {
        "Проба (Тульская область)"}
    assert _titles(client.get(URL, {"region": world.a.region.pk, "municipality": world.a.other_municipality.pk})) == {
        "Онлайн-проба (Тульская область)"}


def test_municipality_of_another_region_is_dropped(client, world):
    response = client.get(URL, {"region": world.b.region.pk, "municipality": world.a.municipality.pk})
    assert _titles(response) == {"Проба (Смоленская область)", "Онлайн-проба (Смоленская область)"}
    choices = [str(m) for m in response.context["form"].fields["municipality"].queryset]
    assert sorted(choices) == sorted([world.b.municipality.name, world.b.other_municipality.name])


def test_municipality_offers_nothing_until_a_region_is_chosen(client, world):
    response = client.get(URL)
    assert list(response.context["form"].fields["municipality"].queryset) == []


def test_filter_competency_level_mode(client, world):
    competency = CompetencyFactory(name="Повар")
    cook = _published(world, title="Повар", competency=competency, level=Event.Level.IN_DEPTH)
    assert _titles(client.get(URL, {"competency": competency.pk})) == {cook.title}
    assert _titles(client.get(URL, {"level": "in_depth"})) == {cook.title}
    assert _titles(client.get(URL, {"mode": "online"})) == {
        "Онлайн-проба (Тульская область)", "Онлайн-проба (Смоленская область)"}


def test_filter_dates(client, world):
    start = (timezone.localtime() + dt.timedelta(days=40)).replace(hour=11)
    later = _published(world, title="Через сорок дней", starts_at=start, ends_at=start + dt.timedelta(hours=1))
    day = start.date()
    assert _titles(client.get(URL, {"date_from": day.isoformat()})) == {later.title}
    assert later.title not in _titles(client.get(URL, {"date_to": (day - dt.timedelta(days=1)).isoformat()}))
    assert _titles(client.get(URL, {"date_from": day.isoformat(), "date_to": day.isoformat()})) == {later.title}


def test_filter_grade(client, world):
    seniors = _published(world, title="Для старших", grade_min=10, grade_max=11)
    assert seniors.title not in _titles(client.get(URL, {"grade": 8}))
    assert seniors.title in _titles(client.get(URL, {"grade": 10}))
    assert len(_titles(client.get(URL, {"grade": 6}))) == 4


def test_filter_accessible_for_a_nosology(client, world):
    world.a.event.accessible_for.set([nosology("hearing"), nosology("sight")])
    assert _titles(client.get(URL, {"nosology": nosology("hearing").pk})) == {"Проба (Тульская область)"}
    assert _titles(client.get(URL, {"nosology": nosology("autism").pk})) == set()


def test_filter_free_seats(client, world):
    full = _published(world, title="Мест нет", capacity=2)
    Event.objects.filter(pk=full.pk).update(seats_taken=2)
    assert full.title in _titles(client.get(URL))
    assert full.title not in _titles(client.get(URL, {"free_seats": "on"}))


def test_search(client, world):
    # Words in either order, each somewhere in the title, the competency or the venue (lower-case Cyrillic only:
    # SQLite's LIKE folds ASCII case alone; PostgreSQL folds both).
    assert _titles(client.get(URL, {"q": "моленская лайн"})) == {"Онлайн-проба (Смоленская область)"}


def test_cards_show_seats_left_in_russian(client, world):
    Event.objects.filter(pk=world.a.event.pk).update(capacity=20, seats_taken=1)
    Event.objects.filter(pk=world.a.other_event.pk).update(capacity=3, seats_taken=1)
    Event.objects.filter(pk=world.b.event.pk).update(capacity=2, seats_taken=1)
    Event.objects.filter(pk=world.b.other_event.pk).update(capacity=1, seats_taken=1)
    page = client.get(URL).content.decode()
    assert "Осталось 19 мест" in page
    assert "Осталось 2 места" in page
    assert "Осталось 1 место" in page
    assert "мест нет — можно встать в лист ожидания" in page
    start = timezone.localtime(world.a.event.starts_at)
    months = ["января", "февраля", "марта", "апреля", "мая", "июня", "июля", "августа", "сентября", "октября",
              "ноября", "декабря"]
    assert f"{start.day} {months[start.month - 1]} {start.year}, {start:%H:%M}" in page
    assert "Колледж (Тульская область), Тульская область: город" in page


def test_no_js_form_keeps_the_filter_state(client, world):
    response = client.get(URL, {"region": world.a.region.pk, "mode": "online", "free_seats": "on"})
    page = response.content.decode()
    assert re.search(r'<form method="get" action="/events/"', page)
    assert '<button type="submit">Показать</button>' in page
    assert re.search(rf'<option value="{world.a.region.pk}" selected>', page)
    assert re.search(r'<option value="online" selected>', page)
    assert re.search(r'name="free_seats"[^>]*checked', page)
    assert f'<option value="{world.a.municipality.pk}">' in page  # the region's municipalities are offered
    assert _titles(response) == {"Онлайн-проба (Тульская область)"}


def test_htmx_gets_results_and_the_regions_municipalities(client, world):
    response = client.get(URL, {"region": world.b.region.pk}, HTTP_HX_REQUEST="true",
                          HTTP_HX_CURRENT_URL=f"http://testserver/events/?region={world.a.region.pk}")
    page = response.content.decode()
    assert "<html" not in page and "<form" not in page
    assert 'id="results"' in page
    assert 'hx-swap-oob="innerHTML"' in page
    assert f'<option value="{world.b.other_municipality.pk}">' in page
    assert f'<option value="{world.a.municipality.pk}">' not in page
    assert "Проба (Смоленская область)" in page and "Тульская" not in page.split('id="results"')[1]
    assert "HX-Request" in response["Vary"]


def test_htmx_keeps_the_municipality_options_while_the_region_stays(client, world):
    current = f"http://testserver/events/?region={world.a.region.pk}"
    response = client.get(URL, {"region": world.a.region.pk, "municipality": world.a.municipality.pk},
                          HTTP_HX_REQUEST="true", HTTP_HX_CURRENT_URL=current)
    assert "hx-swap-oob" not in response.content.decode()
    assert _titles(response) == {"Проба (Тульская область)"}


def test_form_is_wired_for_htmx_with_urls(client, world):
    page = client.get(URL).content.decode()
    assert 'hx-get="/events/"' in page and 'hx-push-url="true"' in page and 'hx-target="#results"' in page


def test_pagination_keeps_filters(client, world):
    venue = VenueFactory(municipality=MunicipalityFactory(region=world.a.region))
    for i in range(25):
        _published(world, venue=venue, title=f"Серия {i:02d}")
    first = client.get(URL, {"region": world.a.region.pk})
    assert len(first.context["page_obj"]) == 20
    assert f"region={world.a.region.pk}&amp;page=2" in first.content.decode()
    second = client.get(URL, {"region": world.a.region.pk, "page": 2})
    assert len(second.context["page_obj"]) == 7


def test_catalog_query_count_does_not_grow(client, world, django_assert_max_num_queries):
    world.a.event.accessible_for.set([nosology("hearing")])
    with django_assert_max_num_queries(12) as few:
        client.get(URL, {"region": world.a.region.pk})
    for _ in range(10):
        _published(world).accessible_for.set([nosology("sight"), nosology("other")])
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get(URL, {"region": world.a.region.pk})
    assert len(response.context["page_obj"]) == 12


# --- the event page ---------------------------------------------------------------------------------------------------


def _detail(client, event):
    return client.get(reverse("venues:event_detail", args=[event.pk]))


def test_anonymous_reads_the_event_and_is_asked_to_sign_in(client, world):
    world.a.event.accessible_for.set([nosology("musculoskeletal")])
    page = _detail(client, world.a.event).content.decode()
    assert world.a.event.address in page
    assert "нарушения опорно-двигательного аппарата" in page.lower()
    assert world.a.mentor.full_name in page
    assert "2 часа" in page
    assert f"/accounts/login/?next=/events/{world.a.event.pk}/" in page
    assert "/book/" not in page


def test_online_link_only_for_booked_students(client, world):
    event = world.a.other_event  # online; a.other_student is booked on it
    page = _detail(client, event).content.decode()
    assert "ссылка придёт после записи" in page and event.online_url not in page
    client.force_login(world.a.guardian.user)
    assert event.online_url not in _detail(client, event).content.decode()
    client.force_login(world.a.other_student.user)
    assert event.online_url in _detail(client, event).content.decode()
    client.force_login(world.a.other_guardian.user)
    assert event.online_url in _detail(client, event).content.decode()


def test_guardian_sees_the_booking_and_picks_another_child(client, world):
    client.force_login(world.a.guardian.user)
    response = _detail(client, world.a.event)
    page = response.content.decode()
    assert reverse("venues:booking_cancel", args=[world.a.booking.pk]) in page
    assert [s.pk for s in response.context["box_bookable"]] == [world.a.sibling.pk]
    assert f'<option value="{world.a.sibling.pk}">' in page
    assert 'action="/events/%d/book/"' % world.a.event.pk in page


def test_the_booking_form_books(client, world):
    client.force_login(world.a.guardian.user)
    client.post(reverse("venues:event_book", args=[world.a.event.pk]), {"student": world.a.sibling.pk})
    assert Booking.objects.get(event=world.a.event, student=world.a.sibling).status == Booking.Status.CONFIRMED


def test_student_reads_why_they_cannot_book(client, world):
    second = _published(world, title="Вторая очная проба",
                        starts_at=world.a.event.starts_at + dt.timedelta(days=2),
                        ends_at=world.a.event.ends_at + dt.timedelta(days=2))
    client.force_login(world.a.student.user)
    response = _detail(client, second)
    reason = booking_refusal(actor=world.a.student.user, event=second, student=world.a.student)
    assert reason is not None
    assert response.context["box_bookable"] == []
    assert escape(str(reason)) in response.content.decode()
    assert 'action="/events/%d/book/"' % second.pk not in response.content.decode()


def _later_online(world, **kwargs):
    start = world.a.event.starts_at + dt.timedelta(days=2)
    return _published(world, online=True, starts_at=start, ends_at=start + dt.timedelta(hours=1), **kwargs)


def test_full_event_offers_the_waiting_list(client, world):
    full = _later_online(world, capacity=1)
    Event.objects.filter(pk=full.pk).update(seats_taken=1)
    client.force_login(world.a.student.user)
    response = _detail(client, full)
    assert [s.pk for s in response.context["box_bookable"]] == [world.a.student.pk]
    assert "Встать в лист ожидания" in response.content.decode()


def test_waitlisted_booking_can_be_left(client, world):
    full = _later_online(world, capacity=1)
    waiting = BookingFactory(event=full, student=world.a.student, status=Booking.Status.WAITLISTED)
    client.force_login(world.a.student.user)
    page = _detail(client, full).content.decode()
    assert "Покинуть лист ожидания" in page
    assert reverse("venues:booking_cancel", args=[waiting.pk]) in page
    assert full.online_url not in page  # a place in the queue is not a place


def test_navigator_gets_the_class_booking_link(client, world):
    client.force_login(world.a.navigator.user)
    page = _detail(client, world.a.event).content.decode()
    assert reverse("venues:event_book_students", args=[world.a.event.pk]) in page


@pytest.mark.parametrize("status", [Event.Status.DRAFT, Event.Status.SUBMITTED, Event.Status.CANCELLED])
def test_unpublished_event_hidden_from_families_and_outsiders(client, world, status):
    event = _published(world, status=status)
    assert _detail(client, event).status_code == 404
    for outsider in (world.a.guardian.user, world.a.student.user, world.a.navigator.user,
                     world.b.venue_staff.user, world.b.coordinator.user, world.a.other_venue_staff.user):
        client.force_login(outsider)
        assert _detail(client, event).status_code == 404, outsider
    for insider in (world.a.venue_staff.user, world.a.coordinator.user, world.curator.user, world.operator):
        client.force_login(insider)
        response = _detail(client, event)
        assert response.status_code == 200
        assert "только сотрудники" in response.content.decode()


def test_detail_query_count_for_a_guardian(client, world, django_assert_max_num_queries):
    """Fixed for a family of two children, however many mentors, groups and bookings the event has (the booking
    rules are checked once per child of the family)."""
    client.force_login(world.a.guardian.user)
    with django_assert_max_num_queries(21) as few:
        _detail(client, world.a.event)
    world.a.event.accessible_for.set([nosology("hearing"), nosology("sight"), nosology("other")])
    for _ in range(3):
        world.a.event.mentors.add(MentorFactory(region=world.a.region))
    for student in StudentFactory.create_batch(5, school=world.a.other_school):
        BookingFactory(event=world.a.event, student=student)
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = _detail(client, world.a.event)
    assert response.status_code == 200


def test_detail_query_count_for_a_visitor(client, world, django_assert_num_queries):
    world.a.event.accessible_for.set([nosology("hearing"), nosology("sight")])
    with django_assert_num_queries(4):
        _detail(client, world.a.event)
