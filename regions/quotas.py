"""The students-per-navigator quota (seed 003: at least 70 students per navigator) as SQL and as a badge state."""

from django.db.models import OuterRef, Subquery, Value
from django.db.models.functions import Coalesce

from .models import RegionTarget

DEFAULT_STUDENTS_PER_NAVIGATOR = RegionTarget._meta.get_field("students_per_navigator").default


def students_per_navigator_target(region_ref: str = "region"):
    """The current campaign's students-per-navigator target of the row's region (70 when none is set)."""
    target = RegionTarget.objects.filter(region=OuterRef(region_ref), campaign__is_active=True).values(
        "students_per_navigator"
    )[:1]
    return Coalesce(Subquery(target), Value(DEFAULT_STUDENTS_PER_NAVIGATOR))


def quota_state(*, students: int, navigators: int, target: int) -> dict:
    """Students per navigator against the target; computed from annotated figures, no queries."""
    if navigators == 0:
        return {"per_navigator": None, "met": False}
    per_navigator = students / navigators
    return {"per_navigator": round(per_navigator, 1), "met": per_navigator >= target}


DEFAULT_TRIALS_MIN = RegionTarget._meta.get_field("trial_students_per_navigator_min").default
DEFAULT_TRIALS_MAX = RegionTarget._meta.get_field("trial_students_per_navigator_max").default


def current_target(field: str, default: int, region_ref: str = "region"):
    """A field of the current campaign's target of the row's region (`default` when none is set)."""
    target = RegionTarget.objects.filter(region=OuterRef(region_ref), campaign__is_active=True).values(field)[:1]
    return Coalesce(Subquery(target), Value(default))


def navigator_quota_bars(*, registered: int, target: int, trial_students: int, trials_min: int, trials_max: int) -> list:
    """One navigator's two quotas (seed 003: ≥70 students registered, 10–20 of them in trials) as progress bars
    for templates/includes/progress.html; computed from annotated figures, no queries."""
    from django.utils.translation import gettext

    return [
        {
            "label": gettext("Students registered"), "value": registered, "max": max(target, 1),
            "met": registered >= target,
            "text": gettext("%(value)s of %(target)s") % {"value": registered, "target": target},
        },
        {
            "label": gettext("Students in professional trials"), "value": trial_students, "max": max(trials_max, 1),
            "met": trials_min <= trial_students <= trials_max,
            "text": gettext("%(value)s (plan %(low)s–%(high)s)")
            % {"value": trial_students, "low": trials_min, "high": trials_max},
        },
    ]
