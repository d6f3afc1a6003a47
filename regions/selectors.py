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


# --- curators' requests (issue 15 §1): a curator sees every request to their regions, a coordinator their region's ---


def request_list(*, user):
    """Requests the user may read: to the curator's regions or the coordinator's; nobody else sees any."""
    from .models import CuratorRequest

    roles = get_roles(user)
    region_ids = roles.curator_region_ids | roles.coordinator_region_ids
    return CuratorRequest.objects.filter(region_id__in=region_ids).select_related("region", "author")


def request_overdue_list(*, user, today):
    from .models import CuratorRequest

    return request_list(user=user).filter(status__in=CuratorRequest.AWAITING, due_on__lt=today).order_by("due_on", "pk")


def request_thread(*, request):
    """The messages of a request the caller already reached through `request_list`, with their files."""
    return request.messages.select_related("author").prefetch_related("attachments")


def request_attachment_get(*, user, request_id: int, attachment_id: int):
    from .models import RequestAttachment

    return (
        RequestAttachment.objects.filter(
            pk=attachment_id, message__request_id=request_id, message__request__in=request_list(user=user)
        )
        .first()
    )


def curator_region_list(*, user) -> QuerySet[Region]:
    """The regions the user may send requests to (as their curator)."""
    return Region.objects.filter(id__in=get_roles(user).curator_region_ids)
