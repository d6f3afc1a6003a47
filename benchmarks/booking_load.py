#!/usr/bin/env python
"""Booking under load (issue 4, "Benchmark"): gunicorn on PostgreSQL, driven by concurrent HTTP clients.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/bilet_bench_booking .venv/bin/python benchmarks/booking_load.py

What it does, in one run:
0. makes sure the database holds planning-size data (SPEC §5): if `generate_load_data` has not filled it yet, runs it
   with `--load-students` (1,000,000 students, ~2,000,000 bookings, ~50,000 events; about a minute here), which also
   analyses the tables as autovacuum would; `--load-students 0` skips this (a small, fresh database);
1. migrates the database and creates its own data in bulk, tagged with the run's time so runs never collide with each
   other or with `generate_load_data`: a campaign (booking open, the 2020 rules), a region, schools, students with a
   consent in force, a venue and a few hundred published online events at non-overlapping times, plus one hot online
   event with 5,000 seats;
2. signs every student in server-side (session rows written with Django's own session encoder, so no password is
   hashed and no login page is measured), with a CSRF cookie and header as a browser would send;
3. starts gunicorn (`bilet/gunicorn.conf.py`, 4 workers × 8 threads, gthread) with production settings
   (`DJANGO_DEBUG=0`), so debug overhead is not measured;
4. scenario 1 — 32 clients for the same time against `/whoami` (the trivial page behind the same middleware and
   login: it answers the user's name) and then `POST /events/<id>/book/` for random events, each request by the next
   student: requests/s, p50/p95/p99 latency, answers by kind, and the events over capacity (must be 0);
5. scenario 2 — 10,000 other students race for the hot event: confirmed bookings per second until it is full (from the
   bookings' own timestamps), busy answers («попробуйте ещё раз», retried after a short pause, as a person would),
   the slowest answer (lock waits are bounded by the service's `lock_timeout`), server errors, and oversold seats.

Options: --load-students, --students (scenario 1 pool), --hot-students, --events, --capacity, --hot-capacity,
--clients, --hot-clients, --duration, --port, --workers, --threads. The figures go to stdout; copy them to RESULTS.md with the
date and commit.
"""

from __future__ import annotations

import argparse
import base64
import collections
import datetime as dt
import http.client
import itertools
import json
import os
import random
import secrets
import signal
import socket
import subprocess
import sys
import threading
import time
import zlib
from pathlib import Path
from urllib.parse import unquote

ROOT = Path(__file__).resolve().parent.parent
BUSY_TEXT = "попробуйте ещё раз"

# Production-like settings for the server and for this script (the session encoder signs with the same key).
SERVER_ENV = {
    "DJANGO_SETTINGS_MODULE": "bilet.settings",
    "DJANGO_DEBUG": "0",
    "DJANGO_SECRET_KEY": secrets.token_urlsafe(50),
    "EMAIL_URL": "dummymail://",
    "ALLOWED_HOSTS": "127.0.0.1",
    "SECURE_SSL_REDIRECT": "0",
}


def parse_args():
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--students", type=int, default=5000, help="students of scenario 1")
    p.add_argument("--hot-students", type=int, default=10000, help="students racing for the hot event")
    p.add_argument("--events", type=int, default=300)
    p.add_argument("--capacity", type=int, default=20, help="seats of each scenario 1 event")
    p.add_argument("--hot-capacity", type=int, default=5000)
    p.add_argument("--clients", type=int, default=32)
    p.add_argument("--hot-clients", type=int, default=64)
    p.add_argument("--duration", type=float, default=30.0, help="seconds of each page in scenario 1")
    p.add_argument("--rounds", type=int, default=3, help="scenario 1 alternates the pages in this many rounds")
    p.add_argument("--port", type=int, default=8765)
    p.add_argument("--workers", type=int, default=4)
    p.add_argument("--threads", type=int, default=8)
    p.add_argument("--broker", default="redis://127.0.0.1:6379/13",
                   help="the Celery broker the server enqueues its tasks on, as in production (emptied before and "
                        "after the run; no worker consumes them: their work is not the request's)")
    p.add_argument("--load-students", type=int, default=1_000_000,
                   help="planning-size data (SPEC §5) made by generate_load_data first if the database has none: "
                        "this many students with their ~2 bookings each and ~100 events per 1,000; 0: none")
    return p.parse_args()


