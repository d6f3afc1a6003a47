"""Issue 14 §4 in Chromium: a guardian opens the consents page, reads the consent text, gives the consent for a child
and downloads the pre-filled PDF form; axe-core finds no serious or critical violation, at a desktop width and 375 px."""

import pytest
from django.apps import apps
from playwright.sync_api import expect
from pypdf import PdfReader

from participants.consent_texts import install_consent_text
from participants.models import Consent, Guardianship
from participants.tests.factories import StudentFactory
from venues.tests.test_events_browser import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def test_guardian_gives_consent_and_downloads_the_form(page, live_server, axe, world, tmp_path):
    install_consent_text(apps.get_model)
    child = StudentFactory(school=world.a.school, last_name="Новикова", first_name="Вера", middle_name="Ильинична")
    Guardianship.objects.create(guardian=world.a.guardian, student=child)

    sign_in(page, live_server, world.a.guardian.user.email)
    assert page.get_by_role("navigation").get_by_role("link", name="Согласия").count() == 1
    page.goto(f"{live_server.url}/consents/")
    axe(page)
    main = page.locator("main")
    assert "Новикова Вера Ильинична" in main.inner_text() and "нет согласия" in main.inner_text()

    with page.expect_navigation():
        page.get_by_role("link", name="Дать согласие — Новикова Вера Ильинична").click()
    axe(page)
    assert "152-ФЗ" in page.locator(".consent-text").inner_text()
    # Without the box ticked the form says why and nothing is saved.
    with page.expect_navigation():
        page.get_by_role("button", name="Дать согласие").click()
    assert "Отметьте поле" in main.inner_text()
    assert not Consent.objects.filter(student=child).exists()
    page.get_by_label("Я даю согласие на обработку персональных данных моего ребёнка").check()
    with page.expect_navigation():
        page.get_by_role("button", name="Дать согласие").click()
    expect(page.locator(".messages")).to_contain_text("Согласие за ребёнка Новикова Вера Ильинична дано")
    consent = Consent.objects.get(student=child)
    assert consent.text_version.version == 1 and consent.ip_address and "Chrom" in consent.user_agent

    page.set_viewport_size({"width": 375, "height": 800})
    axe(page)
    with page.expect_download() as download_info:
        page.get_by_role("link", name="Скачать форму (PDF) — Новикова Вера Ильинична").click()
    path = tmp_path / "consent.pdf"
    download_info.value.save_as(path)
    text = " ".join(" ".join(p.extract_text() for p in PdfReader(path).pages).split())
    assert "Новикова Вера Ильинична" in text and world.a.school.name in text and "Версия текста 1" in text
