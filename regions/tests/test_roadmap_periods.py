"""Periods and item numbers of a roadmap, as seeds 001 (Tula, 2020) and 004 (Kemerovo, 2018–2027) write them."""

import datetime as dt
from types import SimpleNamespace

import pytest

from regions.roadmap.numbers import NumberError, parse_number, sort_key
from regions.roadmap.periods import Period, PeriodError, PeriodKind, Recurrence, parse_period

D = dt.date
TULA_2020 = SimpleNamespace(name="Кампания 2020", year=2020, starts_on=D(2020, 6, 1), ends_on=D(2020, 12, 12))
KEMEROVO_2018 = SimpleNamespace(name="Кампания 2018", year=2018, starts_on=D(2018, 1, 9), ends_on=D(2018, 12, 28))
# A campaign across the new year, as the test world's is.
SCHOOL_YEAR = SimpleNamespace(name="Кампания 2026/27", year=2026, starts_on=D(2026, 10, 7), ends_on=D(2027, 4, 5))


@pytest.mark.parametrize("campaign,text,expected", [
    # seed 001
    (TULA_2020, "Май 2020", (PeriodKind.MONTHS, D(2020, 5, 1), D(2020, 5, 31), "")),
    (TULA_2020, "Июнь-сентябрь 2020", (PeriodKind.MONTHS, D(2020, 6, 1), D(2020, 9, 30), "")),
    (TULA_2020, "В период реализации проекта", (PeriodKind.CAMPAIGN, D(2020, 6, 1), D(2020, 12, 12), "")),
    (TULA_2020, "Июнь – декабрь, ежемесячно",
     (PeriodKind.MONTHS, D(2020, 6, 1), D(2020, 12, 31), Recurrence.MONTHLY)),
    (TULA_2020, "27.08.2020", (PeriodKind.DATES, D(2020, 8, 27), D(2020, 8, 27), "")),
    (TULA_2020, "Август-ноябрь 2020 (по заявкам)",
     (PeriodKind.MONTHS, D(2020, 8, 1), D(2020, 11, 30), Recurrence.ON_REQUEST)),
    (TULA_2020, "Ежемесячно, в период реализации проекта",
     (PeriodKind.CAMPAIGN, D(2020, 6, 1), D(2020, 12, 12), Recurrence.MONTHLY)),
    # seed 004
    (KEMEROVO_2018, "2018 г. январь", (PeriodKind.MONTHS, D(2018, 1, 1), D(2018, 1, 31), "")),
    (KEMEROVO_2018, "2018 г.", (PeriodKind.MONTHS, D(2018, 1, 1), D(2018, 12, 31), "")),
    (KEMEROVO_2018, "I квартал 2018 г.", (PeriodKind.QUARTER, D(2018, 1, 1), D(2018, 3, 31), "")),
    (KEMEROVO_2018, "Ежегодно", (PeriodKind.ANNUAL, D(2018, 1, 1), D(2018, 12, 31), "")),
    (KEMEROVO_2018, "Ежегодно\nавгуст", (PeriodKind.ANNUAL, D(2018, 8, 1), D(2018, 8, 31), "")),
    (KEMEROVO_2018, "Ежеквартально",
     (PeriodKind.CAMPAIGN, D(2018, 1, 9), D(2018, 12, 28), Recurrence.QUARTERLY)),
    (KEMEROVO_2018, "По плану", (PeriodKind.CAMPAIGN, D(2018, 1, 9), D(2018, 12, 28), "")),
    (KEMEROVO_2018, "По запросу",
     (PeriodKind.CAMPAIGN, D(2018, 1, 9), D(2018, 12, 28), Recurrence.ON_REQUEST)),
    (KEMEROVO_2018, "В течение\nпроекта", (PeriodKind.CAMPAIGN, D(2018, 1, 9), D(2018, 12, 28), "")),
    (KEMEROVO_2018, "Март", (PeriodKind.MONTHS, D(2018, 3, 1), D(2018, 3, 31), "")),
    # a month with no year falls where the campaign has it; a range may cross the new year
    (SCHOOL_YEAR, "март", (PeriodKind.MONTHS, D(2027, 3, 1), D(2027, 3, 31), "")),
    (SCHOOL_YEAR, "ноябрь", (PeriodKind.MONTHS, D(2026, 11, 1), D(2026, 11, 30), "")),
    (SCHOOL_YEAR, "сентябрь – февраль", (PeriodKind.MONTHS, D(2026, 9, 1), D(2027, 2, 28), "")),
    (SCHOOL_YEAR, "2-й квартал 2027", (PeriodKind.QUARTER, D(2027, 4, 1), D(2027, 6, 30), "")),
    (SCHOOL_YEAR, "01.09.2026 – 15.09.2026", (PeriodKind.DATES, D(2026, 9, 1), D(2026, 9, 15), "")),
])
def test_the_seeds_periods_are_read(campaign, text, expected):
    period = parse_period(text, campaign=campaign)
    assert (period.kind, period.starts_on, period.ends_on, period.recurrence) == expected
    # written back the way a person writes it, and read back to the same value
    assert parse_period(period.text(), campaign=campaign) == period


