"""Asking for and building reports (issue 13 §3–4): scope, parameters, the existing build offered, idempotent
builds that leave one file of each kind, and failures recorded with their reason."""

import datetime as dt
import hashlib

import pytest
from django.core.files.storage import default_storage
from django.utils import timezone

from regions.tests.factories import CuratorFactory, RegionFactory, UserFactory
from reports import services
from reports.services import builds
from reports.models import Report, ReportType
from reports.services import ReportError, report_build, report_monthly_schedule, report_request

from .conftest import FAKE_PDF, FAKE_XLSX

pytestmark = pytest.mark.django_db

LAST_MONTH = services.previous_month(timezone.localdate())


def _request(world, actor, report_type=ReportType.CAMPAIGN, region="a", period=None, rebuild=False):
    region = getattr(world, region).region if region else None
    return report_request(
        actor=actor, report_type=report_type, region=region, campaign=world.campaign, period=period, rebuild=rebuild
    )


def _files(report: Report) -> list[str]:
    _dirs, files = default_storage.listdir(report.storage_folder)
    return sorted(files)


def test_coordinator_asks_for_a_report_of_their_region(world):
    report, created = _request(world, world.a.coordinator.user, ReportType.MONTHLY, period=LAST_MONTH)
    assert created
    assert report.state == Report.State.QUEUED
    assert report.author == world.a.coordinator.user
    assert report.parameters_key == f"monthly:{world.a.region.pk}:{world.campaign.pk}:{LAST_MONTH.isoformat()}"
    assert report.celery_task_id


@pytest.mark.parametrize(
    "who,report_type,region",
    [
        ("coordinator_b", ReportType.CAMPAIGN, "a"),  # another region's coordinator
        ("curator_other", ReportType.CAMPAIGN, "a"),  # a curator not assigned to the region
        ("navigator", ReportType.CAMPAIGN, "a"),
        ("coordinator_a", ReportType.NATIONAL, None),  # a summary: curators and operator staff only
        ("navigator", ReportType.NATIONAL, None),
    ],
)
def test_outside_the_scope_is_refused(world, who, report_type, region):
    actors = {
        "coordinator_a": world.a.coordinator.user,
        "coordinator_b": world.b.coordinator.user,
        "curator": world.curator.user,
        "curator_other": CuratorFactory(user=UserFactory(), regions=[world.b.region]).user,
        "navigator": world.a.navigator.user,
    }
    with pytest.raises(ReportError, match="вне ваших регионов"):
        _request(world, actors[who], report_type, region=region)
    assert not Report.objects.exists()


def test_curator_and_operator_may_ask(world):
    assert _request(world, world.curator.user)[1]
    assert _request(world, world.operator, ReportType.NATIONAL, region=None)[1]
    assert _request(world, world.curator.user, ReportType.NATIONAL, region=None)[1]


# --- the national summary of a curator's regions (issue 13 §2c) ----------------------------------------------------


def _codes(report: Report) -> list[str]:
    return sorted(report.regions.values_list("code", flat=True))


def test_a_curators_summary_covers_their_regions_and_the_operators_every_region(world):
    mine, _ = _request(world, world.curator.user, ReportType.NATIONAL, region=None)
    everyone, _ = _request(world, world.operator, ReportType.NATIONAL, region=None)
    assert (_codes(mine), _codes(everyone)) == (["71"], ["67", "71"])
    assert mine.parameters_key != everyone.parameters_key and mine.is_current and everyone.is_current
    assert mine.parameters_key.startswith(f"national:-:{world.campaign.pk}:-:r")
    # a curator of both regions asks for the same set as operator staff: the existing build is offered
    both = CuratorFactory(user=UserFactory(), regions=[world.a.region, world.b.region]).user
    assert _request(world, both, ReportType.NATIONAL, region=None) == (everyone, False)


