"""Sending the booking emails: one task per recipient, retried while the mail server is unreachable."""

from smtplib import SMTPException

from celery import shared_task
from django.conf import settings
from django.core.mail import send_mail
from django.template.loader import render_to_string
from django.utils import translation

__all__ = ["send_notification_email"]


# OSError covers refused connections, timeouts and DNS failures; SMTPException a server that answered with an error.
@shared_task(
    autoretry_for=(SMTPException, OSError),
    retry_backoff=True,
    retry_backoff_max=600,
    retry_jitter=True,
    max_retries=8,
)
def send_notification_email(*, recipient: str, subject: str, template_name: str, context: dict) -> None:
    with translation.override(settings.LANGUAGE_CODE):
        body = render_to_string(template_name, context)
    send_mail(subject, body, None, [recipient])
