"""venues.services.events: every workflow rule and its message (issue 4 §1–§2)."""

import datetime as dt

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from regions.models import Campaign
from regions.tests.factories import CompetencyFactory, nosology
from venues.models import Booking, Event, VenueCampaign
from venues.services.events import (
    EventError,
    event_actions,
    event_approve,
    event_cancel,
    event_copy,
    event_create,
    event_return,
    event_submit,
    event_update,
)
from venues.tests.factories import BookingFactory, EventFactory, MentorFactory

STAFF_ONLY = "Это может сделать только сотрудник площадки, на которой проходит мероприятие."
COORDINATOR_ONLY = "Это может сделать только координатор региона, в котором проходит мероприятие."


def _start(days=10, hour=10):
    return (timezone.localtime() + dt.timedelta(days=days)).replace(hour=hour, minute=0, second=0, microsecond=0)


def fields(world, **overrides):
    starts_at = _start()
    data = {
        "campaign": world.campaign,
        "competency": CompetencyFactory(),
        "title": "  Проба: сварщик ",
        "description": "Сварка в защитных газах",
        "level": Event.Level.ENGAGED,
        "mode": Event.Mode.OFFLINE,
        "address": "г. Тула, ул. Ленина, д. 1",
        "online_url": "https://video.example/forgotten",
        "starts_at": starts_at,
        "ends_at": starts_at + dt.timedelta(hours=2),
        "capacity": 12,
        "grade_min": 8,
        "grade_max": 11,
    }
    data.update(overrides)
    return data


def draft(world, **overrides) -> Event:
    return event_create(actor=world.a.venue_staff.user, venue=world.a.venue, **fields(world, **overrides))


def submitted(world) -> Event:
    event = draft(world)
    return event_submit(actor=world.a.venue_staff.user, event=event)


def refused(call, message):
    with pytest.raises(EventError) as info:
        call()
    assert info.value.message == message
    return info.value


# --- create --------------------------------------------------------------------------------------------------------


def test_create_makes_a_draft_of_the_venue(world):
    groups = [nosology("hearing"), nosology("sight")]
    event = event_create(
        actor=world.a.venue_staff.user, venue=world.a.venue, accessible_for=groups, mentors=[world.a.mentor],
        **fields(world),
    )
    event.refresh_from_db()
    assert event.status == Event.Status.DRAFT
    assert event.region_id == world.a.region.pk
    assert event.created_by == world.a.venue_staff.user
    assert event.title == "Проба: сварщик"
    assert event.online_url == ""  # an in-person event keeps no stale link
    assert set(event.accessible_for.all()) == set(groups)
    assert list(event.mentors.all()) == [world.a.mentor]


def test_create_online_drops_the_address(world):
    event = draft(world, mode=Event.Mode.ONLINE, online_url="https://video.example/room")
    assert event.address == ""
    assert event.online_url == "https://video.example/room"


@pytest.mark.parametrize("who", ["other_venue_staff", "coordinator", "navigator"])
def test_only_staff_of_the_venue_create(world, who):
    actor = getattr(world.a, who).user
    refused(lambda: event_create(actor=actor, venue=world.a.venue, **fields(world)), STAFF_ONLY)
    assert not Event.objects.filter(title="Проба: сварщик").exists()


def test_staff_of_another_region_cannot_create(world):
    refused(lambda: event_create(actor=world.b.venue_staff.user, venue=world.a.venue, **fields(world)), STAFF_ONLY)


@pytest.mark.parametrize(
    "overrides, message, field",
    [
        ({"title": "   "}, "Укажите название мероприятия.", "title"),
        ({"address": " "}, "Для очного мероприятия нужен адрес.", "address"),
        ({"mode": Event.Mode.ONLINE, "online_url": ""}, "Для онлайн-мероприятия нужна ссылка.", "online_url"),
        ({"capacity": 0}, "У мероприятия должно быть хотя бы одно место.", "capacity"),
        ({"grade_min": 5}, "Классы — от 6 до 11, сначала меньший.", "grade_min"),
        ({"grade_max": 12}, "Классы — от 6 до 11, сначала меньший.", "grade_min"),
        ({"grade_min": 10, "grade_max": 9}, "Классы — от 6 до 11, сначала меньший.", "grade_min"),
    ],
)
def test_create_refusals(world, overrides, message, field):
    error = refused(lambda: draft(world, **overrides), message)
    assert error.field == field
    assert not Event.objects.filter(status=Event.Status.DRAFT).exists()


