"""A roadmap item's period as a value: a kind, its first and last days and how often it repeats, so "past its period"
is one date comparison. It is read from the Russian the seeds write periods in, and written back the same way:

- months: «Май 2020», «Июнь-сентябрь 2020», «Сентябрь 2026 – февраль 2027», «2018 г.», «2018 г. январь», a month
  range with no year («Июнь – декабрь, ежемесячно», seed 001 1.4) takes the campaign's;
- a quarter: «I квартал 2018 г.» (seed 004 1.3);
- every year: «Ежегодно», «Ежегодно август» (seed 004 2.2) — the campaign's year, or that month of it;
- throughout the campaign: «В период реализации проекта», «В течение проекта», «По плану», and a frequency alone
  («Ежеквартально», «По запросу») — the campaign's first to last day;
- dates: «27.08.2020» (seed 001 3.1) or «01.09.2020 – 15.09.2020».
A frequency may follow any of them: «ежемесячно», «ежеквартально», «по заявкам» / «по запросу» (seed 001 1.4, 3.2).

Periods that depend on the campaign (a month with no year, every year, throughout the campaign) are resolved against
it when the item is saved. A period must touch the campaign's calendar years: «Сентябрь – декабрь 2019» in the 2020
roadmap (seed 001 4.3) is a typo to be fixed, not a plan.
"""

from __future__ import annotations

import calendar
import datetime as dt
import re
from dataclasses import dataclass

from django.db import models
from django.utils.dates import MONTHS
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from .errors import ReadError


class PeriodKind(models.TextChoices):
    MONTHS = "months", gettext_lazy("month or months")
    QUARTER = "quarter", gettext_lazy("quarter")
    ANNUAL = "annual", gettext_lazy("every year")
    CAMPAIGN = "campaign", gettext_lazy("throughout the campaign")
    DATES = "dates", gettext_lazy("date or dates")


class Recurrence(models.TextChoices):
    MONTHLY = "monthly", gettext_lazy("monthly")
    QUARTERLY = "quarterly", gettext_lazy("quarterly")
    ON_REQUEST = "on_request", gettext_lazy("on request")


# Month words in any case the seeds use («май», «мая», «мае»), read by their stems; «мар» is tried before «ма».
_MONTH = r"(?:январ|феврал|март|апрел|ма[йяею]|июн|июл|август|сентябр|октябр|ноябр|декабр)[а-я]*"
_MONTH_STEMS = ("янв", "фев", "мар", "апр", "ма", "июн", "июл", "авг", "сен", "окт", "ноя", "дек")
_YEAR = r"\d{4}"
_QUARTERS = {"i": 1, "ii": 2, "iii": 3, "iv": 4, "1": 1, "2": 2, "3": 3, "4": 4}
_ROMAN = {1: "I", 2: "II", 3: "III", 4: "IV"}

_RECURRENCES = (
    (re.compile(r"ежемесячно"), Recurrence.MONTHLY),
    (re.compile(r"ежеквартально"), Recurrence.QUARTERLY),
    (re.compile(r"по (?:заявк|запрос)[а-я]*"), Recurrence.ON_REQUEST),
)
_THROUGHOUT = re.compile(
    r"(?:в течение|в период реализации|на протяжении) (?:всего )?(?:кампании|проекта)|постоянно|по плану(?: [а-я ]+)?"
)
_DATE = r"(\d{1,2})\.(\d{1,2})\.(\d{4})"
# Matched against the text as `_normalise` leaves it: lower case, words and dashes apart by one space, no commas.
_PATTERNS = {
    "dates": re.compile(rf"{_DATE}(?: - {_DATE})?"),
    "quarter": re.compile(rf"(?:({_YEAR}) )?(iv|i{{1,3}}|[1-4])(?: - ?й| й)? квартал(?: ({_YEAR}))?"),
    "annual": re.compile(rf"ежегодно(?: (?:в )?({_MONTH}))?|в течение года"),
    "years": re.compile(rf"({_YEAR})(?: - ({_YEAR}))?"),
    "months": re.compile(rf"(?:с )?({_MONTH})(?: ({_YEAR}))?(?: (?:-|по) ({_MONTH})(?: ({_YEAR}))?)?"),
    "year_months": re.compile(rf"({_YEAR}) ({_MONTH})(?: - ({_MONTH}))?"),
}


