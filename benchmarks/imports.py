"""Benchmark (run by hand): importing 100,000 students from XLSX through the portal's import (issue 14 §3).

    createdb -h 127.0.0.1 -U postgres bilet_bench_imports
    export DATABASE_URL=postgres://postgres@127.0.0.1:5432/bilet_bench_imports
    .venv/bin/python manage.py migrate
    .venv/bin/python benchmarks/imports.py [--rows 100000] [--record benchmarks/RESULTS.md]

Writes a workbook of `--rows` students of 200 schools of a benchmark region (openpyxl, write-only), then runs, each in
a fresh Python process so that its peak memory is its own:
- baseline: reading the same file's rows alone with the same reader (`bilet.uploads.read_xlsx_rows`: python-calamine
  once a scan proves the sheet's grid within the upload limits, openpyxl read-only otherwise), nothing else;
- preview: what the upload and the background check do — the upload guard (`check_table_upload`), keeping the file
  (`import_job_create`), reading and checking every row (`import_job_check`);
- commit: what the confirmation and the background import do — `import_job_confirm`, `import_job_run` (the file read
  and checked again, then written with `bulk_create` in one transaction).
Prints the seconds, rows/s and peak RSS of each, and the end-to-end rate (preview + commit) against the goal of
≥ 5,000 rows/s under 1 GB. The benchmark region's students are removed before each run (a second run would otherwise
find every row a duplicate)."""

import argparse
import datetime as dt
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bilet.settings")

import django  # noqa: E402

django.setup()

from django.db import connection  # noqa: E402

REGION_CODE, REGION_NAME = "990", "Бенчмарк импорта"
SCHOOLS = 200
COORDINATOR = "import-bench@load.example"


def peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def setup_region():
    from bilet.models import User
    from participants.models import Student
    from regions.models import Coordinator, Municipality, Region, School

    region, _ = Region.objects.get_or_create(code=REGION_CODE, defaults={"name": REGION_NAME})
    municipality, _ = Municipality.objects.get_or_create(region=region, name="г. Бенчмарк")
    existing = set(School.objects.filter(municipality=municipality).values_list("short_name", flat=True))
    School.objects.bulk_create([
        School(region=region, municipality=municipality, name=f"Школа № {i}", short_name=f"Школа № {i}")
        for i in range(1, SCHOOLS + 1) if f"Школа № {i}" not in existing
    ])
    user, created = User.objects.get_or_create(email=COORDINATOR)
    if created:
        user.set_unusable_password()
        user.save()
    Coordinator.objects.get_or_create(user=user, region=region)
    with connection.cursor() as cursor:  # a region of 100,000 students: one statement, not the ORM's collector
        cursor.execute(f"DELETE FROM {Student._meta.db_table} WHERE region_id = %s", [region.pk])
    return municipality


def write_workbook(path: Path, rows: int, municipality) -> None:
    from openpyxl import Workbook

    from participants.services.imports import school_year_start, student_template

    header = student_template(school=None).header
    start = school_year_start(dt.date.today())
    book = Workbook(write_only=True)
    sheet = book.create_sheet()
    sheet.append(header)
    for i in range(rows):
        grade = 6 + i % 6
        birth = dt.datetime(start.year - grade - 7, 1 + i % 12, 1 + i % 28)
        sheet.append([
            REGION_CODE, municipality.name, f"Школа № {1 + i % SCHOOLS}", f"Фамилия{i}", "Мария", "Петровна",
            birth, grade, "АБВГ"[i % 4], "", "",
        ])
    book.save(path)


# --- Phases, each run in a child process (`--phase`) -------------------------------------------------------------


def phase_baseline(path: str) -> dict:
    from bilet.uploads import read_xlsx_rows

    started = time.perf_counter()
    _header, rows = read_xlsx_rows(Path(path).read_bytes())
    return {"seconds": time.perf_counter() - started, "rows": len(rows)}


def phase_preview(path: str) -> dict:
    from django.core.files.uploadedfile import SimpleUploadedFile

    from bilet.models import User
    from bilet.uploads import check_table_upload
    from participants.services import import_jobs

    actor = User.objects.get(email=COORDINATOR)
    started = time.perf_counter()
    upload = SimpleUploadedFile(Path(path).name, Path(path).read_bytes())
    upload.table_kind = check_table_upload(upload)
    job = import_jobs.import_job_create(actor=actor, kind="students", upload=upload)
    job = import_jobs.import_job_check(job_id=job.pk)
    return {"seconds": time.perf_counter() - started, "rows": job.total_rows, "job": job.pk, "state": job.state,
            "errors": job.errors[:3]}


