"""The booking benchmark's database and sign-ins: planning-size data, the run's own data, sessions, the broker."""

from __future__ import annotations

import datetime as dt
import os
import secrets
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent.parent

# Production-like settings for the server and for this script (the session encoder signs with the same key).
SERVER_ENV = {
    "DJANGO_SETTINGS_MODULE": "bilet.settings",
    "DJANGO_DEBUG": "0",
    "DJANGO_SECRET_KEY": secrets.token_urlsafe(50),
    "EMAIL_URL": "dummymail://",
    "ALLOWED_HOSTS": "127.0.0.1",
    "SECURE_SSL_REDIRECT": "0",
}


def create_database(url: str) -> None:
    import psycopg2
    from urllib.parse import urlparse

    parts = urlparse(url)
    name = parts.path.lstrip("/")
    conn = psycopg2.connect(
        host=parts.hostname, port=parts.port or 5432, user=parts.username, password=parts.password, dbname="postgres"
    )
    conn.autocommit = True
    with conn.cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name])
        if cursor.fetchone() is None:
            cursor.execute(f'CREATE DATABASE "{name}"')
    conn.close()


def setup_django(args):
    url = os.environ.setdefault("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/bilet_bench_booking")
    if not url.startswith(("postgres://", "postgresql://")):
        sys.exit("booking_load.py measures PostgreSQL: set DATABASE_URL=postgres://…")
    # The server and this process (which counts a booking's statements) enqueue tasks as production does.
    SERVER_ENV["CELERY_BROKER_URL"] = args.broker
    os.environ.update(SERVER_ENV)
    sys.path.insert(0, str(ROOT))
    create_database(url)
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0, interactive=False)


def ensure_planning_size(args) -> None:
    """The database holds `generate_load_data`'s planning-size data (made now if missing, then analysed, as
    autovacuum would): the benchmark measures the booking among a million students and two million bookings."""
    from devdata.load_data import generate, load_data_exists

    if args.load_students and not load_data_exists():
        started = time.perf_counter()
        generate(students=args.load_students)
        print(f"planning-size data: generate_load_data --students {args.load_students:,} "
              f"({time.perf_counter() - started:.0f} s)")
    print(database_size())


def database_size() -> str:
    from django.db import connection

    from participants.models import Student
    from venues.models import Booking, Event

    def rows(model) -> int:  # the planner's count where the table was analysed, else an exact count
        with connection.cursor() as cursor:
            cursor.execute("SELECT reltuples::bigint FROM pg_class WHERE relname = %s", [model._meta.db_table])
            estimate = cursor.fetchone()[0]
        return estimate if estimate > 0 else model.objects.count()

    return f"database: ~{rows(Student):,} students, ~{rows(Booking):,} bookings, ~{rows(Event):,} events before this run's"


