"""The records behind each figure (issue 13 §9): the list a figure counts, built from the figure's own definition.

`figure_rows` is the figure's source filtered by the figure's condition — the very rows `compute.py` aggregates — and,
for a figure of distinct students (mentors, venues), the students (mentors, venues) those rows name. So the list has
exactly as many rows as the figure says. `scoped_figure_rows` keeps only what the reader may see, through the
scoping selectors that take the user.
"""

from __future__ import annotations

from django.db.models import QuerySet

from participants.selectors import navigator_list, student_list
from regions.selectors import region_list
from venues.selectors import event_list

from .definitions import FIGURES_BY_KEY, SOURCES, Window


class UnknownFigure(LookupError):
    pass


def _source_rows(key: str, window: Window, region, *, within_period: bool) -> tuple:
    try:
        d = FIGURES_BY_KEY[key]
    except KeyError:
        raise UnknownFigure(key) from None
    source = SOURCES[d.source]
    rows = source.rows(window).filter(**{source.region_path: region})
    if within_period and d.in_period:
        rows = rows.filter(source.period(window))
    if d.condition is not None:
        rows = rows.filter(d.condition)
    return d, rows


def _counted(d, rows: QuerySet) -> QuerySet:
    """The rows a figure counts: the source's rows, or the distinct objects they name."""
    if d.distinct in (None, "pk"):
        return rows
    model = rows.model._meta.get_field(d.distinct).related_model
    return model.objects.filter(pk__in=rows.values(d.distinct))


def figure_rows(key: str, window: Window, region, *, within_period: bool = False) -> QuerySet:
    """Every record figure `key` counts for `region` (a figure's value is this queryset's count)."""
    d, rows = _source_rows(key, window, region, within_period=within_period)
    return _counted(d, rows)


def _scope(rows: QuerySet, user) -> QuerySet:
    """A source's rows that `user` may see, by what they are (SPEC §2: outside the scope, a row never appears)."""
    name = rows.model._meta.model_name
    students = student_list(user=user).values("pk")
    if name == "student":
        return rows.filter(pk__in=students)
    if name in ("booking", "consent"):
        return rows.filter(student__in=students)
    if name == "event":
        return rows.filter(pk__in=event_list(user=user).values("pk"))
    if name == "navigator":
        return rows.filter(pk__in=navigator_list(user=user).values("pk"))
    return rows.filter(region__in=region_list(user=user))  # records of a region: appeals, promotion, training, needs


def scoped_figure_rows(*, user, key: str, window: Window, region, within_period: bool = False) -> QuerySet:
    d, rows = _source_rows(key, window, region, within_period=within_period)
    return _counted(d, _scope(rows, user))
