"""Fixtures of the reports' storage tests: a stand-in renderer (the fast tests are about storing, not figures —
the worker and browser tests run the real one), and a ready report of region "a"."""

from types import SimpleNamespace

import pytest

from reports import services
from reports.models import Report, ReportType

FAKE_PDF = b"%PDF-1.4 fake report\n%%EOF\n"
FAKE_XLSX = b"PK\x03\x04 fake workbook"


class FakeRenderer:
    """Records its calls, reports three progress steps, returns fixed bytes (or raises what it is told to)."""

    def __init__(self):
        self.calls = []
        self.error = None

    def __call__(self, *, report_type, campaign, region=None, period=None, author="", progress=None):
        self.calls.append(SimpleNamespace(report_type=report_type, campaign=campaign, region=region, period=period,
                                          author=author))
        if self.error is not None:
            raise self.error
        for stage, percent in (("показатели", 30), ("PDF", 60), ("XLSX", 90)):
            if progress is not None:
                progress(stage, percent)
        return SimpleNamespace(
            report_type=report_type, region=region, campaign=campaign, period=period,
            figures={"students_registered": 3}, period_figures={"participations": 1},
            pdf=FAKE_PDF, xlsx=FAKE_XLSX, filename_stem=f"{report_type}-{region.code if region else 'all'}",
        )


@pytest.fixture
def renderer(monkeypatch):
    fake = FakeRenderer()
    monkeypatch.setattr(services, "_default_renderer", lambda: fake)
    return fake


@pytest.fixture
def ready_report(world, renderer):
    """A's campaign report, built by its coordinator."""
    report, _created = services.report_request(
        actor=world.a.coordinator.user, report_type=ReportType.CAMPAIGN, region=world.a.region,
        campaign=world.campaign,
    )
    return services.report_build(report_id=report.pk)


def make_report(world, side="a", report_type=ReportType.CAMPAIGN, period=None, state=Report.State.READY) -> Report:
    w = getattr(world, side)
    report, _created = services.report_request(
        actor=w.coordinator.user, report_type=report_type, region=w.region, campaign=world.campaign, period=period,
    )
    if state == Report.State.READY:
        report = services.report_build(report_id=report.pk)
    return report