def test_a_summary_of_regions_outside_the_curators_is_refused(world):
    with pytest.raises(ReportError, match="вне ваших регионов"):
        report_request(actor=world.curator.user, report_type=ReportType.NATIONAL, region=None,
                       campaign=world.campaign, regions=[world.a.region, world.b.region])
    with pytest.raises(ReportError, match="вне ваших регионов"):
        report_request(actor=world.curator.user, report_type=ReportType.NATIONAL, region=None,
                       campaign=world.campaign, regions=[])
    assert not Report.objects.exists()


def test_a_summary_is_built_for_its_own_regions(world, renderer):
    mine, _ = _request(world, world.curator.user, ReportType.NATIONAL, region=None)
    report_build(report_id=mine.pk)
    regional, _ = _request(world, world.curator.user)
    report_build(report_id=regional.pk)
    assert [call.regions for call in renderer.calls] == [["71"], None]


@pytest.mark.parametrize(
    "report_type,region,period,message",
    [
        ("weekly", "a", None, "Выберите тип отчёта"),
        (ReportType.CAMPAIGN, None, None, "Выберите регион отчёта"),
        (ReportType.NATIONAL, "a", None, "оставьте регион пустым"),
        (ReportType.MONTHLY, "a", None, "Выберите месяц"),
        (ReportType.MONTHLY, "a", dt.date(2026, 3, 5), "с его первого дня"),
        (ReportType.MONTHLY, "a", services.first_of_month(timezone.localdate() + dt.timedelta(days=40)), "ещё не начался"),
        (ReportType.CAMPAIGN, "a", dt.date(2026, 3, 1), "Только ежемесячный отчёт"),
    ],
)
def test_bad_parameters_are_refused(world, report_type, region, period, message):
    with pytest.raises(ReportError, match=message):
        _request(world, world.operator, report_type, region=region, period=period)


def test_the_same_parameters_offer_the_existing_build(world, renderer):
    first, _ = _request(world, world.a.coordinator.user)
    again, created = _request(world, world.curator.user)  # still queued: never built twice
    assert (again.pk, created) == (first.pk, False)
    report_build(report_id=first.pk)
    again, created = _request(world, world.a.coordinator.user)  # ready: offered
    assert (again.pk, created) == (first.pk, False)


def test_rebuild_makes_a_new_current_build_and_keeps_the_old_one(world, renderer):
    first, _ = _request(world, world.a.coordinator.user)
    report_build(report_id=first.pk)
    second, created = _request(world, world.a.coordinator.user, rebuild=True)
    assert created and second.pk != first.pk
    first.refresh_from_db()
    assert not first.is_current and second.is_current
    assert Report.objects.filter(parameters_key=first.parameters_key).count() == 2


def test_a_failed_build_gives_way_to_a_new_one(world, renderer):
    first, _ = _request(world, world.a.coordinator.user)
    services.report_fail(report_id=first.pk, reason="x")
    second, created = _request(world, world.a.coordinator.user)
    assert created and second.pk != first.pk


def test_build_stores_both_files_with_size_and_sha256(world, renderer):
    report, _ = _request(world, world.a.coordinator.user)
    steps = []
    report = report_build(report_id=report.pk, progress=lambda stage, percent: steps.append(percent))
    report.refresh_from_db()
    assert report.state == Report.State.READY
    assert (report.progress_percent, report.attempts) == (100, 1)
    assert steps == [30, 60, 90, 99]
    assert report.pdf.name == f"{report.storage_folder}/campaign-71.pdf"
    assert report.pdf.read() == FAKE_PDF and report.xlsx.read() == FAKE_XLSX
    assert report.pdf_size == len(FAKE_PDF) and report.xlsx_size == len(FAKE_XLSX)
    assert report.pdf_sha256 == hashlib.sha256(FAKE_PDF).hexdigest()
    assert report.xlsx_sha256 == hashlib.sha256(FAKE_XLSX).hexdigest()
    assert report.figures == {"students_registered": 3}
    assert report.period_figures == {"participations": 1}
    assert len(report.file_secret) >= 32  # the path cannot be guessed
    call = renderer.calls[0]
    assert (call.report_type, call.region, call.campaign) == ("campaign", world.a.region, world.campaign)
    assert call.author == world.a.coordinator.user.get_full_name()


