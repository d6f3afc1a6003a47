"""Issue 14 §5 in Chromium: a student takes the three diagnostic stages (leaving one halfway and coming back), reads
the text results and sees the events they suggest. axe-core finds no serious or critical violation on the way, at
a desktop width and at 375 px."""

import pytest
from django.apps import apps
from playwright.sync_api import expect

from participants.diagnostic_bank import install_diagnostic_bank
from participants.models import DiagnosticResult
from regions.tests.factories import CompetencyFactory
from venues.tests.factories import EventFactory
from venues.tests.test_events_browser import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def follow(page, locator) -> None:
    """Click a link or a button and wait for the page it leads to (not the one still shown)."""
    with page.expect_navigation():
        locator.click()


def answer_page(page, choose) -> None:
    """Choose an answer in every question of the page; `choose(legend, labels)` names the one to check."""
    questions = page.locator("fieldset.diagnostic-question")
    for n in range(questions.count()):
        question = questions.nth(n)
        labels = question.locator("label").all_inner_texts()
        # Each choice is saved in place by htmx: wait for its answer before the next one.
        with page.expect_response(lambda response: response.url.endswith("/answer/")):
            question.get_by_label(choose(question.locator("legend").inner_text(), labels), exact=True).check()


def test_student_takes_three_stages_and_sees_results_and_suggestions(page, live_server, axe, world):
    install_diagnostic_bank(apps.get_model)
    web = CompetencyFactory(code="WSR-17", name="Веб-технологии", sphere="Информационные технологии")
    EventFactory(venue=world.a.venue, campaign=world.campaign, competency=web, online=True,
                 title="Веб-разработчик: сайт-визитка класса")
    student = world.a.student

    sign_in(page, live_server, student.user.email)
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
