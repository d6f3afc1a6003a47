"""Settings of the «Билет в будущее» portal.

Everything that differs between a laptop and production comes from the environment (SPEC §7):
DATABASE_URL, CELERY_BROKER_URL, DJANGO_SECRET_KEY, DJANGO_DEBUG, ALLOWED_HOSTS, EMAIL_URL, CACHE_URL.
Development needs none of them; production refuses to start without a secret key.
"""

from pathlib import Path

import environ
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env()

# Booleans are parsed strictly: "0", "false", "no", "off" and "" are False; anything unknown is an error.
_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off", ""}


def env_bool(name: str, default: bool) -> bool:
    raw = env.str(name, default="1" if default else "0").strip().lower()
    if raw in _TRUE:
        return True
    if raw in _FALSE:
        return False
    raise ImproperlyConfigured(f"{name} must be one of 1/0/true/false/yes/no/on/off, got {raw!r}")


DEBUG = env_bool("DJANGO_DEBUG", default=True)

if DEBUG:
    SECRET_KEY = env.str("DJANGO_SECRET_KEY", default="dev-only-insecure-key-never-in-production")
else:
    SECRET_KEY = env.str("DJANGO_SECRET_KEY", default="")
    if len(SECRET_KEY) < 50:
        raise ImproperlyConfigured("DJANGO_SECRET_KEY must be set (50+ random characters) when DJANGO_DEBUG=0")

ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "testserver"] if DEBUG else [])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "allauth",
    "allauth.account",
    "django_filters",
    "django_htmx",
    "template_partials",
    "import_export",
    "django_celery_beat",
    "django_celery_results",
    "csp",
    "bilet",
    "regions",
    "participants",
    "venues",
    "reports",
    "devdata",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "bilet.middleware.no_store_for_signed_in",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "csp.middleware.CSPMiddleware",
    "bilet.middleware.BusyMiddleware",
]

ROOT_URLCONF = "bilet.urls"
WSGI_APPLICATION = "bilet.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.i18n",
                "bilet.context_processors.roles",
            ],
        },
    },
]

# --- Database -----------------------------------------------------------------------------------------------
# How long a statement waits for a row or table another transaction holds (PostgreSQL's lock_timeout).
LOCK_TIMEOUT = env.str("DB_LOCK_TIMEOUT", default="3s")
DATABASES = {"default": env.db_url("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}")}
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    DATABASES["default"].setdefault("CONN_MAX_AGE", env.int("DB_CONN_MAX_AGE", default=60))
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
    # JIT off: it compiled the counting subqueries of the coordinator's pages for longer than they ran
    # (benchmarks/RESULTS.md, load_data.py run 1).
    _options = DATABASES["default"].setdefault("OPTIONS", {})
    # The statements `bilet.db.prepared` prepares (roles, the event page's read) are planned once per connection and
    # not again for each set of values; nothing else is prepared, so nothing else is affected.
    # No statement waits longer than LOCK_TIMEOUT for a lock another transaction holds: a write answers "busy"
    # (bilet.db) instead of queueing every request behind it, and a migration that cannot get its lock in time fails
    # and is run again rather than stopping the site. Set on connecting, it costs no transaction a round trip.
    _options["options"] = (
        _options.get("options", "") + f" -c jit=off -c plan_cache_mode=force_generic_plan -c lock_timeout={LOCK_TIMEOUT}"
    ).strip()
else:
    # SQLite serialises writers; a generous timeout keeps the demo and the tests from "database is locked".
    DATABASES["default"].setdefault("OPTIONS", {})["timeout"] = 20
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Cache and sessions ------------------------------------------------------------------------------------------
# Production keeps sessions and allauth's rate-limit counters in Redis so every gunicorn worker sees the same ones:
# a per-process memory cache would give each worker its own counters (5 failed logins per account per worker) and
# lose them on every restart. With DJANGO_DEBUG=0 the cache is CACHE_URL, by default the local Redis, and a
# memory or dummy cache is refused.
CACHES = {
    "default": env.cache_url("CACHE_URL", default="locmemcache://bilet" if DEBUG else "redis://127.0.0.1:6379/1")
}
if CACHES["default"]["BACKEND"] == "django.core.cache.backends.redis.RedisCache":
    CACHES["default"]["BACKEND"] = "bilet.cache.RedisCache"  # one client per pool, not per call (bilet/cache.py)
_PER_PROCESS_CACHES = ("LocMemCache", "DummyCache")
if not DEBUG and CACHES["default"]["BACKEND"].endswith(_PER_PROCESS_CACHES):
    raise ImproperlyConfigured(
        "CACHE_URL must name a shared cache (redis://…) when DJANGO_DEBUG=0: sessions and sign-in rate limits "
        "must be the same for every worker"
    )
SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"

