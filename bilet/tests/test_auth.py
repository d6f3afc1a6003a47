"""Accounts (issue 3 §3, §8): sign-in by email through allauth, sign-out, password reset, the sign-in log and the
rate limits that lock an account after 5 failures without locking out a school that shares one address."""

import logging
import re
import time as real_time

import pytest
from django.core import mail
from django.core.cache import cache
from django.urls import reverse

from bilet.models import SignInAttempt
from regions.tests.factories import UserFactory

PASSWORD = "test-pass-2026"
SCHOOL_IP = "203.0.113.7"  # a school behind NAT: every child signs in from this address
LOGIN_URL = "/accounts/login/"


@pytest.fixture(autouse=True)
def _fresh_rate_limits():
    # allauth keeps its counters in the cache; every test starts with none.
    cache.clear()
    yield
    cache.clear()


def _login(client, email, password, ip=SCHOOL_IP, agent="Mozilla/5.0 (школьный ПК)"):
    return client.post(
        LOGIN_URL, {"login": email, "password": password}, REMOTE_ADDR=ip, HTTP_USER_AGENT=agent
    )


def _is_signed_in(client) -> bool:
    return "_auth_user_id" in client.session


def _follow_reset_link(client, body: str, new_password: str):
    link = re.search(r"http://testserver(/accounts/password/reset/key/\S+/)", body).group(1)
    # allauth moves the key into the session and redirects to a key-less URL
    form_page = client.get(link, follow=True)
    assert form_page.status_code == 200
    assert 'name="password1"' in form_page.content.decode()
    form_url = form_page.redirect_chain[-1][0] if form_page.redirect_chain else link
    changed = client.post(form_url, {"password1": new_password, "password2": new_password})
    assert changed.status_code == 302
    return changed


def _reset_password(client, email: str, new_password: str):
    client.post(reverse("account_reset_password"), {"email": email})
    return _follow_reset_link(client, mail.outbox[-1].body, new_password)


@pytest.mark.django_db
def test_login_page_is_russian_portal_page(client):
    response = client.get(LOGIN_URL)
    assert response.status_code == 200
    html = response.content.decode()
    assert '<html lang="ru">' in html
    assert "Вход" in html
    assert 'href="/static/css/portal.css"' in html
    assert 'name="csrfmiddlewaretoken"' in html
    assert reverse("account_reset_password") in html
    # signup is open to students only (issue 14 §1): the page offers it as such
    assert f'href="{reverse("account_signup")}">Зарегистрироваться как ученик' in html


@pytest.mark.django_db
def test_a_visitor_finds_the_sign_in_in_the_header_and_returns_to_the_page(client):
    """The catalog is open to everyone; from any page a visitor signs in and comes back to it."""
    html = client.get("/events/?mode=online").content.decode()
    assert f'href="{LOGIN_URL}?next=/events/%3Fmode%3Donline">Войти</a>' in html
    # The login page itself does not offer a link to itself.
    assert f'href="{LOGIN_URL}?next=' not in client.get(LOGIN_URL).content.decode()
    user = UserFactory(email="visitor@test.example")
    response = client.post(f"{LOGIN_URL}?next=/events/%3Fmode%3Donline", {"login": user.email, "password": PASSWORD})
    assert response.status_code == 302
    assert response["Location"] == "/events/?mode=online"
    signed_in = client.get("/events/").content.decode()
    assert f'href="{LOGIN_URL}?next=' not in signed_in
    assert "Выйти" in signed_in


@pytest.mark.django_db
def test_login_by_email_lands_on_home(client):
    user = UserFactory(email="ivanova@test.example")
    response = _login(client, "IVANOVA@test.example", PASSWORD)
    assert response.status_code == 302
    assert response["Location"] == reverse("home")
    assert _is_signed_in(client)
    assert client.session["_auth_user_id"] == str(user.pk)


@pytest.mark.django_db
def test_wrong_password_is_refused_with_russian_message(client):
    UserFactory(email="ivanova@test.example")
    response = _login(client, "ivanova@test.example", "wrong-password")
    assert response.status_code == 200
    assert not _is_signed_in(client)
    assert "неверны" in response.content.decode() or "не верны" in response.content.decode()
    # what the user typed stays in the form
    assert 'value="ivanova@test.example"' in response.content.decode()


@pytest.mark.django_db
def test_logout_asks_then_signs_out(client):
    user = UserFactory(email="ivanova@test.example")
    client.force_login(user)
    page = client.get(reverse("account_logout"))
    assert page.status_code == 200
    assert "Вы уверены, что хотите выйти?" in page.content.decode()
    response = client.post(reverse("account_logout"))
    assert response.status_code == 302
    assert response["Location"] == reverse("account_login")
    assert not _is_signed_in(client)


