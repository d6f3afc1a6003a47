"""The files carry the same figures as the JSON: every figure in the XLSX cells (openpyxl) and in the PDF's text."""

import datetime as dt
import io
import re
import subprocess

import openpyxl
import pytest

from reports.building import render_report

from .conftest import CAMPAIGN, NOVEMBER, NOVEMBER_PERIOD

NUMBER = r"\d{1,3}(?: \d{3})*|—"  # 5 200: a space between thousands
SCALAR = [code for code in NOVEMBER if code != "participants_by_nosology"]


@pytest.fixture
def november(known):
    return render_report(report_type="monthly", campaign=known.campaign, region=known.region, period=known.period,
                         author="Координатор Тульской области")


def _pdf_text(pdf: bytes) -> str:
    text = subprocess.run(["pdftotext", "-layout", "-", "-"], input=pdf, capture_output=True, check=True).stdout
    return text.decode().replace("\u00a0", " ").replace("\u202f", " ")


def _number(text: str):
    return None if text == "—" else int(text.replace(" ", ""))


def _pdf_figures(text: str) -> dict:
    """code → (as of D, within the period) from the PDF's figures table, where each row starts with its code."""
    found = {}
    for code in SCALAR:
        match = re.search(rf"^\s*{code}\s.*?\s({NUMBER})\s+({NUMBER})\s*$", text, re.MULTILINE)
        assert match, code
        found[code] = (_number(match[1]), _number(match[2]))
    return found


def test_xlsx_has_every_figure(november):
    book = openpyxl.load_workbook(io.BytesIO(november.xlsx))
    figures = book.worksheets[0]
    assert figures.freeze_panes == "A2" and figures.auto_filter.ref == f"A1:D{len(SCALAR) + 1}"
    rows = {row[0]: (row[2], row[3]) for row in figures.iter_rows(min_row=2, values_only=True)}
    assert rows == {code: (NOVEMBER[code], NOVEMBER_PERIOD.get(code)) for code in SCALAR}
    nosology = {row[0]: row[2:] for row in book.worksheets[1].iter_rows(min_row=2, values_only=True)}
    assert nosology["hearing"] == (0, 1, 0, 1)
    assert sum(sum(values) for values in nosology.values()) == 2


def test_xlsx_lists_and_formula_escape(november, known):
    book = openpyxl.load_workbook(io.BytesIO(november.xlsx))
    titles = [ws.title for ws in book.worksheets]
    # figures, disabilities (per group; per student), per month, mentors, promotion, training, needs, photos and videos
    assert len(titles) == 9
    disabled = list(book.worksheets[2].iter_rows(min_row=2, values_only=True))
    assert [(row[0], row[3], row[4]) for row in disabled] == [(known.s4.full_name, 0, 1)]  # E4 online, in November
    mentors = list(book.worksheets[4].iter_rows(min_row=2, values_only=True))
    assert sorted(m[0] for m in mentors) == sorted([known.m1.full_name, known.m2.full_name])
    promotion = [row[2] for row in book.worksheets[5].iter_rows(min_row=2, values_only=True)]
    assert promotion == ["'=Статья 2026-11-05"]  # a title typed as a formula stays text
    assert book.worksheets[0]["C2"].number_format == "#,##0"
    media = [row[:3] for row in book["Фото и видео"].iter_rows(min_row=2, values_only=True)]
    assert media == [(dt.datetime(2026, 11, 30), "фото", "Работа региона"),
                     (dt.datetime(2026, 11, 10), "видео", known.e3.title)]


def test_pdf_has_every_figure_and_the_cover(november):
    text = _pdf_text(november.pdf)
    assert _pdf_figures(text) == {code: (NOVEMBER[code], NOVEMBER_PERIOD.get(code)) for code in SCALAR}
    hearing = re.search(r"^\s*hearing\s.*?(\d+)\s+(\d+)\s+(\d+)\s+(\d+)\s*$", text, re.MULTILINE)
    assert hearing.groups() == ("0", "1", "0", "1")
    assert "Тульская область" in text and "Координатор Тульской области" in text
    assert "ноябрь 2026" in text.lower()


def test_campaign_files(known):
    rendered = render_report(report_type="campaign", campaign=known.campaign, region=known.region)
    assert {code: value for code, (value, _p) in _pdf_figures(_pdf_text(rendered.pdf)).items()} == {
        code: CAMPAIGN[code] for code in SCALAR
    }
    book = openpyxl.load_workbook(io.BytesIO(rendered.xlsx))
    schools = {row[0]: row for row in book["Школы"].iter_rows(min_row=2, values_only=True)}
    assert schools[str(known.school1)][4] == 4  # students registered
    assert sum(row[8] for row in schools.values()) == CAMPAIGN["participations"]


