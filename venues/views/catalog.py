"""The public catalog of practicums (issue 4 §3) and the page a family decides on.

Anonymous visitors may browse both pages: SPEC §6 lists `/events/` and `/events/<id>/` among the public-facing
addresses and families look before they have an account; booking itself needs a login (venues:event_book).
"""

import datetime as dt
from urllib.parse import parse_qs, urlsplit

from django.core.paginator import Paginator
from django.db.models import Prefetch
from django.shortcuts import get_object_or_404, render
from django.utils.cache import patch_vary_headers
from django.utils.translation import ngettext

from bilet.lists import wants_partial
from bilet.roles import get_roles

from ..filters import CatalogFilter
from ..models import Booking, Event, Mentor
from ..selectors import catalog_event_list, event_list, event_public_list
from .bookings import booking_box_context

PER_PAGE = 20
# A booking that holds a place: its student receives the online link.
_HOLDS_PLACE = (Booking.Status.CONFIRMED, Booking.Status.ATTENDED)


def catalog(request):
    events = catalog_event_list().prefetch_related("accessible_for").order_by("starts_at", "pk")
    event_filter = CatalogFilter(request.GET or None, queryset=events)
    page = Paginator(event_filter.qs, PER_PAGE).get_page(request.GET.get("page"))
    template = "venues/catalog/list.html"
    response = render(request, f"{template}#results" if wants_partial(request) else template, {
        "filter": event_filter, "form": event_filter.form, "page_obj": page,
        "swap_municipalities": wants_partial(request) and _region_changed(request),
    })
    patch_vary_headers(response, ["HX-Request"])
    return response


def _region_changed(request) -> bool:
    """Whether an HTMX request chose another region than the page shows: only then are the municipality's options
    replaced (replacing them under the user's hand while they pick a municipality would reset their choice)."""
    current = request.htmx.current_url or ""
    shown = parse_qs(urlsplit(current).query).get("region", [""])[0]
    return shown != request.GET.get("region", "")


def event_detail(request, pk: int):
    event = get_object_or_404(
        event_public_list(user=request.user)
        .select_related("venue__municipality")
        .prefetch_related(
            "accessible_for", "venue__accessible_for",
            Prefetch("mentors", queryset=Mentor.objects.order_by("last_name", "first_name")),
        ),
        pk=pk,
    )
    context = {"event": event, "duration": duration_text(event.ends_at - event.starts_at)}
    context.update(booking_box_context(user=request.user, event=event))
    context["show_link"] = _may_see_link(request.user, event, context["box_lines"])
    return render(request, "venues/catalog/detail.html", context)


def _may_see_link(user, event: Event, box_lines: list[dict]) -> bool:
    """The online link is for the students holding a place (and their family), and for staff in scope."""
    if any(line["booking"] and line["booking"].status in _HOLDS_PLACE for line in box_lines):
        return True
    roles = get_roles(user)
    return roles.is_staff_role and event_list(user=user).filter(pk=event.pk).exists()


def duration_text(length: dt.timedelta) -> str:
    """«2 часа 30 минут»: the length of an event in words, with Russian plurals."""
    minutes = int(length.total_seconds() // 60)
    hours, minutes = divmod(minutes, 60)
    parts = []
    if hours:
        parts.append(ngettext("%(count)d hour", "%(count)d hours", hours) % {"count": hours})
    if minutes or not parts:
        parts.append(ngettext("%(count)d minute", "%(count)d minutes", minutes) % {"count": minutes})
    return " ".join(parts)
