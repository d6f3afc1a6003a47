"""Regions, municipalities and schools a user may see (SPEC §2). Every view and export goes through these."""

from django.db.models import Count, Q, QuerySet

from bilet.ids import parse_id
from bilet.roles import get_roles

from .models import Appeal, Campaign, Municipality, PromotionMeasure, Region, School, TeamTraining, TrainingNeed


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


# --- the coordinator's records (issue 13 §1): the region's coordinator and its curators read them, operator staff all


def _region_records(qs: QuerySet, user) -> QuerySet:
    roles = get_roles(user)
    qs = qs.select_related("region", "campaign")
    if roles.operator:
        return qs
    return qs.filter(region_id__in=roles.region_ids)


def promotion_measure_list(*, user) -> QuerySet[PromotionMeasure]:
    return _region_records(PromotionMeasure.objects.all(), user)


def team_training_list(*, user) -> QuerySet[TeamTraining]:
    return _region_records(TeamTraining.objects.all(), user)


def training_need_list(*, user) -> QuerySet[TrainingNeed]:
    return _region_records(TrainingNeed.objects.all(), user)


def region_records_editable(*, user, region_id: int) -> bool:
    """Whether `user` changes a region's records: its coordinator and operator staff; a curator only reads them."""
    roles = get_roles(user)
    return roles.operator or region_id in roles.coordinator_region_ids


def editable_region_list(*, user) -> QuerySet[Region]:
    """Regions whose records `user` may add to."""
    roles = get_roles(user)
    if roles.operator:
        return Region.objects.all()
    return Region.objects.filter(id__in=roles.coordinator_region_ids)


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

    if parse_id(request_id) is None or parse_id(attachment_id) is None:
        return None
    return (
        RequestAttachment.objects.filter(
            pk=attachment_id, message__request_id=request_id, message__request__in=request_list(user=user)
        )
        .first()
    )


def curator_region_list(*, user) -> QuerySet[Region]:
    """The regions the user may send requests to (as their curator)."""
    return Region.objects.filter(id__in=get_roles(user).curator_region_ids)


# --- citizens' appeals (seed 000 §6.3): the region's coordinator and curators, operator staff all -------------------


def appeal_list(*, user) -> QuerySet:
    roles = get_roles(user)
    qs = Appeal.objects.select_related("region", "assigned_to", "answered_by")
    if roles.operator:
        return qs
    return qs.filter(region_id__in=roles.region_ids)


def appeal_overdue_q(today):
    return Q(due_on__lt=today) & ~Q(status=Appeal.Status.ANSWERED)


def appeal_counts(*, user, today) -> dict[str, int]:
    """How many of the user's appeals are in each state, and how many are overdue (one query)."""
    counted = {status: Count("pk", filter=Q(status=status)) for status in Appeal.Status.values}
    return appeal_list(user=user).order_by().aggregate(
        total=Count("pk"), overdue=Count("pk", filter=appeal_overdue_q(today)), **counted)
