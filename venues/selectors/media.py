"""Photos and videos a user may see (issue 15 §5). Children are in them, so they stay within the region's scope
(SPEC §2): the region's coordinator and curators and operator staff see every file of the region; venue staff see the
files of their venues' events; nobody else sees any (a mentor of the event neither: the list is not theirs)."""

from django.db.models import Q, QuerySet

from bilet.ids import parse_id
from bilet.roles import get_roles
from regions.models import Region

from ..models import Event, MediaFile


def media_list(*, user) -> QuerySet[MediaFile]:
    roles = get_roles(user)
    qs = MediaFile.objects.select_related("region", "event", "event__venue", "uploaded_by")
    if roles.operator:
        return qs
    return qs.filter(Q(region_id__in=roles.region_ids) | Q(event__venue_id__in=roles.venue_ids))


def media_get(*, user, pk) -> MediaFile | None:
    """One file of `media_list(user=…)`, or None: outside the scope and «does not exist» are the same answer."""
    pk = parse_id(pk)
    return media_list(user=user).filter(pk=pk).first() if pk is not None else None


def media_event_list(*, user) -> QuerySet[Event]:
    """Events whose gallery the user may open: `venues.selectors.event_list` without the mentors' events."""
    roles = get_roles(user)
    qs = Event.objects.select_related("venue", "region", "campaign")
    if roles.operator:
        return qs
    return qs.filter(Q(region_id__in=roles.region_ids) | Q(venue_id__in=roles.venue_ids))


def event_media_list(*, event) -> QuerySet[MediaFile]:
    """The files of an event the caller already reached through `media_event_list`."""
    return MediaFile.objects.filter(event=event).select_related("region", "event", "uploaded_by")


def media_upload_region_list(*, user) -> QuerySet[Region]:
    """The regions whose own files (not an event's) the user adds: those they coordinate."""
    return Region.objects.filter(id__in=get_roles(user).coordinator_region_ids)
