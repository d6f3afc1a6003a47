"""Security of the deployment (issue 3 §8): `check --deploy` clean, production settings strict, a
Content-Security-Policy on every page and nothing inline that it would block, CSRF on forms, `/healthz`."""

import json
import os
import re
import secrets
import subprocess
import sys
from html.parser import HTMLParser
from pathlib import Path

import pytest
from django.conf import settings
from django.db import OperationalError
from django.test import Client
from django.urls import reverse

BASE_DIR = Path(settings.BASE_DIR)


def _production_env(**extra) -> dict:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "CACHE_URL", "EMAIL_URL"))}
    env |= {
        "DJANGO_SETTINGS_MODULE": "bilet.settings",
        "DJANGO_DEBUG": "0",
        "DJANGO_SECRET_KEY": secrets.token_urlsafe(64),
        "EMAIL_URL": "smtp://localhost",
        "ALLOWED_HOSTS": "x",
    }
    return env | extra


def _run(args, **env):
    return subprocess.run(
        [sys.executable, *args], cwd=BASE_DIR, env=_production_env(**env), capture_output=True, text=True, timeout=120
    )


def test_check_deploy_prints_no_warnings():
    result = _run(["manage.py", "check", "--deploy"])
    output = result.stdout + result.stderr
    assert result.returncode == 0, output
    assert "System check identified no issues (0 silenced)." in output
    assert "WARNING" not in output and "security.W" not in output


_PRINT_SETTINGS = """
import json, django
django.setup()
from django.conf import settings as s
print(json.dumps({name: getattr(s, name) for name in [
    "DEBUG", "SESSION_COOKIE_SECURE", "CSRF_COOKIE_SECURE", "SESSION_COOKIE_HTTPONLY", "SECURE_HSTS_SECONDS",
    "SECURE_HSTS_INCLUDE_SUBDOMAINS", "SECURE_SSL_REDIRECT", "X_FRAME_OPTIONS", "SECURE_CONTENT_TYPE_NOSNIFF",
]} | {"cache": s.CACHES["default"]["BACKEND"], "session": s.SESSION_ENGINE}))
"""


def test_production_settings_are_strict_and_use_a_shared_cache():
    result = _run(["-c", _PRINT_SETTINGS])
    assert result.returncode == 0, result.stderr
    values = json.loads(result.stdout.strip().splitlines()[-1])
    assert values["DEBUG"] is False
    assert values["SESSION_COOKIE_SECURE"] and values["CSRF_COOKIE_SECURE"] and values["SESSION_COOKIE_HTTPONLY"]
    assert values["SECURE_HSTS_SECONDS"] >= 31536000 and values["SECURE_HSTS_INCLUDE_SUBDOMAINS"]
    assert values["SECURE_SSL_REDIRECT"] is True
    assert values["X_FRAME_OPTIONS"] == "DENY" and values["SECURE_CONTENT_TYPE_NOSNIFF"]
    # sessions and allauth's counters live in Redis, not in one worker's memory
    assert values["cache"] == "bilet.cache.RedisCache"  # Django's, with one client per pool (bilet/cache.py)
    assert values["session"] == "django.contrib.sessions.backends.cached_db"


@pytest.mark.parametrize("cache_url", ["locmemcache://", "dummycache://"])
def test_production_refuses_a_per_process_cache(cache_url):
    result = _run(["manage.py", "check"], CACHE_URL=cache_url)
    assert result.returncode != 0
    assert "CACHE_URL must name a shared cache" in result.stderr


def test_production_refuses_to_start_without_a_secret_key():
    result = _run(["manage.py", "check"], DJANGO_SECRET_KEY="short")
    assert result.returncode != 0
    assert "DJANGO_SECRET_KEY" in result.stderr


# --- Content-Security-Policy ---------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_csp_header_on_pages(client, world):
    for url in ["/accounts/login/", "/accounts/password/reset/"]:
        header = client.get(url).headers.get("Content-Security-Policy", "")
        _assert_strict_csp(header)
    client.force_login(world.a.coordinator.user)
    _assert_strict_csp(client.get("/").headers.get("Content-Security-Policy", ""))


