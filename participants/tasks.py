"""Celery tasks of the participants app: thin wrappers taking ids."""

from smtplib import SMTPException

from celery import shared_task
from django.conf import settings
from django.core.mail import send_mail
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.translation import gettext

from .services import import_jobs


@shared_task
def check_import_job(job_id: int) -> None:
    import_jobs.import_job_check(job_id=job_id)


@shared_task
def run_import_job(job_id: int, invitation_url: str = "") -> None:
    import_jobs.import_job_run(job_id=job_id, invitation_url=invitation_url)


@shared_task(autoretry_for=(SMTPException, OSError), retry_backoff=True, max_retries=8)
def send_navigator_invitation(*, recipient: str, context: dict) -> None:
    with translation.override(settings.LANGUAGE_CODE):
        subject = gettext("Invitation to the «Билет в будущее» portal")
        body = render_to_string("participants/email/navigator_invitation.txt", context)
    send_mail(subject, body, None, [recipient])