def setup_django(args):
    url = os.environ.setdefault("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/bilet_bench_booking")
    if not url.startswith(("postgres://", "postgresql://")):
        sys.exit("booking_load.py measures PostgreSQL: set DATABASE_URL=postgres://…")
    # The server and this process (which counts a booking's statements) enqueue tasks as production does.
    SERVER_ENV["CELERY_BROKER_URL"] = args.broker
    os.environ.update(SERVER_ENV)
    sys.path.insert(0, str(ROOT))
    _create_database(url)
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0, interactive=False)


def _create_database(url: str) -> None:
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


# --- data ----------------------------------------------------------------------------------------------------------


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
        hot = Event.objects.create(**_fields(event(args.events, args.hot_capacity, "Популярная онлайн-проба")))
    print(f"data: {total:,} students with consent, {len(events)} events + 1 hot event "
          f"({time.perf_counter() - started:.1f} s, tag {tag})")
    return students[: args.students], events, hot, students[args.students:]


def _fields(instance) -> dict:
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


# --- the server ------------------------------------------------------------------------------------------------------


def start_server(args) -> subprocess.Popen:
    gunicorn = ROOT / ".venv" / "bin" / "gunicorn"
    command = [
        str(gunicorn if gunicorn.exists() else "gunicorn"), "bilet.wsgi", "-c", "bilet/gunicorn.conf.py",
        "-b", f"127.0.0.1:{args.port}", "-w", str(args.workers), "-k", "gthread", "--threads", str(args.threads),
        "--max-requests", "0", "--access-logfile", "/dev/null",
    ]
    env = {**os.environ, **SERVER_ENV}
    server = subprocess.Popen(command, cwd=ROOT, env=env, start_new_session=True)
    global SERVER_PGID
    SERVER_PGID = server.pid
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            conn = http.client.HTTPConnection("127.0.0.1", args.port, timeout=2)
            conn.request("GET", "/healthz")
            if conn.getresponse().status == 200:
                print(f"server: gunicorn, {args.workers} workers × {args.threads} threads, pid {server.pid}")
                return server
        except OSError:
            time.sleep(0.3)
    stop_server(server)
    sys.exit("gunicorn did not answer /healthz within 60 s")


def stop_server(server: subprocess.Popen) -> None:
    if server.poll() is None:
        os.killpg(server.pid, signal.SIGTERM)
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(server.pid, signal.SIGKILL)


# --- the clients -----------------------------------------------------------------------------------------------------


class Client:
    """One keep-alive HTTP/1.1 connection, like one browser, on a bare socket: the load client shares the 2 cores with
    the server, and http.client's header parsing (email.parser) cost it more CPU per request than the whole of this."""

    def __init__(self, port: int):
        self.port, self.sock, self.buffer = port, None, b""

    def send(self, method: str, path: str, cookies: tuple[str, str]) -> tuple[int, str, str]:
        session, csrf = cookies
        lines = [f"{method} {path} HTTP/1.1", "Host: 127.0.0.1", f"Cookie: sessionid={session}; csrftoken={csrf}"]
        if method == "POST":
            lines += [f"X-CSRFToken: {csrf}", "Content-Type: application/x-www-form-urlencoded", "Content-Length: 0"]
        request = ("\r\n".join(lines) + "\r\n\r\n").encode()
        for attempt in (1, 2):
            try:
                if self.sock is None:
                    self.sock = socket.create_connection(("127.0.0.1", self.port), timeout=60)
                    self.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
                self.sock.sendall(request)
                return self._response()
            except OSError:
                # The server closed an idle keep-alive connection: open a new one once, as a browser would.
                self.close()
                if attempt == 2:
                    raise
        raise AssertionError("unreachable")

    def close(self) -> None:
        if self.sock is not None:
            self.sock.close()
        self.sock, self.buffer = None, b""

    def _read_until(self, marker: bytes) -> bytes:
        while marker not in self.buffer:
            self._fill()
        found, self.buffer = self.buffer.split(marker, 1)
        return found

    def _read(self, size: int) -> bytes:
        while len(self.buffer) < size:
            self._fill()
        found, self.buffer = self.buffer[:size], self.buffer[size:]
        return found

    def _fill(self) -> None:
        chunk = self.sock.recv(65536)
        if not chunk:
            raise ConnectionResetError("the server closed the connection")
        self.buffer += chunk

    def _response(self) -> tuple[int, str, str]:
        status_line, *header_lines = self._read_until(b"\r\n\r\n").decode("latin-1").split("\r\n")
        headers = collections.defaultdict(list)
        for line in header_lines:
            name, _, value = line.partition(":")
            headers[name.strip().lower()].append(value.strip())
        if "chunked" in ",".join(headers["transfer-encoding"]).lower():
            body = b""
            while size := int(self._read_until(b"\r\n").split(b";", 1)[0], 16):
                body += self._read(size + 2)[:-2]
            self._read_until(b"\r\n")
        else:
            body = self._read(int((headers["content-length"] or ["0"])[0]))
        if "close" in ",".join(headers["connection"]).lower():
            self.close()
        return int(status_line.split(" ", 2)[1]), body.decode("utf-8", "replace"), ", ".join(headers["set-cookie"])


