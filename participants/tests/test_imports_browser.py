"""In Chromium (issue 14 "Done means"): a navigator imports a file with errors, reads them, fixes the file and imports
it, then watches the progress bar of a large file that a real Celery worker checks and imports."""

import re

import pytest
from playwright.sync_api import expect

from bilet.tests.admin_import import xlsx_bytes
from participants.models import Student
from participants.tests.test_browser_lists import _sign_in as sign_in
from participants.tests.test_imports_portal import STUDENT_HEADER, student_row

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def test_a_navigator_fixes_a_file_then_watches_a_large_one(page, live_server, world, celery_worker, settings, tmp_path, axe):
    settings.IMPORT_ASYNC_ROWS = 50
    a = world.a
    sign_in(page, live_server, a.navigator.user.email)
    page.goto(f"{live_server.url}/")
    page.get_by_role("link", name="Импорт учеников").first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Импорт учеников")
    assert page.get_by_role("link", name="Скачайте шаблон (XLSX)").get_attribute("href").endswith("template.xlsx")

    bad = tmp_path / "class-8a.xlsx"
    bad.write_bytes(xlsx_bytes([STUDENT_HEADER, student_row(a, "Правильная"), student_row(a, "Ошибочная", grade=5)]))
    page.set_input_files("#id_file", str(bad))
    page.get_by_role("button", name="Проверить файл").click()
    expect(page.get_by_role("alert")).to_contain_text("Ошибки в 1 строке из 2. Ничего не сохранено")
    errors = page.locator("table.import-errors tbody tr")
    expect(errors).to_have_count(1)
    expect(errors.first).to_contain_text("3")
    expect(errors.first).to_contain_text("«Класс»: класс должен быть от 6 до 11.")
    axe(page)
    assert not Student.objects.filter(last_name="Правильная").exists()

    page.get_by_role("link", name="Загрузить исправленный файл").click()
    fixed = tmp_path / "class-8a-fixed.xlsx"
    fixed.write_bytes(xlsx_bytes([STUDENT_HEADER, student_row(a, "Правильная"), student_row(a, "Ошибочная", grade=8)]))
    page.set_input_files("#id_file", str(fixed))
    page.get_by_role("button", name="Проверить файл").click()
    # Two rows are below the threshold: checked in the request, the job page answers at once.
    expect(page.locator("#import-job")).to_contain_text("Файл без ошибок: будут импортированы 2 строки.")
    page.get_by_role("button", name="Импортировать").click()
    expect(page.locator("#import-job")).to_contain_text("Импортировано 2 записи.")
    assert Student.objects.filter(last_name__in=["Правильная", "Ошибочная"], registered_by=a.navigator).count() == 2

    # A large file: the worker checks it in the background while the page polls its job row.
    large = tmp_path / "school.xlsx"
    large.write_bytes(xlsx_bytes([STUDENT_HEADER] + [student_row(a, f"Многочисленная{i}") for i in range(3000)]))
    page.goto(f"{live_server.url}/imports/students/")
    page.set_input_files("#id_file", str(large))
    page.get_by_role("button", name="Проверить файл").click()
    progress = page.get_by_role("progressbar", name="Ход импорта")
    state = page.locator("#import-state")
    expect(state).to_have_text("проверка файла", timeout=10_000)
    expect(progress).to_be_visible()
    assert progress.get_attribute("aria-valuemax") == "100"
    # No reload: htmx swaps the job's section until the check ends.
    url = page.url
    expect(page.locator("#import-job")).to_contain_text(re.compile(r"Файл без ошибок: будет импортировано 3\s000 строк\."), timeout=90_000)
    assert page.url == url
    page.get_by_role("button", name="Импортировать").click()
    expect(page.locator("#import-job")).to_contain_text(re.compile(r"Импортировано 3\s000 записей\."), timeout=90_000)
    expect(progress).to_have_attribute("aria-valuenow", "100")
    assert Student.objects.filter(last_name__startswith="Многочисленная").count() == 3000
    axe(page)
