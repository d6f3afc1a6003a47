"""Venues on the home pages: venue staff's venues with their contract for the campaign and their upcoming events; the
coordinator's venues whose contract has ended or ends soon."""

import datetime as dt

from django.db.models import OuterRef, Q, Subquery
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from bilet.roles import get_roles
from regions.models import Campaign
from venues.models import Event, Venue, VenueCampaign
from venues.selectors import event_list, venue_list
from venues.selectors.contracts import EXPIRY_WARNING_DAYS, contract_venue_list, with_contract_flags

from .links import UPCOMING_LIMIT, with_urls


def staff_venues(*, user, campaign: Campaign | None) -> list[Venue]:
    """The user's venues with their contract for the campaign, flagged when it has ended or ends within 30 days."""
    roles = get_roles(user)
    venues = venue_list(user=user).filter(id__in=roles.venue_ids).order_by("short_name")
    if campaign is not None:
        contract = VenueCampaign.objects.filter(venue=OuterRef("pk"), campaign=campaign)
        venues = venues.annotate(**{name: Subquery(contract.values(name)[:1])
                                    for name in ("contract_status", "contract_number", "contract_valid_until")})
    venues = with_contract_flags(list(venues), today=timezone.localdate())
    for venue in venues:
        if not getattr(venue, "contract_status", None):
            venue.contract_label = _("campaign not assigned")
    return venues


def coordinator_contracts_flagged(*, user, campaign: Campaign | None) -> list[Venue]:
    """Venues of the coordinator's regions whose contract for the campaign has ended or ends within 30 days."""
    if campaign is None:
        return []
    roles = get_roles(user)
    statuses = VenueCampaign.ContractStatus
    venues = contract_venue_list(user=user, campaign=campaign).filter(
        Q(contract_status=statuses.SIGNED,
          contract_valid_until__lte=timezone.localdate() + dt.timedelta(days=EXPIRY_WARNING_DAYS))
        | Q(contract_status=statuses.EXPIRED),
        region_id__in=roles.coordinator_region_ids,
    )
    return with_contract_flags(list(venues), today=timezone.localdate())


def staff_upcoming_events(*, user) -> list[Event]:
    roles = get_roles(user)
    events = (
        event_list(user=user)
        .filter(venue_id__in=roles.venue_ids, starts_at__gt=timezone.now())
        .exclude(status=Event.Status.CANCELLED)
        .order_by("starts_at", "pk")[:UPCOMING_LIMIT]
    )
    return with_urls(list(events), "venues:event_manage_detail")