def phase_commit(job_id: str) -> dict:
    from participants.models import ImportJob, Student
    from participants.services import import_jobs

    job = ImportJob.objects.select_related("created_by").get(pk=int(job_id))
    started = time.perf_counter()
    job = import_jobs.import_job_confirm(actor=job.created_by, job=job)
    job = import_jobs.import_job_run(job_id=job.pk)
    seconds = time.perf_counter() - started
    saved = Student.objects.filter(region__code=REGION_CODE).count()
    return {"seconds": seconds, "rows": job.total_rows, "state": job.state, "created": job.created_count,
            "in_database": saved}


PHASES = {"baseline": phase_baseline, "preview": phase_preview, "commit": phase_commit}


def run_phase(name: str, argument: str) -> dict:
    command = [sys.executable, __file__, "--phase", name, argument]
    completed = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, check=False)
    if completed.returncode:
        sys.exit(f"phase {name} failed:\n{completed.stderr[-4000:]}")
    return json.loads(completed.stdout.strip().splitlines()[-1])


def line(name: str, result: dict, rows: int) -> str:
    return (f"{name:<9} {result['seconds']:7.2f} s  {rows / result['seconds']:9,.0f} rows/s  "
            f"peak {result['peak_mb']:6,.0f} MB  CPU {result['cpu']:6.2f} s ({rows / result['cpu']:,.0f} rows per CPU s)")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--record", help="append the output to this file (benchmarks/RESULTS.md)")
    parser.add_argument("--phase", nargs=2, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.phase:
        result = PHASES[args.phase[0]](args.phase[1])
        result["peak_mb"] = peak_mb()
        usage = resource.getrusage(resource.RUSAGE_SELF)
        result["cpu"] = usage.ru_utime + usage.ru_stime  # the process's own CPU: what a busy machine does not inflate
        print(json.dumps(result, default=str))
        return
    if connection.vendor != "postgresql":
        sys.exit("Run it against PostgreSQL (DATABASE_URL=postgres://…).")

    commit = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True).stdout
    out = [f"imports.py on {connection.settings_dict['NAME']} at {dt.datetime.now():%Y-%m-%d %H:%M}, "
           f"commit {commit.strip()}"]
    municipality = setup_region()
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "students.xlsx"
        started = time.perf_counter()
        write_workbook(path, args.rows, municipality)
        out.append(f"workbook: {args.rows:,} students of {SCHOOLS} schools, {path.stat().st_size / 1e6:.1f} MB "
                   f"(written in {time.perf_counter() - started:.1f} s)")
        baseline = run_phase("baseline", str(path))
        preview = run_phase("preview", str(path))
    if preview["state"] != "valid":
        sys.exit(f"the preview found errors: {preview['errors']}")
    committed = run_phase("commit", str(preview["job"]))
    if committed["state"] != "done" or committed["in_database"] != args.rows:
        sys.exit(f"the import did not finish: {committed}")
    out.append(line("baseline", baseline, args.rows) + "  (read_xlsx_rows alone: the same reader, no checks)")
    out.append(line("preview", preview, args.rows) + "  (guard, keep the file, read, check every row)")
    out.append(line("commit", committed, args.rows) + "  (read and check again, bulk_create in one transaction)")
    total = preview["seconds"] + committed["seconds"]
    peak = max(preview["peak_mb"], committed["peak_mb"])
    out.append(f"end to end (preview + commit): {total:.2f} s = {args.rows / total:,.0f} rows/s, peak {peak:,.0f} MB "
               f"(goal ≥ 5,000 rows/s, < 1,024 MB); reading alone is {baseline['seconds'] / total:.0%} of it")
    cpu = preview["cpu"] + committed["cpu"]
    out.append(f"end to end in CPU time of the Python processes (PostgreSQL's not counted): {cpu:.2f} s = "
               f"{args.rows / cpu:,.0f} rows per CPU second")
    out.append(f"students saved: {committed['in_database']:,}; load average {' '.join(f'{x:.1f}' for x in os.getloadavg())}")
    text = "\n".join(out)
    print(text)
    if args.record:
        with open(args.record, "a", encoding="utf-8") as record:
            record.write(f"\n```\n{text}\n```\n")


if __name__ == "__main__":
    main()
