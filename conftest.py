"""Shared fixtures: two regions with one of everything each, so every test can ask "mine" and "another's"."""

import os
from types import SimpleNamespace

import pytest

from participants.tests.factories import ConsentFactory, GuardianFactory, NavigatorFactory, StudentFactory
from regions.tests.factories import (
    CampaignFactory,
    CoordinatorFactory,
    CuratorFactory,
    MunicipalityFactory,
    RegionFactory,
    SchoolFactory,
    UserFactory,
)
from venues.tests.factories import (
    BookingFactory,
    EventFactory,
    MentorFactory,
    VenueCampaignFactory,
    VenueFactory,
    VenueStaffFactory,
)

PASSWORD = "test-pass-2026"


def _region_world(code: str, name: str, campaign):
    region = RegionFactory(code=code, name=name)
    municipality = MunicipalityFactory(region=region, name=f"{name}: город")
    other_municipality = MunicipalityFactory(region=region, name=f"{name}: район")
    school = SchoolFactory(municipality=municipality, short_name=f"Школа № 1 ({name})")
    other_school = SchoolFactory(municipality=other_municipality, short_name=f"Школа № 2 ({name})")
    coordinator = CoordinatorFactory(region=region, user=UserFactory(email=f"coordinator{code}@test.example"))
    navigator = NavigatorFactory(school=school, user=UserFactory(email=f"navigator{code}@test.example"))
    other_navigator = NavigatorFactory(school=other_school, user=UserFactory(email=f"navigator{code}b@test.example"))
    student = StudentFactory(school=school, user=UserFactory(email=f"student{code}@test.example"), last_name=f"Студентова{code}")
    sibling = StudentFactory(school=school, last_name=f"Сестрова{code}")
    other_student = StudentFactory(school=other_school, user=UserFactory(email=f"student{code}b@test.example"), last_name=f"Чужакова{code}")
    for s in (student, sibling, other_student):
        ConsentFactory(student=s)
    guardian = GuardianFactory(user=UserFactory(email=f"guardian{code}@test.example"), children=[student, sibling])
    other_guardian = GuardianFactory(user=UserFactory(email=f"guardian{code}b@test.example"), children=[other_student])
    venue = VenueFactory(municipality=municipality, short_name=f"Колледж ({name})")
    other_venue = VenueFactory(municipality=other_municipality, short_name=f"Техникум ({name})")
    for v in (venue, other_venue):
        VenueCampaignFactory(venue=v, campaign=campaign)
    venue_staff = VenueStaffFactory(venue=venue, user=UserFactory(email=f"venue{code}@test.example"))
    other_venue_staff = VenueStaffFactory(venue=other_venue, user=UserFactory(email=f"venue{code}b@test.example"))
    mentor = MentorFactory(region=region, user=UserFactory(email=f"mentor{code}@test.example"))
    mentor.venues.add(venue)
    event = EventFactory(venue=venue, campaign=campaign, title=f"Проба ({name})")
    event.mentors.add(mentor)
    other_event = EventFactory(venue=other_venue, campaign=campaign, online=True, title=f"Онлайн-проба ({name})")
    booking = BookingFactory(event=event, student=student)
    other_booking = BookingFactory(event=other_event, student=other_student)
    for e in (event, other_event):
        e.seats_taken = 1
        e.save(update_fields=["seats_taken"])
    return SimpleNamespace(**locals())


@pytest.fixture
def world(db):
    """Region "a" (with a curator) and region "b", each with one of every record and role."""
    campaign = CampaignFactory(name="Кампания 2026")
    a = _region_world("71", "Тульская область", campaign)
    b = _region_world("67", "Смоленская область", campaign)
    curator = CuratorFactory(user=UserFactory(email="curator@test.example"), regions=[a.region])
    operator = UserFactory(email="operator@test.example", is_staff=True, is_superuser=True)
    return SimpleNamespace(a=a, b=b, campaign=campaign, curator=curator, operator=operator)


def pytest_collection_modifyitems(config, items):
    """Under CI=true nothing that needs a service may be skipped: turn such skips into failures."""
    if os.environ.get("CI") != "true":
        return
    for item in items:
        for marker in item.iter_markers(name="skip"):
            raise pytest.UsageError(f"{item.nodeid} is skipped under CI=true: {marker.kwargs.get('reason')}")


def _is_ci() -> bool:
    return os.environ.get("CI") == "true"