def test_national_files(known):
    rendered = render_report(report_type="national", campaign=known.campaign, period=known.period)
    book = openpyxl.load_workbook(io.BytesIO(rendered.xlsx))
    header, *rows = book.worksheets[0].iter_rows(values_only=True)
    row = next(r for r in rows if r[1] == "71")
    assert {code: row[header.index(code)] for code in SCALAR} == {code: NOVEMBER[code] for code in SCALAR}
    text = _pdf_text(rendered.pdf)
    assert "Тульская область" in text and "(71)" in text and "(67)" in text
    assert "below the expected share" in text or "ниже ожидаемой доли" in text


def test_a_curators_summary_through_the_form_the_task_and_the_files(client, known,
                                                                     django_capture_on_commit_callbacks):
    """Region 71's curator asks for the national summary on the form; the build task (in-process) renders it for their
    regions only — its figures, its XLSX and its PDF — and a curator of region 67 cannot download it."""
    from django.urls import reverse

    from regions.tests.factories import CuratorFactory, UserFactory
    from reports.models import Report

    client.force_login(known.world.curator.user)
    assert 'value="national"' in client.get(reverse("reports:report_new")).content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("reports:report_new"),
                               {"report_type": "national", "region": "", "campaign": known.campaign.pk})
    report = Report.objects.get(report_type="national")
    assert response.url == reverse("reports:report_detail", args=[report.pk])
    assert report.state == "ready" and report.figures == {"71": CAMPAIGN}
    xlsx = client.get(reverse("reports:report_download", args=[report.pk, "xlsx"]))
    header, *rows = openpyxl.load_workbook(io.BytesIO(b"".join(xlsx.streaming_content))).worksheets[0].iter_rows(
        values_only=True)
    assert [row[1] for row in rows] == ["71"]
    assert {code: rows[0][header.index(code)] for code in SCALAR} == {code: CAMPAIGN[code] for code in SCALAR}
    pdf = client.get(reverse("reports:report_download", args=[report.pk, "pdf"]))
    text = _pdf_text(b"".join(pdf.streaming_content))
    assert "Тульская область" in text and "(71)" in text and "Смоленская" not in text and "(67)" not in text

    client.force_login(CuratorFactory(user=UserFactory(), regions=[known.other_region]).user)
    for kind in ("pdf", "xlsx"):
        assert client.get(reverse("reports:report_download", args=[report.pk, kind])).status_code == 404


def test_progress_is_reported(known):
    stages = []
    render_report(report_type="monthly", campaign=known.campaign, region=known.region, period=known.period,
                  progress=lambda stage, percent: stages.append((stage, percent)))
    assert [s for s, _p in stages] == ["figures", "pdf", "xlsx", "xlsx"]
    assert [p for _s, p in stages] == sorted(p for _s, p in stages)


def _xlsx_figures(sheet) -> dict:
    return {row[0]: row[2] for row in sheet.iter_rows(min_row=2, values_only=True)}


def test_campaign_and_monitoring_xlsx_have_every_figure(known):
    from regions.models import MonitoringCriterion, MonitoringIndicator

    criterion = MonitoringCriterion.objects.create(title="Охват", order=1)
    MonitoringIndicator.objects.create(criterion=criterion, name="Участники проб", unit="people",
                                       figure_code="participations")
    expected = {code: CAMPAIGN[code] for code in SCALAR}
    campaign = render_report(report_type="campaign", campaign=known.campaign, region=known.region)
    assert _xlsx_figures(openpyxl.load_workbook(io.BytesIO(campaign.xlsx)).worksheets[0]) == expected
    monitoring = render_report(report_type="monitoring", campaign=known.campaign, region=known.region)
    assert monitoring.figures == CAMPAIGN
    book = openpyxl.load_workbook(io.BytesIO(monitoring.xlsx))
    indicators = list(book.worksheets[0].iter_rows(min_row=2, values_only=True))
    assert [(r[0], r[3], r[6]) for r in indicators] == [("71", "Участники проб", CAMPAIGN["participations"])]
    assert _xlsx_figures(book.worksheets[1]) == expected
    text = _pdf_text(monitoring.pdf)
    assert re.search(rf"Участники проб.*\s{CAMPAIGN['participations']}\s", text)
