"""Daily jobs of the regions app (run by celery beat; the schedule is a django-celery-beat row)."""

from celery import shared_task

from .services.requests import requests_remind_due

REMIND_TASK = "regions.remind_due_requests"


@shared_task(name=REMIND_TASK)
def remind_due_requests() -> list[int]:
    return requests_remind_due()
