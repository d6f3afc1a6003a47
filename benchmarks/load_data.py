"""Benchmark (run by hand): generated load data, then the coordinator's home page and student list on it.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/bilet_bench python benchmarks/load_data.py \
        [--students 1000000] [--requests 30] [--skip-generate] [--record benchmarks/RESULTS.md]

1. Removes earlier load data, then streams a raw COPY of user-like rows into a bare scratch table (the baseline:
   the rows/s COPY reaches on this machine right now; 2,000,000 rows at most, before and after the load), then runs `generate_load_data --students N` and
   prints its time and rows/s beside the baseline. Target (issue 3): 1,000,000 students in under 3 minutes.
2. Takes the first generated region (~11,000 students for 1,000,000 in 89 regions), signs in as its coordinator with
   the Django test client and measures the home page, the student list (first page, page 50, a filter, a search)
   and, as the baseline of the same run, `/healthz`: median and p95 over --requests requests each, the number of
   SQL queries of each page and the time its SQL took (median of 5 requests; the rest of a request is Python). Target: home and student list under 100 ms median with a fixed number of queries.

Not a test: the figures depend on the machine and on what else runs on it (hence the baselines of the same run).
"""

import argparse
import datetime as dt
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bilet.settings")

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

from bilet.models import User  # noqa: E402
from participants.models import Student  # noqa: E402
from devdata.load_data import Progress, CopyChunks, delete_load_data, generate, load_data_exists  # noqa: E402

PAGES = [
    ("/healthz (baseline)", "/healthz"),
    ("home /", "/"),
    ("students /students/", "/students/"),
    ("students ?page=50", "/students/?page=50"),
    ("students filtered", "/students/?grade=8&consent=yes"),
    ("students search", "/students/?q=Иванов"),
]


def out(line: str = ""):
    print(line, flush=True)
    RECORD.append(line)


RECORD: list[str] = []


def baseline_copy(rows: int) -> float:
    """Seconds to stream `rows` user-like rows through COPY into a scratch table with only a primary key."""
    stamp = dt.datetime.now(dt.timezone.utc).isoformat()
    lines = ((i, "Иванова", "Мария", stamp, f"student{i}@baseline.example", i % 6) for i in range(rows))
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(
            "CREATE TABLE bench_copy_baseline (id bigint PRIMARY KEY, last_name text, first_name text, "
            "at timestamptz, email text, n int)"
        )
        started = time.monotonic()
        chunks = CopyChunks(lines, '%s,"%s","%s",%s,"%s",%s\n', Progress(enabled=False))
        cursor.cursor.copy_expert("COPY bench_copy_baseline FROM STDIN WITH (FORMAT csv, NULL 'None')", chunks,
                                  size=1 << 16)
        elapsed = time.monotonic() - started
        transaction.set_rollback(True)  # the scratch table goes away with the transaction
    return elapsed


def expected_rows(students: int) -> int:
    """About the rows generate_load_data writes for N students (measured: 10.05 per student)."""
    return round(students * 10.05)


def measure(client: Client, url: str, requests: int) -> tuple[float, float, int, float, int]:
    for _ in range(2):  # warm-up: templates, connections, caches
        client.get(url)
    times = []
    for _ in range(requests):
        started = time.perf_counter()
        response = client.get(url)
        times.append((time.perf_counter() - started) * 1000)
    sql_ms = []
    for _ in range(5):  # the SQL share of a request: what indexes and queries can change, the rest is Python
        with CaptureQueriesContext(connection) as queries:
            client.get(url)
        sql_ms.append(sum(float(q["time"]) for q in queries.captured_queries) * 1000)
    times.sort()
    p95 = times[min(len(times) - 1, round(0.95 * (len(times) - 1)))]
    return statistics.median(times), p95, len(queries.captured_queries), statistics.median(sql_ms), response.status_code


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--students", type=int, default=1_000_000)
    parser.add_argument("--regions", type=int, default=89)
    parser.add_argument("--requests", type=int, default=30)
    parser.add_argument("--skip-generate", action="store_true", help="measure the pages on the load data already there")
    parser.add_argument("--record", help="append the printed figures to this file (e.g. benchmarks/RESULTS.md)")
    args = parser.parse_args()
    if connection.vendor != "postgresql":
        sys.exit("Set DATABASE_URL=postgres://… : this benchmark is about PostgreSQL.")

    commit = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True)
    out(f"## {dt.datetime.now(dt.timezone.utc):%Y-%m-%d %H:%M} UTC, commit {commit.stdout.strip() or '?'}, "
        f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")
    out()
    out("```")
    if not args.skip_generate:
        if load_data_exists():
            started = time.monotonic()
            removed = delete_load_data(Progress(enabled=False))
            out(f"removed earlier load data: {removed:,} rows in {time.monotonic() - started:.1f} s")
        rows = min(expected_rows(args.students), 2_000_000)  # enough for a steady rate, and kinder to the machine
        before = baseline_copy(rows)
        out(f"baseline: raw COPY of {rows:,} rows into a scratch table: {before:.1f} s, {rows / before:,.0f} rows/s")
        progress = Progress()
        written = generate(students=args.students, regions=args.regions, progress=progress)
        total, elapsed = sum(written.values()), progress.elapsed
        verdict = "OK" if elapsed < 180 or args.students < 1_000_000 else "MISSED (target: under 3 minutes)"
        out(f"generate_load_data --students {args.students:,}: {total:,} rows in {elapsed:.1f} s, "
            f"{total / elapsed:,.0f} rows/s ({total / elapsed / (rows / before):.0%} of the baseline) — {verdict}")
        after = baseline_copy(rows)
        out(f"baseline again after the load: {after:.1f} s, {rows / after:,.0f} rows/s")

    settings.DEBUG = False  # no query log outside CaptureQueriesContext, as in production
    coordinator = User.objects.filter(email="coordinator01@load.example").first()
    if coordinator is None:
        sys.exit("No load data: run without --skip-generate.")
    region = coordinator.coordinators.get().region
    out(f"pages as {coordinator.email} ({region.name}: {Student.objects.filter(region=region).count():,} students), "
        f"{args.requests} requests each, load average {os.getloadavg()[0]:.1f}:")
    client = Client()
    client.force_login(coordinator)
    out(f"{'page':<24} {'median ms':>10} {'p95 ms':>8} {'queries':>8} {'SQL ms':>7} {'status':>7}")
    for label, url in PAGES:
        median, p95, queries, sql_ms, status = measure(client, url, args.requests)
        flag = "" if label.startswith("/healthz") or median < 100 else "  > 100 ms"
        out(f"{label:<24} {median:>10.1f} {p95:>8.1f} {queries:>8} {sql_ms:>7.1f} {status:>7}{flag}")
    out("```")
    if args.record:
        with open(args.record, "a", encoding="utf-8") as record:
            record.write("\n" + "\n".join(RECORD) + "\n")


if __name__ == "__main__":
    main()