@pytest.fixture
def require_postgres(settings):
    """For tests about PostgreSQL itself (row locks, lock_timeout, real concurrency).

    Skips on SQLite during local development; under CI=true a missing PostgreSQL is a failure, never a skip."""
    from django.db import connection

    if connection.vendor != "postgresql":
        message = "needs PostgreSQL: run with DATABASE_URL=postgres://…"
        if _is_ci():
            pytest.fail(message)
        pytest.skip(message)


# --- A real Celery worker (CI: notifications and reports go through Redis and a worker process) ---------------------
# Tests that use these fixtures, or drive Chromium, are marked so that `make test` runs them in a separate, non-parallel
# pytest run (one live server, one worker, one test database).
_AUTO_MARKS = {
    "celery_worker_process": "celery_worker", "start_celery_worker": "celery_worker", "page": "browser",
    "live_server": "browser",
}


def pytest_itemcollected(item):
    for fixture, marker in _AUTO_MARKS.items():
        if fixture in getattr(item, "fixturenames", ()):
            item.add_marker(marker)
            # A live server or a worker needs a transactional database, which is flushed after each test: the rows
            # the data migrations wrote (nosology groups, beat entries, the question bank) are restored for every
            # such test, whatever ran before it.
            if "django_db_serialized_rollback" not in item.fixturenames:
                item.fixturenames.append("django_db_serialized_rollback")


def _service_missing(message: str):
    """Skip locally; under CI=true a missing service is a failure (issue 3: nothing skipped in CI)."""
    if _is_ci():
        pytest.fail(message)
    pytest.skip(message)


def _redis_answers(url: str) -> bool:
    import redis

    try:
        return bool(redis.Redis.from_url(url, socket_connect_timeout=2, socket_timeout=2).ping())
    except redis.RedisError:
        return False


def _database_url(settings_dict: dict) -> str:
    from urllib.parse import quote

    user = quote(settings_dict.get("USER") or "", safe="")
    password = quote(settings_dict.get("PASSWORD") or "", safe="")
    credentials = f"{user}:{password}@" if password else (f"{user}@" if user else "")
    host = settings_dict.get("HOST") or "127.0.0.1"
    port = f":{settings_dict['PORT']}" if settings_dict.get("PORT") else ""
    return f"postgres://{credentials}{host}{port}/{quote(settings_dict['NAME'], safe='')}"


def _check_worker_services():
    from django.db import connection

    broker = os.environ.get("CELERY_BROKER_URL", "")
    if not broker:
        _service_missing("needs a Celery broker: run with CELERY_BROKER_URL=redis://127.0.0.1:6379/15")
    if not _redis_answers(broker):
        _service_missing(f"the Celery broker at {broker} does not answer")
    if connection.vendor != "postgresql":
        _service_missing("a Celery worker process needs PostgreSQL: run with DATABASE_URL=postgres://…")
    return broker


def start_worker_process(*, queue: str, log_path, mail_dir, extra_env: dict | None = None):
    """`celery -A bilet worker` (solo pool) in a subprocess, on the test database and `queue`; returns the process
    once the worker says it is ready. `extra_env` adds variables (e.g. a test-only delay) for this worker only."""
    import subprocess
    import sys
    import time
    from pathlib import Path

    from django.conf import settings
    from django.db import connection

    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "bilet.test_settings",
        "DATABASE_URL": _database_url(connection.settings_dict),
        "CELERY_BROKER_URL": os.environ["CELERY_BROKER_URL"],
        "CELERY_TASK_ALWAYS_EAGER": "0",
        "CELERY_TASK_DEFAULT_QUEUE": queue,
        "TEST_EMAIL_FILE_PATH": str(mail_dir),
        "TEST_MEDIA_ROOT": str(settings.MEDIA_ROOT),
        **(extra_env or {}),
    }
    command = [
        sys.executable, "-m", "celery", "-A", "bilet", "worker",
        "--pool=solo", "--queues", queue, "--hostname", f"{queue}-{time.monotonic_ns()}@%h",
        "--without-gossip", "--without-mingle", "--without-heartbeat", "--loglevel=INFO",
    ]  # fmt: skip
    root = Path(__file__).resolve().parent
    with open(log_path, "ab") as log:
        process = subprocess.Popen(command, cwd=root, env=env, stdout=log, stderr=subprocess.STDOUT)
    deadline = time.monotonic() + 60
    while " ready." not in Path(log_path).read_text(errors="replace"):
        if process.poll() is not None or time.monotonic() > deadline:
            process.kill()
            pytest.fail(f"the Celery worker did not start:\n{Path(log_path).read_text(errors='replace')[-4000:]}")
        time.sleep(0.2)
    return process


def stop_worker_process(process) -> None:
    import subprocess

    # Stop it before pytest-django drops the test database: an open connection would block DROP DATABASE.
    process.terminate()
    try:
        process.wait(timeout=20)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


