"""Celery tasks of the participants app: thin wrappers around the services."""

from celery import shared_task

from .services.consents import students_anonymise_due


@shared_task(name="participants.anonymise_withdrawn")
def anonymise_withdrawn() -> list[int]:
    """Daily (beat entry from migration 0007): anonymise the students whose consent was withdrawn (152-ФЗ art. 21)."""
    return students_anonymise_due()
