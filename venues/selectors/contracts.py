"""Venues' campaign assignments and contracts (seed 000 §5.4), scoped by role: the region's coordinator and curators
and operator staff see every venue of the region; venue staff their own venue's contract."""

import datetime as dt

from django.db.models import Exists, OuterRef, QuerySet, Subquery
from django.shortcuts import get_object_or_404

from bilet.roles import get_roles

from ..models import Venue, VenueCampaign, VenueContractDocument

# Contracts whose term ends within this many days are flagged to the coordinator and the venue's staff.
EXPIRY_WARNING_DAYS = 30
ASSIGNMENT_COLUMNS = ("contract_status", "contract_number", "contract_signed_on", "contract_valid_from",
                      "contract_valid_until")


def contract_venue_list(*, user, campaign) -> QuerySet[Venue]:
    """The venues whose contracts `user` reads, each annotated with its assignment to `campaign` (None: not assigned)."""
    roles = get_roles(user)
    qs = Venue.objects.select_related("region", "municipality").filter(is_active=True)
    if not roles.operator:
        qs = qs.filter(region_id__in=roles.region_ids) | qs.filter(id__in=roles.venue_ids)
    assignment = VenueCampaign.objects.filter(venue=OuterRef("pk"), campaign=campaign)
    return qs.annotate(
        assigned=Exists(assignment),
        assignment_id=Subquery(assignment.values("pk")[:1]),
        **{name: Subquery(assignment.values(name)[:1]) for name in ASSIGNMENT_COLUMNS},
    ).order_by("region__name", "short_name")


def contract_assignment_get(*, user, venue_pk: int, campaign) -> tuple[Venue, VenueCampaign | None]:
    """A venue in `user`'s scope (404 otherwise) and its assignment to `campaign`, if any."""
    venue = get_object_or_404(contract_venue_list(user=user, campaign=campaign), pk=venue_pk)
    assignment = (VenueCampaign.objects.select_related("campaign", "assigned_by")
                  .filter(venue=venue, campaign=campaign).first())
    return venue, assignment


def contract_document_get(*, user, pk: int) -> VenueContractDocument:
    roles = get_roles(user)
    qs = VenueContractDocument.objects.select_related("assignment__venue")
    if not roles.operator:
        qs = qs.filter(assignment__venue__region_id__in=roles.region_ids) | qs.filter(
            assignment__venue_id__in=roles.venue_ids)
    return get_object_or_404(qs, pk=pk)


def contract_editable(*, user, venue: Venue) -> bool:
    roles = get_roles(user)
    return roles.operator or venue.region_id in roles.coordinator_region_ids


def with_contract_flags(venues, *, today: dt.date):
    """Mark each annotated venue whose signed contract ends within the warning window or has ended."""
    soon = today + dt.timedelta(days=EXPIRY_WARNING_DAYS)
    labels = dict(VenueCampaign.ContractStatus.choices)
    for venue in venues:
        status, until = getattr(venue, "contract_status", None), getattr(venue, "contract_valid_until", None)
        venue.contract_label = labels.get(status, "")
        venue.contract_expired = status == VenueCampaign.ContractStatus.EXPIRED or (
            status == VenueCampaign.ContractStatus.SIGNED and until is not None and until < today)
        venue.contract_expires_soon = (status == VenueCampaign.ContractStatus.SIGNED and until is not None
                                       and today <= until <= soon)
    return venues
