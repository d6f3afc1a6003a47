"""A report end to end in Chromium (issue 13 "Done means"): the coordinator starts the campaign report, watches the
progress bar move while a real Celery worker builds it with the real renderer, downloads both files and sends the
report; the curator accepts it. The first page of the PDF is rendered to PNG (pdftoppm) and kept under
test-results/; the test fails if that page is blank. axe-core finds no serious or critical violation on the way."""

import datetime as dt
import io
import subprocess
import time
from pathlib import Path

import pytest
from openpyxl import load_workbook
from django.utils import timezone
from PIL import Image

from bilet.models import PersonalDataAccess
from bilet.testing.browser import nav_link
from bilet.tests.test_browser import sign_in as sign_in_with_password
from bilet.tests.test_browser import watch_csp
from reports import services
from reports.models import Report, ReportSubmission

pytestmark = [pytest.mark.browser, pytest.mark.celery_worker]

PASSWORD = "test-pass-2026"
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-results" / "reports-browser"


def sign_in(page, live_server, email: str) -> None:
    page.context.clear_cookies()
    sign_in_with_password(page, live_server, email, PASSWORD)


def _progress_values(page, timeout: float = 90) -> list[int]:
    """aria-valuenow of the progress bar, read as HTMX replaces it, until the download links appear."""
    seen = []
    deadline = time.monotonic() + timeout
    download = page.get_by_role("link", name="Скачать PDF")
    while download.count() == 0:
        if time.monotonic() > deadline:
            pytest.fail(f"the report was not built in {timeout} s; progress seen: {seen}")
        bar = page.get_by_role("progressbar")
        if bar.count():
            try:
                value = int(bar.get_attribute("aria-valuenow", timeout=1000))
            except Exception:  # replaced between the count and the read: read the next one
                value = None
            if value is not None and (not seen or seen[-1] != value):
                seen.append(value)
        page.wait_for_timeout(150)
    return seen


def _save_download(page, link_name: str, path: Path) -> bytes:
    with page.expect_download() as info:
        page.get_by_role("link", name=link_name).click()
    info.value.save_as(path)
    return path.read_bytes()


def _first_page_png(pdf_path: Path) -> Path:
    prefix = pdf_path.with_suffix("")
    subprocess.run(["pdftoppm", "-png", "-r", "60", "-f", "1", "-l", "1", "-singlefile", str(pdf_path), str(prefix)],
                   check=True, timeout=60)
    return prefix.with_suffix(".png")


def test_coordinator_builds_downloads_and_sends_the_campaign_report_curator_accepts(
    page, live_server, axe, world, start_celery_worker, settings
):
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    settings.REPORTS_BUILD_QUEUE = start_celery_worker.queue
    # A pause at each stage of the build, so that the bar is seen moving (test settings only).
    start_celery_worker(extra_env={"REPORTS_TEST_STEP_DELAY": "0.8"})
    complaints = watch_csp(page)

    sign_in(page, live_server, world.a.coordinator.user.email)
    nav_link(page, "Отчёты").click()
    page.get_by_role("link", name="Сформировать отчёт").click()
    axe(page)
    page.get_by_label("Отчёт").select_option(label="отчёт региона по кампании")
    page.get_by_label("Регион").select_option(label=world.a.region.name)
    page.get_by_role("button", name="Сформировать").click()

    page.get_by_role("progressbar").wait_for()
    page.screenshot(path=ARTIFACTS / "report-page-building.png")
    progress = _progress_values(page)
    assert len(progress) >= 2 and progress == sorted(progress), progress  # it moved, and only forward
    assert any(0 < value < 100 for value in progress), progress
    report = Report.objects.get()
    assert report.state == Report.State.READY and report.report_type == "campaign"
    page.screenshot(path=ARTIFACTS / "report-page.png", full_page=True)
    axe(page)

    pdf_path = ARTIFACTS / "campaign-report.pdf"
    pdf = _save_download(page, "Скачать PDF", pdf_path)
    assert pdf.startswith(b"%PDF-") and len(pdf) == report.pdf_size
    xlsx = _save_download(page, "Скачать XLSX", ARTIFACTS / "campaign-report.xlsx")
    assert len(xlsx) == report.xlsx_size
    assert load_workbook(io.BytesIO(xlsx), read_only=True).sheetnames
    assert PersonalDataAccess.objects.filter(user=world.a.coordinator.user, kind="download").count() == 1

    png = _first_page_png(pdf_path)
    image = Image.open(png).convert("L")
    dark = sum(count for level, count in enumerate(image.histogram()) if level < 200)
    assert dark > 0.002 * image.width * image.height, f"the first page of the PDF is blank: {png}"

    page.get_by_label("Комментарий для куратора").fill("Цифры сверены с журналом посещаемости.")
    page.get_by_role("button", name="Отправить куратору").click()
    assert "Отчёт отправлен куратору." in page.locator(".messages").inner_text()
    assert "отправлен" in page.locator("#report-submission h2").inner_text()
    axe(page)

    sign_in(page, live_server, world.curator.user.email)
    nav_link(page, "Отчёты").click()
    page.get_by_role("link", name="Отчёт региона по кампании").click()
    assert "Цифры сверены с журналом посещаемости." in page.locator("#report-submission").inner_text()
    page.get_by_label("принять").check()
    page.get_by_role("button", name="Сохранить решение").click()
    assert "Отчёт принят." in page.locator(".messages").inner_text()
    assert "принят" in page.locator("#report-submission h2").inner_text()
    axe(page)
    assert ReportSubmission.objects.get().state == "accepted"

    # The curator sets the deadline of last month's report; it has passed, nothing was sent: overdue on the home page.
    nav_link(page, "Сроки отчётов").click()
    axe(page)
    last_month = services.previous_month(timezone.localdate())
    page.get_by_label("Отчётный месяц").fill(f"{last_month:%Y-%m}")
    page.get_by_label("Срок сдачи").fill(f"{services.last_of_month(last_month) + dt.timedelta(days=1):%Y-%m-%d}")
    page.get_by_role("button", name="Установить срок").click()
    assert "Срок установлен." in page.locator(".messages").inner_text()
    axe(page)
    page.goto(f"{live_server.url}/")
    overdue = page.get_by_role("region", name="Просроченные ежемесячные отчёты")
    if services.last_of_month(last_month) + dt.timedelta(days=1) < timezone.localdate():
        assert world.a.region.name in overdue.inner_text()
    axe(page)
    assert complaints == []
