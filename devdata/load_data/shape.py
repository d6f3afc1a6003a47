"""The planning shape of SPEC §5 per region, and the marks that tell load data from the portal's own."""

from __future__ import annotations

import math
from dataclasses import dataclass, field

from bilet.models import User
from regions.models import Region

LOAD_DOMAIN = "load.example"
REGION_PREFIX = "L"
DEFAULT_PASSWORD = "load-pass-2026"

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
