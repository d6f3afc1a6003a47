"""Synthetic data of the planning shape of SPEC §5, written in bulk for the benchmarks.

Shape for N students in R regions (defaults: 1,000,000 and 89): ~40 students per school, ~11 schools per
municipality, one navigator per 70 students, one guardian per student, a consent for 90 % of them, all three stages
of the online diagnostics for 60 % (the first stage for another 20 %), one venue per
1,000 students (a signed contract each, one staff member, two mentors), one event per 20 students (half in person),
and about two bookings per student: every consented student holds one in-person and one online booking, every fifth a
second online one — inside the 2020 rules (at most 4, one in person) and never overlapping in time (in-person events
run 10:00–12:00, online ones 14:00–15:30 or 16:00–17:30). Events that already took place have their attendance
marked. `seats_taken` is the number of seat-holding bookings; capacity leaves a few seats free (one event in ten is
full).

How it is fast: ids are reserved up front (a block of each table's sequence), so every foreign key is known without a
round trip; PostgreSQL receives each table as one `COPY … FROM STDIN (FORMAT csv)` streamed from a generator while
the rows are still being made; SQLite gets `bulk_create` in batches of 5,000. The password is hashed once and the same
hash is written for every generated user. Everything is one transaction: a failure leaves nothing behind.

Load data is recognisable: its regions' codes start with "L" and its users' addresses end with "@load.example".
"""

from __future__ import annotations

import datetime as dt
import io
import math
import sys
import time
from contextlib import contextmanager
from dataclasses import dataclass, field
from itertools import islice

from django.contrib.auth.hashers import make_password
from django.db import connection, models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from bilet.models import User
from participants.models import Consent, DiagnosticResult, Guardian, Guardianship, Navigator, Student
from regions.models import Campaign, Coordinator, Municipality, Nosology, Region, RegionTarget, School
from venues.models import Booking, Event, Mentor, Recommendation, Venue, VenueCampaign, VenueStaff

from .reference_data import ensure_campaign, ensure_competencies, person

LOAD_DOMAIN = "load.example"
REGION_PREFIX = "L"
DEFAULT_PASSWORD = "load-pass-2026"
BATCH = 5000

STUDENTS_PER_SCHOOL = 40
SCHOOLS_PER_MUNICIPALITY = 11
STUDENTS_PER_NAVIGATOR = 70
STUDENTS_PER_VENUE = 1000
STUDENTS_PER_EVENT = 20
MENTORS_PER_VENUE = 2


class LoadDataError(Exception):
    """A refusal of the command, with a Russian message."""


def load_data_exists() -> bool:
    return Region.objects.filter(code__startswith=REGION_PREFIX).exists() or User.objects.filter(
        email__endswith=f"@{LOAD_DOMAIN}"
    ).exists()


