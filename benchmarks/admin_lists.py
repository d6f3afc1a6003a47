"""Benchmark (run by hand): the operator's admin lists on planning-size data.

    DATABASE_URL=postgres://… python manage.py generate_load_data --students 1000000
    DATABASE_URL=postgres://… python benchmarks/admin_lists.py [--runs 7]

Prints, for each big admin list (students, bookings, users, consents, parents' links, events), the median time and
the number of SQL queries of the plain list, a region filter, a search and a change page. Not a test: the figures
depend on the machine; what a test pins is that the query count does not grow with the rows
(bilet/tests/test_admin.py)."""

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bilet.settings")

import django  # noqa: E402

django.setup()

from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from django.urls import reverse  # noqa: E402

from bilet.models import User  # noqa: E402
from participants.models import Student  # noqa: E402
from regions.models import Region  # noqa: E402


def measure(client, url, params, runs):
    times, queries, status = [], 0, None
    for _ in range(runs):
        with CaptureQueriesContext(connection) as captured:
            start = time.perf_counter()
            response = client.get(url, params)
            times.append((time.perf_counter() - start) * 1000)
        queries, status = len(captured.captured_queries), response.status_code
    return statistics.median(times), queries, status


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=7)
    args = parser.parse_args()
    if connection.vendor != "postgresql":
        sys.exit("Run it against PostgreSQL (DATABASE_URL=postgres://…) with generate_load_data's rows.")

    operator, _ = User.objects.get_or_create(
        email="admin-benchmark@load.example", defaults={"is_staff": True, "is_superuser": True}
    )
    client = Client()
    client.force_login(operator)
    region = Region.objects.order_by("pk").first()
    student = Student.objects.order_by("-pk").first()
    print(f"students: {Student.objects.count():,}; region for filters: {region} (id {region.pk})")
    cases = [
        ("participants_student", {}, "list"),
        ("participants_student", {"region__id__exact": region.pk}, "region filter"),
        ("participants_student", {"region__id__exact": region.pk, "grade": "8"}, "region + grade"),
        ("participants_student", {"q": student.last_name.lower()}, "search by last name"),
        ("participants_student", {"q": f"{student.last_name} {student.first_name}", "region__id__exact": region.pk},
         "region + full name"),
        ("participants_student", {"q": "student12345@load.example"}, "search by email"),
        ("venues_booking", {}, "list"),
        ("venues_booking", {"status__exact": "confirmed", "event__mode__exact": "offline"}, "status + mode"),
        ("venues_booking", {"q": student.last_name}, "search by last name"),
        ("bilet_user", {}, "list"),
        ("bilet_user", {"q": "student12345@load.example"}, "search by email"),
        ("participants_consent", {}, "list"),
        ("participants_guardianship", {}, "list"),
        ("participants_guardian", {}, "list"),
        ("venues_event", {}, "list"),
        ("regions_school", {}, "list"),
    ]
    print(f"{'admin list':<28} {'case':<22} {'median ms':>10} {'queries':>8} {'status':>7}")
    for name, params, label in cases:
        median, queries, status = measure(client, reverse(f"admin:{name}_changelist"), params, args.runs)
        print(f"{name:<28} {label:<22} {median:>10.1f} {queries:>8} {status:>7}")
    median, queries, status = measure(
        client, reverse("admin:participants_student_change", args=[student.pk]), {}, args.runs
    )
    print(f"{'participants_student':<28} {'change page':<22} {median:>10.1f} {queries:>8} {status:>7}")


if __name__ == "__main__":
    main()
