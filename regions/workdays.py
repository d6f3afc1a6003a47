"""Russian working days (SPEC §3 "Deadlines", seed 000 §6.1): the production calendar with the government's transfers.

`holidays.RU` models the decreed transfers (a working Saturday such as 1 Nov 2025 counts as a working day; 9 Jan 2026
is a day off), so nothing here lists a holiday by hand. A year the package has no decree for yet has no transfers:
keep `holidays` current in requirements.txt.
"""

import datetime as dt
import functools

import holidays


@functools.lru_cache(maxsize=16)
def _calendar(year: int) -> holidays.HolidayBase:
    # Neighbouring years too: a count that starts in late December runs into January.
    return holidays.RU(years=range(year - 1, year + 3), language="ru")


def is_working_day(day: dt.date) -> bool:
    return _calendar(day.year).is_working_day(day)


def add_working_days(day: dt.date, n: int) -> dt.date:
    """The `n`-th working day after `day` (`n` ≥ 1); `day` itself does not count, whether it is a working day or not."""
    if n < 1:
        raise ValueError("n must be at least 1")
    return _calendar(day.year).get_nth_working_day(day, n)


def previous_working_day(day: dt.date) -> dt.date:
    """The last working day before `day`."""
    return _calendar(day.year).get_nth_working_day(day, -1)
