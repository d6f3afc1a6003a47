"""Where a region's roadmap for a campaign is read: the page's address with its choices, for pages and home blocks."""

from urllib.parse import urlencode

from django.urls import reverse


def roadmap_url(region_id: int, campaign_id: int | None, **params) -> str:
    query = {"region": region_id, **({"campaign": campaign_id} if campaign_id else {}), **params}
    return f"{reverse('regions:roadmap_list')}?{urlencode(query)}"
