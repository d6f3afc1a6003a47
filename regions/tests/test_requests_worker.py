"""The daily reminder of requests (issue 15 §1) through Redis and a real Celery worker: the beat task reminds the
coordinators the working day before the date, once, whatever the number of runs."""

import time

import pytest
from django.utils import timezone

from bilet.celery import app
from bilet.models import Notification, NotificationKind
from regions.models import CuratorRequest
from regions.tasks import REMIND_TASK
from regions.workdays import add_working_days

from .request_helpers import send

pytestmark = pytest.mark.celery_worker


def _wait_for_runs(worker, count: int, timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while True:
        log = worker.log.read_text(errors="replace")
        done = sum(1 for line in log.splitlines() if REMIND_TASK in line and "succeeded" in line)
        if done >= count:
            return
        if time.monotonic() > deadline:
            pytest.fail(f"{done} of {count} runs of {REMIND_TASK}; worker log:\n{log[-4000:]}")
        time.sleep(0.2)


def test_the_beat_task_reminds_once_the_working_day_before(celery_worker, world):
    today = timezone.localdate()
    # The worker reads the same «today»: due on the next working day is reminded now, the one after is not yet.
    due_next = send(world, subject="Срок — следующий рабочий день", due_on=add_working_days(today, 1))
    later = send(world, subject="Срок позже", due_on=add_working_days(today, 2))
    # The notifications of the requests themselves were emailed too: read them first.
    notices = {m["Message-ID"] for m in celery_worker.read_mail(count=2)}
    runs_before = sum(
        1 for line in celery_worker.log.read_text(errors="replace").splitlines()
        if REMIND_TASK in line and "succeeded" in line
    )

    app.send_task(REMIND_TASK)
    # The file backend's files are named by the second and an object id: the new message is found by its id, not
    # by its place.
    (reminder,) = [m for m in celery_worker.read_mail(count=3) if m["Message-ID"] not in notices]
    assert reminder["To"] == "coordinator71@test.example"
    assert "Срок — следующий рабочий день" in reminder["Subject"]

    app.send_task(REMIND_TASK)  # a second run the same day (a retry, a second beat) sends nothing more
    _wait_for_runs(celery_worker, runs_before + 2)
    time.sleep(1)
    assert len(celery_worker.read_mail(count=3)) == 3
    assert Notification.objects.filter(kind=NotificationKind.REQUEST_DUE).count() == 1
    assert CuratorRequest.objects.get(pk=due_next.pk).reminded_at is not None
    assert CuratorRequest.objects.get(pk=later.pk).reminded_at is None