def create_data(args):
    """Everything the run needs, in bulk; returns (students, events, hot_event, hot_students)."""
    from django.contrib.auth.hashers import make_password
    from django.db import transaction
    from django.utils import timezone

    from bilet.models import User
    from participants.models import Consent, Student
    from regions.models import Campaign, Competency, Municipality, Region, School
    from venues.models import Event, Venue, VenueCampaign

    started = time.perf_counter()
    now = timezone.now()
    tag = now.strftime("%Y%m%d%H%M%S")
    today = timezone.localdate()
    total = args.students + args.hot_students
    with transaction.atomic():
        taken = set(Region.objects.values_list("code", flat=True))
        code = next(c for c in (f"Z{i:02d}" for i in range(100)) if c not in taken)
        region = Region.objects.create(code=code, name=f"Нагрузочный регион {tag}")
        municipality = Municipality.objects.create(region=region, name="Нагрузочный город")
        schools = School.objects.bulk_create(
            School(region=region, municipality=municipality, name=f"Школа нагрузки № {i}", short_name=f"Школа № {i}")
            for i in range(1, 21)
        )
        campaign = Campaign.objects.create(
            name=f"Нагрузочный тест {tag}", year=today.year, starts_on=today - dt.timedelta(days=1),
            ends_on=today + dt.timedelta(days=90), booking_opens_at=now - dt.timedelta(hours=1),
            booking_closes_at=now + dt.timedelta(days=60), is_active=False,
        )
        competency, _ = Competency.objects.get_or_create(code="BENCH", defaults={"name": "Нагрузочное тестирование"})
        password = make_password(None)  # unusable: these users sign in only through the sessions below
        users = User.objects.bulk_create(
            (User(email=f"bench-{tag}-{i}@bench.example", password=password, first_name=f"Ученик{i}",
                  last_name="Нагрузочный") for i in range(total)),
            batch_size=2000,
        )
        students = Student.objects.bulk_create(
            (Student(user=u, region=region, municipality=municipality, school=schools[i % len(schools)],
                     last_name="Нагрузочный", first_name=f"Ученик{i}", birth_date=dt.date(2012, 1, 1), grade=8)
             for i, u in enumerate(users)),
            batch_size=2000,
        )
        Consent.objects.bulk_create(
            (Consent(student=s, given_by_name="Родитель Нагрузочный", given_at=now) for s in students),
            batch_size=2000,
        )
        venue = Venue.objects.create(
            region=region, municipality=municipality, name="Нагрузочный колледж", short_name="Нагрузочный колледж",
            inn=tag[-12:], address="г. Нагрузочный, ул. Тестовая, д. 1", licence_number="Л-0",
        )
        VenueCampaign.objects.create(
            venue=venue, campaign=campaign, contract_status=VenueCampaign.ContractStatus.SIGNED,
            contract_signed_on=today,
        )
        first = now + dt.timedelta(days=2)

        def event(i, capacity, title):
            starts = first + dt.timedelta(hours=3 * i)  # 2-hour events 3 hours apart: never overlapping
            return Event(
                venue=venue, region=region, campaign=campaign, competency=competency, title=title,
                level=Event.Level.INTRODUCTORY, mode=Event.Mode.ONLINE, online_url="https://video.example/bench",
                starts_at=starts, ends_at=starts + dt.timedelta(hours=2), capacity=capacity,
                status=Event.Status.PUBLISHED, published_at=now,
            )

        events = Event.objects.bulk_create(event(i, args.capacity, f"Проба {i}") for i in range(args.events))
        hot = Event.objects.create(**field_values(event(args.events, args.hot_capacity, "Популярная онлайн-проба")))
    print(f"data: {total:,} students with consent, {len(events)} events + 1 hot event "
          f"({time.perf_counter() - started:.1f} s, tag {tag})")
    return students[: args.students], events, hot, students[args.students:]


def field_values(instance) -> dict:
    return {f.attname: getattr(instance, f.attname) for f in instance._meta.concrete_fields if f.attname != "id"}


def sign_in(students) -> dict[int, tuple[str, str]]:
    """Session rows for every student, in the database and in the session cache, as `login()` writes them with the
    `cached_db` engine (so the first request of each student is not a cache miss that no signed-in user would meet),
    and a CSRF secret: student id → cookies."""
    from importlib import import_module

    from django.conf import settings
    from django.contrib.sessions.models import Session
    from django.utils import timezone
    from django.utils.crypto import get_random_string

    from bilet.models import User

    store = import_module(settings.SESSION_ENGINE).SessionStore()
    users = User.objects.in_bulk([s.user_id for s in students])
    expire = timezone.now() + dt.timedelta(days=1)
    cookies, rows = {}, []
    for s in students:
        user = users[s.user_id]
        key = get_random_string(32, "abcdefghijklmnopqrstuvwxyz0123456789")
        data = {
            "_auth_user_id": str(user.pk),
            "_auth_user_backend": "django.contrib.auth.backends.ModelBackend",
            "_auth_user_hash": user.get_session_auth_hash(),
        }
        rows.append(Session(session_key=key, session_data=store.encode(data), expire_date=expire))
        cookies[s.pk] = (key, get_random_string(32))
    Session.objects.bulk_create(rows, batch_size=2000)
    cached = {store.cache_key_prefix + row.session_key: store.decode(row.session_data) for row in rows}
    keys = list(cached)
    for i in range(0, len(keys), 2000):
        store._cache.set_many({k: cached[k] for k in keys[i:i + 2000]}, timeout=86400)
    return cookies


def empty_broker(url: str) -> int:
    """Drop the messages waiting on the broker's default queue; returns how many there were."""
    import redis

    broker = redis.Redis.from_url(url)
    waiting = broker.llen("celery")
    broker.flushdb()
    return waiting


def load_average() -> str:
    return " ".join(f"{x:.1f}" for x in os.getloadavg())


def commit_hash() -> str:
    try:
        return subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True,
                              check=True).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return "unknown"
