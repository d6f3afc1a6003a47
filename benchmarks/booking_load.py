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
import datetime as dt
import itertools
import os
import random
import sys
import threading
import time

from loadkit.http import Client, classify
from loadkit.measure import cpu_now, cpu_since, merged, percentile, report, run_for, stats_of
from loadkit.server import start_server, stop_server
from loadkit.setup import (
    commit_hash, create_data, empty_broker, ensure_planning_size, load_average, setup_django, sign_in,
)


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
          f"load average {load_average()}")
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
    print(f"  one client alone: /whoami p50 {percentile(serial_trivial.latencies, .5):.1f} ms, "
          f"booking p50 {percentile(serial_booking.latencies, .5):.1f} ms (the cost of one request without queueing)")
    # The machine is shared: the two pages take turns in short rounds, so a neighbour's burst hits both alike.
    trivial_runs, booking_runs = [], []
    for _ in range(args.rounds):
        trivial_runs.append(run_for(args.duration / args.rounds, args.clients, args.port, whoami))
        booking_runs.append(run_for(args.duration / args.rounds, args.clients, args.port, book))
    trivial, _ = report("  GET /whoami (trivial page)", merged(trivial_runs))
    booking, p95 = report("  POST /events/<id>/book/", merged(booking_runs))
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
          f"{args.hot_clients} clients; load average {load_average()}")
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
    stats = stats_of(results, time.perf_counter() - started, cpu_since(cpu))
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
          f"commit {commit_hash()}")
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
    print(f"\nload average at the end {load_average()} ({os.cpu_count()} cores)")
    print("consistency:", "OK" if ok_1 and ok_2 else "FAILED")
    sys.exit(0 if ok_1 and ok_2 else 1)


if __name__ == "__main__":
    main()
