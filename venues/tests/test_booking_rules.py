"""Every booking rule of SPEC §3, its exact Russian sentence, and who may book for whom."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone

from participants.models import Consent
from participants.tests.factories import ConsentFactory, StudentFactory
from regions.tests.factories import CampaignFactory, nosology
from venues.models import Booking, Event
from venues.selectors.bookings import with_usage
from venues.services.booking import (
    BookingError,
    booking_create,
    booking_refusal,
    bookings_create_for_students,
    event_booking_usage,
)
from venues.services.booking import rules as booking_rules
from venues.services.booking.facts import student_facts
from venues.tests.factories import BookingFactory, EventFactory

MSK = ZoneInfo("Europe/Moscow")


def refused(*, actor, event, student) -> BookingError:
    """The refusal must be the same from the pre-check and from the locked booking, and must change nothing."""
    before = Booking.objects.count()
    seats = Event.objects.get(pk=event.pk).seats_taken
    pre = booking_refusal(actor=actor, event=event, student=student)
    with pytest.raises(BookingError) as caught:
        booking_create(actor=actor, event=event, student=student)
    assert pre is not None and (pre.rule, pre.message) == (caught.value.rule, caught.value.message)
    assert Booking.objects.count() == before
    assert Event.objects.get(pk=event.pk).seats_taken == seats
    return caught.value


def online_event(world, **kwargs):
    kwargs.setdefault("starts_at", timezone.now() + dt.timedelta(days=10))
    return EventFactory(venue=world.a.venue, campaign=world.campaign, online=True, **kwargs)


# --- happy paths and who may book ----------------------------------------------------------------------------------


def test_student_books_themself(world):
    event = online_event(world)
    assert booking_refusal(actor=world.a.student.user, event=event, student=world.a.student) is None
    booking = booking_create(actor=world.a.student.user, event=event, student=world.a.student)
    assert booking.status == Booking.Status.CONFIRMED
    assert booking.booked_by == world.a.student.user
    event.refresh_from_db()
    assert event.seats_taken == 1


def test_guardian_books_their_child_in_person(world):
    booking = booking_create(actor=world.a.guardian.user, event=world.a.event, student=world.a.sibling)
    assert booking.status == Booking.Status.CONFIRMED
    world.a.event.refresh_from_db()
    assert world.a.event.seats_taken == 2


def test_navigator_books_a_student_of_their_school(world):
    event = online_event(world)
    booking = booking_create(actor=world.a.navigator.user, event=event, student=world.a.sibling)
    assert booking.status == Booking.Status.CONFIRMED


@pytest.mark.parametrize("who", ["other_guardian", "other_navigator", "coordinator", "venue_staff", "other_student"])
def test_nobody_else_may_book_for_a_student(world, who):
    actor = getattr(world.a, who).user
    error = refused(actor=actor, event=online_event(world), student=world.a.sibling)
    assert error.rule == "not_allowed"
    assert error.message == "Записывать можно только себя, своего ребёнка или ученика своей школы."


def test_another_regions_guardian_may_not_book(world):
    error = refused(actor=world.b.guardian.user, event=online_event(world), student=world.a.sibling)
    assert error.rule == "not_allowed"


def test_operator_may_not_book_for_a_student(world):
    assert refused(actor=world.operator, event=online_event(world), student=world.a.sibling).rule == "not_allowed"


# --- the student ---------------------------------------------------------------------------------------------------


def test_anonymised_student_cannot_be_booked(world):
    world.a.sibling.anonymised_at = timezone.now()
    world.a.sibling.save()
    error = refused(actor=world.a.guardian.user, event=online_event(world), student=world.a.sibling)
    assert error.rule == "anonymised"
    assert error.message == "Персональные данные участника удалены после отзыва согласия — запись невозможна."


def test_consent_in_force_is_required(world):
    Consent.objects.filter(student=world.a.student).update(withdrawn_at=timezone.now())
    error = refused(actor=world.a.student.user, event=online_event(world), student=world.a.student)
    assert error.rule == "consent"
    assert error.message == (
        "Для записи нужно действующее согласие на обработку ваших персональных данных — его нет или оно отозвано."
    )


def test_consent_missing_for_a_child_names_the_child(world):
    child = StudentFactory(school=world.a.school)
    world.a.guardian.children.add(child)
    error = refused(actor=world.a.guardian.user, event=online_event(world), student=child)
    assert error.message == (
        f"{child.full_name}: для записи нужно действующее согласие на обработку персональных данных — "
        "его нет или оно отозвано."
    )


def test_consent_not_needed_when_the_campaign_does_not_require_it(world):
    world.campaign.consent_required = False
    world.campaign.save()
    child = StudentFactory(school=world.a.school)
    world.a.guardian.children.add(child)
    assert booking_create(actor=world.a.guardian.user, event=online_event(world), student=child).pk


def test_grade_outside_the_campaign(world):
    world.campaign.grade_min = 9
    world.campaign.save()
    error = refused(actor=world.a.student.user, event=online_event(world), student=world.a.student)
    assert error.rule == "grade_campaign"
    assert error.message == "Кампания 2026 — для 9–11 классов, а вы учитесь в 8 классе."
    error = refused(actor=world.a.guardian.user, event=online_event(world), student=world.a.sibling)
    assert error.message == f"{world.a.sibling.full_name}: кампания 2026 — для 9–11 классов, а участник учится в 8 классе."


def test_grade_outside_the_event(world):
    event = online_event(world, grade_min=9, grade_max=11)
    error = refused(actor=world.a.student.user, event=event, student=world.a.student)
    assert error.rule == "grade_event"
    assert error.message == "Мероприятие — для 9–11 классов, а вы учитесь в 8 классе."
    error = refused(actor=world.a.navigator.user, event=event, student=world.a.sibling)
    assert error.message == f"{world.a.sibling.full_name}: мероприятие — для 9–11 классов, а участник учится в 8 классе."


def test_event_restricted_to_a_nosology_is_bookable_by_anyone(world):
    event = online_event(world)
    event.accessible_for.add(nosology("hearing"))
    assert world.a.sibling.nosology is None
    assert booking_create(actor=world.a.guardian.user, event=event, student=world.a.sibling).status == "confirmed"


# --- the event and the campaign's window ---------------------------------------------------------------------------


@pytest.mark.parametrize("status,rule,message", [
    ("cancelled", "event_cancelled", "Мероприятие отменено — запись на него невозможна."),
    ("draft", "not_published", "Мероприятие не опубликовано — запись на него не открыта."),
    ("submitted", "not_published", "Мероприятие не опубликовано — запись на него не открыта."),
])
def test_event_must_be_published(world, status, rule, message):
    error = refused(actor=world.a.student.user, event=online_event(world, status=status), student=world.a.student)
    assert (error.rule, error.message) == (rule, message)


def test_event_must_not_have_started(world):
    event = online_event(world, starts_at=timezone.now() - dt.timedelta(minutes=5))
    error = refused(actor=world.a.student.user, event=event, student=world.a.student)
    assert (error.rule, error.message) == ("started", "Мероприятие уже началось — запись закрыта.")


def test_booking_window_not_open_yet(world):
    opens = timezone.now() + dt.timedelta(days=3)
    campaign = CampaignFactory(name="Кампания будущая", year=2027, is_active=False, booking_opens_at=opens)
    event = EventFactory(venue=world.a.venue, campaign=campaign, online=True)
    error = refused(actor=world.a.student.user, event=event, student=world.a.student)
    local = opens.astimezone(MSK)
    months = ["января", "февраля", "марта", "апреля", "мая", "июня", "июля", "августа", "сентября", "октября",
              "ноября", "декабря"]
    expected = f"{local.day} {months[local.month - 1]} {local.year}, {local:%H:%M}"
    assert error.rule == "window_not_open"
    assert error.message == f"Запись в кампании 2027 откроется {expected}."


def test_booking_window_closed(world):
    closes = dt.datetime(2026, 3, 1, 12, 30, tzinfo=MSK)
    world.campaign.booking_opens_at = closes - dt.timedelta(days=30)
    world.campaign.booking_closes_at = closes
    world.campaign.save()
    error = refused(actor=world.a.student.user, event=online_event(world), student=world.a.student)
    assert (error.rule, error.message) == ("window_closed", "Запись в кампании 2026 закрылась 1 марта 2026, 12:30.")


# --- the student's other bookings ----------------------------------------------------------------------------------


def test_already_booked_on_this_event(world):
    error = refused(actor=world.a.student.user, event=world.a.event, student=world.a.student)
    assert (error.rule, error.message) == ("already_booked", "Вы уже записаны на это мероприятие.")
    error = refused(actor=world.a.guardian.user, event=world.a.event, student=world.a.student)
    assert error.message == f"{world.a.student.full_name}: уже есть запись на это мероприятие."


def test_already_on_the_waiting_list(world):
    event = online_event(world)
    BookingFactory(event=event, student=world.a.sibling, status=Booking.Status.WAITLISTED)
    error = refused(actor=world.a.guardian.user, event=event, student=world.a.sibling)
    assert (error.rule, error.message) == (
        "already_waitlisted", f"{world.a.sibling.full_name}: уже в листе ожидания этого мероприятия."
    )


def test_cancelled_booking_does_not_stop_booking_again(world):
    event = online_event(world)
    BookingFactory(event=event, student=world.a.sibling, status=Booking.Status.CANCELLED)
    assert booking_create(actor=world.a.guardian.user, event=event, student=world.a.sibling).status == "confirmed"


def test_at_most_one_in_person_event(world):
    other = EventFactory(venue=world.a.other_venue, campaign=world.campaign, starts_at=timezone.now() + dt.timedelta(days=20))
    error = refused(actor=world.a.student.user, event=other, student=world.a.student)
    assert error.rule == "limit_offline"
    assert error.message == "Вы уже записаны на 1 очное мероприятие — это максимум для кампании 2026."
    error = refused(actor=world.a.guardian.user, event=other, student=world.a.student)
    assert error.message == (
        f"{world.a.student.full_name}: уже есть запись на 1 очное мероприятие — это максимум для кампании 2026."
    )


def test_in_person_limit_from_the_campaign(world):
    world.campaign.max_offline_per_student = 2
    world.campaign.save()
    other = EventFactory(venue=world.a.other_venue, campaign=world.campaign, starts_at=timezone.now() + dt.timedelta(days=20))
    assert booking_create(actor=world.a.student.user, event=other, student=world.a.student).status == "confirmed"
    third = EventFactory(venue=world.a.other_venue, campaign=world.campaign, starts_at=timezone.now() + dt.timedelta(days=30))
    error = refused(actor=world.a.student.user, event=third, student=world.a.student)
    assert error.message == "Вы уже записаны на 2 очных мероприятия — это максимум для кампании 2026."


def test_at_most_four_events(world):
    for day in (11, 12, 13):
        booking_create(actor=world.a.student.user, event=online_event(world, starts_at=timezone.now() + dt.timedelta(days=day)),
                       student=world.a.student)
    error = refused(actor=world.a.student.user, event=online_event(world), student=world.a.student)
    assert error.rule == "limit_total"
    assert error.message == "Вы уже записаны на 4 мероприятия — это максимум для кампании 2026."
    error = refused(actor=world.a.navigator.user, event=online_event(world), student=world.a.student)
    assert error.message == (
        f"{world.a.student.full_name}: уже есть записи на 4 мероприятия — это максимум для кампании 2026."
    )


def test_attended_and_no_show_count_toward_the_limit_but_waitlisted_and_cancelled_do_not(world):
    world.campaign.max_events_per_student = 3
    world.campaign.max_offline_per_student = 1
    world.campaign.save()
    past = timezone.now() - dt.timedelta(days=5)
    BookingFactory(student=world.a.sibling, status=Booking.Status.ATTENDED,
                   event=online_event(world, starts_at=past))
    BookingFactory(student=world.a.sibling, status=Booking.Status.NO_SHOW,
                   event=online_event(world, starts_at=past - dt.timedelta(days=1)))
    BookingFactory(student=world.a.sibling, status=Booking.Status.WAITLISTED, event=online_event(world))
    BookingFactory(student=world.a.sibling, status=Booking.Status.CANCELLED, event=online_event(world))
    BookingFactory(student=world.a.sibling, status=Booking.Status.CONFIRMED,
                   event=online_event(world, status=Event.Status.CANCELLED))
    assert event_booking_usage(student=world.a.sibling, campaign=world.campaign) == {
        "used": 2, "limit": 3, "left": 1, "offline_used": 0, "offline_limit": 1, "offline_left": 1,
    }
    booking_create(actor=world.a.guardian.user, event=world.a.event, student=world.a.sibling)
    usage = event_booking_usage(student=world.a.sibling, campaign=world.campaign)
    assert (usage["used"], usage["left"], usage["offline_used"], usage["offline_left"]) == (3, 0, 1, 0)
    assert refused(actor=world.a.guardian.user, event=online_event(world), student=world.a.sibling).rule == "limit_total"


def test_limits_are_per_campaign(world):
    old = CampaignFactory(name="Кампания 2025", year=2025, is_active=False)
    BookingFactory(student=world.a.sibling, status=Booking.Status.ATTENDED,
                   event=EventFactory(venue=world.a.venue, campaign=old, starts_at=timezone.now() - dt.timedelta(days=200)))
    assert booking_create(actor=world.a.guardian.user, event=world.a.event, student=world.a.sibling).status == "confirmed"


def test_no_overlap_with_another_confirmed_booking(world):
    start = world.a.event.starts_at + dt.timedelta(hours=1)
    event = online_event(world, starts_at=start, title="Онлайн в то же время")
    error = refused(actor=world.a.student.user, event=event, student=world.a.student)
    when = world.a.event.starts_at.astimezone(MSK)
    assert error.rule == "overlap"
    assert error.message.startswith(f"В это время вы уже записаны на «{world.a.event.title}» ({when.day} ")
    assert error.message.endswith(f"{when:%H:%M}) — мероприятия пересекаются.")
    error = refused(actor=world.a.guardian.user, event=event, student=world.a.student)
    assert error.message.startswith(f"{world.a.student.full_name}: в это время уже есть запись на «{world.a.event.title}»")


def test_back_to_back_events_do_not_overlap(world):
    event = online_event(world, starts_at=world.a.event.ends_at)
    assert booking_create(actor=world.a.student.user, event=event, student=world.a.student).status == "confirmed"


def test_a_waitlisted_place_does_not_block_an_overlapping_event(world):
    full = online_event(world, capacity=1, starts_at=timezone.now() + dt.timedelta(days=15))
    BookingFactory(event=full, student=world.a.other_student)
    full.seats_taken = 1
    full.save()
    assert booking_create(actor=world.a.guardian.user, event=full, student=world.a.sibling).status == "waitlisted"
    overlapping = online_event(world, starts_at=full.starts_at)
    assert booking_create(actor=world.a.guardian.user, event=overlapping, student=world.a.sibling).status == "confirmed"


# --- full events, idempotency, class bookings ----------------------------------------------------------------------


def test_full_event_offers_the_waiting_list(world):
    event = online_event(world, capacity=1)
    booking_create(actor=world.a.student.user, event=event, student=world.a.student)
    assert booking_refusal(actor=world.a.guardian.user, event=event, student=world.a.sibling) is None
    booking = booking_create(actor=world.a.guardian.user, event=event, student=world.a.sibling)
    assert booking.status == Booking.Status.WAITLISTED
    event.refresh_from_db()
    assert event.seats_taken == 1


def test_double_submit_past_the_checks_returns_the_same_booking(world, monkeypatch):
    """If two requests of one student ever both passed the checks, the unique constraint answers the second one
    with the first booking: no error, no second seat."""
    event = online_event(world)
    first = booking_create(actor=world.a.student.user, event=event, student=world.a.student)
    monkeypatch.setattr(booking_rules, "refusal", lambda **kwargs: None)
    second = booking_create(actor=world.a.student.user, event=event, student=world.a.student)
    assert second.pk == first.pk
    assert Booking.objects.filter(event=event).count() == 1
    event.refresh_from_db()
    assert event.seats_taken == 1


def test_a_confirmed_booking_is_the_row_written(world):
    """What `booking_create` returns is the row it stored."""
    event = online_event(world)
    booking = booking_create(actor=world.a.student.user, event=event, student=world.a.student)
    stored = Booking.objects.get(pk=booking.pk)
    assert (stored.event_id, stored.student_id, stored.status, stored.booked_by_id, stored.created_at) == (
        event.pk, world.a.student.pk, Booking.Status.CONFIRMED, world.a.student.user_id, booking.created_at
    )
    assert stored.cancelled_at is None


@pytest.mark.parametrize(
    "change, rule",
    [
        (lambda event: Event.objects.filter(pk=event.pk).update(status=Event.Status.CANCELLED), "event_cancelled"),
        (lambda event: Event.objects.filter(pk=event.pk).update(grade_min=10, grade_max=11), "grade_event"),
        (
            lambda event: type(event.campaign).objects.filter(pk=event.campaign_id).update(
                booking_closes_at=timezone.now() - dt.timedelta(minutes=1)
            ),
            "window_closed",
        ),
    ],
)
def test_terms_changed_after_the_page_read_the_event_are_decided_again(world, change, rule):
    """The rules are decided against the caller's copy of the event; the seat is taken only while the event's and
    the campaign's terms in the database are still those, else every rule is decided again on the current rows."""
    event = online_event(world)
    stale = Event.objects.select_related("campaign").get(pk=event.pk)
    change(event)
    with pytest.raises(BookingError) as caught:
        booking_create(actor=world.a.student.user, event=stale, student=world.a.student)
    assert caught.value.rule == rule
    assert not Booking.objects.filter(event=event).exists()
    assert Event.objects.get(pk=event.pk).seats_taken == 0


