"""The booking emails (one task per recipient, retried while the mail server is unreachable) and the beat task that
tells families of confirmed bookings, outside the request that booked (see venues.services.notifications)."""


from celery import shared_task
from django.conf import settings
from django.db import InterfaceError, OperationalError
from django.core.mail import send_mail
from django.template.loader import render_to_string
from django.utils import translation

from bilet.celery import EMAIL_RETRY

from ..services.notifications import EMAIL_TASK, TELL_TASK, bookings_confirmed_tell_pending

__all__ = ["send_notification_email", "tell_confirmed_bookings"]


@shared_task(name=EMAIL_TASK, **EMAIL_RETRY)
def send_notification_email(*, recipient: str, subject: str, template_name: str, context: dict) -> None:
    with translation.override(settings.LANGUAGE_CODE):
        body = render_to_string(template_name, context)
    send_mail(subject, body, None, [recipient])


# The database went away: each batch is told and cleared in one transaction, so a retry tells it once.
@shared_task(
    name=TELL_TASK,
    autoretry_for=(OperationalError, InterfaceError),
    retry_backoff=True,
    retry_backoff_max=60,
    retry_jitter=True,
    max_retries=10,
)
def tell_confirmed_bookings() -> int:
    return bookings_confirmed_tell_pending()
