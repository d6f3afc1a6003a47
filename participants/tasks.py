"""Emails of the participants app, sent by Celery workers and retried while the mail server is unreachable."""

from smtplib import SMTPException

from celery import shared_task

from .services.registration import guardian_invitation_send

__all__ = ["send_guardian_invitation"]


# OSError covers refused connections, timeouts and DNS failures; SMTPException a server that answered with an error.
# A retry issues a fresh link: only the latest email's link opens the invitation.
@shared_task(
    autoretry_for=(SMTPException, OSError),
    retry_backoff=True,
    retry_backoff_max=600,
    retry_jitter=True,
    max_retries=8,
)
def send_guardian_invitation(*, invitation_id: int, base_url: str) -> None:
    guardian_invitation_send(invitation_id=invitation_id, base_url=base_url)
