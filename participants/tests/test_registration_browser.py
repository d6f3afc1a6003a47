"""Issue 14 §1 in Chromium: a student registers (the place fields narrowed by htmx as they pick), the parent opens
the invitation link from the email, sets a password, accepts and sees the child. axe-core finds no serious or
critical violation on the way."""

import re

import pytest
from django.core import mail
from playwright.sync_api import expect

from participants.models import Guardianship, Student

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

PASSWORD = "Kvadrat-2026-sinij"


def follow(page, locator) -> None:
    with page.expect_navigation():
        locator.click()


def narrowed(page, action) -> None:
    """Do `action` and wait for htmx to swap the narrowed place fields in (and settle: the new fields are live)."""
    with page.expect_response(lambda response: "/signup/places/" in response.url):
        action()
    page.wait_for_timeout(150)


def test_student_registers_and_the_parent_accepts_the_invitation(page, live_server, axe, world, settings, request):
    from datetime import date

    from bilet.celery import app

    # The invitation is read from this process's outbox: its task runs in-process, whatever a worker test before set.
    settings.CELERY_TASK_ALWAYS_EAGER = True
    was_eager, app.conf.task_always_eager = app.conf.task_always_eager, True
    request.addfinalizer(lambda: setattr(app.conf, "task_always_eager", was_eager))
    a = world.a
    page.goto(f"{live_server.url}/accounts/login/")
    follow(page, page.get_by_role("link", name="Зарегистрироваться как ученик"))
    axe(page)
    page.set_viewport_size({"width": 375, "height": 800})
    assert page.evaluate("document.documentElement.scrollWidth") <= 375
    axe(page)
    page.set_viewport_size({"width": 1280, "height": 900})
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
    children = page.locator("main").inner_text()
    assert "Новикова Вера" in children
    axe(page)
    assert Guardianship.objects.filter(student=student, guardian__user__email="olga@test.example").exists()
    # the parent's navigation leads to the child's bookings
    follow(page, page.get_by_role("link", name="Записи", exact=True))
    assert page.url.endswith(f"?student={student.pk}")
