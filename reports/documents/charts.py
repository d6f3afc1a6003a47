"""Charts as SVG drawn by pygal: the same function serves a report's page (as an <img>) and its PDF (vector)."""

from __future__ import annotations

import base64

import pygal
from django.utils import formats
from django.utils.translation import gettext as _
from pygal.style import Style

from reports.figures.labels import FIGURE_LABELS, LEVEL_LABELS, MODE_LABELS

STYLE = Style(
    font_family="DejaVu Sans, sans-serif",
    background="white",
    plot_background="white",
    foreground="#222",
    foreground_strong="#111",
    foreground_subtle="#666",
    colors=("#1f5fa8", "#b0c4de", "#e07b39", "#5a9e6f"),
    label_font_size=11,
    major_label_font_size=11,
    value_font_size=10,
    legend_font_size=11,
    title_font_size=14,
)


def _number(value) -> str:
    if value is None:
        return ""
    if float(value).is_integer():
        value = int(value)
    return formats.number_format(value, force_grouping=True)


def _percent(value) -> str:
    return "" if value is None else f"{_number(value)}%"


def _config(**extra) -> dict:
    # no scripts (the PDF has none, the page's CSP allows none) and no tooltips: a chart reads the same on paper
    return {
        "style": STYLE, "js": [], "width": 760, "height": 360, "print_values": True,
        "value_formatter": _number, "legend_at_bottom": True, "show_y_guides": True, "truncate_label": 40,
        **extra,
    }


def _svg(chart) -> str:
    return chart.render(is_unicode=True)


def targets_chart(targets: list[tuple[str, str, int, int]]) -> str | None:
    """Fact as a per cent of plan for each target that is set ((target code, figure code, fact, plan)): targets as
    different as 75 navigators and 4,500 students share one axis, with 100 % the plan."""
    if not targets:
        return None
    chart = pygal.HorizontalBar(**_config(
        # xgettext:no-python-format ("% of" is no placeholder: gettext alone reads this title)
        title=_("Targets against actual figures, % of plan"), height=120 + 50 * len(targets), show_legend=False,
        value_formatter=_percent, range=(0, max(100, *(100 * f / p for _t, _c, f, p in targets))),
    ))
    chart.x_labels = [str(FIGURE_LABELS[target]).split(": ", 1)[-1] for target, _code, _fact, _plan in reversed(targets)]
    chart.add(_("fact"), [round(100 * fact / plan, 1) for _t, _c, fact, plan in reversed(targets)])
    return _svg(chart)


def months_chart(rows: list) -> str | None:
    """Distinct participants per month: rows of (first day of the month, count)."""
    if not rows:
        return None
    chart = pygal.Bar(**_config(title=_("Participants per month"), show_legend=False))
    chart.x_labels = [formats.date_format(month, "F Y") for month, _n in rows]
    chart.add(_("participants"), [n for _month, n in rows])
    return _svg(chart)


def levels_modes_chart(figures: dict) -> str:
    """Participants per level and per mode, as of the end of the period."""
    chart = pygal.Bar(**_config(title=_("Participants per level and mode"), show_legend=False))
    keys = {
        "participants_introductory": LEVEL_LABELS["introductory"],
        "participants_engaged": LEVEL_LABELS["engaged"],
        "participants_in_depth": LEVEL_LABELS["in_depth"],
        "participants_offline": MODE_LABELS["offline"],
        "participants_online": MODE_LABELS["online"],
    }
    chart.x_labels = [str(label) for label in keys.values()]
    chart.add(_("participants"), [figures[code] for code in keys])
    return _svg(chart)


def regions_chart(rows: list[tuple[str, float | None]]) -> str | None:
    """The national summary: each region's share of its targets, in per cent (rows already ranked)."""
    rows = [(name, share) for name, share in rows if share is not None]
    if not rows:
        return None
    chart = pygal.HorizontalBar(**_config(
        title=_("Share of targets met, %"), show_legend=False, height=110 + 22 * len(rows), print_values=False,
        range=(0, 100),
    ))
    chart.x_labels = [name for name, _share in reversed(rows)]
    chart.add(_("share"), [round(100 * share, 1) for _name, share in reversed(rows)])
    return _svg(chart)


def data_uri(svg: str | None) -> str | None:
    """An SVG as an <img> source: vector in WeasyPrint's PDF, and allowed by the pages' CSP (img-src data:)."""
    if svg is None:
        return None
    return "data:image/svg+xml;base64," + base64.b64encode(svg.encode()).decode()
