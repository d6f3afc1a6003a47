"""Regions, municipalities and schools a user may see (SPEC §2). Every view and export goes through these."""

from django.db.models import Q, QuerySet

from bilet.roles import get_roles

from .models import Campaign, Municipality, Region, School


def region_list(*, user) -> QuerySet[Region]:
    roles = get_roles(user)
    if roles.operator:
        return Region.objects.all()
    return Region.objects.filter(id__in=roles.region_ids)


def municipality_list(*, user) -> QuerySet[Municipality]:
    roles = get_roles(user)
    qs = Municipality.objects.select_related("region")
    if roles.operator:
        return qs
    return qs.filter(region_id__in=roles.region_ids)


def school_list(*, user) -> QuerySet[School]:
    roles = get_roles(user)
    qs = School.objects.select_related("region", "municipality")
    if roles.operator:
        return qs
    return qs.filter(Q(region_id__in=roles.region_ids) | Q(id__in=roles.navigator_school_ids))


def current_campaign() -> Campaign | None:
    return Campaign.objects.filter(is_active=True).first()
