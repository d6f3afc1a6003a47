"""The figures of SPEC §4 for one region or for many side by side, as SQL aggregates.

One query per source (conditional aggregation: `COUNT(DISTINCT student) FILTER (WHERE …)` for every figure of the
source, as of `D` and within the period), plus one for the targets: a region costs the same dozen queries whether it
has 100 students or 100,000. Many regions read the same sources grouped by region (`GROUP BY region`), never a loop of
per-region queries.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db.models import Count, Q

from regions.models import RegionTarget

from .definitions import (
    FIGURES,
    MODE_CODES,
    NOSOLOGY_CODES,
    SOURCES,
    TARGETS,
    FigureDef,
    Source,
    Window,
)

# The order of SPEC §4, which is the order of the JSON, the tables and the sheets.
CODES = (
    "students_registered", "diagnostics_completed",
    "participants", "participants_introductory", "participants_engaged", "participants_in_depth",
    "participants_offline", "participants_online", "participations",
    "participants_disabled", "participants_by_nosology",
    "events_held", "mentors_active", "venues_active",
    "navigators", "navigators_at_quota", "consents_active",
    "target_students", "target_navigators", "target_diagnostics", "target_trials",
    "promotion_measures", "team_trainings", "training_needs", "media_files", "appeals",
)
# Figures of a state at `D`, not of events: no "within the period" value.
STATE_CODES = frozenset({"navigators_at_quota", "consents_active", *TARGETS})
PERIOD_CODES = tuple(code for code in CODES if code not in STATE_CODES)


@dataclass
class FigureValues:
    """Every figure of one region: as of `D` (`figures`) and within the period alone (`period_figures`)."""

    figures: dict = field(default_factory=dict)
    period_figures: dict = field(default_factory=dict)

    def get(self, code: str, *, period: bool = False):
        return (self.period_figures if period else self.figures).get(code)


def _count(d: FigureDef, extra: Q | None = None):
    condition = d.condition
    if extra is not None:
        condition = extra if condition is None else condition & extra
    return Count(d.distinct or "pk", distinct=bool(d.distinct), filter=condition)


def _aggregates(source_key: str, window: Window, source: Source | None = None) -> dict:
    period = (source or SOURCES[source_key]).period(window)
    aggregates = {}
    for i, d in enumerate(FIGURES):
        if d.source != source_key:
            continue
        aggregates[f"f{i}"] = _count(d)
        if d.in_period:
            aggregates[f"p{i}"] = _count(d, period)
    return aggregates


def _empty() -> FigureValues:
    values = FigureValues()
    for target in (values.figures, values.period_figures):
        target["participants_by_nosology"] = {code: dict.fromkeys(MODE_CODES, 0) for code in NOSOLOGY_CODES}
    return values


def _store(values: FigureValues, row: dict) -> None:
    for i, d in enumerate(FIGURES):
        for prefix, target in (("f", values.figures), ("p", values.period_figures)):
            alias = f"{prefix}{i}"
            if alias not in row:
                continue
            if d.of:
                nosology, mode = d.of.split(".")
                target[d.code][nosology][mode] = row[alias]
            else:
                target[d.code] = row[alias]


def _finish(values: FigureValues, target: RegionTarget | None) -> FigureValues:
    for code, attr in TARGETS.items():
        values.figures[code] = getattr(target, attr) if target is not None else 0
    for name, target_dict in (("figures", values.figures), ("period_figures", values.period_figures)):
        codes = CODES if name == "figures" else PERIOD_CODES
        ordered = {code: target_dict.get(code, 0) for code in codes}
        setattr(values, name, ordered)
    return values


def region_values(window: Window, region) -> FigureValues:
    """The figures of one region: one aggregate query per source and one for its targets."""
    values = _empty()
    for key, source in SOURCES.items():
        rows = source.rows(window).filter(**{source.region_path: region}).order_by()
        _store(values, rows.aggregate(**_aggregates(key, window)))
    target = RegionTarget.objects.filter(campaign=window.campaign, region=region).first()
    return _finish(values, target)


def grouped_values(window: Window, *, by: dict[str, str], region=None, region_ids=None) -> dict:
    """The figures of every group side by side: the same aggregates, one GROUP BY query per source of `by`
    (source key → the path of a row to its group: its region, its school), each source filtered first to one region
    (`region`) or to some (`region_ids`: then in its scan shape, if it has one). Figures of sources not in `by` stay
    0."""
    result: dict = {}
    for key, path in by.items():
        source = SOURCES[key]
        if region_ids is not None and source.scan is not None:
            source = source.scan
        rows = source.rows(window).order_by()
        if region is not None:
            rows = rows.filter(**{source.region_path: region})
        if region_ids is not None:
            rows = rows.filter(**{f"{source.region_path}__in": region_ids})
        for row in rows.values(path).annotate(**_aggregates(key, window, source)):
            _store(result.setdefault(row[path], _empty()), row)
    return result


def regions_values(window: Window, region_ids, *, codes=None) -> dict[int, FigureValues]:
    """The figures of many regions side by side: one GROUP BY region query per source, and one for the targets.
    With `codes` (figure codes), only the sources those figures count are read: the other figures stay 0."""
    region_ids = list(region_ids)
    needed = None if codes is None else {d.source for d in FIGURES if d.code in codes}
    by = {key: source.region_path for key, source in SOURCES.items() if needed is None or key in needed}
    found = grouped_values(window, by=by, region_ids=region_ids) if region_ids and by else {}
    targets = {t.region_id: t for t in RegionTarget.objects.filter(campaign=window.campaign, region__in=region_ids)}
    return {pk: _finish(found.get(pk) or _empty(), targets.get(pk)) for pk in region_ids}


def finish_group(values: FigureValues | None) -> FigureValues:
    """A group's (a school's, a municipality's) figures in the order of CODES, without targets."""
    return _finish(values or _empty(), None)


def sum_values(parts: list[FigureValues]) -> FigureValues:
    """The figures of a whole made of disjoint parts (a municipality of its schools): each figure summed."""
    total = finish_group(None)
    for part in parts:
        for mine, theirs in ((total.figures, part.figures), (total.period_figures, part.period_figures)):
            for code, value in theirs.items():
                if isinstance(value, dict):
                    for nosology, modes in value.items():
                        for mode, n in modes.items():
                            mine[code][nosology][mode] += n
                else:
                    mine[code] += value
    return total
