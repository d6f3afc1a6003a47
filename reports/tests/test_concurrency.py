"""Two people asking for the same report at once get one build; two sendings at once send once. On PostgreSQL,
each side in its own thread and connection (the partial unique index and the row lock are what is tested)."""

import threading

import pytest
from django.db import connections

from reports import services
from reports.models import Report, ReportSubmissionEvent, ReportType

from .conftest import make_report

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def at_once(job, times: int = 2) -> list:
    """Run `job()` in `times` threads released together; each result, or the exception it raised."""
    start = threading.Barrier(times)
    results: list = []

    def worker():
        start.wait()
        try:
            results.append(job())
        except Exception as exc:  # noqa: BLE001 - returned to the test, which asserts on it
            results.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=worker) for _ in range(times)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert len(results) == times
    return results


def test_the_same_report_asked_for_twice_at_once_is_built_once(world, require_postgres):
    results = at_once(lambda: services.report_request(
        actor=world.a.coordinator.user, report_type=ReportType.CAMPAIGN, region=world.a.region,
        campaign=world.campaign,
    ))
    assert all(isinstance(result, tuple) for result in results), results
    assert len({report.pk for report, _created in results}) == 1
    assert sorted(created for _report, created in results) == [False, True]
    assert Report.objects.count() == 1


def test_a_report_sent_twice_at_once_is_sent_once(world, renderer, require_postgres):
    report = make_report(world)
    results = at_once(lambda: services.report_send(actor=world.a.coordinator.user, report=report))
    refusals = [r for r in results if isinstance(r, services.ReportError)]
    assert len(refusals) == 1 and "уже отправлен" in str(refusals[0]), results
    assert ReportSubmissionEvent.objects.count() == 1