@pytest.mark.django_db
def test_password_reset_sends_email_and_link_sets_new_password(client):
    UserFactory(email="ivanova@test.example")
    response = client.post(reverse("account_reset_password"), {"email": "ivanova@test.example"})
    assert response.status_code == 302
    assert response["Location"] == reverse("account_reset_password_done")
    done = client.get(response["Location"])
    assert done.status_code == 200
    assert "Мы отправили вам письмо" in done.content.decode()

    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["ivanova@test.example"]
    assert message.subject.startswith("«Билет в будущее»: ")
    assert "портал проекта «Билет в будущее»" in message.body
    assert "сбросить пароль" in message.body
    changed = _follow_reset_link(client, message.body, "New-pass-2026!")
    assert changed["Location"] == reverse("account_reset_password_from_key_done")
    assert client.get(changed["Location"]).status_code == 200

    assert _login(client, "ivanova@test.example", "New-pass-2026!").status_code == 302
    assert _is_signed_in(client)


@pytest.mark.django_db
def test_password_reset_for_unknown_address_sends_nothing_that_reveals_accounts(client):
    response = client.post(reverse("account_reset_password"), {"email": "nobody@test.example"})
    assert response.status_code == 302
    assert all("password/reset/key" not in m.body for m in mail.outbox)


@pytest.mark.django_db
def test_password_reset_bad_key_explains_in_russian(client):
    response = client.get("/accounts/password/reset/key/zz-bad-key/", follow=True)
    assert response.status_code == 200
    assert "Неправильный ключ" in response.content.decode() or "недействительна" in response.content.decode()


@pytest.mark.django_db
def test_successful_sign_in_is_logged_without_password(client, caplog):
    user = UserFactory(email="ivanova@test.example")
    with caplog.at_level(logging.INFO, logger="bilet.auth"):
        _login(client, "ivanova@test.example", PASSWORD, agent="Firefox/140")
    attempt = SignInAttempt.objects.get()
    assert attempt.succeeded is True
    assert attempt.user == user
    assert attempt.email == "ivanova@test.example"
    assert attempt.ip_address == SCHOOL_IP
    assert attempt.user_agent == "Firefox/140"
    line = caplog.records[-1].getMessage()
    assert "succeeded" in line and "ivanova@test.example" in line and SCHOOL_IP in line and "Firefox/140" in line
    assert PASSWORD not in caplog.text


@pytest.mark.django_db
def test_failed_sign_in_is_logged_against_the_targeted_account(client, caplog):
    user = UserFactory(email="ivanova@test.example")
    with caplog.at_level(logging.INFO, logger="bilet.auth"):
        _login(client, "Ivanova@test.example", "guess-1234")
    attempt = SignInAttempt.objects.get()
    assert attempt.succeeded is False
    assert attempt.user == user
    assert attempt.email == "ivanova@test.example"
    assert attempt.ip_address == SCHOOL_IP
    assert caplog.records[-1].levelno == logging.WARNING
    assert "failed" in caplog.text
    assert "guess-1234" not in caplog.text


@pytest.mark.django_db
def test_failed_sign_in_for_unknown_address_is_logged_without_user(client):
    _login(client, "ghost@test.example", "guess-1234")
    attempt = SignInAttempt.objects.get()
    assert (attempt.succeeded, attempt.user, attempt.email) == (False, None, "ghost@test.example")


STRANGER_IP = "192.0.2.66"
HOME_IP = "198.51.100.1"


@pytest.mark.django_db
def test_five_failures_lock_the_guessers_address_but_never_the_owner(client):
    user = UserFactory(email="ivanova@test.example")
    for _ in range(5):
        assert _login(client, "ivanova@test.example", "guess-1234", ip=STRANGER_IP).status_code == 200
    # the guesser who finally found the password is refused for a while ...
    response = _login(client, "ivanova@test.example", PASSWORD, ip=STRANGER_IP)
    assert response.status_code == 200
    assert not _is_signed_in(client)
    assert "Слишком много неудачных попыток входа" in response.content.decode()
    # ... and the refused attempt is in the log too, against the account
    assert SignInAttempt.objects.filter(user=user, succeeded=False).count() == 6
    # the owner, at home, is not locked out by a stranger
    _login(client, "ivanova@test.example", PASSWORD, ip=HOME_IP)
    assert _is_signed_in(client)


@pytest.mark.django_db
def test_changing_the_host_header_does_not_give_a_fresh_count(client):
    UserFactory(email="ivanova@test.example")
    for host in ["testserver", "localhost", "127.0.0.1"] * 2:  # all in ALLOWED_HOSTS; 6 failures, 2 per host
        client.post(LOGIN_URL, {"login": "Ivanova@Test.Example", "password": "guess"}, REMOTE_ADDR=SCHOOL_IP,
                    HTTP_HOST=host)
    response = client.post(LOGIN_URL, {"login": "ivanova@test.example", "password": PASSWORD},
                           REMOTE_ADDR=SCHOOL_IP, HTTP_HOST="localhost")
    assert "Слишком много неудачных попыток входа" in response.content.decode()
    assert not _is_signed_in(client)


