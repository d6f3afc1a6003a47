"""Celery tasks of the participants app: thin wrappers taking ids; emails retried while the mail server is unreachable."""

from celery import shared_task
from django.conf import settings
from django.core.mail import send_mail
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.translation import gettext

from bilet.celery import EMAIL_RETRY

from .services import import_jobs
from .services.consents import students_anonymise_due
from .services.registration import guardian_invitation_send

__all__ = ["anonymise_withdrawn", "check_import_job", "run_import_job", "send_guardian_invitation", "send_navigator_invitation"]


# A retry issues a fresh link: only the latest email's link opens the invitation.
@shared_task(**EMAIL_RETRY)
def send_guardian_invitation(*, invitation_id: int, base_url: str) -> None:
    guardian_invitation_send(invitation_id=invitation_id, base_url=base_url)


@shared_task
def check_import_job(job_id: int) -> None:
    import_jobs.import_job_check(job_id=job_id)


@shared_task
def run_import_job(job_id: int, invitation_url: str = "") -> None:
    import_jobs.import_job_run(job_id=job_id, invitation_url=invitation_url)


@shared_task(**EMAIL_RETRY)
def send_navigator_invitation(*, recipient: str, context: dict) -> None:
    with translation.override(settings.LANGUAGE_CODE):
        subject = gettext("Invitation to the «Билет в будущее» portal")
        body = render_to_string("participants/email/navigator_invitation.txt", context)
    send_mail(subject, body, None, [recipient])


@shared_task(name="participants.anonymise_withdrawn")
def anonymise_withdrawn() -> list[int]:
    """Daily (beat entry from migration 0007): anonymise the students whose consent was withdrawn (152-ФЗ art. 21)."""
    return students_anonymise_due()