def test_end_must_follow_start(world):
    start = _start()
    error = refused(lambda: draft(world, starts_at=start, ends_at=start), "Окончание должно быть позже начала.")
    assert error.field == "ends_at"


def test_start_must_be_in_the_future(world):
    start = timezone.now() - dt.timedelta(hours=1)
    refused(lambda: draft(world, starts_at=start, ends_at=start + dt.timedelta(hours=2)), "Начало должно быть в будущем.")


def test_grades_within_the_campaign(world):
    Campaign.objects.filter(pk=world.campaign.pk).update(grade_min=8, grade_max=9)
    world.campaign.refresh_from_db()
    refused(
        lambda: draft(world, grade_min=8, grade_max=11),
        "Кампания «Кампания 2026» проводится для 8–9 классов.",
    )


def test_event_within_the_campaign_dates(world):
    start = timezone.localtime() + dt.timedelta(days=200)
    with pytest.raises(EventError) as info:
        draft(world, starts_at=start, ends_at=start + dt.timedelta(hours=1))
    assert info.value.message.startswith("Кампания «Кампания 2026» идёт с ")
    assert info.value.message.endswith("мероприятие должно пройти в эти сроки.")
    assert info.value.field == "starts_at"


def test_mentors_must_belong_to_the_venue(world):
    stranger = MentorFactory(region=world.a.region, last_name="Чужой", first_name="Пётр")
    stranger.venues.add(world.a.other_venue)
    error = refused(
        lambda: event_create(actor=world.a.venue_staff.user, venue=world.a.venue, mentors=[stranger], **fields(world)),
        "Наставник Чужой Пётр не работает на этой площадке.",
    )
    assert error.field == "mentors"


# --- update ---------------------------------------------------------------------------------------------------------


def test_update_a_draft(world):
    event = draft(world)
    event_update(actor=world.a.venue_staff.user, event=event, title="Новое название", capacity=30,
                 accessible_for=[nosology("autism")], mentors=[world.a.mentor])
    event.refresh_from_db()
    assert (event.title, event.capacity) == ("Новое название", 30)
    assert list(event.accessible_for.values_list("code", flat=True)) == ["autism"]
    assert list(event.mentors.all()) == [world.a.mentor]


def test_update_a_returned_event(world):
    event = submitted(world)
    event_return(actor=world.a.coordinator.user, event=event, comment="Уточните адрес")
    event_update(actor=world.a.venue_staff.user, event=event, address="г. Тула, ул. Советская, д. 5")
    event.refresh_from_db()
    assert event.address == "г. Тула, ул. Советская, д. 5"
    assert event.status == Event.Status.RETURNED


def test_update_keeps_rules(world):
    event = draft(world)
    refused(lambda: event_update(actor=world.a.venue_staff.user, event=event, address=""),
            "Для очного мероприятия нужен адрес.")
    event.refresh_from_db()
    assert event.address == "г. Тула, ул. Ленина, д. 1"


def test_update_by_other_staff_refused(world):
    event = draft(world)
    refused(lambda: event_update(actor=world.a.other_venue_staff.user, event=event, title="x"), STAFF_ONLY)


def test_coordinator_cannot_edit_a_draft(world):
    event = draft(world)
    refused(lambda: event_update(actor=world.a.coordinator.user, event=event, title="x"), STAFF_ONLY)


def test_submitted_and_cancelled_events_are_not_editable(world):
    event = submitted(world)
    refused(lambda: event_update(actor=world.a.venue_staff.user, event=event, title="x"),
            "Мероприятие в статусе «на согласовании» нельзя редактировать.")
    cancelled = EventFactory(venue=world.a.venue, campaign=world.campaign, status=Event.Status.CANCELLED)
    refused(lambda: event_update(actor=world.a.venue_staff.user, event=cancelled, title="x"),
            "Мероприятие в статусе «отменено» нельзя редактировать.")


