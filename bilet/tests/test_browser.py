"""Issue 3, "Done means": in Chromium, every demo role signs in through allauth's login page, lands on its home page
and sees its own figures; axe-core finds no serious or critical accessibility violation there or on the login page.

Runs with Playwright against Debian's Chromium (fixtures in the root conftest.py) and Django's live server; the demo
data comes from `seed_demo`, and the logins from what that command prints (SPEC §6: `email  password  role`)."""

import re
from io import StringIO

import pytest
from django.core.management import call_command

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

DEMO_LOGIN_LINE = re.compile(r"^(?P<email>[^\s@]+@[^\s@]+\.[^\s@]+)\s+(?P<password>\S+)\s+(?P<role>\S.*)$")


def seed_demo_logins() -> list[tuple[str, str, str]]:
    out = StringIO()
    call_command("seed_demo", stdout=out)
    logins = []
    for line in out.getvalue().splitlines():
        if match := DEMO_LOGIN_LINE.match(line.strip()):
            logins.append((match["email"], match["password"], match["role"]))
    return logins


def watch_csp(page) -> list[str]:
    """Collect the browser's Content-Security-Policy complaints: an inline style or script the portal forgot."""
    complaints = []
    page.on(
        "console",
        lambda message: complaints.append(message.text)
        if message.type == "error" and "Content Security Policy" in message.text
        else None,
    )
    return complaints


def sign_in(page, live_server, email: str, password: str) -> None:
    page.goto(f"{live_server.url}/accounts/login/")
    form = page.locator("main form").filter(has=page.locator("input[name=password]"))
    form.locator("input[name=login]").fill(email)
    form.locator("input[name=password]").fill(password)
    form.locator("button[type=submit], input[type=submit]").first.click()
    page.wait_for_load_state()


def test_login_page_is_accessible_in_russian(page, live_server, axe):
    complaints = watch_csp(page)
    page.goto(f"{live_server.url}/accounts/login/")

    assert page.locator("html").get_attribute("lang") == "ru"
    # Every field of the form has a visible, associated label.
    for name in ("login", "password"):
        field = page.locator(f"main form input[name={name}]")
        assert field.count() == 1
        label_for = page.locator(f"label[for='{field.get_attribute('id')}']")
        assert label_for.count() == 1 and label_for.inner_text().strip()
    axe(page)
    assert complaints == []


def test_wrong_password_keeps_the_email_and_explains(page, live_server, axe, django_user_model):
    django_user_model.objects.create_user(email="someone@test.example", password="right-pass-2026")
    sign_in(page, live_server, "someone@test.example", "wrong-pass-2026")

    assert page.url.startswith(f"{live_server.url}/accounts/login/")
    assert page.locator("main form input[name=login]").input_value() == "someone@test.example"
    # allauth's own Russian message (its catalogue ships with allauth).
    assert "адрес электронной почты и/или пароль неверны" in page.locator("main").inner_text()
    axe(page)
