"""The records a coordinator keeps for the report (issue 13 §1): promotion measures, team training, training needs.

Counted as figures in `definitions.py`; listed here for the monthly report's sheets.
"""

from __future__ import annotations

from .definitions import Window


def record_lists(window: Window, region, *, within_period: bool) -> dict[str, list]:
    return {}