@dataclass
class RegionPlan:
    """Counts and first ids of one region: row k of a kind in this region has id `first + k`."""

    number: int
    students: int
    first_student: int  # the global student number of the region's first student (student<i>@load.example)
    schools: int = 0
    municipalities: int = 0
    navigators: int = 0
    venues: int = 0
    events: int = 0
    offline_events: int = 0
    online_pairs: int = 0
    ids: dict = field(default_factory=dict)

    def __post_init__(self):
        self.schools = max(1, math.ceil(self.students / STUDENTS_PER_SCHOOL))
        self.municipalities = max(1, round(self.schools / SCHOOLS_PER_MUNICIPALITY))
        self.navigators = max(1, math.ceil(self.students / STUDENTS_PER_NAVIGATOR))
        self.venues = max(1, self.students // STUDENTS_PER_VENUE)
        self.events = max(4, math.ceil(self.students / STUDENTS_PER_EVENT))
        self.offline_events = self.events // 2
        # Online events come in pairs: an afternoon one (14:00) and an evening one (16:00).
        self.online_pairs = (self.events - self.offline_events) // 2

    def school_of(self, k: int) -> int:
        return k * self.schools // self.students

    def bookings_of(self, k: int) -> tuple[int, ...]:
        """Event indexes (within the region) booked by the region's student k, who holds a consent."""
        off = k % self.offline_events
        afternoon = self.offline_events + 2 * ((k * 7) % self.online_pairs)
        if k % 5 == 0:
            return off, afternoon, self.offline_events + 2 * ((k * 3) % self.online_pairs) + 1
        return off, afternoon


def has_consent(student_number: int) -> bool:
    return student_number % 10 != 0


def diagnostic_stages(student_number: int) -> int:
    """Stages of the online diagnostics done: all 3 for 60 % of the students, the first one for 20 %."""
    return (3, 3, 3, 1, 0)[student_number % 5]


class Progress:
    """An in-place counter on stderr: rows written and rows per second, for the table and overall."""

    def __init__(self, stream=None, enabled: bool = True):
        self.stream = stream or sys.stderr
        self.enabled = enabled
        self.started = time.monotonic()
        self.total = 0
        self.label = ""
        self.table_rows = 0
        self.last_shown = 0.0

    def start(self, label: str):
        self.label, self.table_rows = label, 0

    def add(self, n: int):
        self.total += n
        self.table_rows += n
        now = time.monotonic()
        if now - self.last_shown >= 0.25:
            self.show(now)

    def show(self, now: float | None = None, end: str = ""):
        if not self.enabled:
            return
        now = now or time.monotonic()
        self.last_shown = now
        rate = self.total / max(now - self.started, 1e-9)
        total, per_second = pgettext("load data progress", "total"), _("rows/s")
        self.stream.write(
            f"\r{self.label[:34]:<34} {self.table_rows:>11,} | {total} {self.total:>11,} | "
            f"{rate:>9,.0f} {per_second}   {end}"
        )
        self.stream.flush()

    def finish(self):
        self.show(end="\n")

    @property
    def elapsed(self) -> float:
        return time.monotonic() - self.started


class _Chunks(io.TextIOBase):
    """A file whose read() returns CSV lines made from a row iterator, batch by batch, for COPY FROM STDIN.

    Each row becomes a line through one %-template (text columns quoted, NULL spelt None): ten times faster than
    the csv module, which was the bottleneck. The generated texts never contain a double quote.
    """

    def __init__(self, rows, template: str, progress: Progress):
        self.rows = iter(rows)
        self.template = template
        self.progress = progress

    def readable(self):
        return True

    def read(self, size=-1):
        template = self.template
        batch = [template % row for row in islice(self.rows, BATCH)]
        self.progress.add(len(batch))
        return "".join(batch)


class Writer:
    """Writes rows of (column values in `columns` order) into a model's table."""

    def __init__(self, progress: Progress, *, rebuild_indexes: bool = True):
        self.progress = progress
        self.postgres = connection.vendor == "postgresql"
        self.rebuild_indexes = rebuild_indexes and self.postgres

    def write(self, model, columns: list[str], rows, label: str | None = None, big: bool = False):
        self.progress.start(label or model._meta.verbose_name_plural)
        if self.postgres:
            if big and self.rebuild_indexes:
                with _secondary_indexes_rebuilt(model._meta.db_table):
                    self._copy(model, columns, rows)
            else:
                self._copy(model, columns, rows)
        else:
            self._bulk_create(model, columns, rows)
        self.progress.show()

    def _copy(self, model, columns, rows):
        fields = {f.column: f for f in model._meta.concrete_fields}
        text = (models.CharField, models.TextField)
        template = ",".join('"%s"' if isinstance(fields[c], text) else "%s" for c in columns) + "\n"
        sql = f"COPY {model._meta.db_table} ({', '.join(columns)}) FROM STDIN WITH (FORMAT csv, NULL 'None')"
        chunks = _Chunks(rows, template, self.progress)
        with connection.cursor() as cursor:
            raw = cursor.cursor
            if hasattr(raw, "copy_expert"):  # psycopg2
                raw.copy_expert(sql, chunks, size=1 << 16)
            else:  # psycopg 3
                with raw.copy(sql) as copy:
                    while data := chunks.read():
                        copy.write(data)

    def _bulk_create(self, model, columns, rows):
        rows = iter(rows)
        attnames = {f.column: f.attname for f in model._meta.concrete_fields}
        names = [attnames[c] for c in columns]
        while batch := list(islice(rows, BATCH)):
            model.objects.bulk_create([model(**dict(zip(names, row))) for row in batch], batch_size=BATCH)
            self.progress.add(len(batch))


@contextmanager
def _secondary_indexes_rebuilt(table: str):
    """Drop a table's indexes (all but the primary key) and build them again after the block.

    Maintaining seven indexes row by row made COPY of the bookings 10 times slower than COPY into a bare table
    followed by building each index in one sorted pass (what pg_restore does). The drop holds the table's lock until
    the transaction ends: run this on a benchmark database, not beside users.
    """
    with connection.cursor() as cursor:
        cursor.execute(
            """
            SELECT ic.relname, pg_get_indexdef(ix.indexrelid), con.conname, pg_get_constraintdef(con.oid)
            FROM pg_index ix
            JOIN pg_class ic ON ic.oid = ix.indexrelid
            LEFT JOIN pg_constraint con ON con.conindid = ix.indexrelid AND con.conrelid = ix.indrelid
            WHERE ix.indrelid = %s::regclass AND NOT ix.indisprimary
            """,
            [table],
        )
        indexes = cursor.fetchall()
        for index, _definition, constraint, _constraint_definition in indexes:
            if constraint:
                cursor.execute(f'ALTER TABLE {table} DROP CONSTRAINT "{constraint}"')
            else:
                cursor.execute(f'DROP INDEX "{index}"')
    yield
    with connection.cursor() as cursor:
        for _index, definition, constraint, constraint_definition in indexes:
            if constraint:
                cursor.execute(f'ALTER TABLE {table} ADD CONSTRAINT "{constraint}" {constraint_definition}')
            else:
                cursor.execute(definition)


def reserve_ids(model, count: int) -> int:
    """The first of `count` consecutive ids nobody else will be given."""
    table = model._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT COALESCE(MAX(id), 0) FROM {table}")
        first = cursor.fetchone()[0] + 1
        if connection.vendor == "postgresql" and count:
            cursor.execute("SELECT pg_get_serial_sequence(%s, 'id')", [table])
            sequence = cursor.fetchone()[0]
            cursor.execute("SELECT nextval(%s)", [sequence])
            first = max(first, cursor.fetchone()[0])
            cursor.execute("SELECT setval(%s, %s)", [sequence, first + count - 1])
    return first


class LoadGenerator:
    def __init__(self, *, students: int, regions: int, password: str, progress: Progress, rebuild_indexes: bool):
        self.progress = progress
        self.writer = Writer(progress, rebuild_indexes=rebuild_indexes)
        self.password_hash = make_password(password)  # once: PBKDF2 for two million users would take days
        self.now = timezone.now()
        self.stamp = self.now.isoformat()
        self.tz = timezone.get_current_timezone()
        self.names = [person(i, female=i % 2 == 0) for i in range(997)]
        self.adult_names = [person(i, female=i % 2 == 0, adult=True) for i in range(499)]
        per, extra = divmod(students, regions)
        self.plans: list[RegionPlan] = []
        first = 1
        for number in range(1, regions + 1):
            count = per + (1 if number <= extra else 0)
            self.plans.append(RegionPlan(number=number, students=count, first_student=first))
            first += count

    # --- helpers ------------------------------------------------------------------------------------------------

    def user_row(self, uid: int, email: str, names: tuple[str, str, str]):
        last, first, middle = names
        # id, password, last_login, is_superuser, first_name, last_name, is_staff, is_active, date_joined, email,
        # middle_name, phone
        return (uid, self.password_hash, None, False, first, last, False, True, self.stamp, email, middle, "")

    USER_COLUMNS = ["id", "password", "last_login", "is_superuser", "first_name", "last_name", "is_staff", "is_active",
                    "date_joined", "email", "middle_name", "phone"]

    def block(self, model, key: str, per_region) -> None:
        """Reserve ids of `model` for every region; per_region(plan) is how many the region needs."""
        counts = [per_region(plan) for plan in self.plans]
        first = reserve_ids(model, sum(counts))
        for plan, count in zip(self.plans, counts):
            plan.ids[key] = first
            first += count

    def event_times(self, plan: RegionPlan, e: int) -> tuple[dt.datetime, dt.datetime, str]:
        day = timezone.localdate(self.now) + dt.timedelta(days=(e * 7 + plan.number) % 150 - 30)
        if e < plan.offline_events:
            start, minutes, mode = dt.time(10), 120, "offline"
        else:
            start, minutes, mode = (dt.time(14) if (e - plan.offline_events) % 2 == 0 else dt.time(16)), 90, "online"
        starts_at = dt.datetime.combine(day, start, self.tz)
        return starts_at, starts_at + dt.timedelta(minutes=minutes), mode

    # --- the run ------------------------------------------------------------------------------------------------

    def run(self) -> dict[str, int]:
        # The portal's current campaign; the demo's 2026 one when there is none yet.
        self.campaign = Campaign.objects.filter(is_active=True).first() or ensure_campaign()
        self.competencies = [c.pk for c in ensure_competencies()]
        self.nosologies = list(Nosology.objects.order_by("pk").values_list("pk", flat=True))
        self.reserve()
        written = {}
        for model, method in [
            (Region, self.regions), (Municipality, self.municipalities), (School, self.schools), (User, self.users),
            (Coordinator, self.coordinators), (Navigator, self.navigators), (Student, self.students),
            (Guardian, self.guardians), (Guardianship, self.guardianships), (Consent, self.consents),
            (DiagnosticResult, self.diagnostics),
            (Venue, self.venues), (VenueCampaign, self.venue_campaigns), (VenueStaff, self.venue_staff),
            (Mentor, self.mentors), (Event, self.events), (Booking, self.bookings),
        ]:
            label = str(model._meta.verbose_name_plural)
            before = self.progress.total
            method(label)
            written[label] = self.progress.total - before
        self.progress.finish()
        return written

    def reserve(self):
        self.block(Region, "region", lambda p: 1)
        self.block(Municipality, "municipality", lambda p: p.municipalities)
        self.block(School, "school", lambda p: p.schools)
        self.block(Navigator, "navigator", lambda p: p.navigators)
        self.block(Student, "student", lambda p: p.students)
        self.block(Guardian, "guardian", lambda p: p.students)
        self.block(Venue, "venue", lambda p: p.venues)
        self.block(Mentor, "mentor", lambda p: p.venues * MENTORS_PER_VENUE)
        self.block(Event, "event", lambda p: p.events)
        # Users: the region's students, guardians, navigators, venue staff, mentors and its coordinator, in that order.
        self.block(User, "user", lambda p: 2 * p.students + p.navigators + p.venues * (1 + MENTORS_PER_VENUE) + 1)

    def user_ids(self, plan: RegionPlan) -> dict[str, int]:
        first = plan.ids["user"]
        return {
            "student": first,
            "guardian": first + plan.students,
            "navigator": first + 2 * plan.students,
            "venue": first + 2 * plan.students + plan.navigators,
            "mentor": first + 2 * plan.students + plan.navigators + plan.venues,
            "coordinator": first + 2 * plan.students + plan.navigators + plan.venues * (1 + MENTORS_PER_VENUE),
        }

    def regions(self, label):
        rows = [(p.ids["region"], f"{REGION_PREFIX}{p.number:02d}", f"Нагрузочный регион {p.number:02d}")
                for p in self.plans]
        self.writer.write(Region, ["id", "code", "name"], rows, label)
        RegionTarget.objects.bulk_create([
            RegionTarget(campaign=self.campaign, region_id=p.ids["region"], navigators=max(75, p.navigators),
                         students=max(4500, p.students), diagnostics=max(4500, p.students), trials=865)
            for p in self.plans
        ])

    def municipalities(self, label):
        def rows():
            for p in self.plans:
                for m in range(p.municipalities):
                    yield (p.ids["municipality"] + m, p.ids["region"], f"Муниципальный район {p.number:02d}-{m + 1:03d}",
                           "", "", "")
        self.writer.write(Municipality, ["id", "region_id", "name", "responsible_name", "responsible_email",
                                         "responsible_phone"], rows(), label)

    def municipality_of_school(self, p: RegionPlan, j: int) -> int:
        return p.ids["municipality"] + j * p.municipalities // p.schools

    def schools(self, label):
        def rows():
            for p in self.plans:
                for j in range(p.schools):
                    short = f"Школа № {j + 1}"
                    yield (p.ids["school"] + j, p.ids["region"], self.municipality_of_school(p, j),
                           f"Муниципальное бюджетное общеобразовательное учреждение «Средняя школа № {j + 1}»", short,
                           "", f"Нагрузочный регион {p.number:02d}, ул. Школьная, д. {j + 1}", "", "", "")
        self.writer.write(School, ["id", "region_id", "municipality_id", "name", "short_name", "inn", "address",
                                   "director_name", "email", "phone"], rows(), label)

    def users(self, label):
        names, adults = self.names, self.adult_names

        def rows():
            row = self.user_row
            for p in self.plans:
                u = self.user_ids(p)
                for k in range(p.students):
                    i = p.first_student + k
                    yield row(u["student"] + k, f"student{i}@{LOAD_DOMAIN}", names[i % 997])
                for k in range(p.students):
                    i = p.first_student + k
                    yield row(u["guardian"] + k, f"guardian{i}@{LOAD_DOMAIN}", adults[i % 499])
                for n in range(p.navigators):
                    yield row(u["navigator"] + n, f"navigator{p.number:02d}-{n + 1}@{LOAD_DOMAIN}", adults[n % 499])
                for v in range(p.venues):
                    yield row(u["venue"] + v, f"venue{p.number:02d}-{v + 1}@{LOAD_DOMAIN}", adults[(v + 7) % 499])
                for m in range(p.venues * MENTORS_PER_VENUE):
                    yield row(u["mentor"] + m, f"mentor{p.number:02d}-{m + 1}@{LOAD_DOMAIN}", adults[(m + 3) % 499])
                yield row(u["coordinator"], f"coordinator{p.number:02d}@{LOAD_DOMAIN}", adults[p.number % 499])
        self.writer.write(User, self.USER_COLUMNS, rows(), label, big=True)

    def coordinators(self, label):
        rows = [(self.user_ids(p)["coordinator"], p.ids["region"], "Региональный центр «Билет в будущее»",
                 "региональный координатор", self.stamp) for p in self.plans]
        self.writer.write(Coordinator, ["user_id", "region_id", "organisation", "position", "approved_at"], rows, label)

    def navigator_of_school(self, p: RegionPlan) -> list[int | None]:
        """The navigator who registers each school's students (schools without one have none)."""
        result: list[int | None] = [None] * p.schools
        for n in range(p.navigators):
            j = n * p.schools // p.navigators
            if result[j] is None:
                result[j] = p.ids["navigator"] + n
        return result

    def navigators(self, label):
        def rows():
            for p in self.plans:
                u = self.user_ids(p)["navigator"]
                for n in range(p.navigators):
                    yield (p.ids["navigator"] + n, u + n, n * p.schools // p.navigators + p.ids["school"],
                           p.ids["region"], "учитель", None, self.stamp)
        self.writer.write(Navigator, ["id", "user_id", "school_id", "region_id", "position", "training_completed_on",
                                      "created_at"], rows(), label)

    def students(self, label):
        names, nosologies, stamp = self.names, self.nosologies, self.stamp
        # Grade and birth date depend on i modulo 84 (the grade on i % 6, the month on i % 12, the day on i % 28).
        born = [(6 + i % 6, f"{2014 - i % 6}-{1 + i % 12:02d}-{1 + i % 28:02d}") for i in range(84)]

        def rows():
            for p in self.plans:
                u = self.user_ids(p)["student"]
                navigator = self.navigator_of_school(p)
                municipality = [self.municipality_of_school(p, j) for j in range(p.schools)]
                for k in range(p.students):
                    i = p.first_student + k
                    j = p.school_of(k)
                    grade, birth_date = born[i % 84]
                    last, first, middle = names[i % 997]
                    yield (p.ids["student"] + k, u + k, p.ids["region"], municipality[j], p.ids["school"] + j, last,
                           first, middle, birth_date, grade, "АБВ"[i % 3],
                           nosologies[i % len(nosologies)] if i % 50 == 7 else None, navigator[j], stamp, None)
        self.writer.write(Student, ["id", "user_id", "region_id", "municipality_id", "school_id", "last_name",
                                    "first_name", "middle_name", "birth_date", "grade", "class_letter", "nosology_id",
                                    "registered_by_id", "created_at", "anonymised_at"], rows(), label, big=True)

    def guardians(self, label):
        def rows():
            for p in self.plans:
                u = self.user_ids(p)["guardian"]
                for k in range(p.students):
                    yield p.ids["guardian"] + k, u + k
        self.writer.write(Guardian, ["id", "user_id"], rows(), label, big=True)

    def guardianships(self, label):
        def rows():
            for p in self.plans:
                for k in range(p.students):
                    yield p.ids["guardian"] + k, p.ids["student"] + k, "mother" if k % 3 else "father"
        self.writer.write(Guardianship, ["guardian_id", "student_id", "relation"], rows(), label, big=True)

    def consents(self, label):
        adults = self.adult_names

        def rows():
            for p in self.plans:
                for k in range(p.students):
                    i = p.first_student + k
                    if has_consent(i):
                        last, first, middle = adults[i % 499]
                        yield (p.ids["student"] + k, p.ids["guardian"] + k, f"{last} {first} {middle}", self.stamp,
                               "electronic", "2026-09-15" if i % 2 else None, None, None, None)
        self.writer.write(Consent, ["student_id", "guardian_id", "given_by_name", "given_at", "method",
                                    "paper_received_on", "paper_received_by_id", "withdrawn_at", "withdrawn_by_id"],
                          rows(), label, big=True)

    def diagnostics(self, label):
        results = ["Склонность к профессиям типа «человек — техника»", "Склонность к профессиям типа «человек — человек»",
                   "Склонность к профессиям типа «человек — знак»"]

        def rows():
            for p in self.plans:
                for k in range(p.students):
                    i = p.first_student + k
                    for stage in range(1, diagnostic_stages(i) + 1):
                        yield p.ids["student"] + k, stage, self.stamp, results[(i + stage) % 3], [], []
        # Results without a version (as if imported): no scores or spheres, the JSON columns are NOT NULL.
        self.writer.write(DiagnosticResult, ["student_id", "stage", "completed_at", "result", "scores", "spheres"],
                          rows(), label, big=True)

    def venues(self, label):
        def rows():
            for p in self.plans:
                for v in range(p.venues):
                    yield (p.ids["venue"] + v, p.ids["region"], p.ids["municipality"] + v % p.municipalities,
                           f"Государственное профессиональное образовательное учреждение «Колледж № {v + 1}»",
                           f"Колледж № {v + 1}", f"{p.number:02d}{v + 1:08d}",
                           f"Нагрузочный регион {p.number:02d}, ул. Профессиональная, д. {v + 1}",
                           f"Л{p.number:02d}-{v + 1:05d}", None, "", "", "", "", True)
        self.writer.write(Venue, ["id", "region_id", "municipality_id", "name", "short_name", "inn", "address",
                                  "licence_number", "licence_issued_on", "accessibility_notes", "contact_name",
                                  "email", "phone", "is_active"], rows(), label)

    def venue_campaigns(self, label):
        def rows():
            for p in self.plans:
                for v in range(p.venues):
                    yield (p.ids["venue"] + v, self.campaign.pk, None, self.stamp, f"БВБ-{p.number:02d}-{v + 1}",
                           "signed", "2026-04-20", "2026-04-20", until)
        until = (timezone.localdate() + dt.timedelta(days=365)).isoformat()  # in force a year ahead at least
        self.writer.write(VenueCampaign, ["venue_id", "campaign_id", "assigned_by_id", "assigned_at",
                                          "contract_number", "contract_status", "contract_signed_on",
                                          "contract_valid_from", "contract_valid_until"], rows(), label)

    def venue_staff(self, label):
        def rows():
            for p in self.plans:
                u = self.user_ids(p)["venue"]
                for v in range(p.venues):
                    yield u + v, p.ids["venue"] + v, "ответственный за проект"
        self.writer.write(VenueStaff, ["user_id", "venue_id", "position"], rows(), label)

    def mentors(self, label):
        adults, competencies = self.adult_names, self.competencies

        def rows():
            for p in self.plans:
                u = self.user_ids(p)["mentor"]
                for m in range(p.venues * MENTORS_PER_VENUE):
                    last, first, middle = adults[(m + 3) % 499]
                    yield (p.ids["mentor"] + m, u + m, p.ids["region"], last, first, middle, "ООО «Предприятие»",
                           "мастер производственного обучения", "", "")

        def competency_rows():
            for p in self.plans:
                for m in range(p.venues * MENTORS_PER_VENUE):
                    for c in (m, m + 1):
                        yield p.ids["mentor"] + m, competencies[c % len(competencies)]

        def venue_rows():
            for p in self.plans:
                for m in range(p.venues * MENTORS_PER_VENUE):
                    yield p.ids["mentor"] + m, p.ids["venue"] + m // MENTORS_PER_VENUE
        self.writer.write(Mentor, ["id", "user_id", "region_id", "last_name", "first_name", "middle_name",
                                   "organisation", "position", "email", "phone"], rows(), label)
        self.writer.write(Mentor.competencies.through, ["mentor_id", "competency_id"], competency_rows(), label)
        self.writer.write(Mentor.venues.through, ["mentor_id", "venue_id"], venue_rows(), label)

    def seats(self, p: RegionPlan) -> list[int]:
        taken = [0] * p.events
        for k in range(p.students):
            if has_consent(p.first_student + k):
                for e in p.bookings_of(k):
                    taken[e] += 1
        return taken

    def events(self, label):
        competencies, campaign = self.competencies, self.campaign.pk
        self.past: dict[int, list[bool]] = {}

        def rows():
            for p in self.plans:
                taken = self.seats(p)
                past = self.past[p.number] = []
                for e in range(p.events):
                    starts_at, ends_at, mode = self.event_times(p, e)
                    past.append(starts_at < self.now)
                    v = e % p.venues
                    # One event in ten is full; the others keep a few seats.
                    capacity = max(taken[e], 1) + (0 if e % 10 == 0 else 3 + e % 17)
                    online = mode == "online"
                    yield (p.ids["event"] + e, p.ids["venue"] + v, p.ids["region"], campaign,
                           competencies[e % len(competencies)], f"Профессиональная проба № {e + 1}", "",
                           "introductory" if e % 3 else "engaged", mode,
                           "" if online else f"Нагрузочный регион {p.number:02d}, ул. Профессиональная, д. {v + 1}",
                           f"https://online.{LOAD_DOMAIN}/{p.number}/{e}" if online else "",
                           starts_at, ends_at, capacity, taken[e], 6, 11, "published", "", None, self.stamp,
                           self.stamp, self.stamp, ends_at if past[-1] else None)

        def mentor_rows():
            for p in self.plans:
                for e in range(p.events):
                    yield p.ids["event"] + e, p.ids["mentor"] + (e % p.venues) * MENTORS_PER_VENUE + e % 2
        self.writer.write(Event, ["id", "venue_id", "region_id", "campaign_id", "competency_id", "title",
                                  "description", "level", "mode", "address", "online_url", "starts_at", "ends_at",
                                  "capacity", "seats_taken", "grade_min", "grade_max", "status",
                                  "coordinator_comment", "created_by_id", "created_at", "submitted_at", "published_at",
                                  "attendance_marked_at"], rows(), label, big=True)
        self.writer.write(Event.mentors.through, ["event_id", "mentor_id"], mentor_rows(), label, big=True)

    def bookings(self, label):
        def rows():
            stamp = self.stamp
            for p in self.plans:
                past = self.past[p.number]
                u = self.user_ids(p)["student"]
                for k in range(p.students):
                    i = p.first_student + k
                    if not has_consent(i):
                        continue
                    for e in p.bookings_of(k):
                        status = ("no_show" if k % 7 == 3 else "attended") if past[e] else "confirmed"
                        yield p.ids["event"] + e, p.ids["student"] + k, status, u + k, stamp, None
        self.writer.write(Booking, ["event_id", "student_id", "status", "booked_by_id", "created_at", "cancelled_at"],
                          rows(), label, big=True)


def _is_superuser() -> bool:
    with connection.cursor() as cursor:
        cursor.execute("SELECT rolsuper FROM pg_roles WHERE rolname = current_user")
        row = cursor.fetchone()
    return bool(row and row[0])


def generate(*, students: int, regions: int = 89, password: str = DEFAULT_PASSWORD, progress: Progress | None = None,
             rebuild_indexes: bool = True) -> dict[str, int]:
    """Write the load data; refuses when some exists (`delete_load_data` first).

    rebuild_indexes (PostgreSQL): drop the big tables' secondary indexes for the COPY and build them afterwards.
    """
    if students < regions:
        raise LoadDataError(_("There must be at least as many students as regions."))
    if not 1 <= regions <= 99:
        raise LoadDataError(_("The number of regions must be between 1 and 99."))
    progress = progress or Progress()
    with transaction.atomic():
        if load_data_exists():
            raise LoadDataError(_("Load data already exists. Run the command with --reset to replace it."))
        if connection.vendor == "postgresql" and _is_superuser():
            # The rows are consistent by construction: skip the per-row foreign key triggers, as pg_restore
            # --disable-triggers does (unique and check constraints still hold).
            with connection.cursor() as cursor:
                cursor.execute("SET LOCAL session_replication_role = replica")
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SET LOCAL maintenance_work_mem = '256MB'")
                # Foreign keys are checked per statement: a table with checks still pending cannot have its
                # indexes dropped and rebuilt.
                cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        written = LoadGenerator(students=students, regions=regions, password=password, progress=progress,
                                rebuild_indexes=rebuild_indexes).run()
    vacuum_analyze()
    return written


def vacuum_analyze():
    """Statistics for the planner and (outside a transaction) the visibility map, which lets the lists' counts run as
    index-only scans, and the space of deleted load data back: what autovacuum would do some minutes later."""
    if connection.vendor != "postgresql":
        return
    command = "ANALYZE" if connection.in_atomic_block else "VACUUM (ANALYZE)"
    tables = [model._meta.db_table for model in (User, Region, Municipality, School, Navigator, Student, Guardian,
                                                 Guardianship, Consent, DiagnosticResult, Venue, Mentor, Event,
                                                 Booking)]
    with connection.cursor() as cursor:
        cursor.execute(f"{command} {', '.join(tables)}")


# The tables of load data, children first, each with the condition that picks its load rows.
# (Executed without parameters: "%" is LIKE's wildcard here, not a placeholder.)
_LOAD_USERS = f"SELECT id FROM bilet_user WHERE email LIKE '%@{LOAD_DOMAIN}'"
_LOAD_REGIONS = f"SELECT id FROM regions_region WHERE code LIKE '{REGION_PREFIX}%'"


def _delete_plan():
    region = f"region_id IN ({_LOAD_REGIONS})"
    students = f"student_id IN (SELECT id FROM participants_student WHERE {region})"
    events = f"event_id IN (SELECT id FROM venues_event WHERE {region})"
    mentors = f"mentor_id IN (SELECT id FROM venues_mentor WHERE {region})"
    venues = f"venue_id IN (SELECT id FROM venues_venue WHERE {region})"
    return [
        (Recommendation, f"booking_id IN (SELECT id FROM venues_booking WHERE {events} OR {students})"),
        (Booking, f"{events} OR {students}"),
        (Event.mentors.through, events), (Event.accessible_for.through, events), (Event, region),
        (Mentor.competencies.through, mentors), (Mentor.venues.through, mentors), (Mentor, region),
        (VenueStaff, venues), (VenueCampaign, venues), (Venue.accessible_for.through, venues), (Venue, region),
        (Consent, students), (Guardianship, students), (DiagnosticResult, students),
        (Guardian, f"user_id IN ({_LOAD_USERS})"), (Student, region), (Navigator, region), (Coordinator, region),
        (Region.curators.through, region), (RegionTarget, region), (School, region), (Municipality, region),
    ]


def delete_load_data(progress: Progress | None = None) -> int:
    """Remove every row of load data (and what other apps attached to it); returns the number of rows removed.

    On PostgreSQL (as a superuser) the per-row foreign key triggers are skipped, as for the load itself: the rows that
    point at load data are found here, from the models' relations, and removed or unlinked as their `on_delete` says.
    """
    removed = 0
    progress = progress or Progress()
    plan = _delete_plan() + [
        (Region, f"code LIKE '{REGION_PREFIX}%'"), (User, f"email LIKE '%@{LOAD_DOMAIN}'"),
    ]
    planned = {model._meta.db_table for model, _condition in plan}
    with transaction.atomic(), connection.cursor() as cursor:
        if connection.vendor == "postgresql" and _is_superuser():
            cursor.execute("SET LOCAL session_replication_role = replica")
        for model, condition in plan:
            table = model._meta.db_table
            progress.start(str(model._meta.verbose_name_plural))
            for relation in model._meta.get_fields(include_hidden=True):
                if not (relation.is_relation and relation.auto_created and not relation.concrete):
                    continue
                if relation.many_to_many or relation.related_model._meta.db_table in planned:
                    continue
                _detach(cursor, relation, f"SELECT id FROM {table} WHERE {condition}")
            cursor.execute(f"DELETE FROM {table} WHERE {condition}")
            removed += max(cursor.rowcount, 0)
            progress.add(max(cursor.rowcount, 0))
    vacuum_analyze()
    progress.finish()
    return removed


def _detach(cursor, relation, ids_sql: str):
    """Apply `relation`'s on_delete to the rows of another app that point at the rows `ids_sql` selects."""
    table, column = relation.related_model._meta.db_table, relation.field.column
    if relation.on_delete is models.PROTECT:
        cursor.execute(f"SELECT COUNT(*) FROM {table} WHERE {column} IN ({ids_sql})")
        if cursor.fetchone()[0]:
            raise LoadDataError(
                _("Load data is referenced by “%(table)s”, which must be kept; nothing was removed.")
                % {"table": relation.related_model._meta.verbose_name_plural}
            )
    elif relation.on_delete is models.SET_NULL:
        cursor.execute(f"UPDATE {table} SET {column} = NULL WHERE {column} IN ({ids_sql})")
    else:
        cursor.execute(f"DELETE FROM {table} WHERE {column} IN ({ids_sql})")
