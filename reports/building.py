"""Build one report — its figures, its PDF and its XLSX — in the foreground: what the Celery task and
`manage.py build_report` both call (SPEC §6: the same code), so the files and the JSON always agree."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass

from django.conf import settings
from django.utils import formats, timezone, translation
from django.utils.translation import gettext as _

from bilet.pdf import pdf_from_templates
from regions.models import Campaign, Region

from .dashboards.counts import percent_of
from .documents import charts
from .documents.sheets import monitoring_sheets, national_sheets, region_sheets
from .documents.xlsx import workbook_bytes
from .figures.compute import CODES, PERIOD_CODES
from .figures.definitions import MODE_CODES, NOSOLOGY_CODES
from .figures.labels import FIGURE_LABELS, NOSOLOGY_LABELS, REPORT_TITLES
from .figures.monitoring import MonitoringReport, monitoring_report
from .figures.report_types import (
    NationalReport,
    RegionReport,
    campaign_report,
    monthly_report,
    national_report,
)

REPORT_TYPES = ("monthly", "campaign", "national", "monitoring")
Progress = Callable[[str, int], None]


@dataclass
class RenderedReport:
    report_type: str
    region: Region | None
    campaign: Campaign
    period: dt.date | None  # the first day of the month of a monthly report
    figures: dict  # exactly what build_report prints under "figures" (national: {region code: {code: value}})
    period_figures: dict  # … and under "period_figures"
    pdf: bytes
    xlsx: bytes
    filename_stem: str  # ASCII, e.g. "monthly-71-2026-11"


def validate(*, report_type: str, campaign: Campaign | None, region: Region | None, period: dt.date | None,
             regions=None) -> None:
    """The parameters a report type needs; a Russian sentence (through gettext) for the one missing."""
    if report_type not in REPORT_TYPES:
        raise ValueError(
            _("Unknown report type «%(type)s»: choose one of %(types)s.")
            % {"type": report_type, "types": ", ".join(REPORT_TYPES)}
        )
    if campaign is None:
        raise ValueError(_("No campaign: choose one (there is no current campaign)."))
    if report_type == "monthly" and region is None:
        raise ValueError(_("The monthly report needs a region (its code, e.g. 71)."))
    if report_type == "campaign" and region is None:
        raise ValueError(_("The campaign report needs a region (its code, e.g. 71)."))
    if report_type == "monthly" and period is None:
        raise ValueError(_("The monthly report needs a month (YYYY-MM)."))
    if regions is not None and report_type != "national":
        raise ValueError(_("Only the national summary is built for a set of regions."))


def build_figures(*, report_type: str, campaign: Campaign, region: Region | None = None,
                  period: dt.date | None = None, regions=None) -> RegionReport | NationalReport:
    """The figures object of a report (what its page shows); `regions` (a queryset) limits a summary — the national
    one, the monitoring indicators of every region — to the reader's scope: its queries count those regions only."""
    validate(report_type=report_type, campaign=campaign, region=region, period=period)
    if report_type == "monthly":
        return monthly_report(campaign=campaign, region=region, period=period)
    if report_type == "campaign":
        return campaign_report(campaign=campaign, region=region)
    if report_type == "monitoring":
        return monitoring_report(campaign=campaign, region=region, regions=regions)
    if regions is None:
        regions = Region.objects.all()
    return national_report(campaign=campaign, regions=regions, period=period)


def figures_json(report) -> tuple[dict, dict]:
    """`figures` and `period_figures` as build_report prints them."""
    if isinstance(report, RegionReport):
        return report.values.figures, report.values.period_figures
    if isinstance(report, MonitoringReport) and report.region is not None:
        values = report.regions[0].values
        return values.figures, values.period_figures
    return (
        {row.region.code: row.values.figures for row in report.rows},
        {row.region.code: row.values.period_figures for row in report.rows},
    )


def filename_stem(report_type: str, campaign: Campaign, region: Region | None, period: dt.date | None) -> str:
    parts = [report_type, region.code if region else "all"]
    parts.append(period.strftime("%Y-%m") if period else f"c{campaign.pk}")
    return "-".join(parts)


