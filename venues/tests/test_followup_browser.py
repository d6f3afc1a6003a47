"""After a practicum, in Chromium: venue staff take the register, the mentor writes a recommendation, the guardian
reads it, the coordinator follows up what is overdue. axe-core finds no serious or critical violation on the way."""

import datetime as dt
import re

import pytest
from django.utils import timezone

from bilet.testing.browser import nav_link
from bilet.tests.test_browser import sign_in as sign_in_with_password
from venues.models import Booking, Event, Recommendation
from venues.tests.factories import BookingFactory, EventFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

PASSWORD = "test-pass-2026"
TEXT = "Уверенно читает чертежи; стоит выбрать инженерный класс и кружок робототехники."


def sign_in(page, live_server, email: str) -> None:
    page.context.clear_cookies()
    sign_in_with_password(page, live_server, email, PASSWORD)


def _in_the_past(event, *, days_ago):
    event.starts_at = timezone.now() - dt.timedelta(days=days_ago, hours=2)
    event.ends_at = event.starts_at + dt.timedelta(hours=2)
    event.save(update_fields=["starts_at", "ends_at"])
    return event


def test_register_recommendation_and_follow_up(page, live_server, axe, world):
    a = world.a
    _in_the_past(a.event, days_ago=2)
    second = BookingFactory(event=a.event, student=a.sibling)
    stale = _in_the_past(EventFactory(venue=a.venue, campaign=world.campaign, title="Давняя проба"), days_ago=20)
    stale.mentors.add(a.mentor)
    BookingFactory(event=stale, student=a.other_student, status=Booking.Status.ATTENDED)
    Event.objects.filter(pk=stale.pk).update(attendance_marked_at=timezone.now())

    # The coordinator sees the register not taken and the recommendation overdue.
    sign_in(page, live_server, a.coordinator.user.email)
    nav_link(page, "Посещаемость").click()
    assert "Проба (Тульская область)" in page.locator("#results").inner_text()
    axe(page)
    nav_link(page, "Просроченные рекомендации").click()
    assert a.mentor.last_name in page.locator("table").inner_text()
    axe(page)

    # Venue staff take the register: one student came, the other did not.
    sign_in(page, live_server, a.venue_staff.user.email)
    page.goto(f"{live_server.url}/manage/events/{a.event.pk}/attendance/")
    axe(page)
    page.get_by_role("button", name="Сохранить посещаемость").click()  # nobody marked yet: refused, nothing lost
    assert "Отметьте всех записанных" in page.get_by_role("alert").inner_text()
    student_row = page.get_by_role("group", name=a.student.full_name)
    student_row.get_by_label("присутствовал(а)").check()
    page.get_by_role("group", name=a.sibling.full_name).get_by_label("отсутствовал").check()
    page.get_by_role("button", name="Сохранить посещаемость").click()
    assert "Посещаемость сохранена" in page.locator(".messages").inner_text()
    assert Booking.objects.get(pk=a.booking.pk).status == Booking.Status.ATTENDED
    assert Booking.objects.get(pk=second.pk).status == Booking.Status.NO_SHOW

    # The mentor sees who waits, the overdue one highlighted, and writes.
    sign_in(page, live_server, a.mentor.user.email)
    page.get_by_role("link", name="Рекомендации моим участникам").click()
    assert page.locator("tr.row-overdue").count() == 1
    axe(page)
    # The student's name is a visually hidden part of the link (absolutely positioned, so a separate word to a11y).
    page.get_by_role("link", name=re.compile(rf"Написать\s*:\s*{a.student.full_name}")).click()
    axe(page)
    page.get_by_label("Рекомендация").fill(TEXT)
    page.get_by_role("button", name="Сохранить рекомендацию").click()
    assert "Рекомендация сохранена" in page.locator(".messages").inner_text()
    recommendation = Recommendation.objects.get(booking=a.booking)

    # The guardian reads it.
    sign_in(page, live_server, a.guardian.user.email)
    page.goto(f"{live_server.url}/recommendations/{recommendation.pk}/")
    assert TEXT in page.locator(".recommendation-text").inner_text()
    axe(page)