# --- published changes ------------------------------------------------------------------------------------------------


def _book_family(world):
    """a.student confirmed (has a login), a.sibling waitlisted (same guardian), other_student cancelled."""
    event = world.a.event
    BookingFactory(event=event, student=world.a.sibling, status=Booking.Status.WAITLISTED)
    BookingFactory(event=event, student=world.a.other_student, status=Booking.Status.CANCELLED)
    return event


def test_published_change_of_place_tells_each_person_once(world, django_capture_on_commit_callbacks):
    event = _book_family(world)
    with django_capture_on_commit_callbacks(execute=True):
        event_update(actor=world.a.venue_staff.user, event=event, address="г. Тула, ул. Новая, д. 7")
    recipients = sorted(address for message in mail.outbox for address in message.to)
    # The student and the guardian of both booked children; the cancelled student is not told.
    assert recipients == ["guardian71@test.example", "student71@test.example"]
    assert mail.outbox[0].subject == f"Изменилось мероприятие «{event.title}»"
    assert "г. Тула, ул. Новая, д. 7" in mail.outbox[0].body
    assert "Новое место" in mail.outbox[0].body


def test_coordinator_moves_a_published_event_and_families_are_told(world, django_capture_on_commit_callbacks):
    event = _book_family(world)
    new_start = _start(days=12, hour=15)
    with django_capture_on_commit_callbacks(execute=True):
        event_update(actor=world.a.coordinator.user, event=event, starts_at=new_start,
                     ends_at=new_start + dt.timedelta(hours=3))
    event.refresh_from_db()
    assert event.starts_at == new_start
    assert len(mail.outbox) == 2
    assert "Новое время" in mail.outbox[0].body


def test_capacity_change_alone_tells_nobody(world, django_capture_on_commit_callbacks):
    event = _book_family(world)
    with django_capture_on_commit_callbacks(execute=True):
        event_update(actor=world.a.venue_staff.user, event=event, capacity=5)
    event.refresh_from_db()
    assert event.capacity == 5
    assert mail.outbox == []


def test_capacity_never_below_seats_taken(world):
    event = world.a.event
    Event.objects.filter(pk=event.pk).update(seats_taken=4)
    error = refused(lambda: event_update(actor=world.a.venue_staff.user, event=event, capacity=3),
                    "Уже занято мест: 4; меньше сделать нельзя.")
    assert error.field == "capacity"
    event.refresh_from_db()
    assert event.capacity == 20


def test_raising_capacity_of_a_full_event_promotes_the_waiting_list(world, django_capture_on_commit_callbacks):
    event = world.a.event
    Event.objects.filter(pk=event.pk).update(capacity=1)  # a.student holds the only seat
    waiting = BookingFactory(event=event, student=world.a.sibling, status=Booking.Status.WAITLISTED)
    with django_capture_on_commit_callbacks(execute=True):
        event_update(actor=world.a.venue_staff.user, event=event, capacity=2)
    waiting.refresh_from_db()
    event.refresh_from_db()
    assert waiting.status == Booking.Status.CONFIRMED
    assert event.seats_taken == 2


def test_published_event_only_time_place_and_seats(world):
    refused(lambda: event_update(actor=world.a.venue_staff.user, event=world.a.event, title="Другое"),
            "У опубликованного мероприятия можно изменить только время, место и число мест.")
    refused(lambda: event_update(actor=world.a.venue_staff.user, event=world.a.event, mentors=[]),
            "У опубликованного мероприятия можно изменить только время, место и число мест.")


def test_published_online_event_keeps_a_link(world):
    refused(lambda: event_update(actor=world.a.other_venue_staff.user, event=world.a.other_event, online_url=""),
            "Для онлайн-мероприятия нужна ссылка.")


def test_published_event_cannot_move_into_the_past(world):
    past = timezone.now() - dt.timedelta(days=1)
    refused(lambda: event_update(actor=world.a.coordinator.user, event=world.a.event, starts_at=past,
                                 ends_at=past + dt.timedelta(hours=1)),
            "Начало должно быть в будущем.")


