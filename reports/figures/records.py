"""The records a coordinator keeps (issue 13 §1) as the report lists them: promotion measures, team training,
training needs and photos and videos — the rows the figures `promotion_measures`, `team_trainings`, `training_needs`,
`media_files` count."""

from __future__ import annotations

from bilet.db import with_related

from .definitions import SOURCES, Window

RECORD_SOURCES = {"promotion_measures": "promotion", "team_trainings": "trainings", "training_needs": "needs",
                  "media_files": "media"}
# What a record's row in the report reads besides its own columns (one query per kind, not one per row).
RELATED = {"media_files": ("event", "uploaded_by")}


def record_lists(window: Window, region, *, within_period: bool) -> dict[str, list]:
    """Each kind of record of the region, as of `D` or (`within_period`) within the period alone."""
    lists = {}
    for code, key in RECORD_SOURCES.items():
        source = SOURCES[key]
        rows = with_related(source.rows(window).filter(region=region), RELATED.get(code, ()))
        if within_period:
            rows = rows.filter(source.period(window))
        lists[code] = list(rows)
    return lists