def test_the_account_key_is_the_address_as_the_database_compares_it():
    from bilet.adapters import login_key

    # PostgreSQL's UPPER() turns «ſ» into «S»: the account it finds must be the account that is counted
    assert login_key(" IVANOVA@teſt.Example ") == login_key("ivanova@test.example") == "ivanova@test.example"


@pytest.mark.django_db
def test_a_guess_spread_over_many_addresses_sends_strangers_to_the_emailed_link(client):
    user = UserFactory(email="ivanova@test.example")
    _login(client, user.email, PASSWORD, ip=HOME_IP)  # the owner has signed in from home before
    client.logout()
    # 20 guesses (the per-account limit an hour), 4 from each of 5 addresses and hosts: no pair reaches 5
    for n in range(20):
        client.post(LOGIN_URL, {"login": user.email, "password": f"guess-{n}"},
                    REMOTE_ADDR=f"192.0.2.{n // 4}", HTTP_HOST=["testserver", "localhost"][n % 2])
    # from an address this account never signed in from, even the right password is not taken: the emailed link is
    response = _login(client, user.email, PASSWORD, ip="203.0.113.200")
    assert not _is_signed_in(client)
    html = response.content.decode()
    assert "пароль сейчас принимается только там, откуда вы уже входили" in html
    assert reverse("account_reset_password") in html
    assert SignInAttempt.objects.filter(user=user, succeeded=False, ip_address="203.0.113.200").exists()
    # the owner at home is not locked out
    _login(client, user.email, PASSWORD, ip=HOME_IP)
    assert _is_signed_in(client)
    client.logout()
    # and anywhere else the emailed link lets them in: a new password clears the account's count
    _reset_password(client, user.email, "New-pass-2026!")
    _login(client, user.email, "New-pass-2026!", ip="203.0.113.200")
    assert _is_signed_in(client)


class _ClockAhead:
    """allauth's rate-limit module reads `time.time()`: this stands in for its `time`, `seconds` in the future."""

    def __init__(self, seconds):
        self.seconds = seconds

    def time(self):
        return real_time.time() + self.seconds

    monotonic = staticmethod(real_time.monotonic)
    sleep = staticmethod(real_time.sleep)


@pytest.mark.django_db
def test_lock_lasts_five_minutes_then_expires(client, monkeypatch):
    from allauth.core.internal import ratelimit as allauth_ratelimit

    UserFactory(email="ivanova@test.example")
    for _ in range(5):
        _login(client, "ivanova@test.example", "guess-1234")
    monkeypatch.setattr(allauth_ratelimit, "time", _ClockAhead(4 * 60))
    _login(client, "ivanova@test.example", PASSWORD)
    assert not _is_signed_in(client)  # 4 minutes later: still locked
    monkeypatch.setattr(allauth_ratelimit, "time", _ClockAhead(5 * 60 + 1))
    _login(client, "ivanova@test.example", PASSWORD)
    assert _is_signed_in(client)


@pytest.mark.django_db
def test_one_account_locked_does_not_lock_a_classmate(client):
    UserFactory(email="ivanova@test.example")
    UserFactory(email="petrov@test.example")
    for _ in range(6):
        _login(client, "ivanova@test.example", "guess-1234")
    _login(client, "petrov@test.example", PASSWORD)
    assert _is_signed_in(client)


@pytest.mark.django_db
def test_school_behind_one_address_many_typos_do_not_lock_out_a_classmate(client):
    # 8 children mistype 4 times each from the school's one address: 32 failures, none of them locked
    classmates = [UserFactory(email=f"pupil{i}@test.example") for i in range(8)]
    for pupil in classmates:
        for _ in range(4):
            _login(client, pupil.email, "typo-typo")
    assert SignInAttempt.objects.filter(succeeded=False, ip_address=SCHOOL_IP).count() == 32
    # then a classmate types it right, and each of the mistyping children can still get in
    UserFactory(email="careful@test.example")
    _login(client, "careful@test.example", PASSWORD)
    assert _is_signed_in(client)
    client.logout()
    _login(client, classmates[0].email, PASSWORD)
    assert _is_signed_in(client)


@pytest.mark.django_db
def test_admin_login_goes_through_allauth(client):
    response = client.get("/admin/login/")
    assert response.status_code == 302
    assert response["Location"].startswith(LOGIN_URL)
    response = client.get("/admin/")
    assert response.status_code == 302
    assert response["Location"].startswith("/admin/login/") or response["Location"].startswith(LOGIN_URL)