def test_published_event_changes_refused_to_others(world):
    message = "Опубликованное мероприятие может изменить только сотрудник площадки или координатор региона."
    for actor in (world.a.other_venue_staff.user, world.curator.user, world.b.coordinator.user):
        refused(lambda: event_update(actor=actor, event=world.a.event, capacity=25), message)


def test_a_past_event_cannot_change(world):
    start = timezone.now() - dt.timedelta(hours=3)
    past = EventFactory(venue=world.a.venue, campaign=world.campaign, starts_at=start,
                        ends_at=start + dt.timedelta(hours=1))
    refused(lambda: event_update(actor=world.a.venue_staff.user, event=past, capacity=30),
            "Мероприятие уже прошло, изменить его нельзя.")


# --- submit ---------------------------------------------------------------------------------------------------------


def test_submit_sends_to_the_coordinator(world):
    event = submitted(world)
    event.refresh_from_db()
    assert event.status == Event.Status.SUBMITTED
    assert event.submitted_at is not None


def test_submit_needs_the_campaign_assigned(world):
    event = draft(world)
    VenueCampaign.objects.filter(venue=world.a.venue).delete()
    refused(lambda: event_submit(actor=world.a.venue_staff.user, event=event),
            "Кампания «Кампания 2026» не назначена площадке — обратитесь к региональному координатору.")
    event.refresh_from_db()
    assert event.status == Event.Status.DRAFT


@pytest.mark.parametrize("status, label", [("sent", "направлен на подписание"), ("none", "не заключён")])
def test_submit_needs_a_signed_contract(world, status, label):
    event = draft(world)
    VenueCampaign.objects.filter(venue=world.a.venue).update(contract_status=status, contract_signed_on=None)
    refused(lambda: event_submit(actor=world.a.venue_staff.user, event=event),
            f"Договор площадки по кампании «Кампания 2026» не подписан ({label}); "
            "отправлять мероприятия можно после подписания.")


def test_submit_only_drafts_and_returned(world):
    event = submitted(world)
    refused(lambda: event_submit(actor=world.a.venue_staff.user, event=event),
            "Отправить на согласование можно только черновик или возвращённое мероприятие.")


def test_submit_by_others_refused(world):
    event = draft(world)
    refused(lambda: event_submit(actor=world.a.coordinator.user, event=event), STAFF_ONLY)


def test_submit_rechecks_the_rules(world):
    event = draft(world)
    Event.objects.filter(pk=event.pk).update(
        starts_at=timezone.now() - dt.timedelta(hours=2), ends_at=timezone.now() - dt.timedelta(hours=1)
    )
    refused(lambda: event_submit(actor=world.a.venue_staff.user, event=event), "Начало должно быть в будущем.")


def test_resubmit_after_return(world):
    event = submitted(world)
    event_return(actor=world.a.coordinator.user, event=event, comment="Добавьте наставника")
    event_submit(actor=world.a.venue_staff.user, event=event)
    event.refresh_from_db()
    assert event.status == Event.Status.SUBMITTED


# --- copy -----------------------------------------------------------------------------------------------------------


def test_copy_schedules_a_draft_of_the_same_length(world):
    source = world.a.event
    source.accessible_for.set([nosology("hearing")])
    new_start = _start(days=20, hour=12)
    copy = event_copy(actor=world.a.venue_staff.user, event=source, starts_at=new_start)
    assert copy.pk != source.pk
    assert copy.status == Event.Status.DRAFT
    assert copy.starts_at == new_start
    assert copy.ends_at - copy.starts_at == source.ends_at - source.starts_at
    assert copy.seats_taken == 0
    assert (copy.title, copy.capacity, copy.venue_id) == (source.title, source.capacity, source.venue_id)
    assert list(copy.mentors.all()) == [world.a.mentor]
    assert list(copy.accessible_for.values_list("code", flat=True)) == ["hearing"]
    assert copy.bookings.count() == 0


