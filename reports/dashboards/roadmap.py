"""The home pages' roadmap block (issue 15 §2): the current campaign's roadmap items past their period and not done,
in the regions the coordinator runs or the curator follows, each linking to its row of the region's roadmap. Two
queries, whatever the number of items: the count per region, then the first items."""

from django.db.models import Count
from django.utils import timezone

from regions.models import Campaign
from regions.roadmap.links import roadmap_url
from regions.selectors import roadmap_overdue_list

SHOWN = 10


def roadmap_overdue(*, user, campaign: Campaign | None, today=None) -> dict | None:
    if campaign is None:
        return None
    overdue = roadmap_overdue_list(user=user, today=today or timezone.localdate(), campaign=campaign)
    per_region = list(overdue.order_by("region__name").values("region_id", "region__name").annotate(n=Count("pk")))
    if not per_region:
        return None
    items = list(overdue[:SHOWN])
    for item in items:
        item.url = f"{roadmap_url(item.region_id, campaign.pk, overdue='on')}#item-{item.pk}"
    return {
        "items": items,
        "more": sum(row["n"] for row in per_region) - len(items),
        "regions": len(per_region),
        "links": [{"name": row["region__name"], "url": roadmap_url(row["region_id"], campaign.pk, overdue="on")}
                  for row in per_region],
    }
