"""Notifications in the portal and by email (issue 15 §6): one service every app calls when something happens.

`notify` writes one row per recipient in the caller's transaction (so a rolled-back change tells nobody) and, after
the commit, sends one email task per recipient who has not turned email off for that kind. The task is enqueued by
name: a service never imports a task (and bilet cannot import the apps above it).

Wired: curators' requests (regions.services.requests), event approved or returned, changed or cancelled, a place from
the waiting list, a mentor's recommendation (venues.services), a booking confirmed (venues.views.bookings), a report
accepted or returned by the curator (reports.services).
"""

from collections.abc import Iterable
from functools import partial

from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone

from .models import Notification, NotificationKind, NotificationPreference

EMAIL_TASK = "bilet.send_notification_email"
DEFAULT_EMAIL_TEMPLATE = "bilet/email/notification.txt"
SUBJECT_MAX = 200


class NotificationError(Exception):
    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


def _user_ids(recipients: Iterable) -> list[int]:
    """Recipients as distinct ids, in order (users or ids; a person named twice is told once)."""
    seen: dict[int, None] = {}
    for recipient in recipients:
        pk = getattr(recipient, "pk", recipient)
        if pk is not None:
            seen.setdefault(int(pk), None)
    return list(seen)


def email_wanted(*, user_ids: Iterable[int], kind: str) -> set[int]:
    """Those of `user_ids` who get an email of `kind`: active users who have not turned it off."""
    ids = set(user_ids)
    if not ids:
        return set()
    declined = set(
        NotificationPreference.objects.filter(user_id__in=ids, kind=kind, email=False).values_list("user_id", flat=True)
    )
    return ids - declined


def notification_rows_create(*, user_ids: list[int], kind: str, text: str, link: str = "") -> list[Notification]:
    """The rows of the in-portal list only (for callers that send their own emails, such as the booking emails)."""
    if kind not in NotificationKind.values:
        raise ValueError(f"unknown notification kind {kind!r}")
    active = set(get_user_model().objects.filter(pk__in=user_ids, is_active=True).values_list("pk", flat=True))
    rows = [
        Notification(recipient_id=pk, kind=kind, text=str(text)[:500], link=link) for pk in user_ids if pk in active
    ]
    return Notification.objects.bulk_create(rows)


def notify(*, recipients: Iterable, kind: str, text: str, link: str = "", subject: str | None = None) -> list[Notification]:
    """Tell `recipients` (users or ids) about something: a row each in their list, and after the commit an email each
    to those who want emails of `kind`. Returns the rows written."""
    rows = notification_rows_create(user_ids=_user_ids(recipients), kind=kind, text=text, link=link)
    wanted = email_wanted(user_ids=[row.recipient_id for row in rows], kind=kind)
    # A subject is one line (a line break in a header is refused by the mail library): a comment typed into a text
    # area may carry several.
    subject = " ".join(str(subject or text).split())[:SUBJECT_MAX]
    for row in rows:
        if row.recipient_id in wanted:
            transaction.on_commit(partial(_enqueue_email, notification_id=row.pk, subject=subject), robust=True)
    return rows


def _enqueue_email(*, notification_id: int, subject: str) -> None:
    from .celery import app

    # By name (a signature, so an eager setup still runs it in-process): the task module is never imported here.
    app.signature(EMAIL_TASK, kwargs={"notification_id": notification_id, "subject": subject}).apply_async()


def email_context(notification: Notification) -> dict:
    from django.conf import settings

    return {"text": notification.text, "link": f"{settings.PORTAL_URL}{notification.link}" if notification.link else ""}


# --- the user's own list ----------------------------------------------------------------------------------------------


def notification_list(*, user) -> QuerySet[Notification]:
    """The user's own notifications, newest first."""
    return Notification.objects.filter(recipient_id=user.pk)


def unread_count(*, user) -> int:
    return Notification.objects.filter(recipient_id=user.pk, read_at__isnull=True).count()


def notification_mark_read(*, user, notification_id: int) -> Notification:
    """Mark one of the user's own notifications read (another user's answers as missing)."""
    notification = notification_list(user=user).filter(pk=notification_id).first()
    if notification is None:
        raise Notification.DoesNotExist
    if notification.read_at is None:
        notification.read_at = timezone.now()
        Notification.objects.filter(pk=notification.pk, read_at__isnull=True).update(read_at=notification.read_at)
    return notification


def notifications_mark_all_read(*, user) -> int:
    return notification_list(user=user).filter(read_at__isnull=True).update(read_at=timezone.now())


def email_preferences(*, user) -> dict[str, bool]:
    """Every kind with whether the user gets its email."""
    declined = set(
        NotificationPreference.objects.filter(user_id=user.pk, email=False).values_list("kind", flat=True)
    )
    return {kind: kind not in declined for kind in NotificationKind.values}


@transaction.atomic
def email_preferences_set(*, user, email_kinds: Iterable[str]) -> None:
    """Emails for the kinds in `email_kinds`, none for the others."""
    wanted = set(email_kinds)
    unknown = wanted - set(NotificationKind.values)
    if unknown:
        raise NotificationError(_unknown_kind_message())
    for kind in NotificationKind.values:
        NotificationPreference.objects.update_or_create(user_id=user.pk, kind=kind, defaults={"email": kind in wanted})


def _unknown_kind_message() -> str:
    from django.utils.translation import gettext

    return gettext("There is no such kind of notification.")
