"""Issue 14 "Done means", end to end in Chromium: a student registers (the place fields narrowed by htmx), the parent
accepts the emailed invitation, gives the consent and downloads the pre-filled form (PDF); the student takes the
three diagnostic stages (leaving one halfway and coming back) and sees the text results and the events they
suggest; a navigator imports a file with errors, reads them, fixes the file and imports it, and watches the progress
bar of a large one. axe-core finds no serious or critical violation on the way, at a desktop width and at 375 px.

The large file's jobs run on the real Celery worker where one can reach the test database (PostgreSQL with
CELERY_BROKER_URL: the browser and worker run of `make test` under CI). `make test`'s SQLite database lives in this
process's memory, out of a worker's reach: there the test plays the worker (`HeldJobs`)."""

import os
import re
from datetime import date

import pytest
from django.apps import apps
from django.core import mail
from django.db import connection
from playwright.sync_api import expect
from pypdf import PdfReader

from bilet.tests.admin_import import xlsx_bytes
from bilet.tests.test_browser import sign_in as sign_in_with_password
from bilet.testing.world import PASSWORD as WORLD_PASSWORD
from participants.consent_texts import install_consent_text
from participants.diagnostic_bank import install_diagnostic_bank
from participants.models import Consent, DiagnosticResult, Guardianship, Student
from participants.tests.import_jobs_in_browser import HeldJobs, WorkerJobs
from participants.tests.test_imports_portal import STUDENT_HEADER, student_row
from regions.tests.factories import CompetencyFactory
from venues.tests.factories import EventFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

PASSWORD = "Kvadrat-2026-sinij"


def follow(page, locator) -> None:
    """Click a link or a button and wait for the page it leads to (not the one still shown)."""
    with page.expect_navigation():
        locator.click()


def sign_in(page, live_server, email: str, password: str = WORLD_PASSWORD) -> None:
    page.context.clear_cookies()
    sign_in_with_password(page, live_server, email, password)


def at_phone_width(page, axe) -> None:
    """The page fits 375 px and passes axe there; then back to a desktop width."""
    page.set_viewport_size({"width": 375, "height": 800})
    assert page.evaluate("document.documentElement.scrollWidth") <= 375
    axe(page)
    page.set_viewport_size({"width": 1280, "height": 900})


# --- the family -------------------------------------------------------------------------------------------------------


def narrowed(page, action) -> None:
    """Do `action` and wait for htmx to swap the narrowed place fields in (and settle: the new fields are live)."""
    with page.expect_response(lambda response: "/signup/places/" in response.url):
        action()
    page.wait_for_timeout(150)


def student_registers(page, live_server, axe, a) -> Student:
    page.goto(f"{live_server.url}/accounts/login/")
    follow(page, page.get_by_role("link", name="Зарегистрироваться как ученик"))
    axe(page)
    at_phone_width(page, axe)
    page.fill("#id_last_name", "Новикова")
    page.fill("#id_first_name", "Вера")
    page.fill("#id_birth_date", date(date.today().year - 14, 3, 1).isoformat())
    # region → municipality → school, each narrowing the next in place
    narrowed(page, lambda: page.select_option("#id_region", label=a.region.name))
    expect(page.locator("#id_municipality option", has_text=a.other_municipality.name)).to_have_count(1)
    narrowed(page, lambda: page.select_option("#id_municipality", label=a.municipality.name))
    expect(page.locator("#id_school option")).to_have_count(2)  # the empty choice and the municipality's school
    narrowed(page, lambda: page.locator("#id_school_search").press_sequentially("№ 1 ("))
    expect(page.locator("#id_school_search")).to_be_focused()
    page.select_option("#id_school", label=a.school.short_name)
    page.select_option("#id_grade", "8")
    page.fill("#id_class_letter", "Б")
    page.fill("#id_email", "vera@test.example")
    page.fill("#id_password1", PASSWORD)
    page.fill("#id_password2", PASSWORD)
    page.fill("#id_guardian_last_name", "Новикова")
    page.fill("#id_guardian_first_name", "Ольга")
    page.fill("#id_guardian_email", "olga@test.example")
    axe(page)
    follow(page, page.get_by_role("button", name="Зарегистрироваться", exact=True))

    student = Student.objects.get(user__email="vera@test.example")
    assert student.school == a.school and student.grade == 8
    follow(page, page.get_by_role("navigation").get_by_role("link", name="Мои родители"))
    main = page.locator("main").inner_text()
    assert "Новикова Ольга" in main and "ждём ответа родителя" in main
    axe(page)
    return student


