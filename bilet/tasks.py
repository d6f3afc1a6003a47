"""The email of a notification in the portal: one task per recipient, retried while the mail server is unreachable."""


from celery import shared_task
from django.conf import settings
from django.core.mail import send_mail
from django.template.loader import render_to_string
from django.utils import translation

from .celery import EMAIL_RETRY

from .models import Notification
from .notifications import DEFAULT_EMAIL_TEMPLATE, EMAIL_TASK, email_context


@shared_task(name=EMAIL_TASK, **EMAIL_RETRY)
def send_notification_email(*, notification_id: int, subject: str) -> None:
    notification = (
        Notification.objects.select_related("recipient")
        .filter(pk=notification_id, recipient__is_active=True)
        .first()
    )
    if notification is None:  # the account was closed since
        return
    with translation.override(settings.LANGUAGE_CODE):
        body = render_to_string(DEFAULT_EMAIL_TEMPLATE, email_context(notification))
    send_mail(subject, body, None, [notification.recipient.email])