# --- Users and authentication ----------------------------------------------------------------------------------
AUTH_USER_MODEL = "bilet.User"
AUTHENTICATION_BACKENDS = [
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "account_login"

ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_EMAIL_VERIFICATION = env.str("ACCOUNT_EMAIL_VERIFICATION", default="optional")
# Students sign up on their own (issue 14 §1) with the student's form, which is the only signup form: every other
# account is created by navigators, coordinators and the operator, or by a parent accepting a child's invitation.
ACCOUNT_ADAPTER = "bilet.adapters.AccountAdapter"
ACCOUNT_FORMS = {"signup": "participants.forms.StudentSignupForm"}
# How long a parent's invitation link stays valid; the student can send a fresh one from their page.
GUARDIAN_INVITATION_DAYS = env.int("GUARDIAN_INVITATION_DAYS", default=7)
ACCOUNT_LOGOUT_ON_PASSWORD_CHANGE = False
ACCOUNT_SESSION_REMEMBER = None
ACCOUNT_PRESERVE_USERNAME_CASING = False
# Emails say who writes (allauth would put the host name in brackets).
ACCOUNT_EMAIL_SUBJECT_PREFIX = "«Билет в будущее»: "
# A whole school often signs in from one NAT address: the per-address limit is generous (a class of 30 mistyping
# in the same minute must not lock out the classmate who typed it right). Failures are counted per account and
# address (bilet/adapters.py keys "login_failed" by the pair): 5 lock that pair for 5 minutes, so a stranger never
# locks the owner out. "login_failed_account" counts one account's failures from every address, for a guess spread
# over many: past it a password is accepted only from an address the account signed in from before, and elsewhere
# the owner is sent to the emailed reset link (not locked out), so it can be looser than the pair's.
ACCOUNT_RATE_LIMITS = {
    "login": "100/m/ip",
    "login_failed": "60/m/ip,5/5m/key",
    "login_failed_account": "20/h/key,50/d/key",
    "reset_password": "20/m/ip,5/m/key",
    "reset_password_from_key": "20/m/ip",
    "confirm_email": "1/3m/key",
    "signup": "20/m/ip",
    "change_password": "5/m/user",
}
# allauth's rate limits need a shared cache in production; tests may switch them off per test.
ACCOUNT_RATE_LIMITS_ENABLED = True
# Behind nginx or a load balancer the client is in X-Forwarded-For: say how many proxies to trust, or every
# user shares the proxy's address for the per-address limits and the sign-in log.
ALLAUTH_TRUSTED_PROXY_COUNT = env.int("TRUSTED_PROXY_COUNT", default=0)

PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
    "django.contrib.auth.hashers.MD5PasswordHasher",  # only for generated load data, see generate_load_data
]

# --- Email ----------------------------------------------------------------------------------------------------------
if "EMAIL_URL" in env:
    vars().update(env.email_url("EMAIL_URL"))
elif DEBUG:
    EMAIL_BACKEND = "django.core.mail.backends.filebased.EmailBackend"
    EMAIL_FILE_PATH = BASE_DIR / "var" / "mail"
else:
    raise ImproperlyConfigured("EMAIL_URL must be set when DJANGO_DEBUG=0 (e.g. smtp+tls://user:pass@host:587)")
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="«Билет в будущее» <noreply@bilet.example>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
# Links in emails point here (the portal's address as users reach it, without a trailing slash).
PORTAL_URL = env.str("PORTAL_URL", default="http://127.0.0.1:8000").rstrip("/")

