"""Fast settings for the test suite (cookiecutter-django style): the real settings, with cheap hashing,
in-memory email, a throwaway media folder and plain static files storage."""

import os
import tempfile

from .settings import *  # noqa: F401,F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
# A worker process of the tests (bilet.testing.celery_worker.start_worker_process) shares the media folder of the
# pytest process that started it, as production's workers share the web's storage.
MEDIA_ROOT = os.environ.get("TEST_MEDIA_ROOT") or tempfile.mkdtemp(prefix="bilet-test-media-")
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    "private": {"BACKEND": "bilet.storage.PrivateFileSystemStorage",
                "OPTIONS": {"location": os.path.join(MEDIA_ROOT, "private")}},
}
WHITENOISE_AUTOREFRESH = True
# allauth's limits are tested on purpose in bilet/tests/test_auth.py; elsewhere many logins run in a second.
ACCOUNT_RATE_LIMITS_ENABLED = True

# Tasks run in-process unless a test starts a real worker (the `celery_worker_process` fixture in bilet/testing/);
# CELERY_BROKER_URL stays as the environment gives it so that fixture can reach Redis.
CELERY_TASK_ALWAYS_EAGER = True

# --- A real Celery worker for the tests that need one (bilet/testing/celery_worker.py) ----------------------------
# The worker is a subprocess running these settings with the variables below; nothing here changes an ordinary run.
# Each pytest process (and each xdist worker) sends to and consumes from a queue of its own, so test runs sharing
# one Redis never take each other's tasks.
CELERY_TASK_DEFAULT_QUEUE = os.environ.get("CELERY_TASK_DEFAULT_QUEUE") or f"bilet-test-{os.getpid()}"
if os.environ.get("CELERY_TASK_ALWAYS_EAGER") in {"0", "false"}:
    CELERY_TASK_ALWAYS_EAGER = False
# The worker cannot share the test process's memory: it writes mail as files the test reads back.
if os.environ.get("TEST_EMAIL_FILE_PATH"):
    EMAIL_BACKEND = "django.core.mail.backends.filebased.EmailBackend"
    EMAIL_FILE_PATH = os.environ["TEST_EMAIL_FILE_PATH"]

# Reports: a pause after each progress step of a build (seconds), so a test can watch the progress bar move or kill
# the worker midway. Never set outside the tests.
REPORTS_TEST_STEP_DELAY = float(os.environ.get("REPORTS_TEST_STEP_DELAY", "0"))
# A worker started with a short CELERY_VISIBILITY_TIMEOUT (the test of a worker killed mid-build) looks for the
# messages of dead workers every second instead of every 100 s.
if os.environ.get("CELERY_VISIBILITY_TIMEOUT"):
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        **CELERY_BROKER_TRANSPORT_OPTIONS, "unacked_restore_interval": 1, "unacked_restore_throttle": 1,
    }

# SQLite: the test database is a file (in memory-backed /dev/shm where there is one), not SQLite's shared-cache
# in-memory database. The live server's threads then wait for each other's writes (the busy timeout, as the dev
# server's file does) instead of failing at once with «database table is locked», which a browser test met when a
# search sent two requests at once. pytest-xdist's workers each get a file of their own (pytest-django adds a suffix).
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":  # noqa: F405
    _shm = "/dev/shm" if os.path.isdir("/dev/shm") and os.access("/dev/shm", os.W_OK) else tempfile.gettempdir()
    DATABASES["default"]["TEST"] = {"NAME": os.path.join(_shm, f"bilet-test-{os.getpid()}.sqlite3")}  # noqa: F405