def parent_accepts_the_invitation(page, axe, student: Student) -> None:
    """From the emailed link, signed out: the parent sets a password, accepts and sees the child."""
    invitation = next(m for m in mail.outbox if m.to == ["olga@test.example"])
    link = re.search(r"https?://\S+/invitations/\S+/", invitation.body).group(0)
    page.context.clear_cookies()
    page.goto(link)
    assert "Новикова Вера" in page.locator("main").inner_text()
    axe(page)
    expect(page.locator("#id_first_name")).to_have_value("Ольга")
    page.fill("#id_middle_name", "Ивановна")
    page.fill("#id_password1", PASSWORD)
    page.fill("#id_password2", PASSWORD)
    follow(page, page.get_by_role("button", name="Создать учётную запись и подтвердить связь"))
    assert page.url.endswith("/my/children/")
    assert "Ваша учётная запись создана, связь с ребёнком подтверждена." in page.locator(".messages").inner_text()
    assert "Новикова Вера" in page.locator("main").inner_text()
    axe(page)
    assert Guardianship.objects.filter(student=student, guardian__user__email="olga@test.example").exists()
    # the parent's navigation leads to the child's bookings
    follow(page, page.get_by_role("link", name="Записи", exact=True))
    assert page.url.endswith(f"?student={student.pk}")


def parent_gives_the_consent_and_downloads_the_form(page, live_server, axe, student: Student, tmp_path) -> None:
    assert page.get_by_role("navigation").get_by_role("link", name="Согласия").count() == 1
    page.goto(f"{live_server.url}/consents/")
    axe(page)
    main = page.locator("main")
    assert "Новикова Вера" in main.inner_text() and "нет согласия" in main.inner_text()
    follow(page, page.get_by_role("link", name="Дать согласие — Новикова Вера"))
    axe(page)
    assert "152-ФЗ" in page.locator(".consent-text").inner_text()
    # Without the box ticked the form says why and nothing is saved.
    follow(page, page.get_by_role("button", name="Дать согласие"))
    assert "Отметьте поле" in main.inner_text()
    assert not Consent.objects.filter(student=student).exists()
    page.get_by_label("Я даю согласие на обработку персональных данных моего ребёнка").check()
    follow(page, page.get_by_role("button", name="Дать согласие"))
    expect(page.locator(".messages")).to_contain_text("Согласие за ребёнка Новикова Вера дано")
    consent = Consent.objects.get(student=student)
    assert consent.text_version.version == 1 and consent.ip_address and "Chrom" in consent.user_agent
    assert consent.guardian.user.email == "olga@test.example"

    at_phone_width(page, axe)
    with page.expect_download() as download_info:
        page.get_by_role("link", name="Скачать форму (PDF) — Новикова Вера").click()
    path = tmp_path / "consent.pdf"
    download_info.value.save_as(path)
    text = " ".join(" ".join(p.extract_text() for p in PdfReader(path).pages).split())
    assert "Новикова Вера" in text and student.school.name in text and "Версия текста 1" in text


def answer_page(page, choose) -> None:
    """Choose an answer in every question of the page; `choose(legend, labels)` names the one to check."""
    questions = page.locator("fieldset.diagnostic-question")
    for n in range(questions.count()):
        question = questions.nth(n)
        labels = question.locator("label").all_inner_texts()
        # Each choice is saved in place by htmx: wait for its answer before the next one.
        with page.expect_response(lambda response: response.url.endswith("/answer/")):
            question.get_by_label(choose(question.locator("legend").inner_text(), labels), exact=True).check()