@pytest.fixture(scope="session")
def celery_worker_process(django_db_setup, django_db_blocker, tmp_path_factory):
    """`celery -A bilet worker` in a subprocess, on the test database pytest-django created and this process's queue.

    Yields a namespace with `mail_dir` (the worker's file email backend writes there) and `log` (its output).
    Needs CELERY_BROKER_URL with Redis answering and PostgreSQL (an SQLite test database lives in this process's
    memory, out of the worker's reach)."""
    from django.conf import settings

    _check_worker_services()
    queue = settings.CELERY_TASK_DEFAULT_QUEUE
    mail_dir = tmp_path_factory.mktemp("worker-mail")
    log_path = tmp_path_factory.mktemp("worker-log") / "celery.log"
    process = start_worker_process(queue=queue, log_path=log_path, mail_dir=mail_dir)
    try:
        yield SimpleNamespace(process=process, queue=queue, mail_dir=mail_dir, log=log_path)
    finally:
        stop_worker_process(process)


@pytest.fixture
def start_celery_worker(transactional_db, django_db_serialized_rollback, settings, tmp_path):
    """Workers of this test's own, on a queue of its own (`start.queue`): `start(extra_env={...})` starts one and
    returns its process (its output in `process.log_path`). Tasks sent with `queue=start.queue` go to them; the
    test may kill them; the rest are stopped at its end."""
    import itertools

    from bilet.celery import app

    _check_worker_services()
    settings.CELERY_TASK_ALWAYS_EAGER = False
    was_eager = app.conf.task_always_eager
    app.conf.task_always_eager = False
    processes = []
    numbers = itertools.count(1)

    def start(extra_env: dict | None = None):
        log_path = tmp_path / f"worker-{next(numbers)}.log"
        process = start_worker_process(queue=start.queue, log_path=log_path, mail_dir=tmp_path, extra_env=extra_env)
        process.log_path = log_path
        processes.append(process)
        return process

    start.queue = f"{settings.CELERY_TASK_DEFAULT_QUEUE}-own-{tmp_path.name}"
    yield start
    for process in processes:
        if process.poll() is None:
            stop_worker_process(process)
    app.conf.task_always_eager = was_eager


@pytest.fixture
def celery_worker(celery_worker_process, transactional_db, django_db_serialized_rollback, settings):
    """Tasks sent during this test go through Redis to the worker process instead of running eagerly.

    `transactional_db`: the worker reads only committed rows, and `transaction.on_commit` fires for real;
    serialized rollback puts back the rows of data migrations (nosology groups) that the flush between tests removes.
    Yields the worker; `worker.read_mail(count=n)` waits for the n messages it sent during this test."""
    from bilet.celery import app

    for old in celery_worker_process.mail_dir.iterdir():
        old.unlink()
    settings.CELERY_TASK_ALWAYS_EAGER = False
    was_eager = app.conf.task_always_eager
    app.conf.task_always_eager = False
    worker = SimpleNamespace(**vars(celery_worker_process))
    worker.read_mail = lambda count=1, timeout=30: _read_worker_mail(worker, count=count, timeout=timeout)
    yield worker
    app.conf.task_always_eager = was_eager


def _read_worker_mail(worker, *, count: int, timeout: float) -> list:
    """Wait until the worker has written `count` messages; return them (email.message.EmailMessage)."""
    import email
    import email.policy
    import time

    # Django's file backend writes each message followed by a line of 79 dashes; a message still being written has
    # no separator after it yet and is left for the next look.
    separator = b"\n" + b"-" * 79 + b"\n"
    deadline = time.monotonic() + timeout
    while True:
        messages = []
        for path in sorted(worker.mail_dir.glob("*.log")):
            for chunk in path.read_bytes().split(separator)[:-1]:
                message = email.message_from_bytes(chunk, policy=email.policy.default)
                # A long non-ASCII header is folded right after its name ("Subject: \n =?utf-8?b?…"), and the
                # parser keeps that line break as a leading space of the value: not part of what was sent.
                for name, value in list(message.items()):
                    if str(value) != str(value).strip():
                        message.replace_header(name, str(value).strip())
                messages.append(message)
        if len(messages) >= count:
            return messages
        if time.monotonic() > deadline:
            pytest.fail(
                f"{len(messages)} of {count} emails after {timeout} s; worker log:\n"
                f"{worker.log.read_text(errors='replace')[-4000:]}"
            )
        time.sleep(0.2)


