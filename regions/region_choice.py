"""Pages of one region and one campaign (the monitoring page, the roadmap): which ones the request asks for.

`?region=` names one of the user's regions — any other value answers 404, as for a region that does not exist — and
by default it is the region the user coordinates. `?campaign=` names a campaign (404 when there is none such); by
default the current one. Both choose among lists the page has read once (it shows them as its choices too)."""

from django.http import Http404

from bilet.ids import parse_id
from bilet.roles import get_roles

from .models import Campaign, Region


def chosen_region(request, regions: list[Region]) -> Region:
    raw = request.GET.get("region", "")
    if raw:
        chosen = next((r for r in regions if str(r.pk) == raw), None)
        if chosen is None:
            raise Http404
        return chosen
    own = get_roles(request.user).coordinator_region_ids
    return next((r for r in regions if r.pk in own), regions[0])


def chosen_campaign(request, campaigns: list[Campaign]) -> Campaign | None:
    """`campaigns` (`campaign_list`) holds the one `?campaign=` names; without it, the current or the latest one."""
    raw = request.GET.get("campaign", "")
    if not raw:
        return next((c for c in campaigns if c.is_active), campaigns[0] if campaigns else None)
    pk = parse_id(raw)
    campaign = next((c for c in campaigns if c.pk == pk), None)
    if campaign is None:
        raise Http404
    return campaign