class PeriodError(ReadError):
    """A period that cannot be read, or cannot belong to the campaign."""


@dataclass(frozen=True)
class Period:
    kind: str
    starts_on: dt.date
    ends_on: dt.date
    recurrence: str = ""

    def text(self) -> str:
        """The period as a person writes it; `parse_period` reads it back to the same value."""
        if self.kind == PeriodKind.CAMPAIGN and self.recurrence:
            return capfirst(str(Recurrence(self.recurrence).label))
        main = self._main_text()
        if self.recurrence:
            main = f"{main}, {Recurrence(self.recurrence).label}"
        return capfirst(main)

    def _main_text(self) -> str:
        start, end = self.starts_on, self.ends_on
        if self.kind == PeriodKind.CAMPAIGN:
            return _("throughout the campaign")
        if self.kind == PeriodKind.DATES:
            first = start.strftime("%d.%m.%Y")
            return first if start == end else f"{first} – {end.strftime('%d.%m.%Y')}"
        if self.kind == PeriodKind.QUARTER:
            return _("%(quarter)s quarter %(year)s") % {"quarter": _ROMAN[(start.month + 2) // 3], "year": start.year}
        if self.kind == PeriodKind.ANNUAL:
            if (start.month, end.month) == (1, 12):
                return _("every year")
            return _("every year, %(month)s") % {"month": _month_name(start.month)}
        if (start.month, end.month) == (1, 12):
            if start.year == end.year:
                return _("%(year)s year") % {"year": start.year}
            return _("%(first)s – %(last)s years") % {"first": start.year, "last": end.year}
        if (start.year, start.month) == (end.year, end.month):
            return f"{_month_name(start.month)} {start.year}"
        if start.year == end.year:
            return f"{_month_name(start.month)} – {_month_name(end.month)} {end.year}"
        return f"{_month_name(start.month)} {start.year} – {_month_name(end.month)} {end.year}"


def parse_period(text: str, *, campaign) -> Period | None:
    """The period `text` names within `campaign` (anything with `year`, `starts_on` and `ends_on`); None for an empty
    text (a section's heading has no period). A text it cannot read raises PeriodError."""
    original = " ".join(str(text or "").split())
    normal = _normalise(original)
    if not normal:
        return None
    normal, recurrence = _take_recurrence(normal, original, campaign)
    if not normal or _THROUGHOUT.fullmatch(normal):  # not normal: a frequency alone («Ежеквартально»)
        period = Period(PeriodKind.CAMPAIGN, campaign.starts_on, campaign.ends_on, recurrence)
        return _checked(period, original, campaign)
    for name, pattern in _PATTERNS.items():
        match = pattern.fullmatch(normal)
        if match:
            kind, start, end = _READERS[name](match, campaign, original)
            return _checked(Period(kind, start, end, recurrence), original, campaign)
    raise PeriodError(_unreadable(original, campaign))


def _normalise(text: str) -> str:
    text = text.lower().replace("ё", "е")
    text = re.sub(r"[‐‑‒–—−]", "-", text)
    text = re.sub(r"(\d{4}) ?(?:гг?\.?|годы|годов|года|год)(?=[\s,;()-]|$)", r"\1", text)
    tokens = re.sub(r"([-,;()])", r" \1 ", text).split()
    return " ".join(t for t in tokens if t not in {",", ";", "(", ")"}).strip(" .-")


def _take_recurrence(normal: str, original: str, campaign) -> tuple[str, str]:
    """The text without its frequency («Июнь - декабрь ежемесячно» → «июнь - декабрь»), and the frequency."""
    found = ""
    for pattern, recurrence in _RECURRENCES:
        if pattern.search(normal):
            if found:
                raise PeriodError(_unreadable(original, campaign))
            found = recurrence
            normal = " ".join(pattern.sub(" ", normal).split()).strip(" .-")
    return normal, found


def _month(word: str) -> int:
    return next(i for i, stem in enumerate(_MONTH_STEMS, start=1) if word.startswith(stem))


def _month_name(month: int) -> str:
    return str(MONTHS[month]).lower()


def _last_day(year: int, month: int) -> dt.date:
    return dt.date(year, month, calendar.monthrange(year, month)[1])


def _year_of(month: int, campaign) -> int:
    """The year of a month named without one: the year in which that month falls within the campaign's dates, and
    the campaign's own year when it falls outside them (preparation before the campaign opens)."""
    for year in range(campaign.starts_on.year, campaign.ends_on.year + 1):
        if dt.date(year, month, 1) <= campaign.ends_on and _last_day(year, month) >= campaign.starts_on:
            return year
    return campaign.year


def _read_dates(match, campaign, original):
    try:
        start = dt.date(int(match[3]), int(match[2]), int(match[1]))
        end = dt.date(int(match[6]), int(match[5]), int(match[4])) if match[4] else start
    except ValueError:
        raise PeriodError(_("There is no such date: «%(text)s».") % {"text": original}) from None
    return PeriodKind.DATES, start, end


def _read_quarter(match, campaign, original):
    if match[1] and match[3]:
        raise PeriodError(_unreadable(original, campaign))
    quarter = _QUARTERS[match[2]]
    year = int(match[1] or match[3] or campaign.year)
    first = 3 * quarter - 2
    return PeriodKind.QUARTER, dt.date(year, first, 1), _last_day(year, first + 2)


def _read_annual(match, campaign, original):
    if match.lastindex and match[1]:
        month = _month(match[1])
        year = _year_of(month, campaign)
        return PeriodKind.ANNUAL, dt.date(year, month, 1), _last_day(year, month)
    return PeriodKind.ANNUAL, dt.date(campaign.year, 1, 1), dt.date(campaign.year, 12, 31)


def _read_years(match, campaign, original):
    first = int(match[1])
    last = int(match[2] or first)
    return PeriodKind.MONTHS, dt.date(first, 1, 1), dt.date(last, 12, 31)


def _read_months(match, campaign, original):
    first = _month(match[1])
    last = _month(match[3]) if match[3] else first
    first_year = int(match[2]) if match[2] else None
    last_year = int(match[4]) if match[4] else None
    if first_year is None and last_year is None:
        first_year = _year_of(first, campaign)
    if last_year is None:
        last_year = first_year if last >= first or not match[3] else first_year + 1
    elif first_year is None:
        first_year = last_year if first <= last else last_year - 1
    return PeriodKind.MONTHS, dt.date(first_year, first, 1), _last_day(last_year, last)


def _read_year_months(match, campaign, original):
    year = int(match[1])
    first = _month(match[2])
    last = _month(match[3]) if match[3] else first
    return PeriodKind.MONTHS, dt.date(year, first, 1), _last_day(year, last)


_READERS = {
    "dates": _read_dates, "quarter": _read_quarter, "annual": _read_annual, "years": _read_years,
    "months": _read_months, "year_months": _read_year_months,
}


def _checked(period: Period, original: str, campaign) -> Period:
    if period.ends_on < period.starts_on:
        raise PeriodError(_("The period ends before it starts: «%(text)s».") % {"text": original})
    first, last = campaign.starts_on.year, campaign.ends_on.year
    if period.ends_on.year < first or period.starts_on.year > last:
        years = str(first) if first == last else f"{first}–{last}"
        raise PeriodError(
            _("The period «%(text)s» lies outside the years of the campaign «%(campaign)s» (%(years)s).")
            % {"text": original, "campaign": campaign.name, "years": years}
        )
    return period


def _unreadable(original: str, campaign) -> str:
    year = campaign.year
    return _(
        "The period «%(text)s» cannot be read. Write a month or months with the year («May %(year)s», «June – "
        "September %(year)s»), a quarter («II quarter %(year)s»), «every year», a date («27.08.%(year)s») or "
        "«throughout the campaign»."
    ) % {"text": original, "year": year}