def _assert_strict_csp(header: str):
    directives = {part.split()[0]: part.split()[1:] for part in header.split(";") if part.strip()}
    assert directives.get("default-src") == ["'self'"], header
    assert directives.get("script-src") == ["'self'"], header
    assert directives.get("style-src") == ["'self'"], header
    assert directives.get("frame-ancestors") == ["'none'"], header
    assert "'unsafe-inline'" not in header and "'unsafe-eval'" not in header


class _InlineFinder(HTMLParser):
    """What a `'self'`-only policy blocks: inline scripts, style elements and attributes, event handlers."""

    def __init__(self):
        super().__init__()
        self.problems = []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "script" and not attrs.get("src") and attrs.get("type") not in ("application/json",):
            self.problems.append(f"inline <script> at {self.getpos()}")
        if tag == "style":
            self.problems.append(f"<style> at {self.getpos()}")
        for name in attrs:
            if name == "style" or name.startswith("on"):
                self.problems.append(f"{name}= on <{tag}> at {self.getpos()}")
        for name in ("src", "href"):
            value = attrs.get(name) or ""
            if value.startswith(("http://", "https://", "//")) and tag in ("script", "link", "img"):
                self.problems.append(f"external {name} {value} (no CDN)")


def _inline_problems(html: str) -> list[str]:
    finder = _InlineFinder()
    finder.feed(html)
    return finder.problems


@pytest.mark.django_db
def test_pages_have_nothing_inline_the_policy_blocks(client, world):
    pages = ["/accounts/login/", "/accounts/password/reset/", "/accounts/password/reset/done/"]
    for url in pages:
        assert _inline_problems(client.get(url).content.decode()) == [], url
    for user in [
        world.operator, world.curator.user, world.a.coordinator.user, world.a.navigator.user,
        world.a.venue_staff.user, world.a.mentor.user, world.a.guardian.user, world.a.student.user,
    ]:
        client.force_login(user)
        for url in ["/", "/accounts/password/change/", "/accounts/logout/"]:
            response = client.get(url)
            assert response.status_code == 200, (url, user)
            assert _inline_problems(response.content.decode()) == [], (url, user.email)


def test_no_template_has_inline_script_or_style():
    """Every template of the portal, whoever wrote it: the policy is `'self'` only, so inline code silently breaks."""
    template_dirs = [BASE_DIR / "templates", *BASE_DIR.glob("*/templates")]
    inline_script = re.compile(r"<script(?![^>]*\bsrc=)(?![^>]*application/json)[^>]*>", re.I)
    style_attr = re.compile(r"""\sstyle\s*=\s*["']|<style[\s>]|\son[a-z]+\s*=\s*["']""", re.I)
    problems = []
    for directory in template_dirs:
        for path in directory.rglob("*.html"):
            text = path.read_text(encoding="utf-8")
            for pattern in (inline_script, style_attr):
                for match in pattern.finditer(text):
                    line = text.count("\n", 0, match.start()) + 1
                    problems.append(f"{path.relative_to(BASE_DIR)}:{line}: {match.group(0).strip()}")
    assert problems == []


# --- CSRF ------------------------------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_login_without_csrf_token_is_refused(world):
    client = Client(enforce_csrf_checks=True)
    response = client.post("/accounts/login/", {"login": world.a.student.user.email, "password": "test-pass-2026"})
    assert response.status_code == 403
    assert "_auth_user_id" not in client.session


@pytest.mark.django_db
def test_logout_without_csrf_token_is_refused(world):
    client = Client(enforce_csrf_checks=True)
    client.force_login(world.a.student.user)
    assert client.post("/accounts/logout/").status_code == 403
    assert "_auth_user_id" in client.session


@pytest.mark.django_db
def test_htmx_requests_carry_the_csrf_token(client, world):
    client.force_login(world.a.coordinator.user)
    html = client.get("/").content.decode()
    assert re.search(r"""hx-headers='\{"X-CSRFToken": "[A-Za-z0-9]{32,}"\}'""", html)


