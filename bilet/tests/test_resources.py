"""Cells read the way Excel and Russian CSV write them (`bilet.resources`): a date, a whole number, text."""

import datetime as dt

import pytest

from bilet.resources import DateWidget, cell_text
from participants.resources import GradeWidget


@pytest.mark.parametrize(("value", "date"), [
    ("17.05.2012", dt.date(2012, 5, 17)),
    (" 1.5.2012 ", dt.date(2012, 5, 1)),
    ("2012-05-17", dt.date(2012, 5, 17)),
    ("17.05.12", dt.date(2012, 5, 17)),
    (dt.datetime(2012, 5, 17), dt.date(2012, 5, 17)),
    ("", None),
])
def test_a_date_as_a_cell_holds_it(value, date):
    assert DateWidget().clean(value) == date


@pytest.mark.parametrize("value", ["31.02.2012", "17.5", "17.05.2012 г.", "завтра"])
def test_what_is_not_a_date_is_said_in_russian(value):
    with pytest.raises(ValueError) as caught:
        DateWidget().clean(value)
    assert str(caught.value) == f"«{value}» — не дата; запишите её в виде 31.12.2012."


@pytest.mark.parametrize(("value", "grade"), [("8", 8), (8, 8), (8.0, 8), (" 11 ", 11), ("0", None), ("12", None),
                                               ("восьмой", None), ("", None)])
def test_a_grade_is_a_whole_number_of_the_school(value, grade):
    if grade is None:
        with pytest.raises(ValueError):
            GradeWidget().clean(value)
    else:
        assert GradeWidget().clean(value) == grade


def test_a_cell_as_text():
    assert [cell_text(v) for v in (" Тула ", 71, 71.0, 2.5, None)] == ["Тула", "71", "71", "2.5", ""]