# --- Browser tests: Debian's Chromium driven by Playwright, axe-core from npm ----------------------------------------
CHROMIUM = "/usr/bin/chromium"
AXE_SOURCE = os.path.join(os.path.dirname(os.path.abspath(__file__)), "node_modules", "axe-core", "axe.min.js")
# axe is served from the page's own origin (intercepted by Playwright, never by Django) so the portal's
# Content-Security-Policy ('self' only) stays in force while the checks run.
AXE_URL_PATH = "/__browser-tests__/axe.min.js"


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    """Debian's Chromium, never a browser downloaded by `playwright install` (no downloads on these machines).

    The flags keep it from calling out to Google's services, which this machine's closed network refuses."""
    if not os.path.exists(CHROMIUM):
        _service_missing(f"{CHROMIUM} is missing: apt-get install chromium (make test installs it when run as root)")
    # Playwright's sync API keeps an event loop in this thread; the tests and the fixtures still use the ORM.
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    return {
        **browser_type_launch_args,
        "executable_path": CHROMIUM,
        "args": [
            "--no-sandbox",
            "--disable-gpu",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--no-first-run",
            "--disable-quic",
        ],
    }


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args):
    return {**browser_context_args, "locale": "ru-RU", "timezone_id": "Europe/Moscow"}


def _format_axe_violations(url: str, violations: list) -> str:
    lines = [f"axe-core: {len(violations)} serious or critical violation(s) on {url}"]
    for violation in violations:
        lines.append(f"- [{violation['impact']}] {violation['id']}: {violation['help']} ({violation['helpUrl']})")
        for node in violation["nodes"][:8]:
            target = " ".join(str(part) for part in node["target"])
            summary = " ".join((node.get("failureSummary") or "").split())
            lines.append(f"    at {target}\n      {node['html'][:200]}\n      {summary}")
        if len(violation["nodes"]) > 8:
            lines.append(f"    … and {len(violation['nodes']) - 8} more element(s)")
    return "\n".join(lines)


@pytest.fixture
def axe():
    """`axe(page)` runs axe-core on the page as it is now and fails on any violation of impact serious or critical,
    listing each rule, element and what to fix. Returns all of axe's violations (minor ones included)."""
    from urllib.parse import urljoin

    if not os.path.exists(AXE_SOURCE):
        _service_missing("axe-core is missing: run `npm ci` (make test does)")
    with open(AXE_SOURCE, encoding="utf-8") as f:
        source = f.read()
    routed = set()

    def check(page, *, impacts=("serious", "critical")) -> list:
        if id(page) not in routed:
            page.route(
                f"**{AXE_URL_PATH}",
                lambda route: route.fulfill(body=source, content_type="application/javascript; charset=utf-8"),
            )
            routed.add(id(page))
        if page.evaluate("typeof window.axe") == "undefined":
            page.add_script_tag(url=urljoin(page.url, AXE_URL_PATH))
        result = page.evaluate("async () => await window.axe.run(document, {resultTypes: ['violations']})")
        violations = [v for v in result["violations"] if v["impact"] in impacts]
        if violations:
            raise AssertionError(_format_axe_violations(page.url, violations))
        return result["violations"]

    return check


# --- Primary keys past 1,000 from the first row ----------------------------------------------------------------------
@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    """Every table's ids start at 100,001 in the test database.

    USE_THOUSAND_SEPARATOR renders `{{ student.pk }}` as «100 001» (a no-break space): in an `<option value>`, a
    form field's name, an id or a query string that breaks the page, but only once a table passes 999 rows, which a
    fresh test database never reaches and production does on its first day. Starting high makes every test see it
    (`|unlocalize` from `{% load l10n %}` is the fix in a template)."""
    from django.apps import apps
    from django.db import connection
    from django.db.models import AutoField, BigAutoField, SmallAutoField

    start = 100_001
    with django_db_blocker.unblock(), connection.cursor() as cursor:
        for model in apps.get_models(include_auto_created=True):
            pk = model._meta.pk
            if model._meta.proxy or not model._meta.managed or not isinstance(pk, (AutoField, BigAutoField, SmallAutoField)):
                continue
            table = model._meta.db_table
            if connection.vendor == "postgresql":
                cursor.execute("SELECT pg_get_serial_sequence(%s, %s)", [table, pk.column])
                sequence = cursor.fetchone()[0]
                if sequence:
                    cursor.execute(f"ALTER SEQUENCE {sequence} RESTART WITH {start}")
            elif connection.vendor == "sqlite":
                cursor.execute("DELETE FROM sqlite_sequence WHERE name = %s", [table])
                cursor.execute("INSERT INTO sqlite_sequence (name, seq) VALUES (%s, %s)", [table, start - 1])
    yield
