"""`generate`: the ids of every table reserved up front, then the tables written in order, all in one transaction."""

from __future__ import annotations

from django.contrib.auth.hashers import make_password
from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from bilet.models import User
from participants.models import Consent, DiagnosticResult, Guardian, Guardianship, Navigator, Student
from regions.models import Campaign, Coordinator, Municipality, Nosology, Region, School
from venues.models import Booking, Event, Mentor, Venue, VenueCampaign, VenueStaff

from ..reference_data import ensure_campaign, ensure_competencies, person
from .database import Writer, is_superuser, reserve_ids, vacuum_analyze
from .people import PeopleRows
from .progress import Progress
from .shape import DEFAULT_PASSWORD, MENTORS_PER_VENUE, LoadDataError, RegionPlan, load_data_exists
from .venues import VenueRows


class LoadGenerator(PeopleRows, VenueRows):
    """The run: the per-region plans, the shared values (names, the password's hash, the moment) and the reserved ids
    (`block`, `user_ids`); the methods of `PeopleRows` and `VenueRows` write one table each from them."""

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

    def block(self, model, key: str, per_region) -> None:
        """Reserve ids of `model` for every region; per_region(plan) is how many the region needs."""
        counts = [per_region(plan) for plan in self.plans]
        first = reserve_ids(model, sum(counts))
        for plan, count in zip(self.plans, counts):
            plan.ids[key] = first
            first += count

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
        if connection.vendor == "postgresql" and is_superuser():
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