def test_a_stale_copy_of_a_full_event_gives_a_place_on_the_waiting_list(world):
    event = online_event(world, capacity=1)
    stale = Event.objects.select_related("campaign").get(pk=event.pk)
    booking_create(actor=world.a.student.user, event=event, student=world.a.student)
    booking = booking_create(actor=world.a.guardian.user, event=stale, student=world.a.sibling)
    assert booking.status == Booking.Status.WAITLISTED
    assert Event.objects.get(pk=event.pk).seats_taken == 1


def test_navigator_books_several_students_one_line_each(world):
    event = online_event(world, capacity=2)
    sixth_grader = StudentFactory(school=world.a.school, grade=6)
    ConsentFactory(student=sixth_grader)
    no_consent = StudentFactory(school=world.a.school)
    lines = bookings_create_for_students(
        actor=world.a.navigator.user, event=event, students=[world.a.student, world.a.sibling, no_consent, sixth_grader]
    )
    assert [(s, b.status if b else None, e.rule if e else None) for s, b, e in lines] == [
        (world.a.student, "confirmed", None),
        (world.a.sibling, "confirmed", None),
        (no_consent, None, "consent"),
        (sixth_grader, "waitlisted", None),
    ]


def test_the_rules_facts_count_what_the_pages_count(world):
    """The rules work their facts out in Python from the student's bookings; the pages count the same in SQL
    (`with_usage`): counted bookings of the campaign, all and in person, not waitlisted, cancelled or on cancelled
    events."""
    past = timezone.now() - dt.timedelta(days=3)
    BookingFactory(student=world.a.student, status=Booking.Status.ATTENDED, event=online_event(world, starts_at=past))
    BookingFactory(student=world.a.student, status=Booking.Status.WAITLISTED, event=online_event(world))
    BookingFactory(student=world.a.student, event=online_event(world, status=Event.Status.CANCELLED))
    overlapping = online_event(world, starts_at=world.a.event.starts_at + dt.timedelta(minutes=30))
    Consent.objects.filter(student=world.a.sibling).update(withdrawn_at=timezone.now())
    pages = {s.pk: s for s in with_usage(type(world.a.student).objects.all(), world.campaign)}
    for student, event in [
        (world.a.student, overlapping), (world.a.student, world.a.event), (world.a.sibling, world.a.event),
        (world.a.other_student, world.a.other_event),
    ]:
        facts = student_facts(student=student, event=event)
        assert (facts.used, facts.offline_used) == (pages[student.pk].used, pages[student.pk].offline_used)
    facts = student_facts(student=world.a.student, event=overlapping)
    assert (facts.used, facts.offline_used, facts.clash.event_id) == (2, 1, world.a.event.pk)
    assert student_facts(student=world.a.sibling, event=world.a.event).has_consent is False
    assert student_facts(student=world.a.student, event=world.a.event).existing == "confirmed"


@pytest.mark.parametrize("who", ["student", "guardian", "navigator", "venue_staff"])
def test_the_booking_paths_event_read_agrees_with_the_public_list(world, who, django_assert_num_queries):
    """`event_public_get` (hand-written for families, one statement on every database) answers what
    `event_public_list` answers, with the campaign read in the same query."""
    from bilet.roles import get_roles
    from venues.selectors import event_public_get, event_public_list

    user = getattr(world.a, who).user
    get_roles(user)
    published = online_event(world)
    draft = online_event(world, status=Event.Status.DRAFT)
    for event in (published, draft, world.a.event, world.a.other_event):
        expected = event_public_list(user=user).filter(pk=event.pk).first()
        with django_assert_num_queries(1):
            found = event_public_get(user=user, pk=event.pk)
            campaign_year = found.campaign.year if found else None
        assert found == expected
        if found:
            assert (campaign_year, found.starts_at, found.seats_taken) == (
                expected.campaign.year, expected.starts_at, expected.seats_taken
            )