@pytest.mark.parametrize("period,text", [
    (Period(PeriodKind.MONTHS, D(2020, 6, 1), D(2020, 9, 30)), "Июнь – сентябрь 2020"),
    (Period(PeriodKind.MONTHS, D(2026, 9, 1), D(2027, 2, 28)), "Сентябрь 2026 – февраль 2027"),
    (Period(PeriodKind.MONTHS, D(2018, 1, 1), D(2018, 12, 31)), "2018 год"),
    (Period(PeriodKind.QUARTER, D(2018, 1, 1), D(2018, 3, 31)), "I квартал 2018"),
    (Period(PeriodKind.ANNUAL, D(2018, 8, 1), D(2018, 8, 31)), "Ежегодно, август"),
    (Period(PeriodKind.CAMPAIGN, D(2020, 6, 1), D(2020, 12, 12), Recurrence.MONTHLY), "Ежемесячно"),
    (Period(PeriodKind.MONTHS, D(2020, 8, 1), D(2020, 11, 30), Recurrence.ON_REQUEST),
     "Август – ноябрь 2020, по заявкам"),
])
def test_a_period_is_written_in_russian(period, text):
    assert period.text() == text


def test_an_empty_period_is_a_sections_heading():
    assert parse_period("  ", campaign=TULA_2020) is None


@pytest.mark.parametrize("campaign,text,message", [
    # seed 004 1.4 and 4.9: several periods in one cell, in a 2018–2027 plan
    (KEMEROVO_2018, "2018 г. 2021 г. 2024 г. 2026 г.",
     "Срок «2018 г. 2021 г. 2024 г. 2026 г.» не распознан. Укажите месяц или месяцы с годом («май 2018», «июнь – "
     "сентябрь 2018»), квартал («II квартал 2018»), «ежегодно», дату («27.08.2018») или «в течение кампании»."),
    (KEMEROVO_2018, "Ежегодно сентябрь 2018 2019-2027 июнь", "не распознан"),
    (KEMEROVO_2018, "скоро", "не распознан"),
    (KEMEROVO_2018, "ежемесячно, по запросу", "не распознан"),
    # seed 001 4.3: «Сентябрь – декабрь 2019» in the 2020 roadmap
    (TULA_2020, "Сентябрь – декабрь 2019",
     "Срок «Сентябрь – декабрь 2019» не попадает в годы кампании «Кампания 2020» (2020)."),
    (TULA_2020, "31.06.2020", "Такой даты нет: «31.06.2020»."),
    (TULA_2020, "15.09.2020 – 01.09.2020", "Срок заканчивается раньше, чем начинается: «15.09.2020 – 01.09.2020»."),
])
def test_a_period_that_cannot_be_read_or_placed_is_refused(campaign, text, message):
    with pytest.raises(PeriodError) as refused:
        parse_period(text, campaign=campaign)
    assert message in refused.value.message


@pytest.mark.parametrize("text,number", [("1.", "1"), ("2.1", "2.1"), ("5.1.", "5.1"), (" 4.10 ", "4.10"),
                                         ("02.01", "2.1"), ("3.2.1.4", "3.2.1.4")])
def test_item_numbers_are_read_as_the_seeds_write_them(text, number):
    assert parse_number(text) == number


@pytest.mark.parametrize("text,message", [
    ("", "У пункта нет номера"), ("2,1", "«2,1» — не номер пункта"), ("а)", "не номер пункта"),
    ("1.2.3.4.5", "не больше 4 уровней"), ("2.0", "нумеруются с 1"),
])
def test_bad_numbers_are_refused(text, message):
    with pytest.raises(NumberError) as refused:
        parse_number(text)
    assert message in refused.value.message


def test_numbers_sort_as_numbers():
    numbers = ["4.10", "4.9", "10", "2", "4", "4.1.2", "4.1"]
    assert sorted(numbers, key=sort_key) == ["2", "4", "4.1", "4.1.2", "4.9", "4.10", "10"]
