#!/usr/bin/env python
"""Benchmark (run by hand): the reports of issue 13 on planning-size data (SPEC §5), each figure beside a baseline
measured in the same run.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/bilet_figures .venv/bin/python benchmarks/reports.py \
        [--students 1000000] [--big 50000] [--record benchmarks/RESULTS.md]

0. Makes sure the database holds `generate_load_data` data (runs it with --students when it has none).
1. National summary of every region (89), PDF and XLSX, in a child process of its own so that its peak memory (the
   process's maximum RSS) is its own. Target: under 20 s, peak under 500 MB. Baseline: one bare GROUP BY region over
   the students and one over the bookings (the least any national figure must read).
2. Campaign report (PDF and XLSX) of a generated region (~11,000 students), then of a region of ~--big students:
   generated regions are merged into one inside a transaction that is rolled back afterwards (their schools,
   municipalities, students, navigators, venues, events and mentors move to the first), so the data stays as
   generated. Target: the big region under 10 s; the number of SQL queries the same for both regions.
3. The XLSX writer (reports/documents/xlsx.py: formats, escaping, frozen header, autofilter) against a bare openpyxl
   write-only `append` of the same rows (the big region's students, read into memory first), in CPU time, best of 3
   alternating runs each. Target: ≥ 0.7 of the bare rows/s.

Not a test: the figures depend on the machine and on what else runs on it (hence the baselines of the same run).
"""

import argparse
import datetime as dt
import io
import json
import math
import os
import resource
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bilet.settings")

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from django.db.models import Count  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from openpyxl import Workbook  # noqa: E402

from devdata.load_data import REGION_PREFIX, load_data_exists  # noqa: E402
from participants.models import Navigator, Student  # noqa: E402
from regions.models import Municipality, Region, School  # noqa: E402
from regions.selectors import current_campaign  # noqa: E402
from reports.building import build_figures, render_report  # noqa: E402
from reports.documents.lists import headers, list_queryset, table_rows  # noqa: E402
from reports.documents.xlsx import Column, Sheet, workbook_bytes  # noqa: E402
from reports.figures.definitions import campaign_window  # noqa: E402
from reports.figures.drilldown import figure_rows  # noqa: E402
from venues.models import Booking, Event, Mentor, Venue  # noqa: E402

RECORD: list[str] = []


def out(line: str = ""):
    print(line, flush=True)
    RECORD.append(line)


def timed(fn):
    started = time.perf_counter()
    result = fn()
    return time.perf_counter() - started, result


def national_child() -> None:
    """Step 1 in a process of its own: prints one JSON line with its times and peak RSS."""
    campaign = current_campaign()
    baseline, _ = timed(lambda: (
        list(Student.objects.order_by().values("region").annotate(n=Count("id"))),
        list(Booking.objects.order_by().values("student__region").annotate(n=Count("id"))),
    ))
    with CaptureQueriesContext(connection) as queries:
        seconds, rendered = timed(lambda: render_report(report_type="national", campaign=campaign))
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(json.dumps({"seconds": seconds, "baseline": baseline, "peak_mb": peak_mb, "regions": len(rendered.figures),
                      "queries": len(queries), "pdf": len(rendered.pdf), "xlsx": len(rendered.xlsx)}))


def campaign_build(region) -> dict:
    campaign = current_campaign()
    with CaptureQueriesContext(connection) as queries:
        figures_s, _report = timed(lambda: build_figures(report_type="campaign", campaign=campaign, region=region))
    figures_queries = len(queries)
    total_s, rendered = timed(lambda: render_report(report_type="campaign", campaign=campaign, region=region))
    return {"students": rendered.figures["students_registered"], "figures_s": figures_s, "total_s": total_s,
            "queries": figures_queries, "pdf": len(rendered.pdf), "xlsx": len(rendered.xlsx)}


def merge_regions(target: Region, others: list[Region]) -> None:
    """Move the others' records into `target` (inside the caller's transaction, which rolls back)."""
    ids = [r.pk for r in others]
    for model in (Municipality, School, Navigator, Student, Venue, Event, Mentor):
        model.objects.filter(region_id__in=ids).update(region=target)
    with connection.cursor() as cursor:
        for model in (Student, Event, Navigator, School):
            cursor.execute(f"ANALYZE {model._meta.db_table}")


