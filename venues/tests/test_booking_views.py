"""Booking pages: the owner, another role, an outsider (another family, school, region) → 404; query counts pinned."""

import datetime as dt

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format

from participants.tests.factories import ConsentFactory, StudentFactory
from venues import ics
from venues.models import Booking, Event, Recommendation
from venues.services.booking import booking_create
from venues.tests.factories import BookingFactory, EventFactory


def login(client, user):
    client.force_login(user)
    return client


def messages_of(response) -> list[str]:
    return [str(m) for m in get_messages(response.wsgi_request)]


@pytest.fixture
def online(world):
    return EventFactory(venue=world.a.venue, campaign=world.campaign, online=True, title="Онлайн-проба",
                        starts_at=timezone.now() + dt.timedelta(days=10))


# --- POST /events/<id>/book/ ------------------------------------------------------------------------------------------


def test_student_books_themself_and_returns_to_the_event(client, world, online):
    response = login(client, world.a.student.user).post(reverse("venues:event_book", args=[online.pk]))
    assert response.status_code == 302
    assert response["Location"] == reverse("venues:event_detail", args=[online.pk])
    assert Booking.objects.get(event=online, student=world.a.student).status == "confirmed"
    assert messages_of(response) == ["Вы записаны на «Онлайн-проба»."]


def test_guardian_books_a_child_by_the_student_field(client, world, online):
    response = login(client, world.a.guardian.user).post(
        reverse("venues:event_book", args=[online.pk]), {"student": world.a.sibling.pk}
    )
    assert response.status_code == 302
    assert Booking.objects.filter(event=online, student=world.a.sibling, status="confirmed").exists()
    assert messages_of(response) == [f"{world.a.sibling.full_name}: запись на «Онлайн-проба» подтверждена."]


def test_guardian_without_a_choice_is_asked_whom_to_book(client, world, online):
    response = login(client, world.a.guardian.user).post(reverse("venues:event_book", args=[online.pk]))
    assert messages_of(response) == ["Выберите, кого записать."]
    assert not Booking.objects.filter(event=online).exists()


@pytest.mark.parametrize("actor,child", [
    ("a.guardian", "a.other_student"),     # another family, same region
    ("b.guardian", "a.sibling"),           # another region
    ("a.other_navigator", "a.student"),    # another school
    ("a.navigator", "b.student"),          # another region's school
    ("a.coordinator", "a.sibling"),        # sees the student, may not book for them
    ("a.venue_staff", "a.student"),
])
def test_booking_for_a_student_out_of_reach_is_404(client, world, online, actor, child):
    group, name = actor.split(".")
    student_group, student_name = child.split(".")
    student = getattr(getattr(world, student_group), student_name)
    response = login(client, getattr(getattr(world, group), name).user).post(
        reverse("venues:event_book", args=[online.pk]), {"student": student.pk}
    )
    assert response.status_code == 404
    assert not Booking.objects.filter(event=online).exists()


def test_refusal_is_a_message_and_nothing_changes(client, world):
    other = EventFactory(venue=world.a.venue, campaign=world.campaign, starts_at=timezone.now() + dt.timedelta(days=20))
    response = login(client, world.a.student.user).post(reverse("venues:event_book", args=[other.pk]))
    assert response.status_code == 302
    assert messages_of(response) == ["Вы уже записаны на 1 очное мероприятие — это максимум для кампании 2026."]
    assert not Booking.objects.filter(event=other).exists()


def test_full_event_puts_the_student_on_the_waiting_list_with_their_place(client, world):
    event = EventFactory(venue=world.a.venue, campaign=world.campaign, online=True, capacity=1, title="Сварка",
                         starts_at=timezone.now() + dt.timedelta(days=15))
    booking_create(actor=world.a.other_student.user, event=event, student=world.a.other_student)
    booking_create(actor=world.b.student.user, event=event, student=world.b.student)
    response = login(client, world.a.guardian.user).post(
        reverse("venues:event_book", args=[event.pk]), {"student": world.a.sibling.pk}
    )
    assert messages_of(response) == [
        f"Мест на «Сварка» нет — {world.a.sibling.full_name}: в листе ожидания, 2-й в очереди."
    ]


def test_unpublished_event_is_404(client, world):
    draft = EventFactory(venue=world.b.venue, campaign=world.campaign, online=True, status=Event.Status.DRAFT)
    response = login(client, world.a.student.user).post(reverse("venues:event_book", args=[draft.pk]))
    assert response.status_code == 404


