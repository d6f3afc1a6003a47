"""The sections of each report as XLSX sheets: the figures first, then the long lists the PDF leaves out."""

from __future__ import annotations

from django.utils.translation import gettext as _

from reports.figures.compute import CODES, PERIOD_CODES
from reports.figures.definitions import MODE_CODES, NOSOLOGY_CODES
from reports.figures.labels import FIGURE_LABELS, NOSOLOGY_LABELS
from reports.figures.monitoring import MonitoringReport
from reports.figures.report_types import NationalReport, RegionReport

from .lists import ANONYMISED
from .records import record_sheets
from .xlsx import DATE, INTEGER, PERCENT, Column, Sheet

SCALAR_CODES = [c for c in CODES if c != "participants_by_nosology"]


def _figures_sheet(values) -> Sheet:
    period = set(PERIOD_CODES)
    rows = (
        [code, str(FIGURE_LABELS[code]), values.figures[code], values.period_figures[code] if code in period else None]
        for code in SCALAR_CODES
    )
    return Sheet(_("Figures"), [
        Column(_("Code"), 26), Column(_("Figure"), 52),
        Column(_("As of the end of the period"), 16, INTEGER), Column(_("Within the period"), 16, INTEGER),
    ], rows)


def _nosology_sheet(values) -> Sheet:
    rows = []
    for code in NOSOLOGY_CODES:
        as_of, within = values.figures["participants_by_nosology"][code], values.period_figures["participants_by_nosology"][code]
        rows.append([code, str(NOSOLOGY_LABELS[code]), *(as_of[m] for m in MODE_CODES), *(within[m] for m in MODE_CODES)])
    return Sheet(_("Disabilities"), [
        Column(_("Code"), 18), Column(_("Disability group"), 36),
        Column(_("In person, as of the end"), 14, INTEGER), Column(_("Online, as of the end"), 14, INTEGER),
        Column(_("In person, within the period"), 14, INTEGER), Column(_("Online, within the period"), 14, INTEGER),
    ], rows)


def _months_sheet(report: RegionReport) -> Sheet:
    return Sheet(_("Per month"), [Column(_("Month"), 14, "MMMM YYYY"), Column(_("Participants"), 14, INTEGER)],
                 ([month, n] for month, n in report.participants_by_month))


def _mentors_sheet(report: RegionReport) -> Sheet:
    return Sheet(_("Mentors"), [
        Column(_("Mentor"), 36), Column(_("Organisation"), 36), Column(_("Events held"), 12, INTEGER),
        Column(_("Venues"), 50),
    ], ([m["name"], m["organisation"], m["events"], m["venues"]] for m in report.mentors))


def _disabled_sheet(report: RegionReport) -> Sheet:
    return Sheet(_("Participants with disabilities"), [
        Column(_("Student"), 36), Column(_("School"), 30), Column(_("Disability group"), 34),
        Column(_("In person: participations"), 14, INTEGER), Column(_("Online: participations"), 14, INTEGER),
    ], ([d["name"] or str(ANONYMISED), d["school"], str(NOSOLOGY_LABELS[d["nosology"]]), d["offline"], d["online"]]
        for d in report.disabled))


def _group_sheet(title: str, parent_header: str | None, groups) -> Sheet:
    columns = [Column(_("Name"), 40)]
    if parent_header:
        columns.append(Column(parent_header, 30))
    columns += [
        Column(_("Navigators"), 12, INTEGER), Column(_("Target: students (navigators × quota)"), 16, INTEGER),
        Column(_("Students registered"), 14, INTEGER), Column(_("Share of target"), 12, PERCENT),
        Column(_("Completed diagnostics"), 14, INTEGER), Column(_("Participants"), 14, INTEGER),
        Column(_("Participations"), 14, INTEGER), Column(_("Consents in force"), 14, INTEGER),
    ]

    def rows():
        for g in groups:
            f = g.values.figures
            share = f["students_registered"] / g.target_students if g.target_students else None
            yield [g.name, *([g.parent] if parent_header else []), g.navigators, g.target_students,
                   f["students_registered"], share, f["diagnostics_completed"], f["participants"],
                   f["participations"], f["consents_active"]]

    return Sheet(title, columns, rows())


def _navigators_sheet(report: RegionReport) -> Sheet:
    return Sheet(_("Navigators"), [
        Column(_("Navigator"), 36), Column(_("School"), 36), Column(_("Students registered"), 14, INTEGER),
        Column(_("Quota"), 10, INTEGER), Column(_("Share of quota"), 12, PERCENT), Column(_("Quota met"), 10),
    ], ([n["name"], n["school"], n["students"], n["quota"], n["students"] / n["quota"] if n["quota"] else None,
         n["met"]] for n in report.navigators))


def _stages_sheet(stages) -> Sheet:
    return Sheet(_("Stages"), [
        Column(_("No."), 6, INTEGER), Column(_("Stage"), 60), Column(_("Start"), 12, DATE),
        Column(_("Deadline"), 12, DATE), Column(_("Deadline passed"), 12),
    ], ([s["number"], s["title"], s["starts_on"], s["deadline"], s["passed"]] for s in stages))


def region_sheets(report: RegionReport) -> list[Sheet]:
    sheets = [_figures_sheet(report.values), _nosology_sheet(report.values), _disabled_sheet(report),
              _months_sheet(report), _mentors_sheet(report)]
    if report.report_type == "campaign":
        sheets += [
            _group_sheet(_("Municipalities"), None, report.municipalities),
            _group_sheet(_("Schools"), _("Municipality"), report.schools),
            _navigators_sheet(report),
            _stages_sheet(report.stages),
        ]
    return sheets + record_sheets(report.records)


def national_sheets(report: NationalReport) -> list[Sheet]:
    columns = [
        Column(_("Rank"), 8, INTEGER), Column(_("Region code"), 10), Column(_("Region"), 34),
        Column(_("Share of targets"), 12, PERCENT), Column(_("Below the expected share"), 12),
        Column(_("Behind the stage deadlines"), 12),
    ] + [Column(code, 14, INTEGER) for code in SCALAR_CODES]

    def rows():
        for r in report.rows:
            yield [r.rank, r.region.code, r.region.name, r.share, r.below_share, r.behind_deadlines,
                   *(r.values.figures[code] for code in SCALAR_CODES)]

    legend = Sheet(_("Legend"), [Column(_("Code"), 26), Column(_("Figure"), 60)],
                   ([code, str(FIGURE_LABELS[code])] for code in CODES))
    return [Sheet(_("Regions"), columns, rows()), legend, _stages_sheet(report.stages)]


def _yes_no(row, value):
    if value is None or row.unit != "yes_no":
        return value
    return _("yes") if value else _("no")


def monitoring_sheets(report: MonitoringReport) -> list[Sheet]:
    columns = [
        Column(_("Region code"), 10), Column(_("Region"), 30), Column(_("Criterion"), 40), Column(_("Indicator"), 50),
        Column(_("Unit"), 10), Column(_("Figure code"), 22),
        Column(str(report.year), 14, "#,##0.##"), Column(str(report.year - 1), 14, "#,##0.##"),
    ]

    def rows():
        for r in report.regions:
            for row in r.indicators:
                yield [r.region.code, r.region.name, row.criterion, row.name, row.unit_label, row.figure_code,
                       _yes_no(row, row.this_year), _yes_no(row, row.last_year)]

    sheets = [Sheet(_("Monitoring"), columns, rows())]
    if report.region is not None:
        sheets.append(_figures_sheet(report.regions[0].values))
    return sheets
