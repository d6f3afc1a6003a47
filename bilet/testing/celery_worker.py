"""A real Celery worker for the tests that need one (CI: notifications and reports go through Redis and a worker
process): a worker shared by the session (`celery_worker_process`, `celery_worker`) or a test's own
(`start_celery_worker`)."""

import os
from types import SimpleNamespace

import pytest

from .ci import service_missing


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
        service_missing("needs a Celery broker: run with CELERY_BROKER_URL=redis://127.0.0.1:6379/15")
    if not _redis_answers(broker):
        service_missing(f"the Celery broker at {broker} does not answer")
    if connection.vendor != "postgresql":
        service_missing("a Celery worker process needs PostgreSQL: run with DATABASE_URL=postgres://…")
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
    root = Path(__file__).resolve().parents[2]  # the project, where `-A bilet` is found
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
