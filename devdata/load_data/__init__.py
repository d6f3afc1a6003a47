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

- `shape.py` — the shape: counts per region, who holds a consent, how load data is recognised;
- `generator.py` — `generate`: reserves the ids and writes the tables in order; `people.py` and `venues.py` make
  their rows; `database.py` — COPY or bulk_create, the indexes, the reserved ids; `progress.py` — the counter;
- `removal.py` — `delete_load_data`.
"""

from .database import CopyChunks, vacuum_analyze
from .generator import generate
from .progress import Progress
from .removal import delete_load_data
from .shape import DEFAULT_PASSWORD, LOAD_DOMAIN, REGION_PREFIX, LoadDataError, load_data_exists

__all__ = [
    "DEFAULT_PASSWORD",
    "LOAD_DOMAIN",
    "REGION_PREFIX",
    "LoadDataError",
    "Progress",
    "CopyChunks",  # benchmarks/load_data.py measures COPY's own speed with it
    "delete_load_data",
    "generate",
    "load_data_exists",
    "vacuum_analyze",
]
