"""Counting for the home sections: a count as a correlated subquery on the outer row, a fact as a per cent of a plan."""

from django.db.models import Count, IntegerField, OuterRef, QuerySet, Subquery
from django.db.models.functions import Coalesce


def count_of(qs: QuerySet, outer: str, counted=None):
    """COUNT of `qs` rows whose `outer` field is the outer row, as a subquery (0 when there are none)."""
    subquery = (
        qs.filter(**{outer: OuterRef("pk")})
        .order_by()
        .values(outer)
        .annotate(n=counted if counted is not None else Count("*"))
        .values("n")
    )
    return Coalesce(Subquery(subquery, output_field=IntegerField()), 0)



def percent_of(fact: int, plan: int | None) -> int | float | None:
    """`fact` as a per cent of `plan`, as people read progress: whole per cent, but one decimal under 1 % so that early
    progress does not read «0%» (9 of 5,200 is 0.2 %), and never «100%» before the plan is met (995 of 1,000 is 99 %)."""
    if not plan:
        return None
    exact = 100 * fact / plan
    if 0 < exact < 1:
        return max(round(exact, 1), 0.1)
    if fact < plan:
        return min(round(exact), 99)
    return round(exact)
