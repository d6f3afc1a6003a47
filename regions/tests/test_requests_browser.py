"""Issue 15 "Done means" in Chromium: a curator sends a request; the coordinator sees it with its due date and answers
with a file; the curator accepts it; the notification count in the navigation bar changes for each of them.
axe-core finds no serious or critical violation on the pages on the way."""

import pytest
from playwright.sync_api import expect
from django.utils import timezone
from django.utils.formats import date_format

from bilet.testing.browser import nav_link
from bilet.tests.test_browser import sign_in as sign_in_with_password
from regions.models import CuratorRequest
from regions.services.requests import default_due_on

from .request_helpers import PDF_BYTES

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

PASSWORD = "test-pass-2026"


def sign_in(page, live_server, email: str) -> None:
    page.context.clear_cookies()
    sign_in_with_password(page, live_server, email, PASSWORD)


def unread(page) -> str:
    return page.locator("#notification-count [aria-hidden=true]").inner_text().strip()


def test_request_sent_answered_with_a_file_and_accepted(page, live_server, axe, world, tmp_path):
    curator, coordinator = world.curator.user.email, world.a.coordinator.user.email

    sign_in(page, live_server, curator)
    assert unread(page) == "0"
    nav_link(page, "Запросы").click()
    page.get_by_role("link", name="Новый запрос").click()
    axe(page)
    page.get_by_label("Тема").fill("Список педагогов-навигаторов")
    page.get_by_label("Запрос", exact=True).fill("Пришлите список навигаторов с телефонами.")
    page.get_by_role("button", name="Отправить запрос").click()
    page.wait_for_load_state()
    assert "Запрос отправлен координатору." in page.content()
    request = CuratorRequest.objects.get()
    due = date_format(default_due_on(timezone.localdate()), "j E Y")
    assert page.get_by_test_id("due-on").inner_text() == due

    sign_in(page, live_server, coordinator)
    assert unread(page) == "1"
    nav_link(page, "Запросы").click()
    row = page.get_by_role("row").filter(has_text="Список педагогов-навигаторов")
    assert due in row.inner_text() and "ожидает ответа" in row.inner_text()
    axe(page)
    row.get_by_role("link").click()
    page.get_by_label("Ответ", exact=True).fill("Список во вложении.")
    answer_file = tmp_path / "навигаторы.pdf"
    answer_file.write_bytes(PDF_BYTES)
    page.get_by_label("Файлы").set_input_files(str(answer_file))
    axe(page)
    page.get_by_role("button", name="Отправить ответ").click()
    page.wait_for_load_state()
    assert "Ваш ответ отправлен куратору." in page.content()
    assert page.get_by_role("link", name="навигаторы.pdf").is_visible()

    sign_in(page, live_server, curator)
    assert unread(page) == "1"
    page.get_by_role("link", name="Уведомления").first.click()
    page.get_by_role("link", name="Координатор ответил на ваш запрос «Список педагогов-навигаторов».").click()
    assert page.get_by_test_id("state").inner_text() == "отвечено"
    with page.expect_download() as download:
        page.get_by_role("link", name="навигаторы.pdf").click()
    assert download.value.suggested_filename == "навигаторы.pdf"
    page.get_by_role("button", name="Принять").click()
    page.wait_for_load_state()
    assert page.get_by_test_id("state").inner_text() == "принят"
    request.refresh_from_db()
    assert request.status == CuratorRequest.Status.ACCEPTED

    # The curator reads the notification in the list (HTMX): the count goes down without a reload.
    page.get_by_role("link", name="Уведомления").first.click()
    assert unread(page) == "1"
    page.get_by_role("button", name="Отметить как прочитанное").first.click()
    # A locator assertion, not a JavaScript string: the portal's CSP forbids eval.
    expect(page.locator("#notification-count [aria-hidden=true]")).to_have_text("0")
    axe(page)

    sign_in(page, live_server, coordinator)
    assert unread(page) == "2"  # the request received, and now its answer accepted
    page.get_by_role("link", name="Уведомления").first.click()
    assert "Куратор принял ответ на запрос «Список педагогов-навигаторов»." in page.content()
    page.get_by_role("button", name="Отметить все как прочитанные").click()
    page.wait_for_load_state()
    assert unread(page) == "0"