def test_copy_refusals(world):
    refused(lambda: event_copy(actor=world.a.other_venue_staff.user, event=world.a.event, starts_at=_start()),
            STAFF_ONLY)
    refused(lambda: event_copy(actor=world.a.venue_staff.user, event=world.a.event,
                               starts_at=timezone.now() - dt.timedelta(days=1)),
            "Начало должно быть в будущем.")
    refused(lambda: event_copy(actor=world.a.venue_staff.user, event=world.a.event, starts_at=None),
            "Укажите начало копии.")


# --- approve, return, cancel ------------------------------------------------------------------------------------------


def test_coordinator_approves(world):
    event = submitted(world)
    Event.objects.filter(pk=event.pk).update(coordinator_comment="старый комментарий")
    event = event_approve(actor=world.a.coordinator.user, event=event)
    assert event.status == Event.Status.PUBLISHED
    assert event.published_at is not None
    assert event.coordinator_comment == ""


def test_operator_approves(world):
    event = event_approve(actor=world.operator, event=submitted(world))
    assert event.status == Event.Status.PUBLISHED


@pytest.mark.parametrize("who", ["b_coordinator", "curator", "a_venue_staff"])
def test_approve_refused_to_others(world, who):
    actor = {"b_coordinator": world.b.coordinator.user, "curator": world.curator.user,
             "a_venue_staff": world.a.venue_staff.user}[who]
    event = submitted(world)
    refused(lambda: event_approve(actor=actor, event=event), COORDINATOR_ONLY)
    event.refresh_from_db()
    assert event.status == Event.Status.SUBMITTED


def test_approve_only_submitted_even_from_a_stale_page(world):
    event = submitted(world)
    stale = Event.objects.get(pk=event.pk)
    event_return(actor=world.a.coordinator.user, event=event, comment="Исправьте описание")
    refused(lambda: event_approve(actor=world.a.coordinator.user, event=stale),
            "Согласовать можно только мероприятие, отправленное на согласование; возможно, его только что изменили.")
    stale.refresh_from_db()
    assert stale.status == Event.Status.RETURNED


def test_approve_refused_once_started(world):
    event = submitted(world)
    Event.objects.filter(pk=event.pk).update(starts_at=timezone.now() - dt.timedelta(minutes=5))
    event.refresh_from_db()
    refused(lambda: event_approve(actor=world.a.coordinator.user, event=event),
            "Мероприятие уже началось, опубликовать его нельзя.")


def test_return_with_comment(world):
    event = event_return(actor=world.a.coordinator.user, event=submitted(world), comment="  Уточните адрес  ")
    assert event.status == Event.Status.RETURNED
    assert event.coordinator_comment == "Уточните адрес"


def test_return_refusals(world):
    event = submitted(world)
    error = refused(lambda: event_return(actor=world.a.coordinator.user, event=event, comment="  "),
                    "Напишите, что площадке нужно исправить.")
    assert error.field == "comment"
    refused(lambda: event_return(actor=world.b.coordinator.user, event=event, comment="x"), COORDINATOR_ONLY)
    refused(lambda: event_return(actor=world.a.coordinator.user, event=world.a.event, comment="x"),
            "Вернуть можно только мероприятие, отправленное на согласование; возможно, его только что изменили.")


def test_cancel_ends_bookings_and_tells_each_person_once(world, django_capture_on_commit_callbacks):
    event = _book_family(world)
    with django_capture_on_commit_callbacks(execute=True):
        event_cancel(actor=world.a.coordinator.user, event=event, reason="Закрытие площадки на ремонт")
    event.refresh_from_db()
    assert event.status == Event.Status.CANCELLED
    assert event.seats_taken == 0
    assert event.coordinator_comment == "Закрытие площадки на ремонт"
    assert set(event.bookings.values_list("status", flat=True)) == {Booking.Status.CANCELLED}
    recipients = sorted(address for message in mail.outbox for address in message.to)
    assert recipients == ["guardian71@test.example", "student71@test.example"]
    assert mail.outbox[0].subject == f"Мероприятие «{event.title}» отменено"
    assert "Закрытие площадки на ремонт" in mail.outbox[0].body


def test_cancel_without_bookings_sends_nothing(world, django_capture_on_commit_callbacks):
    event = submitted(world)
    with django_capture_on_commit_callbacks(execute=True):
        event_cancel(actor=world.operator, event=event, reason="Дубликат")
    assert mail.outbox == []


