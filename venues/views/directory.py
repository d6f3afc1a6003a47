"""Directories of venues and mentors (issue 3 §6), scoped by the selectors; mentors' documents downloaded in scope."""

import os

from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, render
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET

from bilet.lists import DirectoryListView, region_roles, roles_required
from bilet.roles import get_roles

from ..filters import MentorFilterSet, VenueFilterSet
from ..models import Event, VenueCampaign
from ..selectors import event_list, mentor_list, mentor_rows, venue_list, venue_rows
from ..services.imports import may_import_venues

UPCOMING_SHOWN = 20
EVENTS_SHOWN = 50


def directory_roles(roles) -> bool:
    """Venues and mentors are read by region roles and by venue staff (their own venue and its mentors)."""
    return region_roles(roles) or bool(roles.venue_ids)


def with_contract_label(venues):
    for venue in venues:
        status = venue.contract_status
        venue.contract_status_label = VenueCampaign.ContractStatus(status).label if status else ""
    return venues


class VenueListView(DirectoryListView):
    title = _("Venues")
    caption = _("Venues, their contract for the current campaign, accessibility and upcoming events")
    table_template = "venues/directory/venue_table.html"
    links_template = "venues/directory/venue_links.html"
    filterset_class = VenueFilterSet
    sort_keys = {
        "name": ("short_name",),
        "municipality": ("municipality__name", "short_name"),
        "contract": ("contract_status", "short_name"),
        "events": ("upcoming_events",),
    }
    default_sort = "name"

    def allowed(self, roles):
        return directory_roles(roles)

    def get_queryset(self):
        return venue_rows(venue_list(user=self.request.user)).prefetch_related("accessible_for")

    def decorate(self, rows):
        with_contract_label(rows)

    def get_context_data(self, **context):
        return super().get_context_data(may_import_venues=may_import_venues(get_roles(self.request.user)), **context)


@roles_required(directory_roles)
def venue_detail(request, pk: int):
    venue = get_object_or_404(venue_rows(venue_list(user=request.user)).prefetch_related("accessible_for"), pk=pk)
    with_contract_label([venue])
    context = {
        "venue": venue,
        "contracts": venue.campaigns.select_related("campaign").order_by("-campaign__starts_on"),
        "staff": venue.staff.select_related("user").order_by("user__last_name", "user__first_name"),
        "mentors": mentor_list(user=request.user).filter(venues=venue).prefetch_related("competencies"),
        "events": event_list(user=request.user)
        .filter(venue=venue, status=Event.Status.PUBLISHED, starts_at__gt=timezone.now())
        .order_by("starts_at")[:UPCOMING_SHOWN],
    }
    return render(request, "venues/directory/venue_detail.html", context)


# --- Mentors ------------------------------------------------------------------------------------------------------


class MentorListView(DirectoryListView):
    title = _("Mentors")
    caption = _("Mentors, their competencies, venues and events")
    table_template = "venues/directory/mentor_table.html"
    filterset_class = MentorFilterSet
    sort_keys = {
        "name": ("last_name", "first_name", "middle_name"),
        "organisation": ("organisation", "last_name"),
        "events": ("events_count",),
    }
    default_sort = "name"

    def allowed(self, roles):
        return directory_roles(roles)

    def get_queryset(self):
        return mentor_rows(mentor_list(user=self.request.user))


@roles_required(directory_roles)
def mentor_detail(request, pk: int):
    mentor = get_object_or_404(
        mentor_list(user=request.user).prefetch_related("competencies", "venues", "documents"), pk=pk
    )
    events = event_list(user=request.user).filter(mentors=mentor).order_by("-starts_at")[:EVENTS_SHOWN]
    return render(request, "venues/directory/mentor_detail.html", {"mentor": mentor, "events": events})


@roles_required(directory_roles)
@require_GET
def mentor_document(request, pk: int, document_pk: int):
    """A mentor's qualification document, only to those who may see the mentor (not students' data: not logged)."""
    mentor = get_object_or_404(mentor_list(user=request.user), pk=pk)
    document = get_object_or_404(mentor.documents, pk=document_pk)
    try:
        handle = document.file.open("rb")
    except FileNotFoundError:
        raise Http404 from None
    return FileResponse(handle, as_attachment=True, filename=os.path.basename(document.file.name))