def student_takes_the_three_stages(page, live_server, axe, student: Student) -> None:
    sign_in(page, live_server, "vera@test.example", PASSWORD)
    follow(page, page.get_by_role("navigation").get_by_role("link", name="Диагностика"))
    axe(page)
    assert page.locator(".stage-card").count() == 3

    # Stage 1: the first page, answered in place (htmx), then left and resumed.
    follow(page, page.get_by_role("link", name="Начать — этап 1"))
    axe(page)
    answer_page(page, lambda legend, labels: "Скорее про меня")
    # htmx swaps the status in after the response: wait for the text rather than read it at once.
    expect(page.locator("#save-status")).to_have_text("Ответы сохранены: 4 из 8.")
    follow(page, page.get_by_role("button", name="Сохранить и продолжить позже"))
    assert "4 из 8 отвечено" in page.locator("main").inner_text()
    follow(page, page.get_by_role("link", name="Продолжить — этап 1"))
    assert "Страница 2 из 2" in page.locator("main").inner_text()
    answer_page(page, lambda legend, labels: "Скорее про меня")
    follow(page, page.get_by_role("button", name="Завершить этап"))
    assert "Этап 1 пройден" in page.locator(".messages").inner_text()
    assert "Осознанность выбора: средний." in page.locator("main").inner_text()

    # Stage 2: the sign-systems answer wherever a pair offers it; the plain buttons, page by page.
    def signs(legend, labels):
        preferred = ("таблицы", "текстах", "числами", "справочниками")
        return next((label for label in labels if any(word in label for word in preferred)), labels[0])

    page.goto(f"{live_server.url}/diagnostics/")
    follow(page, page.get_by_role("link", name="Начать — этап 2"))
    answer_page(page, signs)
    follow(page, page.get_by_role("button", name="Далее"))
    answer_page(page, signs)
    follow(page, page.get_by_role("button", name="Завершить этап"))

    # Stage 3, at a phone's width.
    page.set_viewport_size({"width": 375, "height": 800})
    page.goto(f"{live_server.url}/diagnostics/")
    axe(page)
    follow(page, page.get_by_role("link", name="Начать — этап 3"))
    axe(page)
    answer_page(page, lambda legend, labels: labels[0])
    follow(page, page.get_by_role("button", name="Далее"))
    answer_page(page, lambda legend, labels: labels[0])
    follow(page, page.get_by_role("button", name="Завершить этап"))

    main = page.locator("main").inner_text()
    assert "Пройдено этапов: 3 из 3." in main
    assert "Знание мира профессий: высокий." in main
    assert "Профессиональные сферы, с которых стоит начать: Информационные технологии." in main
    suggestions = page.locator("section.diagnostic-suggestions")
    assert suggestions.get_by_role("link", name="Веб-разработчик: сайт-визитка класса").count() == 1
    axe(page)
    page.set_viewport_size({"width": 1280, "height": 900})
    axe(page)
    assert DiagnosticResult.objects.filter(student=student).count() == 3


# --- the navigator's imports ------------------------------------------------------------------------------------------


def upload(page, path) -> None:
    page.set_input_files("#id_file", str(path))
    page.get_by_role("button", name="Проверить файл").click()


def navigator_fixes_a_file_and_imports_it(page, live_server, axe, a, tmp_path) -> None:
    sign_in(page, live_server, a.navigator.user.email)
    page.goto(f"{live_server.url}/")
    page.get_by_role("link", name="Импорт учеников").first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Импорт учеников")
    assert page.get_by_role("link", name="Скачайте шаблон (XLSX)").get_attribute("href").endswith("template.xlsx")

    bad = tmp_path / "class-8a.xlsx"
    bad.write_bytes(xlsx_bytes([STUDENT_HEADER, student_row(a, "Правильная"), student_row(a, "Ошибочная", grade=5)]))
    upload(page, bad)
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
    upload(page, fixed)
    # Two rows are below the threshold: checked in the request, the job page answers at once.
    expect(page.locator("#import-job")).to_contain_text("Файл без ошибок: будут импортированы 2 строки.")
    page.get_by_role("button", name="Импортировать").click()
    expect(page.locator("#import-job")).to_contain_text("Импортировано 2 записи.")
    assert Student.objects.filter(last_name__in=["Правильная", "Ошибочная"], registered_by=a.navigator).count() == 2