def test_cancel_refusals(world):
    error = refused(lambda: event_cancel(actor=world.a.coordinator.user, event=world.a.event, reason=""),
                    "Напишите причину отмены — её прочитают семьи.")
    assert error.field == "reason"
    for actor in (world.a.venue_staff.user, world.curator.user, world.b.coordinator.user):
        refused(lambda: event_cancel(actor=actor, event=world.a.event, reason="x"), COORDINATOR_ONLY)
    event_cancel(actor=world.a.coordinator.user, event=world.a.event, reason="x")
    refused(lambda: event_cancel(actor=world.a.coordinator.user, event=world.a.event, reason="x"),
            "Мероприятие уже отменено.")
    start = timezone.now() - dt.timedelta(hours=3)
    past = EventFactory(venue=world.a.venue, campaign=world.campaign, starts_at=start,
                        ends_at=start + dt.timedelta(hours=1))
    refused(lambda: event_cancel(actor=world.a.coordinator.user, event=past, reason="x"),
            "Мероприятие уже прошло, отменить его нельзя.")
    assert world.a.event.bookings.get(student=world.a.student).status == Booking.Status.CANCELLED


# --- what pages offer -----------------------------------------------------------------------------------------------


def test_event_actions(world):
    event = draft(world)
    assert event_actions(actor=world.a.venue_staff.user, event=event) == {"edit", "submit", "copy"}
    assert event_actions(actor=world.a.coordinator.user, event=event) == {"cancel"}
    assert event_actions(actor=world.curator.user, event=event) == set()
    event = event_submit(actor=world.a.venue_staff.user, event=event)
    assert event_actions(actor=world.a.venue_staff.user, event=event) == {"copy"}
    assert event_actions(actor=world.a.coordinator.user, event=event) == {"approve", "return", "cancel"}
    assert event_actions(actor=world.b.coordinator.user, event=event) == set()
    assert event_actions(actor=world.a.venue_staff.user, event=world.a.event) == {"edit", "copy"}
    assert event_actions(actor=world.a.coordinator.user, event=world.a.event) == {"edit", "cancel"}


def test_attendance_offered_once_the_event_started(world):
    start = timezone.now() - dt.timedelta(hours=1)
    running = EventFactory(venue=world.a.venue, campaign=world.campaign, starts_at=start,
                           ends_at=start + dt.timedelta(hours=3))
    assert event_actions(actor=world.a.venue_staff.user, event=running) == {"edit", "copy", "attendance"}
    assert "attendance" not in event_actions(actor=world.a.other_venue_staff.user, event=running)
    assert "attendance" not in event_actions(actor=world.a.venue_staff.user, event=world.a.event)


# serialized_rollback: the flush after this test must not recreate content types under the next serialized test.
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_held_event_lock_answers_busy(client, world, short_lock_timeout):
    """While a booking storm holds the event's row, a change waits the lock timeout at most; the page then answers 503
    «Сервер занят, попробуйте ещё раз» with Retry-After, and nothing was changed."""
    import threading

    from django.db import connection, transaction

    import bilet.db

    locked, release = threading.Event(), threading.Event()

    def hold_the_row():
        with transaction.atomic():
            Event.objects.select_for_update().get(pk=world.a.event.pk)
            locked.set()
            release.wait(10)
        connection.close()

    holder = threading.Thread(target=hold_the_row)
    holder.start()
    client.force_login(world.a.coordinator.user)
    try:
        assert locked.wait(10)
        with pytest.raises(bilet.db.Busy):
            event_cancel(actor=world.a.coordinator.user, event=world.a.event, reason="Ремонт")
        response = client.post(reverse("venues:event_cancel", args=[world.a.event.pk]), {"reason": "Ремонт"})
    finally:
        release.set()
        holder.join()
    assert response.status_code == 503 and response["Retry-After"] == "3"
    assert "Сервер занят, попробуйте ещё раз" in response.content.decode()
    world.a.event.refresh_from_db()
    assert world.a.event.status == Event.Status.PUBLISHED
    event_cancel(actor=world.a.coordinator.user, event=world.a.event, reason="Ремонт")
