"""Notifications in the portal (issue 15 §6): rows, the count in the navigation bar, mark read, email settings, and a
notification for each event that warrants one."""

import datetime as dt

import pytest
from django.conf import settings
from django.core import mail
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from bilet.models import Notification, NotificationKind, NotificationPreference
from bilet.notifications import email_preferences, notify
from bilet.tasks import send_notification_email
from venues.models import Booking, Event
from venues.services.booking import booking_cancel, booking_create
from venues.services.events import event_approve, event_cancel, event_return, event_submit, event_update
from venues.services.recommendations import recommendation_write
from venues.tests.factories import EventFactory


def _tell(user, kind=NotificationKind.EVENT_APPROVED, text="Мероприятие согласовано", link="/events/1/"):
    return notify(recipients=[user], kind=kind, text=text, link=link)


def test_notify_writes_a_row_each_and_emails_after_the_commit(world, django_capture_on_commit_callbacks):
    users = [world.a.coordinator.user, world.b.coordinator.user]
    with django_capture_on_commit_callbacks(execute=True):
        rows = notify(recipients=users + [users[0].pk], kind=NotificationKind.REQUEST_RECEIVED, text="Новый запрос",
                      link="/requests/5/")
        assert mail.outbox == []
    assert sorted(r.recipient_id for r in rows) == sorted(u.pk for u in users)  # named twice, told once
    assert sorted(m.to[0] for m in mail.outbox) == ["coordinator67@test.example", "coordinator71@test.example"]
    body = mail.outbox[0].body
    assert body.startswith("Здравствуйте!") and "Новый запрос" in body and f"{settings.PORTAL_URL}/requests/5/" in body
    assert mail.outbox[0].subject == "Новый запрос"