def classify(status: int, text: str, set_cookie: str) -> str:
    """ok (the page answered), busy («попробуйте ещё раз»), refused (a 4xx), or error (5xx)."""
    if status >= 500:
        return "busy" if status == 503 and BUSY_TEXT in text else "error"
    if status in (409, 429):
        return "busy" if BUSY_TEXT in text else "refused"
    if status >= 400:
        return "refused"
    if status in (301, 302, 303) and "messages=" in set_cookie and BUSY_TEXT in _messages(set_cookie):
        return "busy"  # a redirect carrying the busy message (the page's no-JS answer)
    return "ok"


def _messages(set_cookie: str) -> str:
    """The texts of Django's messages cookie in a response. Only read, not verified: the load client classifies
    answers and must not spend the CPU it shares with the server on checking the server's signature."""
    value = unquote(set_cookie.split("messages=", 1)[1].split(";", 1)[0].strip('"'))
    payload = value.replace("\\054", ",").replace('\\"', '"').split(":", 1)[0]  # payload:time:signature
    compressed = payload.startswith(".")
    data = base64.urlsafe_b64decode(payload.lstrip(".") + "=" * (-len(payload.lstrip(".")) % 4))
    return json.dumps(json.loads(zlib.decompress(data) if compressed else data), ensure_ascii=False)


Stats = collections.namedtuple("Stats", "requests elapsed latencies kinds statuses cpu")

# The gunicorn master's process group (it is started in a session of its own): its workers' CPU is the web tier's.
SERVER_PGID = None
_TICK = os.sysconf("SC_CLK_TCK")


def cpu_now() -> dict:
    """CPU seconds used so far by the load client (this process), each gunicorn process (its process group) and each
    PostgreSQL process, and the machine's busy and stolen time (/proc/stat). `_cpu_delta` turns two readings into the
    CPU a run cost; divided by its requests, it says where one request's CPU goes."""
    procs = {}
    for entry in os.scandir("/proc"):
        if not entry.name.isdigit():
            continue
        try:
            stat = Path(entry.path, "stat").read_text()
        except OSError:
            continue
        comm, fields = stat[stat.index("(") + 1:stat.rindex(")")], stat[stat.rindex(")") + 2:].split()
        seconds = (int(fields[11]) + int(fields[12])) / _TICK  # utime + stime
        if SERVER_PGID is not None and int(fields[2]) == SERVER_PGID:
            procs[("web", entry.name)] = seconds
        elif comm == "postgres":
            procs[("db", entry.name)] = seconds
    with open("/proc/stat") as f:
        ticks = [int(x) for x in f.readline().split()[1:]]
    # user nice system idle iowait irq softirq steal …: busy is everything but idle, iowait and steal.
    machine = (sum(ticks[:8]) - ticks[3] - ticks[4] - ticks[7]) / _TICK
    return {"procs": procs, "client": sum(os.times()[:2]), "machine": machine, "steal": ticks[7] / _TICK}


def _cpu_delta(before: dict) -> collections.Counter:
    """What each tier used since `before`: a process started meanwhile counts from zero; one that exited meanwhile
    (a closed database session) is left out rather than subtracted."""
    after = cpu_now()
    used = collections.Counter({k: after[k] - before[k] for k in ("client", "machine", "steal")})
    used.update({"web": 0.0, "db": 0.0})
    for (tier, pid), seconds in after["procs"].items():
        used[tier] += seconds - before["procs"].get((tier, pid), 0.0)
    return used