@pytest.mark.django_db
def test_admin_sign_in_is_rate_limited_like_any_other(client):
    staff = UserFactory(email="operator@test.example", is_staff=True, is_superuser=True)
    for _ in range(5):
        client.post(f"{LOGIN_URL}?next=/admin/", {"login": staff.email, "password": "guess"}, REMOTE_ADDR=SCHOOL_IP)
    client.post(f"{LOGIN_URL}?next=/admin/", {"login": staff.email, "password": PASSWORD}, REMOTE_ADDR=SCHOOL_IP)
    assert not _is_signed_in(client)
    assert client.get("/admin/").status_code == 302


@pytest.mark.django_db
def test_account_pages_for_a_signed_in_user(client):
    user = UserFactory(email="ivanova@test.example")
    client.force_login(user)
    response = client.get(reverse("account_change_password"))
    assert response.status_code == 200
    html = response.content.decode()
    assert "Сменить пароль" in html
    assert 'href="/static/css/portal.css"' in html
    assert "<script>" not in html and "style=" not in html
    assert "/accounts/email/" not in html  # email management is not offered


@pytest.mark.django_db
def test_no_email_management_so_no_taking_another_accounts_address(client):
    """The email is the login, set by whoever created the account: allauth's page to add addresses and make one
    primary is not offered (adding another account's address and making it primary was a 500)."""
    from allauth.account.models import EmailAddress

    user = UserFactory(email="ivanova@test.example")
    UserFactory(email="petrov@test.example")
    client.force_login(user)
    assert client.get("/accounts/email/").status_code == 404
    assert client.post("/accounts/email/", {"action_add": "", "email": "petrov@test.example"}).status_code == 404
    assert client.post("/accounts/email/", {"action_primary": "", "email": "petrov@test.example"}).status_code == 404
    user.refresh_from_db()
    assert user.email == "ivanova@test.example"
    assert not EmailAddress.objects.exists()


@pytest.mark.django_db
def test_password_change_keeps_input_on_error_and_changes_on_success(client):
    user = UserFactory(email="ivanova@test.example")
    client.force_login(user)
    bad = client.post(
        reverse("account_change_password"),
        {"oldpassword": "wrong", "password1": "New-pass-2026!", "password2": "New-pass-2026!"},
    )
    assert bad.status_code == 200
    assert "errorlist" in bad.content.decode()
    good = client.post(
        reverse("account_change_password"),
        {"oldpassword": PASSWORD, "password1": "New-pass-2026!", "password2": "New-pass-2026!"},
    )
    assert good.status_code == 302
    user.refresh_from_db()
    assert user.check_password("New-pass-2026!")


@pytest.mark.django_db
def test_email_verification_pages_are_portal_pages(client):
    from allauth.account.models import EmailAddress, EmailConfirmationHMAC

    user = UserFactory(email="ivanova@test.example")
    address = EmailAddress.objects.create(user=user, email=user.email, primary=True, verified=False)
    sent = client.get(reverse("account_email_verification_sent"))
    assert sent.status_code == 200
    assert "Подтвердите" in sent.content.decode()
    key = EmailConfirmationHMAC(address).key
    page = client.get(reverse("account_confirm_email", args=[key]))
    assert page.status_code == 200
    assert 'href="/static/css/portal.css"' in page.content.decode()
    response = client.post(reverse("account_confirm_email", args=[key]))
    assert response.status_code == 302
    address.refresh_from_db()
    assert address.verified


@pytest.mark.django_db
def test_signup_is_the_students_only(client):
    """Signup is open, and its one form is the student's (participants/tests/test_registration.py: every path)."""
    response = client.get(reverse("account_signup"))
    assert response.status_code == 200
    html = response.content.decode()
    assert "Регистрация ученика" in html
    for name in ("password1", "birth_date", "school", "grade", "guardian_email"):
        assert f'name="{name}"' in html
    assert "Регистрация закрыта" not in html


@pytest.mark.django_db
def test_too_many_requests_from_one_address_get_the_portal_429_page(client, settings):
    settings.ACCOUNT_RATE_LIMITS = {**settings.ACCOUNT_RATE_LIMITS, "login": "2/m/ip"}
    UserFactory(email="ivanova@test.example")
    for _ in range(2):
        assert _login(client, "ivanova@test.example", "guess-1234").status_code == 200
    response = _login(client, "ivanova@test.example", PASSWORD)
    assert response.status_code == 429
    html = response.content.decode()
    assert "Слишком много попыток" in html
    assert 'href="/static/css/portal.css"' in html
    assert not _is_signed_in(client)
    # the refused attempt is in the sign-in log too
    assert SignInAttempt.objects.filter(email="ivanova@test.example", succeeded=False).count() == 3
