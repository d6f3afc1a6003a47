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