def test_a_rolled_back_change_tells_nobody(world, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        with pytest.raises(RuntimeError), transaction.atomic():
            _tell(world.a.coordinator.user)
            raise RuntimeError
    assert mail.outbox == [] and not Notification.objects.exists()


def test_inactive_users_are_not_told(world, django_capture_on_commit_callbacks):
    user = world.a.coordinator.user
    user.is_active = False
    user.save()
    with django_capture_on_commit_callbacks(execute=True):
        assert _tell(user) == []
    assert mail.outbox == []


def test_an_unknown_kind_is_a_programming_error(world):
    with pytest.raises(ValueError):
        notify(recipients=[world.a.coordinator.user], kind="nonsense", text="x")


def test_preferences_stop_the_email_but_not_the_row(world, django_capture_on_commit_callbacks):
    user = world.a.venue_staff.user
    NotificationPreference.objects.create(user=user, kind=NotificationKind.EVENT_APPROVED, email=False)
    with django_capture_on_commit_callbacks(execute=True):
        _tell(user)
        _tell(user, kind=NotificationKind.EVENT_RETURNED, text="Мероприятие возвращено")
    assert Notification.objects.filter(recipient=user).count() == 2
    assert [m.subject for m in mail.outbox] == ["Мероприятие возвращено"]


def test_the_email_task_retries_and_skips_closed_accounts(world):
    assert send_notification_email.name == "bilet.send_notification_email"
    assert OSError in send_notification_email.autoretry_for and send_notification_email.retry_backoff is True
    row = Notification.objects.create(recipient=world.a.coordinator.user, kind=NotificationKind.EVENT_APPROVED, text="x")
    world.a.coordinator.user.is_active = False
    world.a.coordinator.user.save()
    send_notification_email.apply(kwargs={"notification_id": row.pk, "subject": "x"})
    assert mail.outbox == []


# --- pages ------------------------------------------------------------------------------------------------------------


def test_the_count_in_the_navigation_bar_costs_one_query(client, world):
    user = world.a.coordinator.user
    for _ in range(3):
        _tell(user)
    Notification.objects.filter(pk=Notification.objects.filter(recipient=user).first().pk).update(read_at=timezone.now())
    _tell(world.b.coordinator.user)
    client.force_login(user)
    with CaptureQueriesContext(connection) as queries:
        body = client.get(reverse("venues:catalog")).content.decode()
    counts = [q["sql"] for q in queries if "bilet_notification" in q["sql"]]
    assert len(counts) == 1
    assert 'id="notification-count"' in body and "2 непрочитанных" in body


def test_the_list_shows_only_the_users_own(client, world):
    _tell(world.a.coordinator.user, text="Моё уведомление")
    _tell(world.b.coordinator.user, text="Чужое уведомление")
    client.force_login(world.a.coordinator.user)
    body = client.get(reverse("bilet:notification_list")).content.decode()
    assert "Моё уведомление" in body and "Чужое уведомление" not in body


def test_list_query_count_is_pinned(client, world):
    user = world.a.coordinator.user
    _tell(user)
    client.force_login(user)
    client.get(reverse("bilet:notification_list"))
    with CaptureQueriesContext(connection) as few:
        client.get(reverse("bilet:notification_list"))
    for i in range(20):
        _tell(user, text=f"Уведомление {i}")
    with CaptureQueriesContext(connection) as many:
        client.get(reverse("bilet:notification_list"))
    assert len(many) == len(few)


def test_mark_one_read_without_javascript(client, world):
    row = _tell(world.a.coordinator.user)[0]
    client.force_login(world.a.coordinator.user)
    response = client.post(reverse("bilet:notification_read", args=[row.pk]), {"next": "/notifications/?page=1"})
    assert response.status_code == 302 and response["Location"] == "/notifications/?page=1"
    row.refresh_from_db()
    assert row.read_at is not None
    # Not to another site.
    other = _tell(world.a.coordinator.user)[0]
    response = client.post(reverse("bilet:notification_read", args=[other.pk]), {"next": "https://evil.example/"})
    assert response["Location"] == reverse("bilet:notification_list")


def test_mark_one_read_with_htmx_updates_the_count(client, world):
    rows = _tell(world.a.coordinator.user) + _tell(world.a.coordinator.user)
    client.force_login(world.a.coordinator.user)
    response = client.post(reverse("bilet:notification_read", args=[rows[0].pk]), HTTP_HX_REQUEST="true")
    body = response.content.decode()
    assert response.status_code == 200
    assert f'id="notification-{rows[0].pk}"' in body and "Отметить как прочитанное" not in body
    assert 'hx-swap-oob="true"' in body and "1 непрочитанное" in body


def test_another_users_notification_is_404(client, world):
    row = _tell(world.b.coordinator.user)[0]
    client.force_login(world.a.coordinator.user)
    assert client.post(reverse("bilet:notification_read", args=[row.pk])).status_code == 404
    row.refresh_from_db()
    assert row.read_at is None


def test_mark_all_read(client, world):
    for _ in range(3):
        _tell(world.a.coordinator.user)
    theirs = _tell(world.b.coordinator.user)[0]
    client.force_login(world.a.coordinator.user)
    assert client.post(reverse("bilet:notification_read_all")).status_code == 302
    assert not Notification.objects.filter(recipient=world.a.coordinator.user, read_at__isnull=True).exists()
    theirs.refresh_from_db()
    assert theirs.read_at is None


def test_pages_need_a_sign_in(client):
    assert client.get(reverse("bilet:notification_list")).status_code == 302
    assert client.get(reverse("bilet:notification_preferences")).status_code == 302


def test_preferences_page_saves_the_choice(client, world, django_capture_on_commit_callbacks):
    user = world.a.student.user
    client.force_login(user)
    page = client.get(reverse("bilet:notification_preferences")).content.decode()
    assert "Запись подтверждена" in page and "checked" in page
    kept = [k for k in NotificationKind.values if k != NotificationKind.BOOKING_CONFIRMED]
    response = client.post(reverse("bilet:notification_preferences"), {"email_kinds": kept})
    assert response.status_code == 302
    prefs = email_preferences(user=user)
    assert prefs[NotificationKind.BOOKING_CONFIRMED] is False and prefs[NotificationKind.EVENT_CANCELLED] is True
    response = client.post(reverse("bilet:notification_preferences"), {"email_kinds": ["nonsense"]})
    assert response.status_code == 200 and "nonsense" in response.content.decode()


# --- each event that warrants a notification ------------------------------------------------------------------------


def _kinds(user) -> list[str]:
    return list(Notification.objects.filter(recipient=user).values_list("kind", flat=True))


def _submitted(world) -> Event:
    event = EventFactory(venue=world.a.venue, campaign=world.campaign, status=Event.Status.DRAFT,
                         starts_at=timezone.now() + dt.timedelta(days=10))
    return event_submit(actor=world.a.venue_staff.user, event=event)


def test_event_approved_and_returned_tell_the_venue_staff(world, django_capture_on_commit_callbacks):
    staff = world.a.venue_staff.user
    with django_capture_on_commit_callbacks(execute=True):
        event_approve(actor=world.a.coordinator.user, event=_submitted(world))
        event_return(actor=world.a.coordinator.user, event=_submitted(world), comment="Уточните адрес")
    assert sorted(_kinds(staff)) == [NotificationKind.EVENT_APPROVED, NotificationKind.EVENT_RETURNED]
    returned = Notification.objects.get(recipient=staff, kind=NotificationKind.EVENT_RETURNED)
    assert "Уточните адрес" in returned.text and returned.link.startswith("/manage/events/")
    assert {m.to[0] for m in mail.outbox} == {"venue71@test.example"}
    assert _kinds(world.a.other_venue_staff.user) == []


def test_event_changed_and_cancelled_tell_the_families_as_their_settings_say(world, django_capture_on_commit_callbacks):
    event = world.a.event
    guardian, student = world.a.guardian.user, world.a.student.user
    NotificationPreference.objects.create(user=guardian, kind=NotificationKind.EVENT_CANCELLED, email=False)
    with django_capture_on_commit_callbacks(execute=True):
        event_update(actor=world.a.venue_staff.user, event=event, address="г. Тула, ул. Новая, д. 7")
        event_cancel(actor=world.a.coordinator.user, event=Event.objects.get(pk=event.pk), reason="Ремонт")
    for user in (guardian, student):
        assert sorted(_kinds(user)) == [NotificationKind.EVENT_CANCELLED, NotificationKind.EVENT_CHANGED]
    cancelled_to = sorted(m.to[0] for m in mail.outbox if "отмен" in m.subject.lower())
    assert cancelled_to == ["student71@test.example"]  # the guardian turned that email off
    assert Notification.objects.filter(recipient=student, kind=NotificationKind.EVENT_CHANGED).get().link == (
        reverse("venues:event_detail", args=[event.pk])
    )


def test_booking_confirmed_from_the_page(client, world, django_capture_on_commit_callbacks):
    event = EventFactory(venue=world.a.other_venue, campaign=world.campaign, online=True,
                         starts_at=timezone.now() + dt.timedelta(days=12))
    client.force_login(world.a.student.user)
    with django_capture_on_commit_callbacks() as after_the_booking:
        client.post(reverse("venues:event_book", args=[event.pk]))
    assert Booking.objects.get(event=event, student=world.a.student).status == Booking.Status.CONFIRMED
    # The request only enqueues the task that tells the family (after its commit): nothing is written before it runs.
    assert _kinds(world.a.student.user) == []
    for callback in after_the_booking:
        callback()
    assert _kinds(world.a.student.user) == [NotificationKind.BOOKING_CONFIRMED]
    assert _kinds(world.a.guardian.user) == [NotificationKind.BOOKING_CONFIRMED]
    assert _kinds(world.a.other_student.user) == []


def test_promoted_from_the_waiting_list(world, django_capture_on_commit_callbacks):
    event = EventFactory(venue=world.a.venue, campaign=world.campaign, online=True, capacity=1,
                         starts_at=timezone.now() + dt.timedelta(days=10))
    holder = booking_create(actor=world.a.other_student.user, event=event, student=world.a.other_student)
    waiting = booking_create(actor=world.a.student.user, event=event, student=world.a.student)
    assert waiting.status == Booking.Status.WAITLISTED
    with django_capture_on_commit_callbacks(execute=True):
        booking_cancel(actor=world.a.other_student.user, booking=holder)
    assert _kinds(world.a.student.user) == [NotificationKind.BOOKING_PROMOTED]
    assert _kinds(world.a.guardian.user) == [NotificationKind.BOOKING_PROMOTED]


def test_recommendation_written(world, django_capture_on_commit_callbacks):
    event = world.a.event
    event.starts_at = timezone.now() - dt.timedelta(days=3, hours=2)
    event.ends_at = event.starts_at + dt.timedelta(hours=2)
    event.attendance_marked_at = timezone.now()
    event.save(update_fields=["starts_at", "ends_at", "attendance_marked_at"])
    Booking.objects.filter(pk=world.a.booking.pk).update(status=Booking.Status.ATTENDED)
    booking = Booking.objects.get(pk=world.a.booking.pk)
    with django_capture_on_commit_callbacks(execute=True):
        recommendation_write(actor=world.a.mentor.user, booking=booking, competency=event.competency,
                             text="Рекомендуем продолжить занятия робототехникой в кружке.")
    assert _kinds(world.a.student.user) == [NotificationKind.RECOMMENDATION_WRITTEN]


def test_request_events_each_create_a_notification(world):
    from regions.services.requests import request_accept, request_answer, request_create, request_return

    request = request_create(actor=world.curator.user, region=world.a.region, subject="Тема", text="Текст")
    request_answer(actor=world.a.coordinator.user, request=request, text="Ответ")
    request_return(actor=world.curator.user, request=request, comment="Дополните")
    request_answer(actor=world.a.coordinator.user, request=request, text="Дополнено")
    request_accept(actor=world.curator.user, request=request)
    assert sorted(_kinds(world.a.coordinator.user)) == sorted([
        NotificationKind.REQUEST_RECEIVED, NotificationKind.REQUEST_RETURNED, NotificationKind.REQUEST_ACCEPTED,
    ])
    assert _kinds(world.curator.user) == [NotificationKind.REQUEST_ANSWERED] * 2
    assert _kinds(world.b.coordinator.user) == []


def test_a_multi_line_text_makes_a_one_line_subject(world, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        _tell(world.a.coordinator.user, kind=NotificationKind.REQUEST_RETURNED,
              text="Куратор вернул ответ: нет телефонов;\nнет адресов почты")
    assert mail.outbox[0].subject == "Куратор вернул ответ: нет телефонов; нет адресов почты"
    assert "нет телефонов;\nнет адресов почты" in mail.outbox[0].body


def test_a_confirmed_booking_is_told_from_the_outbox_once_and_only_if_still_confirmed(world, settings):
    """The booking carries the flag; the beat task tells the families of the flagged ones in a batch, clears the flag
    (a second run tells nobody), and clears a booking cancelled meanwhile without telling of it."""
    from venues.services.notifications import bookings_confirmed_tell_pending

    settings.CELERY_TASK_ALWAYS_EAGER = False  # as in production: the request sends nothing, the beat task tells
    kept, left, full = (
        EventFactory(venue=world.a.other_venue, campaign=world.campaign, online=True, capacity=1,
                     starts_at=timezone.now() + dt.timedelta(days=days))
        for days in (12, 14, 16)
    )
    Event.objects.filter(pk=full.pk).update(seats_taken=1)  # no seat: a place on the waiting list is not told
    first = booking_create(actor=world.a.student.user, event=kept, student=world.a.student)
    second = booking_create(actor=world.a.student.user, event=left, student=world.a.student)
    waiting = booking_create(actor=world.a.student.user, event=full, student=world.a.student)
    assert waiting.status == Booking.Status.WAITLISTED
    assert list(Booking.objects.filter(notify_pending=True).order_by("pk")) == [first, second]
    booking_cancel(actor=world.a.student.user, booking=second)  # cancelled before the task ran

    assert bookings_confirmed_tell_pending() == 2
    assert bookings_confirmed_tell_pending() == 0

    assert not Booking.objects.filter(notify_pending=True).exists()
    texts = list(Notification.objects.filter(recipient=world.a.student.user).values_list("text", flat=True))
    assert len(texts) == 1 and kept.title in texts[0]
    guardian = list(Notification.objects.filter(recipient=world.a.guardian.user).values_list("text", flat=True))
    assert len(guardian) == 1 and kept.title in guardian[0]


def test_without_a_broker_the_outbox_is_told_once_the_booking_commits(world, django_capture_on_commit_callbacks):
    """The demo and the tests run no beat: the task runs in-process after the commit instead."""
    event = EventFactory(venue=world.a.other_venue, campaign=world.campaign, online=True,
                         starts_at=timezone.now() + dt.timedelta(days=12))
    with django_capture_on_commit_callbacks(execute=True):
        booking = booking_create(actor=world.a.student.user, event=event, student=world.a.student)
    booking.refresh_from_db()
    assert not booking.notify_pending
    assert Notification.objects.filter(recipient=world.a.student.user, kind=NotificationKind.BOOKING_CONFIRMED).count() == 1