def navigator_watches_a_large_import(page, live_server, axe, a, tmp_path, jobs) -> None:
    jobs.start()
    large = tmp_path / "school.xlsx"
    large.write_bytes(xlsx_bytes([STUDENT_HEADER] + [student_row(a, f"Многочисленная{i}") for i in range(3000)]))
    page.goto(f"{live_server.url}/imports/students/")
    upload(page, large)
    progress = page.get_by_role("progressbar", name="Ход импорта")
    expect(page.locator("#import-state")).to_have_text("проверка файла", timeout=10_000)
    expect(progress).to_be_visible()
    assert progress.get_attribute("aria-valuemax") == "100"
    url = page.url
    checked = jobs.run(page, progress)
    # No reload: htmx swaps the job's section until the check ends.
    expect(page.locator("#import-job")).to_contain_text(
        re.compile(r"Файл без ошибок: будет импортировано 3\s000 строк\."), timeout=90_000
    )
    assert page.url == url
    follow(page, page.get_by_role("button", name="Импортировать"))
    imported = jobs.run(page, progress)
    expect(page.locator("#import-job")).to_contain_text(re.compile(r"Импортировано 3\s000 записей\."), timeout=90_000)
    expect(progress).to_have_attribute("aria-valuenow", "100")
    assert Student.objects.filter(last_name__startswith="Многочисленная").count() == 3000
    axe(page)
    # The bar only moves forward; where the test plays the worker it sees each step the job reports (2,000 rows of
    # 3,000, then all; the import's check counts for 90 % of the bar, the writing for the rest).
    assert checked == sorted(checked) and imported == sorted(imported)
    if jobs.sees_every_step:
        assert (checked, imported) == ([66, 100], [60, 90])


@pytest.fixture
def jobs(request, page, monkeypatch):
    """Who runs the large file's jobs: the real worker where it can reach the test database, else this test."""
    if connection.vendor == "postgresql" and os.environ.get("CELERY_BROKER_URL"):
        return WorkerJobs(request)
    return HeldJobs(page, monkeypatch)


def test_a_family_registers_consents_and_takes_the_diagnostics_then_a_navigator_imports_the_class(
    page, live_server, axe, world, settings, request, tmp_path, jobs
):
    from bilet.celery import app

    # The parent's invitation is read from this process's outbox: its task runs in-process, whatever a worker test
    # before this one set. The large import's jobs go to the worker only once it starts (`jobs.start`).
    settings.CELERY_TASK_ALWAYS_EAGER = True
    was_eager, app.conf.task_always_eager = app.conf.task_always_eager, True
    request.addfinalizer(lambda: setattr(app.conf, "task_always_eager", was_eager))
    settings.IMPORT_ASYNC_ROWS = 50
    # The rows of data migrations (the consent text, the question bank), whatever a flush before this test removed.
    install_consent_text(apps.get_model)
    install_diagnostic_bank(apps.get_model)
    web = CompetencyFactory(code="WSR-17", name="Веб-технологии", sphere="Информационные технологии")
    EventFactory(venue=world.a.venue, campaign=world.campaign, competency=web, online=True,
                 title="Веб-разработчик: сайт-визитка класса")

    student = student_registers(page, live_server, axe, world.a)
    parent_accepts_the_invitation(page, axe, student)
    parent_gives_the_consent_and_downloads_the_form(page, live_server, axe, student, tmp_path)
    student_takes_the_three_stages(page, live_server, axe, student)
    navigator_fixes_a_file_and_imports_it(page, live_server, axe, world.a, tmp_path)
    navigator_watches_a_large_import(page, live_server, axe, world.a, tmp_path, jobs)
