"""Regions, municipalities and schools a user may see (SPEC §2). Every view and export goes through these."""

from django.db.models import BooleanField, Count, ExpressionWrapper, Q, QuerySet

from bilet.ids import parse_id
from bilet.roles import get_roles

from .models import (
    Appeal,
    Campaign,
    Municipality,
    PromotionMeasure,
    Region,
    RoadmapItem,
    School,
    TeamTraining,
    TrainingNeed,
)


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


def campaign_list() -> QuerySet[Campaign]:
    """Every campaign, the latest first (campaigns are the operator's, open to every reader of a region)."""
    return Campaign.objects.order_by("-starts_on", "-pk")


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


# --- the roadmap (issue 15 §2): the region's coordinator writes it, its curators and operator staff read it -----------


def roadmap_item_list(*, user) -> QuerySet[RoadmapItem]:
    return _region_records(RoadmapItem.objects.all(), user)


def roadmap_editable(*, user, region_id: int) -> bool:
    return region_id in get_roles(user).coordinator_region_ids


def roadmap_overdue_q(today) -> Q:
    """Past its period and not done (a heading has no period; a cancelled item is not awaited)."""
    return Q(period_end__lt=today, status__in=RoadmapItem.OPEN)


def roadmap_of(*, user, region: Region, campaign: Campaign) -> QuerySet[RoadmapItem]:
    """The roadmap of `region` for `campaign` as the user may read it (none outside the user's regions)."""
    return roadmap_item_list(user=user).filter(region=region, campaign=campaign)


def roadmap_rows(*, user, region: Region, campaign: Campaign, today, status: str = "",
                 overdue: bool = False) -> QuerySet[RoadmapItem]:
    """The roadmap in the order of its numbers. With a filter every row says whether it `matched`; the sections' top
    rows come all the same, to title the sections their matching items stand in."""
    rows = roadmap_of(user=user, region=region, campaign=campaign).order_by("sort_key")
    condition = Q()
    if status:
        condition &= Q(status=status)
    if overdue:
        condition &= roadmap_overdue_q(today)
    if not condition:
        return rows
    return rows.annotate(matched=ExpressionWrapper(condition, output_field=BooleanField())).filter(
        Q(matched=True) | ~Q(number__contains=".")
    )


def roadmap_counts(*, user, region: Region, campaign: Campaign, today) -> dict[str, int]:
    """How many items the roadmap has (headings aside), done, under way and overdue: one query."""
    return roadmap_of(user=user, region=region, campaign=campaign).exclude(period_kind="").order_by().aggregate(
        total=Count("pk"),
        done=Count("pk", filter=Q(status=RoadmapItem.Status.DONE)),
        in_progress=Count("pk", filter=Q(status=RoadmapItem.Status.IN_PROGRESS)),
        overdue=Count("pk", filter=roadmap_overdue_q(today)),
    )


def coordinated_region_list(*, user) -> QuerySet[Region]:
    """The regions whose roadmap `user` writes: those they coordinate."""
    return Region.objects.filter(id__in=get_roles(user).coordinator_region_ids)


def roadmap_overdue_list(*, user, today, campaign: Campaign) -> QuerySet[RoadmapItem]:
    """The campaign's items past their period and not done in the regions the user coordinates or curates (their
    home pages), the longest overdue first."""
    roles = get_roles(user)
    return (
        RoadmapItem.objects.filter(region_id__in=roles.curator_region_ids | roles.coordinator_region_ids,
                                   campaign=campaign)
        .filter(roadmap_overdue_q(today))
        .select_related("region")
        .order_by("period_end", "region__name", "sort_key")
    )
