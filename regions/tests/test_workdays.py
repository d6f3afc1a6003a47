"""Working days from the published Russian production calendars of 2025–2027 (the government's decrees on transfers)."""

import datetime as dt

import pytest

from regions.workdays import add_working_days, is_working_day, previous_working_day

D = dt.date


@pytest.mark.parametrize(
    "day,working",
    [
        (D(2025, 5, 2), False),  # moved from Sat 4 Jan 2025
        (D(2025, 5, 8), False),  # moved from Sun 23 Feb 2025
        (D(2025, 11, 1), True),  # a working Saturday
        (D(2025, 11, 3), False),  # moved from Sat 1 Nov 2025
        (D(2025, 12, 31), False),  # moved from Sun 5 Jan 2025
        (D(2026, 1, 9), False),  # moved from Sat 3 Jan 2026
        (D(2026, 1, 12), True),  # the first working day of 2026
        (D(2026, 3, 9), False),  # 8 March fell on a Sunday
        (D(2026, 5, 11), False),  # 9 May fell on a Saturday
        (D(2026, 12, 31), False),  # moved from Sun 4 Jan 2026
        (D(2027, 2, 20), True),  # a working Saturday
        (D(2027, 2, 22), False),  # moved from Sat 20 Feb 2027
        (D(2027, 2, 23), False),  # Defender of the Fatherland Day
        (D(2027, 12, 31), False),  # moved from Sun 3 Jan 2027
        (D(2026, 12, 7), True),  # an ordinary Monday
        (D(2026, 12, 6), False),  # an ordinary Sunday
    ],
)
def test_is_working_day(day, working):
    assert is_working_day(day) is working


@pytest.mark.parametrize(
    "start,n,expected",
    [
        (D(2025, 12, 29), 5, D(2026, 1, 15)),  # across the New Year holidays and 9 January
        (D(2025, 12, 30), 2, D(2026, 1, 13)),  # 31 December 2025 is a day off too: 12, then 13 January
        (D(2025, 10, 30), 2, D(2025, 11, 1)),  # Fri 31 Oct, then the working Saturday
        (D(2025, 10, 31), 2, D(2025, 11, 5)),  # Sat 1 Nov, then 3 and 4 November off
        (D(2026, 12, 29), 2, D(2027, 1, 11)),  # Wed 30 Dec, then 31 Dec–10 Jan off
        (D(2027, 2, 18), 2, D(2027, 2, 20)),  # Fri 19, Sat 20 (working)
        (D(2027, 2, 19), 2, D(2027, 2, 24)),  # Sat 20, then 21–23 off
        (D(2026, 3, 6), 1, D(2026, 3, 10)),  # the weekend and Monday 9 March
        (D(2026, 12, 4), 2, D(2026, 12, 8)),  # an ordinary weekend
        (D(2026, 12, 5), 2, D(2026, 12, 8)),  # from a Saturday: Monday is the first
    ],
)
def test_add_working_days(start, n, expected):
    assert add_working_days(start, n) == expected


def test_previous_working_day_skips_holidays():
    assert previous_working_day(D(2026, 1, 12)) == D(2025, 12, 30)
    assert previous_working_day(D(2025, 11, 5)) == D(2025, 11, 1)


def test_add_working_days_needs_a_positive_count():
    with pytest.raises(ValueError):
        add_working_days(D(2026, 1, 12), 0)