# --- Internationalisation ------------------------------------------------------------------------------------------
LANGUAGE_CODE = "ru"
LANGUAGES = [("ru", _("Russian"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Europe/Moscow"
USE_I18N = True
USE_TZ = True
USE_THOUSAND_SEPARATOR = True

# --- Static and media ---------------------------------------------------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "var" / "static"
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_URL = "/media/"
MEDIA_ROOT = env.path("MEDIA_ROOT", default=BASE_DIR / "var" / "media")
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if not DEBUG
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}
# Photos and videos of events and regions (issue 15 §5): children are in them, so they are never under MEDIA_ROOT
# (which a development server serves as it is) but in storage of their own, served only by views that check the
# reader's scope (venues.views.media). Share it between web machines like MEDIA_ROOT.
PRIVATE_MEDIA_ROOT = env.path("PRIVATE_MEDIA_ROOT", default=BASE_DIR / "var" / "private")
STORAGES["private"] = {
    "BACKEND": "bilet.storage.PrivateFileSystemStorage",
    "OPTIONS": {"location": str(PRIVATE_MEDIA_ROOT)},
}
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024

# --- Uploaded tables (bilet/uploads/tables.py: every import passes this guard before a parser reads the file) ----
# A region's 100,000 students fit; an XLSX part that inflates more than 100 times is a ZIP bomb, not a table
# (real workbooks compress 5–20 times).
UPLOAD_MAX_BYTES = env.int("UPLOAD_MAX_BYTES", default=10 * 1024 * 1024)
UPLOAD_MAX_UNCOMPRESSED_BYTES = env.int("UPLOAD_MAX_UNCOMPRESSED_BYTES", default=100 * 1024 * 1024)
UPLOAD_MAX_COMPRESSION_RATIO = env.int("UPLOAD_MAX_COMPRESSION_RATIO", default=100)
UPLOAD_MAX_ROWS = env.int("UPLOAD_MAX_ROWS", default=100_000)
UPLOAD_MAX_COLUMNS = env.int("UPLOAD_MAX_COLUMNS", default=200)
# Photos and videos (bilet/uploads/media.py): each kind checked by its content against its own limits. A phone's
# photo is 3–12 MB and 12–50 megapixels; Image.MAX_IMAGE_PIXELS follows MEDIA_PHOTO_MAX_PIXELS (bilet.apps).
MEDIA_PHOTO_MAX_BYTES = env.int("MEDIA_PHOTO_MAX_BYTES", default=20 * 1024 * 1024)
MEDIA_VIDEO_MAX_BYTES = env.int("MEDIA_VIDEO_MAX_BYTES", default=500 * 1024 * 1024)
MEDIA_PHOTO_MAX_PIXELS = env.int("MEDIA_PHOTO_MAX_PIXELS", default=60_000_000)
MEDIA_THUMBNAIL_SIZE = 480
MEDIA_FILES_PER_UPLOAD = env.int("MEDIA_FILES_PER_UPLOAD", default=10)
# Exports escape formulas in the portal's own resources (bilet/resources.py SpreadsheetResource), not with
# import-export's IMPORT_EXPORT_ESCAPE_FORMULAE_ON_EXPORT, which strips only «=» and turns numbers into text.
IMPORT_EXPORT_ESCAPE_FORMULAE_ON_EXPORT = False
# The portal's imports (issue 14 §3): a file of more rows is checked and imported by a Celery job, not in the request.
IMPORT_ASYNC_ROWS = env.int("IMPORT_ASYNC_ROWS", default=2000)
# How long a navigator's invitation link stays valid.
NAVIGATOR_INVITATION_DAYS = env.int("NAVIGATOR_INVITATION_DAYS", default=14)

# --- Celery -----------------------------------------------------------------------------------------------------------
CELERY_BROKER_URL = env.str("CELERY_BROKER_URL", default="")
CELERY_TASK_ALWAYS_EAGER = not CELERY_BROKER_URL
if CELERY_TASK_ALWAYS_EAGER:
    # Tasks run in-process; Celery still takes a producer for the serializer, which without a URL means a connection
    # to an AMQP server on localhost (a warning on every task of `make run` and `seed_demo`). Memory has none.
    CELERY_BROKER_URL = "memory://localhost/"
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_RESULT_BACKEND = env.str("CELERY_RESULT_BACKEND", default="django-db")
CELERY_TASK_ACKS_LATE = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TIMEZONE = TIME_ZONE
CELERY_BEAT_SCHEDULER = "django_celery_beat.schedulers:DatabaseScheduler"
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# A worker killed in the middle of a task (a report build takes minutes): with acks_late the message stays in the
# broker; a killed pool process puts it back at once, and the message of a worker killed outright goes back to the
# queue once the visibility timeout passes — longer than the longest task (a report build stops at 55 minutes), or
# a second worker would start a build that is still running.
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": env.int("CELERY_VISIBILITY_TIMEOUT", default=2 * 60 * 60)}
CELERY_TASK_TIME_LIMIT = 60 * 60
CELERY_TASK_SOFT_TIME_LIMIT = 58 * 60
# The queue of the report builds ("" = the default queue). Builds take minutes: production may give them workers of
# their own (`celery -A bilet worker -Q reports`) so that emails never wait behind them.
REPORTS_BUILD_QUEUE = env.str("REPORTS_BUILD_QUEUE", default="")

# --- Security -------------------------------------------------------------------------------------------------------
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = False  # HTMX reads the token from the page, not the cookie; keep the default
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
if not DEBUG:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", default=True)
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=31536000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True

# Everything is served from our own origin (users sit behind government firewalls: no CDN).
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "frame-ancestors": ["'none'"],
        "form-action": ["'self'"],
        "base-uri": ["'self'"],
        "object-src": ["'none'"],
    }
}

# --- Logging ---------------------------------------------------------------------------------------------------------
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": "WARNING"},
    "loggers": {
        "bilet.auth": {"handlers": ["console"], "level": "INFO", "propagate": False},
        "weasyprint": {"level": "WARNING"},
        "weasyprint.progress": {"level": "WARNING"},
        "fontTools": {"level": "WARNING"},
    },
}

# --- Portal --------------------------------------------------------------------------------------------------------
PAGINATE_BY = 50