def period_text(report) -> str:
    if report.period:
        return formats.date_format(report.period, "F Y")
    start, end = report.window.first_day, report.window.last_day
    return f"{formats.date_format(start, 'j E Y')} – {formats.date_format(end, 'j E Y')}"


def chart_uris(report) -> list[str]:
    """The charts of a report as <img> sources: the page and the PDF show the same ones."""
    if isinstance(report, MonitoringReport):
        svgs = []
    elif isinstance(report, NationalReport):
        svgs = [charts.regions_chart([(r.region.name, r.share) for r in report.rows])]
    else:
        svgs = [
            charts.targets_chart(report.targets()),
            charts.months_chart(report.participants_by_month),
            charts.levels_modes_chart(report.values.figures),
        ]
    return [charts.data_uri(svg) for svg in svgs if svg]


def figure_rows(values) -> list[dict]:
    period = set(PERIOD_CODES)
    return [
        {"code": code, "label": FIGURE_LABELS[code], "value": values.figures[code],
         "period": values.period_figures[code] if code in period else None}
        for code in CODES if code != "participants_by_nosology"
    ]


def nosology_rows(values) -> list[dict]:
    rows = []
    for code in NOSOLOGY_CODES:
        as_of, within = values.figures["participants_by_nosology"][code], values.period_figures["participants_by_nosology"][code]
        rows.append({"code": code, "label": NOSOLOGY_LABELS[code], **as_of,
                     **{f"period_{mode}": within[mode] for mode in MODE_CODES}})
    return rows


def target_rows(report: RegionReport) -> list[dict]:
    return [
        {"code": target, "figure": code, "label": FIGURE_LABELS[code], "fact": fact, "plan": plan,
         "percent": percent_of(fact, plan)}
        for target, code, fact, plan in report.targets()
    ]


def document_context(report, *, author: str = "") -> dict:
    now = timezone.now()
    context = {
        "report": report,
        "title": REPORT_TITLES[report.report_type],
        "region": getattr(report, "region", None),
        "campaign": report.campaign,
        "period_text": period_text(report),
        "as_of": report.as_of,
        "author": author,
        "built_at": now,
        "built_at_text": _("Built on %(date)s") % {"date": formats.date_format(timezone.localtime(now), "d.m.Y H:i")},
        "charts": chart_uris(report),
    }
    if isinstance(report, RegionReport):
        context |= {"figure_rows": figure_rows(report.values), "nosology_rows": nosology_rows(report.values),
                    "target_rows": target_rows(report)}
    elif isinstance(report, NationalReport):
        context["expected_percent"] = round(100 * report.expected_share)
    return context


# report class → (PDF template, XLSX sheets)
DOCUMENTS = {
    RegionReport: ("reports/pdf/region.html", region_sheets),
    NationalReport: ("reports/pdf/national.html", national_sheets),
    MonitoringReport: ("reports/pdf/monitoring.html", monitoring_sheets),
}


def render_report(*, report_type: str, campaign: Campaign, region: Region | None = None, period: dt.date | None = None,
                  regions=None, author: str = "", progress: Progress | None = None) -> RenderedReport:
    """Compute a report's figures and write its PDF and XLSX (in Russian, whatever the caller's language). A national
    summary covers `regions` (a queryset: a curator's regions), every region by default."""
    progress = progress or (lambda stage, percent: None)
    if period is not None:
        period = period.replace(day=1)
    with translation.override(settings.LANGUAGE_CODE):
        validate(report_type=report_type, campaign=campaign, region=region, period=period, regions=regions)
        progress("figures", 0)
        report = build_figures(report_type=report_type, campaign=campaign, region=region, period=period,
                               regions=regions)
        figures, period_figures = figures_json(report)
        progress("pdf", 30)
        context = document_context(report, author=author)
        template, sheets = DOCUMENTS[type(report)]
        pdf = pdf_from_templates(template, "reports/pdf/report.css", context)
        progress("xlsx", 70)
        xlsx = workbook_bytes(sheets(report))
        progress("xlsx", 100)
    return RenderedReport(
        report_type=report_type,
        region=region,
        campaign=campaign,
        period=period if report_type == "monthly" or (period and report_type == "national") else None,
        figures=figures,
        period_figures=period_figures,
        pdf=pdf,
        xlsx=xlsx,
        filename_stem=filename_stem(report_type, campaign, region, period),
    )