def test_building_twice_leaves_one_file_of_each_kind(world, renderer):
    report, _ = _request(world, world.a.coordinator.user)
    report_build(report_id=report.pk)
    # A worker killed after saving a file but before recording it leaves a stray one: the next build clears it.
    default_storage.save(f"{report.storage_folder}/campaign-71.pdf", __import__("io").BytesIO(b"stray"))
    report_build(report_id=report.pk)
    report.refresh_from_db()
    assert _files(report) == ["campaign-71.pdf", "campaign-71.xlsx"]
    assert report.pdf.name.endswith("/campaign-71.pdf") and report.pdf.read() == FAKE_PDF
    assert report.attempts == 2


def test_renderer_refusal_fails_the_report_with_its_reason(world, renderer):
    renderer.error = ValueError("Кампания не покрывает этот месяц.")
    report, _ = _request(world, world.a.coordinator.user, ReportType.MONTHLY, period=LAST_MONTH)
    report_build(report_id=report.pk)
    report.refresh_from_db()
    assert report.state == Report.State.FAILED
    assert report.failure_reason == "Кампания не покрывает этот месяц."
    assert report.finished_at is not None and not report.pdf


def test_storage_errors_propagate_for_the_task_to_retry(world, renderer, monkeypatch):
    report, _ = _request(world, world.a.coordinator.user)
    monkeypatch.setattr(builds, "_clear_folder", lambda folder: (_ for _ in ()).throw(OSError("volume gone")))
    with pytest.raises(OSError):
        report_build(report_id=report.pk)
    report.refresh_from_db()
    assert report.state == Report.State.RUNNING  # the retry picks it up; nothing claims it is ready


def test_schedule_queues_every_regions_monthly_report_once(world):
    third = RegionFactory(code="40", name="Калужская область")
    created = report_monthly_schedule(campaign=world.campaign, period=LAST_MONTH)
    assert sorted(r.region.code for r in created) == sorted([world.a.region.code, world.b.region.code, third.code])
    assert all(r.author is None and r.period == LAST_MONTH for r in created)
    assert report_monthly_schedule(campaign=world.campaign, period=LAST_MONTH) == []
    assert Report.objects.count() == 3


def test_a_build_lost_long_ago_gives_way_to_a_new_one(world, renderer):
    lost, _ = _request(world, world.a.coordinator.user)
    Report.objects.filter(pk=lost.pk).update(created_at=timezone.now() - services.STALE_AFTER - dt.timedelta(minutes=1))
    fresh, created = _request(world, world.a.coordinator.user)
    assert created and fresh.pk != lost.pk
    lost.refresh_from_db()
    assert (lost.state, lost.is_current) == (Report.State.FAILED, False)
    assert lost.failure_reason == "Формирование отчёта не завершилось вовремя."


def test_a_sent_report_is_never_rebuilt_in_place(world, renderer):
    report, _ = _request(world, world.a.coordinator.user)
    report_build(report_id=report.pk)
    services.report_send(actor=world.a.coordinator.user, report=Report.objects.get(pk=report.pk))
    sha = Report.objects.get(pk=report.pk).pdf_sha256
    report_build(report_id=report.pk)  # a late duplicate of its build message
    report.refresh_from_db()
    assert (report.attempts, report.pdf_sha256, len(renderer.calls)) == (1, sha, 1)


def test_a_build_that_keeps_killing_its_worker_is_given_up(world, renderer):
    report, _ = _request(world, world.a.coordinator.user)
    Report.objects.filter(pk=report.pk).update(state="running", attempts=services.MAX_BUILD_ATTEMPTS)
    report_build(report_id=report.pk)
    report.refresh_from_db()
    assert (report.state, report.failure_reason) == ("failed", "Формирование отчёта прерывалось слишком много раз.")
    assert renderer.calls == []