def xlsx_rates(region) -> dict:
    """Rows/s of the report's XLSX writer against a bare openpyxl write-only append of the same rows."""
    rows_qs = list_queryset(figure_rows("students_registered", campaign_window(current_campaign()), region))
    rows = list(table_rows(rows_qs))
    columns = [Column(h, 30) for h in headers(rows_qs)]
    columns[-1] = Column(columns[-1].header, 12, "DD.MM.YYYY")

    def ours():
        return workbook_bytes([Sheet("students", columns, iter(rows))])

    def bare():
        book = Workbook(write_only=True)
        sheet = book.create_sheet("students")
        sheet.append([c.header for c in columns])
        for row in rows:
            sheet.append(row)
        buffer = io.BytesIO()
        book.save(buffer)
        return buffer.getvalue()

    # CPU time of this process, best of three, alternating: on a shared machine the wall clock mostly measures the
    # other processes (a run at load 8 read 0.40 on the wall clock and 0.85 in CPU time).
    results = {}
    for name, fn in (("bare", bare), ("ours", ours)) * 3:
        started = time.process_time()
        fn()
        results.setdefault(name, []).append(len(rows) / (time.process_time() - started))
    return {"rows": len(rows), "ours": max(results["ours"]), "bare": max(results["bare"])}


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--students", type=int, default=1_000_000, help="load data to generate when there is none")
    parser.add_argument("--big", type=int, default=50_000, help="students of the big region (regions merged)")
    parser.add_argument("--record", help="append the figures to this Markdown file")
    parser.add_argument("--national-child", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.national_child:
        return national_child()

    if connection.vendor != "postgresql":
        sys.exit("Run against PostgreSQL: DATABASE_URL=postgres://…")
    if not load_data_exists():
        out(f"generate_load_data --students {args.students} …")
        seconds, _ = timed(lambda: call_command("generate_load_data", students=args.students, no_progress=True))
        out(f"  generated in {seconds:.0f} s")
    campaign = current_campaign()
    students = Student.objects.count()
    regions = list(Region.objects.filter(code__startswith=REGION_PREFIX).order_by("code"))
    commit = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True).stdout
    out(f"## Reports benchmark — {dt.date.today():%Y-%m-%d}, commit {commit.strip()}")
    out("")
    out(f"Load average at the start: {' '.join(f'{x:.1f}' for x in os.getloadavg())} (2 cores, shared)")
    out(f"Database: {students:,} students, {Booking.objects.count():,} bookings, {Event.objects.count():,} events, "
        f"{Region.objects.count()} regions; campaign «{campaign}».")
    out("")

    child = subprocess.run([sys.executable, __file__, "--national-child"], capture_output=True, text=True, check=True)
    national = json.loads(child.stdout.strip().splitlines()[-1])
    out(f"1. National summary of {national['regions']} regions (PDF {national['pdf']:,} B + XLSX "
        f"{national['xlsx']:,} B): {national['seconds']:.1f} s (target < 20 s), {national['queries']} queries, "
        f"peak RSS {national['peak_mb']:.0f} MB (target < 500 MB); baseline — a bare GROUP BY region over students "
        f"and over bookings: {national['baseline']:.1f} s")

    small = campaign_build(regions[0])
    per_region = Student.objects.filter(region=regions[0]).count()
    merged = max(math.ceil(args.big / max(per_region, 1)), 2)
    with transaction.atomic():
        merge_regions(regions[0], regions[1:merged])
        big = campaign_build(regions[0])
        rates = xlsx_rates(regions[0])
        transaction.set_rollback(True)
    out(f"2. Campaign report (figures + PDF + XLSX) of a region of {big['students']:,} students "
        f"({merged} generated regions merged, rolled back afterwards): {big['total_s']:.1f} s (target < 10 s; "
        f"figures {big['figures_s']:.1f} s); baseline — the same report of a region of {small['students']:,} "
        f"students: {small['total_s']:.1f} s (figures {small['figures_s']:.1f} s)")
    out(f"   SQL queries of the figures: {small['queries']} for {small['students']:,} students, {big['queries']} for "
        f"{big['students']:,} — {'equal' if small['queries'] == big['queries'] else 'NOT EQUAL'}")
    ratio = rates["ours"] / rates["bare"]
    out(f"3. XLSX writer: {rates['ours']:,.0f} rows/s (CPU time) against a bare openpyxl write-only append of the "
        f"same {rates['rows']:,} rows: {rates['bare']:,.0f} rows/s — {ratio:.2f} of it (target ≥ 0.7)")
    out(f"Load average at the end: {' '.join(f'{x:.1f}' for x in os.getloadavg())}")
    if args.record:
        with open(args.record, "a") as f:
            f.write("\n" + "\n".join(RECORD) + "\n")


if __name__ == "__main__":
    main()