# --- /healthz --------------------------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_healthz_reports_database_ok_and_eager_broker(client, settings):
    settings.CELERY_TASK_ALWAYS_EAGER = True
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    assert response.json() == {"status": "ok", "database": "ok", "broker": "eager"}
    assert "no-cache" in response["Cache-Control"] or "max-age=0" in response["Cache-Control"]


@pytest.mark.django_db
def test_healthz_shows_an_unreachable_broker_but_stays_up(client, settings, monkeypatch):
    from bilet.celery import app

    settings.CELERY_TASK_ALWAYS_EAGER = False
    # Celery reads CELERY_BROKER_URL from the environment before its own setting (CI sets it), so change both.
    monkeypatch.setenv("CELERY_BROKER_URL", "redis://127.0.0.1:1/0")  # nothing listens on port 1
    monkeypatch.setattr(app.conf, "broker_url", "redis://127.0.0.1:1/0")
    response = client.get("/healthz")
    assert response.status_code == 200
    body = response.json()
    assert body["database"] == "ok"
    assert body["broker"].startswith("error")


@pytest.mark.django_db
def test_healthz_shows_a_reachable_broker(client, settings, monkeypatch):
    import redis

    from bilet.celery import app

    url = os.environ.get("CELERY_BROKER_URL") or "redis://127.0.0.1:6379/0"
    try:
        redis.Redis.from_url(url, socket_connect_timeout=2).ping()
    except redis.RedisError:
        if os.environ.get("CI") == "true":
            pytest.fail(f"Redis does not answer at {url}")
        pytest.skip(f"Redis does not answer at {url}")
    settings.CELERY_TASK_ALWAYS_EAGER = False
    monkeypatch.setattr(app.conf, "broker_url", url)
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json()["broker"] == "ok"


@pytest.mark.django_db
def test_healthz_is_503_when_the_database_does_not_answer(client, monkeypatch):
    from django.db import connection

    def broken_cursor(*args, **kwargs):
        raise OperationalError("connection refused")

    monkeypatch.setattr(connection, "cursor", broken_cursor)
    response = client.get("/healthz")
    assert response.status_code == 503
    body = response.json()
    assert body["status"] == "error"
    assert body["database"].startswith("error")


@pytest.mark.django_db
def test_healthz_answers_only_get(client):
    assert client.post("/healthz").status_code == 405


def test_every_post_form_in_templates_has_a_csrf_token():
    forms = re.compile(r"<form\b[^>]*method=[\"']post[\"'][^>]*>(.*?)</form>", re.I | re.S)
    missing = []
    for directory in [BASE_DIR / "templates", *BASE_DIR.glob("*/templates")]:
        for path in directory.rglob("*.html"):
            text = path.read_text(encoding="utf-8")
            for match in forms.finditer(text):
                if "csrf_token" not in match.group(1):
                    line = text.count("\n", 0, match.start()) + 1
                    missing.append(f"{path.relative_to(BASE_DIR)}:{line}")
    assert missing == []


# --- Browser caching of signed-in pages (issue 12 §7) ---------------------------------------------------------------


def _cache_directives(response) -> set[str]:
    return {part.strip() for part in response.headers.get("Cache-Control", "").split(",") if part.strip()}


@pytest.mark.django_db
@pytest.mark.parametrize("name", [
    "participants:student_detail", "participants:student_export_csv", "participants:student_export_xlsx",
])
def test_signed_in_pages_and_exports_are_not_stored_by_the_browser(client, world, name):
    url = reverse(name, args=[world.a.student.pk] if name.endswith("detail") else [])
    client.force_login(world.a.navigator.user)
    response = client.get(url)
    assert response.status_code == 200
    assert {"no-store", "private"} <= _cache_directives(response)


@pytest.mark.django_db
def test_anonymous_pages_and_static_files_keep_their_caching(client, world, settings):
    settings.WHITENOISE_USE_FINDERS = True  # as in development: the file from static/, no collectstatic in tests
    assert "no-store" not in _cache_directives(client.get("/events/"))
    client.force_login(world.a.navigator.user)
    static = client.get(settings.STATIC_URL + "css/portal.css")
    assert static.status_code == 200
    assert "no-store" not in _cache_directives(static)
