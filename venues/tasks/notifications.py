"""The booking emails (one task per recipient, retried while the mail server is unreachable) and the notices of
confirmed bookings, outside the request that booked (see venues.services.notifications)."""


from celery import shared_task
from django.conf import settings
from django.db import InterfaceError, OperationalError
from django.core.mail import send_mail
from django.template.loader import render_to_string
from django.utils import translation

from bilet.celery import EMAIL_RETRY

from ..services.notifications import CONFIRMED_TASK, EMAIL_TASK, bookings_confirmed_notify

__all__ = ["notify_bookings_confirmed", "send_notification_email"]


@shared_task(name=EMAIL_TASK, **EMAIL_RETRY)
def send_notification_email(*, recipient: str, subject: str, template_name: str, context: dict) -> None:
    with translation.override(settings.LANGUAGE_CODE):
        body = render_to_string(template_name, context)
    send_mail(subject, body, None, [recipient])


# The database went away: the notices are written in one transaction, so a retry writes them once.
@shared_task(
    name=CONFIRMED_TASK,
    autoretry_for=(OperationalError, InterfaceError),
    retry_backoff=True,
    retry_backoff_max=60,
    retry_jitter=True,
    max_retries=10,
)
def notify_bookings_confirmed(*, booking_ids: list[int]) -> None:
    bookings_confirmed_notify(booking_ids=booking_ids)
