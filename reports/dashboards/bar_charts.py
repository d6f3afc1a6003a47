"""Bar charts of the home page, drawn as inline SVG by `reports/includes/bar_chart.html`: this is their geometry."""

from .counts import percent_of
from .figures_by_region import RegionFigures


def bar_chart(rows: list[tuple[str, int, int | None]], *, common_scale: bool) -> dict:
    """Geometry of a horizontal bar chart drawn as inline SVG by `reports/includes/bar_chart.html`.

    Each row is (label, fact, plan or None): the bar is the fact, a mark shows the plan. With `common_scale`
    all rows share one axis (regions side by side); otherwise each row is scaled to its own plan (fact / plan of
    figures as different as 75 navigators and 4,500 students)."""
    label_width, bar_width, row_height, value_width = 240, 320, 30, 150
    top = max((max(fact, plan or 0) for _l, fact, plan in rows), default=0) or 1
    bars = []
    for i, (label, fact, plan) in enumerate(rows):
        scale = top if common_scale else (max(fact, plan or 0) or 1)
        y = i * row_height
        bars.append({
            "label": label,
            "fact": fact,
            "plan": plan,
            "percent": percent_of(fact, plan),
            "bar_y": y + 5,
            "text_y": y + 19,
            "width": round(bar_width * fact / scale, 1),
            "plan_x": round(label_width + bar_width * plan / scale, 1) if plan else None,
            "plan_top": y + 2,
            "plan_bottom": y + row_height - 2,
        })
    return {
        "bars": bars,
        "label_x": label_width - 8,
        "bar_x": label_width,
        "bar_height": row_height - 10,
        "value_x": label_width + bar_width + 8,
        "width": label_width + bar_width + value_width,
        "height": max(len(rows) * row_height, row_height),
    }


def _truncate(text: str, limit: int = 30) -> str:
    text = str(text)
    return text if len(text) <= limit else text[: limit - 1] + "…"


def regions_chart(rows: list[RegionFigures], key: str = "students") -> dict | None:
    """Regions side by side on one axis: the figure `key` with its plan where one is set."""
    data = [(_truncate(r.region.name), r.figure(key).value, r.figure(key).plan) for r in rows]
    return bar_chart(data, common_scale=True) if data else None