def test_booking_needs_a_login_and_a_post(client, world, online):
    url = reverse("venues:event_book", args=[online.pk])
    response = client.post(url)
    assert response.status_code == 302 and response["Location"].startswith(reverse("account_login"))
    assert login(client, world.a.student.user).get(url).status_code == 405


def test_htmx_booking_answers_with_the_booking_box(client, world, online):
    response = login(client, world.a.student.user).post(
        reverse("venues:event_book", args=[online.pk]), HTTP_HX_REQUEST="true"
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert html.lstrip().startswith('<section id="booking-box"')
    assert "Вы записаны на «Онлайн-проба»." in html
    assert "Отменить запись" in html
    assert "<html" not in html


def test_htmx_refusal_shows_the_reason_in_the_box(client, world):
    other = EventFactory(venue=world.a.venue, campaign=world.campaign, starts_at=timezone.now() + dt.timedelta(days=20))
    response = login(client, world.a.student.user).post(
        reverse("venues:event_book", args=[other.pk]), HTTP_HX_REQUEST="true"
    )
    assert "это максимум для кампании 2026" in response.content.decode()


# --- POST /bookings/<id>/cancel/ --------------------------------------------------------------------------------------


@pytest.mark.parametrize("who,back_to", [
    ("student", "venues:my_bookings"),
    ("guardian", "venues:my_bookings"),
    ("navigator", "venues:school_bookings"),  # issue 12 §9: each role back to its own list ("my bookings" is 404 to it)
])
def test_the_student_their_guardian_and_navigator_cancel(client, world, who, back_to):
    response = login(client, getattr(world.a, who).user).post(reverse("venues:booking_cancel", args=[world.a.booking.pk]))
    assert response.status_code == 302
    assert response["Location"] == reverse(back_to)
    assert client.get(response["Location"]).status_code == 200
    world.a.booking.refresh_from_db()
    assert world.a.booking.status == "cancelled"
    assert messages_of(response) == [f"{world.a.student.full_name}: запись на «{world.a.event.title}» отменена."]


@pytest.mark.parametrize("who", ["a.other_guardian", "a.other_navigator", "b.guardian", "b.navigator", "a.coordinator",
                                 "a.venue_staff", "a.other_student"])
def test_anyone_else_cancelling_gets_404(client, world, who):
    group, name = who.split(".")
    user = getattr(getattr(world, group), name).user
    response = login(client, user).post(reverse("venues:booking_cancel", args=[world.a.booking.pk]))
    assert response.status_code == 404
    world.a.booking.refresh_from_db()
    assert world.a.booking.status == "confirmed"


def test_cancel_goes_back_to_a_safe_next_only(client, world, online):
    login(client, world.a.student.user)
    booking = booking_create(actor=world.a.student.user, event=online, student=world.a.student)
    page = reverse("venues:event_detail", args=[online.pk])
    response = client.post(reverse("venues:booking_cancel", args=[booking.pk]), {"next": page})
    assert response["Location"] == page
    response = client.post(reverse("venues:booking_cancel", args=[world.a.booking.pk]), {"next": "https://evil.example/"})
    assert response["Location"] == reverse("venues:my_bookings")


def test_cancel_after_the_deadline_is_refused_with_the_rule(client, world):
    event = EventFactory(venue=world.a.venue, campaign=world.campaign, online=True,
                         starts_at=timezone.now() + dt.timedelta(hours=3))
    booking = BookingFactory(event=event, student=world.a.sibling)
    response = login(client, world.a.guardian.user).post(reverse("venues:booking_cancel", args=[booking.pk]))
    assert messages_of(response)[0].startswith("Отменить запись можно не позднее чем за 24 часа до начала")
    booking.refresh_from_db()
    assert booking.status == "confirmed"


def test_leaving_the_waiting_list_from_the_box_with_htmx(client, world):
    event = EventFactory(venue=world.a.venue, campaign=world.campaign, online=True, capacity=1,
                         starts_at=timezone.now() + dt.timedelta(days=15))
    booking_create(actor=world.a.other_student.user, event=event, student=world.a.other_student)
    waiting = booking_create(actor=world.a.student.user, event=event, student=world.a.student)
    response = login(client, world.a.student.user).post(
        reverse("venues:booking_cancel", args=[waiting.pk]), {"from": "box"}, HTTP_HX_REQUEST="true"
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "место в листе ожидания" in html and 'id="booking-box"' in html
    assert "Встать в лист ожидания" in html


# --- /events/<id>/book-students/ ---------------------------------------------------------------------------------------


def test_navigator_sees_only_eligible_students_of_their_school(client, world, online):
    no_consent = StudentFactory(school=world.a.school, last_name="Безсогласиева")
    booked = StudentFactory(school=world.a.school, last_name="Ужезаписанова")
    ConsentFactory(student=booked)
    BookingFactory(event=online, student=booked)
    response = login(client, world.a.navigator.user).get(reverse("venues:event_book_students", args=[online.pk]))
    assert response.status_code == 200
    html = response.content.decode()
    assert world.a.student.last_name in html and world.a.sibling.last_name in html
    for absent in (world.a.other_student, world.b.student, no_consent, booked):
        assert absent.last_name not in html


def test_navigator_books_a_class_and_reads_one_line_per_student(client, world):
    event = EventFactory(venue=world.a.venue, campaign=world.campaign, online=True, capacity=1, title="Кондитер",
                         starts_at=timezone.now() + dt.timedelta(days=15))
    classmate = StudentFactory(school=world.a.school, last_name="Одноклассникова")
    ConsentFactory(student=classmate)
    response = login(client, world.a.navigator.user).post(
        reverse("venues:event_book_students", args=[event.pk]),
        {"students": [world.a.student.pk, world.a.sibling.pk, classmate.pk]},
    )
    assert response.status_code == 200
    results = response.context["results"]
    assert {r["student"] for r in results} == {world.a.student, world.a.sibling, classmate}
    assert all(r["error"] is None for r in results)
    statuses = sorted(r["booking"].status for r in results)
    assert statuses == ["confirmed", "waitlisted", "waitlisted"]
    assert sorted(r["position"] for r in results if r["position"]) == [1, 2]
    html = response.content.decode()
    assert "1-й в очереди" in html and "2-й в очереди" in html


def test_class_booking_shows_refusals_with_their_reason(client, world):
    other = EventFactory(venue=world.a.venue, campaign=world.campaign, starts_at=timezone.now() + dt.timedelta(days=20))
    response = login(client, world.a.navigator.user).post(
        reverse("venues:event_book_students", args=[other.pk]), {"students": [world.a.student.pk]}
    )
    html = response.content.decode()
    assert "отказ" in html
    assert f"{world.a.student.full_name}: уже есть запись на 1 очное мероприятие" in html


@pytest.mark.parametrize("student", ["a.other_student", "b.student"])
def test_class_booking_of_another_schools_student_is_404(client, world, online, student):
    group, name = student.split(".")
    response = login(client, world.a.navigator.user).post(
        reverse("venues:event_book_students", args=[online.pk]),
        {"students": [world.a.sibling.pk, getattr(getattr(world, group), name).pk]},
    )
    assert response.status_code == 404
    assert not Booking.objects.filter(event=online).exists()


def test_class_booking_needs_a_ticked_student(client, world, online):
    response = login(client, world.a.navigator.user).post(reverse("venues:event_book_students", args=[online.pk]), {})
    assert response.status_code == 200
    assert messages_of(response) == ["Отметьте хотя бы одного ученика или весь класс."]


def _class_key(student) -> str:
    return f"{student.school_id}:{student.grade}:{student.class_letter}"


def test_class_form_groups_the_students_by_class(client, world, online):
    ninth = StudentFactory(school=world.a.school, grade=9, class_letter="Б", last_name="Девятиклассникова")
    ConsentFactory(student=ninth)
    response = login(client, world.a.navigator.user).get(reverse("venues:event_book_students", args=[online.pk]))
    groups = {c["label"]: [s.last_name for s in c["students"]] for c in response.context["classes"]}
    assert groups == {"8А": sorted([world.a.student.last_name, world.a.sibling.last_name]), "9Б": [ninth.last_name]}
    html = response.content.decode()
    assert "Весь 8А класс — 2 ученика" in html and "Весь 9Б класс — 1 ученик" in html
    assert f'value="{_class_key(ninth)}"' in html


def test_a_ticked_class_books_every_listed_student_of_it(client, world):
    event = EventFactory(venue=world.a.venue, campaign=world.campaign, online=True, capacity=10, title="Флорист",
                         starts_at=timezone.now() + dt.timedelta(days=15))
    classmate = StudentFactory(school=world.a.school, last_name="Одноклассникова")
    ninth = StudentFactory(school=world.a.school, grade=9, class_letter="Б")
    no_consent = StudentFactory(school=world.a.school, last_name="Безсогласиева")  # not listed: not booked
    for student in (classmate, ninth):
        ConsentFactory(student=student)
    response = login(client, world.a.navigator.user).post(
        reverse("venues:event_book_students", args=[event.pk]),
        {"classes": [_class_key(world.a.student)], "students": [world.a.student.pk]},
    )
    assert response.status_code == 200
    booked = {world.a.student, world.a.sibling, classmate}
    assert {r["student"] for r in response.context["results"]} == booked
    assert set(Booking.objects.filter(event=event, status="confirmed").values_list("student", flat=True)) == {
        s.pk for s in booked
    }
    assert not Booking.objects.filter(student__in=[ninth, no_consent]).exists()
    # The form below offers what is left: the other class, nobody of the booked one.
    assert [c["label"] for c in response.context["classes"]] == ["9Б"]


@pytest.mark.parametrize("value", ["{other}:8:А", "abc", "{own}", "{own}:x:А", "-1:8:А"])
def test_a_class_of_another_school_or_a_malformed_one_is_404(client, world, online, value):
    value = value.format(own=world.a.school.pk, other=world.b.school.pk)
    response = login(client, world.a.navigator.user).post(
        reverse("venues:event_book_students", args=[online.pk]), {"classes": [value]}
    )
    assert response.status_code == 404
    assert not Booking.objects.filter(event=online).exists()


@pytest.mark.parametrize("who", ["guardian", "student", "coordinator", "venue_staff"])
def test_class_booking_is_for_navigators_only(client, world, online, who):
    response = login(client, getattr(world.a, who).user).get(reverse("venues:event_book_students", args=[online.pk]))
    assert response.status_code == 404


def test_class_booking_page_query_count_does_not_grow_with_the_school(client, world, online, django_assert_max_num_queries):
    login(client, world.a.navigator.user)
    url = reverse("venues:event_book_students", args=[online.pk])
    client.get(url)
    with django_assert_max_num_queries(12) as few:
        client.get(url)
    for _ in range(15):
        ConsentFactory(student=StudentFactory(school=world.a.school))
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get(url)
    assert len(response.context["eligible"]) == 17


# --- /my/bookings/ and its calendar ---------------------------------------------------------------------------------------


def test_my_bookings_for_a_student(client, world, online):
    waiting_event = EventFactory(venue=world.a.venue, campaign=world.campaign, online=True, capacity=1,
                                 starts_at=timezone.now() + dt.timedelta(days=40), title="Очередь")
    booking_create(actor=world.b.student.user, event=waiting_event, student=world.b.student)
    booking_create(actor=world.a.other_student.user, event=waiting_event, student=world.a.other_student)
    booking_create(actor=world.a.student.user, event=waiting_event, student=world.a.student)
    booking_create(actor=world.a.student.user, event=online, student=world.a.student)
    response = login(client, world.a.student.user).get(reverse("venues:my_bookings"))
    assert response.status_code == 200
    html = " ".join(response.content.decode().split())
    assert "Кампания 2026: использовано 2 из 4, очное — использовано." in html
    assert "лист ожидания: вы 2-й в очереди" in html
    assert "Покинуть лист ожидания" in html and "Отменить запись" in html
    assert world.a.event.title in html and "Онлайн-проба" in html
    assert world.a.sibling.full_name not in html


def test_my_bookings_for_a_guardian_per_child_with_recommendations(client, world):
    Booking.objects.filter(pk=world.a.booking.pk).update(status=Booking.Status.ATTENDED)
    Recommendation.objects.create(booking=world.a.booking, mentor=world.a.mentor,
                                  competency=world.a.event.competency, text="Стоит попробовать инженерный класс.")
    response = login(client, world.a.guardian.user).get(reverse("venues:my_bookings"))
    html = " ".join(response.content.decode().split())
    assert world.a.student.full_name in html and world.a.sibling.full_name in html
    assert "Стоит попробовать инженерный класс." in html
    assert "посещено" in html  # the status reads right for a girl as for a boy
    assert "очное — 0 из 1" in html  # the sibling has used nothing
    assert world.a.other_student.full_name not in html


@pytest.mark.parametrize("days_ago, expected", [
    (2, "рекомендация наставника ожидается до {due}"),
    (20, "рекомендация наставника задерживается: срок был {due}"),
])
def test_my_bookings_says_when_the_mentors_recommendation_is_due(client, world, days_ago, expected):
    event = world.a.event
    event.starts_at = timezone.now() - dt.timedelta(days=days_ago, hours=2)
    event.ends_at = event.starts_at + dt.timedelta(hours=2)
    event.save(update_fields=["starts_at", "ends_at"])
    Booking.objects.filter(pk=world.a.booking.pk).update(status=Booking.Status.ATTENDED)
    due = date_format(timezone.localtime(event.ends_at + dt.timedelta(days=world.campaign.recommendation_days)), "j E")
    html = " ".join(login(client, world.a.student.user).get(reverse("venues:my_bookings")).content.decode().split())
    assert expected.format(due=due) in html

    # Once written, the recommendation itself is shown instead.
    Recommendation.objects.create(booking=world.a.booking, mentor=world.a.mentor,
                                  competency=event.competency, text="Стоит попробовать инженерный класс.")
    html = " ".join(client.get(reverse("venues:my_bookings")).content.decode().split())
    assert "Стоит попробовать инженерный класс." in html
    assert "ожидается до" not in html and "задерживается" not in html


@pytest.mark.parametrize("who", ["coordinator", "navigator", "venue_staff", "mentor"])
def test_my_bookings_is_for_students_and_guardians(client, world, who):
    assert login(client, getattr(world.a, who).user).get(reverse("venues:my_bookings")).status_code == 404
    assert login(client, getattr(world.a, who).user).get(reverse("venues:my_bookings_ics")).status_code == 404


def test_my_bookings_query_count_does_not_grow_with_bookings(client, world, django_assert_max_num_queries):
    login(client, world.a.guardian.user)
    url = reverse("venues:my_bookings")
    client.get(url)
    with django_assert_max_num_queries(14) as few:
        client.get(url)
    for day in range(5):
        event = EventFactory(venue=world.a.venue, campaign=world.campaign, online=True,
                             starts_at=timezone.now() + dt.timedelta(days=30 + day))
        BookingFactory(event=event, student=world.a.sibling, status=Booking.Status.WAITLISTED)
        BookingFactory(event=event, student=world.a.student, status=Booking.Status.CANCELLED)
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get(url)
    assert sum(len(f["bookings"]) for f in response.context["families"]) == 11


def test_ics_holds_the_confirmed_events_of_the_family(client, world, online):
    online.title = "Пробы; запятые, и\\слэши"
    online.save()
    booking_create(actor=world.a.guardian.user, event=online, student=world.a.sibling)
    BookingFactory(event=EventFactory(venue=world.a.venue, campaign=world.campaign, online=True, title="Ожидание"),
                   student=world.a.sibling, status=Booking.Status.WAITLISTED)
    response = login(client, world.a.guardian.user).get(reverse("venues:my_bookings_ics"))
    assert response.status_code == 200
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    assert 'attachment; filename="bilet-bookings.ics"' == response["Content-Disposition"]
    raw = response.content
    text = raw.decode("utf-8")
    assert text.startswith("BEGIN:VCALENDAR\r\nVERSION:2.0\r\n") and text.endswith("END:VCALENDAR\r\n")
    assert "\n" not in text.replace("\r\n", "")
    assert all(len(line.encode("utf-8")) <= 75 for line in text.split("\r\n"))
    unfolded = text.replace("\r\n ", "")
    assert unfolded.count("BEGIN:VEVENT") == 2  # a.event for a.student, the online one for the sibling
    assert "SUMMARY:Пробы\\; запятые\\, и\\\\слэши" in unfolded
    assert f"UID:booking-{world.a.booking.pk}@bilet-v-budushchee" in unfolded
    start = world.a.event.starts_at.astimezone(dt.timezone.utc).strftime("%Y%m%dT%H%M%SZ")
    assert f"DTSTART:{start}" in unfolded
    assert f"DESCRIPTION:Участник: {world.a.sibling.full_name}\\nПлощадка: " in unfolded
    assert "Ожидание" not in unfolded
    assert world.b.other_event.title not in unfolded and world.a.other_event.title not in unfolded  # other families


def test_ics_folding_never_splits_a_letter():
    line = "DESCRIPTION:" + "Ж" * 100
    folded = ics.fold(line)
    parts = folded.split("\r\n")
    assert all(len(p.encode("utf-8")) <= 75 for p in parts)
    assert all(p.startswith(" ") for p in parts[1:])
    assert "".join(p[1:] if i else p for i, p in enumerate(parts)) == line
    assert ics.fold("SHORT:ok") == "SHORT:ok"


def test_ics_escaping():
    assert ics.escape_text("a;b,c\\d\ne") == "a\\;b\\,c\\\\d\\ne"


@pytest.mark.parametrize("who,shown", [("student", True), ("guardian", True), ("navigator", False), ("coordinator", False)])
def test_navigation_offers_my_bookings_to_families(client, world, who, shown):
    response = login(client, getattr(world.a, who).user).get(reverse("venues:catalog"))
    assert (f'href="{reverse("venues:my_bookings")}"' in response.content.decode()) is shown