def run_for(duration: float, clients: int, port: int, make_request) -> Stats:
    """`clients` threads send `make_request(client)` back to back for `duration` seconds."""
    results, lock = [], threading.Lock()
    stop_at = time.monotonic() + duration

    def loop():
        client, local = Client(port), []
        while time.monotonic() < stop_at:
            t0 = time.perf_counter()
            status, text, cookie = make_request(client)
            local.append((time.perf_counter() - t0, status, classify(status, text, cookie)))
        with lock:
            results.extend(local)

    started, cpu = time.perf_counter(), cpu_now()
    threads = [threading.Thread(target=loop, daemon=True) for _ in range(clients)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return _stats(results, time.perf_counter() - started, _cpu_delta(cpu))


def _stats(results, elapsed, cpu) -> Stats:
    return Stats(
        requests=len(results), elapsed=elapsed, latencies=sorted(r[0] for r in results),
        kinds=collections.Counter(r[2] for r in results), statuses=collections.Counter(r[1] for r in results),
        cpu=cpu,
    )


def _merge(runs) -> Stats:
    return Stats(
        requests=sum(r.requests for r in runs), elapsed=sum(r.elapsed for r in runs),
        latencies=sorted(x for r in runs for x in r.latencies),
        kinds=sum((r.kinds for r in runs), collections.Counter()),
        statuses=sum((r.statuses for r in runs), collections.Counter()),
        cpu=_sum_counters(r.cpu for r in runs),
    )


def _sum_counters(counters) -> collections.Counter:
    total = collections.Counter()
    for counter in counters:
        total.update(counter)  # unlike `+`, keeps keys whose sum is zero
    return total


def _pct(latencies, q: float) -> float:
    if not latencies:
        return float("nan")
    return latencies[min(len(latencies) - 1, int(q * len(latencies)))] * 1000


def report(name: str, stats: Stats) -> tuple[float, float]:
    """Print one line of figures; return (requests per second, p95 latency in ms)."""
    rate = stats.requests / stats.elapsed
    print(
        f"{name}: {stats.requests:,} requests in {stats.elapsed:.1f} s = {rate:,.0f}/s; "
        f"latency p50 {_pct(stats.latencies, .50):.0f} ms, p95 {_pct(stats.latencies, .95):.0f} ms, "
        f"p99 {_pct(stats.latencies, .99):.0f} ms, max {stats.latencies[-1] * 1000:.0f} ms; "
        f"answers {dict(stats.kinds)}; HTTP {dict(sorted(stats.statuses.items()))}"
    )
    per = collections.defaultdict(float, {k: v * 1000 / max(stats.requests, 1) for k, v in stats.cpu.items()})
    print(
        f"    CPU per request: gunicorn {per['web']:.2f} ms, PostgreSQL {per['db']:.2f} ms, load client "
        f"{per['client']:.2f} ms; machine busy {per['machine']:.2f} ms (stolen by the host {per['steal']:.2f} ms); "
        f"cores busy {stats.cpu['machine'] / stats.elapsed:.2f} of {os.cpu_count()}"
    )
    return rate, _pct(stats.latencies, .95)


# --- the scenarios ----------------------------------------------------------------------------------------------------


def queries_per_request(cookies: tuple[str, str], event_id: int) -> str:
    """SQL statements of one /whoami and one booking, run in this process with Django's test client."""
    from django.db import connection
    from django.test import Client as DjangoClient
    from django.test.utils import CaptureQueriesContext

    client = DjangoClient(HTTP_HOST="127.0.0.1")
    client.cookies["sessionid"], client.cookies["csrftoken"] = cookies
    counts = {}
    for name, call in (("whoami", lambda: client.get("/whoami")),
                       ("booking", lambda: client.post(f"/events/{event_id}/book/", HTTP_X_CSRFTOKEN=cookies[1]))):
        with CaptureQueriesContext(connection) as captured:
            call()
        counts[name] = len(captured.captured_queries)
    connection.close()
    return f"SQL statements per request: /whoami {counts['whoami']}, booking {counts['booking']}"


def scenario_1(args, students, events, cookies) -> bool:
    from django.db.models import Count, F, Q

    from venues.models import Booking, Event

    print(f"\nscenario 1: {args.clients} clients, {len(students):,} students, {len(events)} events "
          f"of {args.capacity} seats, {args.duration:.0f} s per page in {args.rounds} alternating rounds; "
          f"load average {_load()}")
    pool = [cookies[s.pk] for s in students]
    whoami_next = itertools.cycle(pool).__next__
    booking_next = itertools.cycle(pool).__next__
    event_ids = [e.pk for e in events]
    rng = random.Random(2026)

    def whoami(client):
        return client.send("GET", "/whoami", whoami_next())

    def book(client):
        return client.send("POST", f"/events/{rng.choice(event_ids)}/book/", booking_next())

    run_for(3, args.clients, args.port, whoami)  # warm-up: connections, sessions in the workers' caches
    serial_trivial = run_for(args.duration / 6, 1, args.port, whoami)
    serial_booking = run_for(args.duration / 6, 1, args.port, book)
    print(f"  one client alone: /whoami p50 {_pct(serial_trivial.latencies, .5):.1f} ms, "
          f"booking p50 {_pct(serial_booking.latencies, .5):.1f} ms (the cost of one request without queueing)")
    # The machine is shared: the two pages take turns in short rounds, so a neighbour's burst hits both alike.
    trivial_runs, booking_runs = [], []
    for _ in range(args.rounds):
        trivial_runs.append(run_for(args.duration / args.rounds, args.clients, args.port, whoami))
        booking_runs.append(run_for(args.duration / args.rounds, args.clients, args.port, book))
    trivial, _ = report("  GET /whoami (trivial page)", _merge(trivial_runs))
    booking, p95 = report("  POST /events/<id>/book/", _merge(booking_runs))
    statuses = dict(
        Booking.objects.filter(event_id__in=event_ids).values_list("status").annotate(n=Count("pk")).order_by()
    )
    counted = Q(bookings__status__in=[Booking.Status.CONFIRMED, Booking.Status.ATTENDED, Booking.Status.NO_SHOW])
    checked = Event.objects.filter(pk__in=event_ids).annotate(held=Count("bookings", filter=counted))
    over = checked.filter(held__gt=F("capacity")).count()
    drift = checked.exclude(held=F("seats_taken")).count()
    full = checked.filter(held=F("capacity")).count()
    ratio = booking / trivial
    print(f"  bookings on these events (both phases): {statuses}; events full: {full}; over capacity: {over}; "
          f"seats_taken ≠ bookings: {drift}")
    print(f"  booking throughput / trivial page throughput = {ratio:.2f} (target ≥ 0.40); booking p95 {p95:.0f} ms "
          f"(target < 250 ms)")
    return over == 0 and drift == 0


def scenario_2(args, hot, students, cookies) -> bool:
    from django.db.models import Max, Min

    from venues.models import Booking

    print(f"\nscenario 2: {len(students):,} students race for one online event of {hot.capacity:,} seats, "
          f"{args.hot_clients} clients; load average {_load()}")
    print(f"  baseline, the ceiling of one row's seats on this machine now: {single_row_commits()}")
    queue = iter([cookies[s.pk] for s in students])
    queue_lock, results, lock = threading.Lock(), [], threading.Lock()

    def loop():
        client, local = Client(args.port), []
        while True:
            with queue_lock:
                who = next(queue, None)
            if who is None:
                break
            for attempt in range(20):
                t0 = time.perf_counter()
                status, text, cookie = client.send("POST", f"/events/{hot.pk}/book/", who)
                kind = classify(status, text, cookie)
                local.append((time.perf_counter() - t0, status, kind))
                if kind != "busy":
                    break
                time.sleep(random.uniform(0.05, 0.25))  # a person presses the button again
        with lock:
            results.extend(local)

    started_wall = dt.datetime.now(dt.timezone.utc)
    started, cpu = time.perf_counter(), cpu_now()
    threads = [threading.Thread(target=loop, daemon=True) for _ in range(args.hot_clients)]
    for t in threads:
        t.start()
    _sample_lock_waits(threads)
    stats = _stats(results, time.perf_counter() - started, _cpu_delta(cpu))
    report("  POST /events/<hot>/book/", stats)
    confirmed = Booking.objects.filter(event=hot, status=Booking.Status.CONFIRMED)
    span = confirmed.aggregate(first=Min("created_at"), last=Max("created_at"))
    n_confirmed = confirmed.count()
    waitlisted = Booking.objects.filter(event=hot, status=Booking.Status.WAITLISTED).count()
    hot.refresh_from_db()
    oversold = max(n_confirmed - hot.capacity, 0)
    until_full = (span["last"] - started_wall).total_seconds() if span["last"] else float("nan")
    print(
        f"  confirmed {n_confirmed:,} of {hot.capacity:,} seats (seats_taken {hot.seats_taken:,}), waitlisted "
        f"{waitlisted:,}; full {until_full:.1f} s after the first request = {n_confirmed / until_full:,.0f} "
        f"confirmed/s (first to last confirmation: "
        f"{n_confirmed / max((span['last'] - span['first']).total_seconds(), 1e-9):,.0f}/s; target ≥ 300/s)"
    )
    print(f"  busy answers: {stats.kinds.get('busy', 0):,}; server errors: {stats.kinds.get('error', 0):,}; "
          f"slowest answer {stats.latencies[-1] * 1000:.0f} ms; oversold: {oversold}")
    return oversold == 0 and hot.seats_taken == n_confirmed and stats.kinds.get("error", 0) == 0


def single_row_commits(seconds: float = 3.0) -> str:
    """How many transactions per second can change one row one after another here and now: each holds the row's
    lock until its commit is flushed to the WAL, so no booking design that counts a hot event's seats in one row goes
    faster. Measured from one connection, with the commit in the UPDATE's round trip (autocommit) and after it (two
    round trips, as inside `transaction.atomic()`), on a scratch table dropped afterwards."""
    from django.db import connections

    connection = connections.create_connection("default")
    rates = []
    try:
        with connection.cursor() as cursor:
            cursor.execute("CREATE TABLE IF NOT EXISTS bench_hot_row (id int PRIMARY KEY, n bigint NOT NULL)")
            cursor.execute("INSERT INTO bench_hot_row VALUES (1, 0) ON CONFLICT (id) DO NOTHING")
            for separate_commit in (False, True):
                connection.set_autocommit(not separate_commit)
                done, deadline = 0, time.perf_counter() + seconds / 2
                while time.perf_counter() < deadline:
                    cursor.execute("UPDATE bench_hot_row SET n = n + 1 WHERE id = 1")
                    if separate_commit:
                        connection.commit()
                    done += 1
                rates.append(done / (seconds / 2))
            connection.set_autocommit(True)
            cursor.execute("DROP TABLE bench_hot_row")
    finally:
        connection.close()
    return (f"{rates[0]:,.0f} commits/s with the commit in the UPDATE's round trip, {rates[1]:,.0f}/s with a "
            f"COMMIT after it")


def _sample_lock_waits(threads) -> None:
    """Every 0.2 s until `threads` end: how many of the server's sessions on this database wait for a lock, and how
    many run. Printed as the evidence of where the hot event queues: on the row lock, or for CPU."""
    from django.db import connection

    samples = []
    with connection.cursor() as cursor:
        while any(t.is_alive() for t in threads):
            cursor.execute(
                "SELECT count(*) FILTER (WHERE wait_event_type = 'Lock'), count(*) FILTER (WHERE state = 'active') "
                "FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()"
            )
            samples.append(cursor.fetchone())
            time.sleep(0.2)
    connection.close()
    if samples:
        locks = [s[0] for s in samples]
        active = [s[1] for s in samples]
        print(f"  sessions waiting on a lock: mean {sum(locks) / len(locks):.1f}, max {max(locks)}; "
              f"active sessions: mean {sum(active) / len(active):.1f} ({len(samples)} samples)")


def main():
    args = parse_args()
    setup_django(args)
    from django.db import connection

    print(f"booking_load.py on {connection.settings_dict['NAME']} at {dt.datetime.now():%Y-%m-%d %H:%M}, "
          f"commit {_commit()}")
    ensure_planning_size(args)
    students, events, hot, hot_students = create_data(args)
    cookies = sign_in(students + hot_students)
    # The last student of the hot pool books one scenario 1 event here, in process, to count its SQL statements.
    print(queries_per_request(cookies[hot_students[-1].pk], events[0].pk))
    hot_students = hot_students[:-1]
    empty_broker(args.broker)
    server = start_server(args)
    try:
        ok_1 = scenario_1(args, students, events, cookies)
        ok_2 = scenario_2(args, hot, hot_students, cookies)
    finally:
        stop_server(server)
        print(f"tasks the requests enqueued for workers: {empty_broker(args.broker):,}")
    print(f"\nload average at the end {_load()} ({os.cpu_count()} cores)")
    print("consistency:", "OK" if ok_1 and ok_2 else "FAILED")
    sys.exit(0 if ok_1 and ok_2 else 1)


def empty_broker(url: str) -> int:
    """Drop the messages waiting on the broker's default queue; returns how many there were."""
    import redis

    broker = redis.Redis.from_url(url)
    waiting = broker.llen("celery")
    broker.flushdb()
    return waiting


def _load() -> str:
    return " ".join(f"{x:.1f}" for x in os.getloadavg())


def _commit() -> str:
    try:
        return subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True,
                              check=True).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return "unknown"


if __name__ == "__main__":
    main()
