"""Staff pages of the event workflow: venue staff schedule, the region's coordinator approves (issue 4 §1–§2).

Every event is reached through `event_list(user=…)`: an event outside the user's scope answers 404. Who may do
what to an event the user can see is decided by venues.services.events; these views only parse and render.
"""

import calendar
import datetime as dt

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.cache import patch_vary_headers
from django.utils.dates import WEEKDAYS_ABBR
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from bilet.lists import DirectoryListView, paginate, wants_partial
from bilet.roles import get_roles
from regions.selectors import current_campaign

from ..forms import (
    CancelForm,
    CopyForm,
    EventForm,
    PublishedEventForm,
    ReturnForm,
    initial_from_event,
)
from ..filters import EventManageFilter
from ..models import Event
from ..selectors import (
    event_calendar_list,
    event_list,
    event_manage_get,
    event_queue_list,
    staff_venue_list,
    venue_mentor_list,
)
from ..services.events import (
    EventError,
    event_actions,
    event_approve,
    event_cancel,
    event_copy,
    event_create,
    event_return,
    event_submit,
    event_update,
)
from .media import media_roles


def _can_see_schedule(roles) -> bool:
    return bool(roles.operator or roles.region_ids or roles.venue_ids)


def _require_schedule_role(request):
    roles = get_roles(request.user)
    if not _can_see_schedule(roles):
        raise Http404
    return roles


def _get_event(request, pk: int) -> Event:
    return get_object_or_404(event_list(user=request.user), pk=pk)


def _staff_venues(request):
    return staff_venue_list(user=request.user)


def _apply_error(form, error: EventError) -> None:
    field = error.field if error.field in form.fields else None
    form.add_error(field, error.message)


# --- lists ---------------------------------------------------------------------------------------------------------


class EventManageListView(DirectoryListView):
    """/manage/events/: venue staff see their venues' events, the coordinator and curator their region's
    (the curator read-only: the detail page offers them no action), operator staff all."""

    template_name = "venues/manage/event_list.html"
    table_template = "venues/manage/event_table.html"
    title = gettext_lazy("Events")
    caption = gettext_lazy("Events in your scope, with their status and seats taken")
    filterset_class = EventManageFilter
    sort_keys = {
        "starts_at": ("starts_at",),
        "title": ("title",),
        "venue": ("venue__short_name",),
        "status": ("status",),
        "seats": ("seats_taken",),
    }
    default_sort = "starts_at"

    def allowed(self, roles):
        return _can_see_schedule(roles)

    def get_queryset(self):
        return event_list(user=self.request.user)

    def get_context_data(self, **context):
        context["can_create"] = bool(get_roles(self.request.user).venue_ids)
        return context


event_manage_list = EventManageListView.as_view()


@login_required
def event_queue(request):
    """The coordinator's queue: the region's submitted events, oldest submission first."""
    roles = get_roles(request.user)
    if not (roles.operator or roles.coordinator_region_ids):
        raise Http404
    page = paginate(request, event_queue_list(user=request.user))
    template = "venues/manage/event_queue.html"
    response = render(request, f"{template}#results" if wants_partial(request) else template, {"page_obj": page})
    patch_vary_headers(response, ["HX-Request"])
    return response


@login_required
def event_calendar(request):
    """The schedule as a month grid, Monday first (Russian weeks)."""
    _require_schedule_role(request)
    today = timezone.localdate()
    month_start = _parse_month(request.GET.get("month")) or today.replace(day=1)
    next_month = (month_start + dt.timedelta(days=32)).replace(day=1)
    prev_month = (month_start - dt.timedelta(days=1)).replace(day=1)
    events = event_calendar_list(user=request.user, start=month_start, end=next_month)
    by_day: dict[dt.date, list[Event]] = {}
    for event in events:
        by_day.setdefault(timezone.localtime(event.starts_at).date(), []).append(event)
    weeks = [
        [{"date": day, "in_month": day.month == month_start.month, "today": day == today,
          "events": by_day.get(day, [])} for day in week]
        for week in calendar.Calendar(firstweekday=calendar.MONDAY).monthdatescalendar(
            month_start.year, month_start.month
        )
    ]
    return render(request, "venues/manage/event_calendar.html", {
        "month": month_start,
        "weeks": weeks,
        "weekdays": [WEEKDAYS_ABBR[i] for i in range(7)],
        "prev_month": prev_month.strftime("%Y-%m"),
        "next_month": next_month.strftime("%Y-%m"),
        "event_count": sum(len(day) for day in by_day.values()),
    })


def _parse_month(value: str | None) -> dt.date | None:
    try:
        parsed = dt.datetime.strptime(value or "", "%Y-%m").date()
    except ValueError:
        return None
    return parsed if 2000 <= parsed.year <= 2100 else None


# --- one event -----------------------------------------------------------------------------------------------------


@login_required
def event_manage_detail(request, pk: int):
    event = _get_event(request, pk)
    return _render_detail(request, event)


def _render_detail(request, event: Event, *, copy_form=None, return_form=None, cancel_form=None, status=200):
    event = event_manage_get(user=request.user, pk=event.pk)
    actions = event_actions(actor=request.user, event=event)
    return render(request, "venues/manage/event_detail.html", {
        "event": event,
        "actions": actions,
        "copy_form": copy_form or CopyForm(),
        "return_form": return_form or ReturnForm(),
        "cancel_form": cancel_form or CancelForm(),
        "show_gallery": media_roles(get_roles(request.user)),
    }, status=status)


@login_required
def event_create_view(request):
    venues = _staff_venues(request)
    if not get_roles(request.user).venue_ids:
        raise Http404
    mentors = venue_mentor_list(venues=venues)
    own = list(venues[:2])
    initial = {"campaign": current_campaign(), "venue": own[0] if len(own) == 1 else None}
    form = EventForm(request.POST or None, venues=venues, mentors=mentors, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            event = event_create(
                actor=request.user, venue=form.cleaned_data["venue"], **form.service_fields()
            )
        except EventError as error:
            _apply_error(form, error)
        else:
            messages.success(request, _("The draft is saved. Submit it to the coordinator when it is ready."))
            return redirect("venues:event_manage_detail", pk=event.pk)
    return render(request, "venues/manage/event_form.html", {"form": form, "event": None},
                  status=400 if form.errors else 200)


@login_required
def event_edit(request, pk: int):
    event = _get_event(request, pk)
    if "edit" not in event_actions(actor=request.user, event=event):
        messages.error(request, _("This event cannot be edited now."))
        return redirect("venues:event_manage_detail", pk=event.pk)
    if event.status == Event.Status.PUBLISHED:
        initial = initial_from_event(event)
        form = PublishedEventForm(request.POST or None, mode=event.mode, initial=initial)
    else:
        mentors = venue_mentor_list(venues=[event.venue_id])
        form = EventForm(request.POST or None, mentors=mentors, initial=initial_from_event(event))
    if request.method == "POST" and form.is_valid():
        try:
            event_update(actor=request.user, event=event, **form.service_fields())
        except EventError as error:
            _apply_error(form, error)
        else:
            messages.success(request, _("The event is saved."))
            return redirect("venues:event_manage_detail", pk=event.pk)
    return render(request, "venues/manage/event_form.html", {"form": form, "event": event},
                  status=400 if form.errors else 200)


def _run(request, event: Event, action, success: str):
    try:
        action()
    except EventError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, success)
    return redirect(_next_url(request, event))


def _next_url(request, event: Event) -> str:
    target = request.POST.get("next", "")
    if target and url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()},
                                                  require_https=request.is_secure()):
        return target
    return reverse("venues:event_manage_detail", args=[event.pk])


@login_required
@require_POST
def event_submit_view(request, pk: int):
    event = _get_event(request, pk)
    return _run(request, event, lambda: event_submit(actor=request.user, event=event),
                _("The event is sent to the regional coordinator for approval."))


@login_required
@require_POST
def event_approve_view(request, pk: int):
    event = _get_event(request, pk)
    return _run(request, event, lambda: event_approve(actor=request.user, event=event),
                _("The event is published in the catalog."))


@login_required
@require_POST
def event_return_view(request, pk: int):
    event = _get_event(request, pk)
    form = ReturnForm(request.POST)
    form.is_valid()
    try:
        event_return(actor=request.user, event=event, comment=form.cleaned_data.get("comment", ""))
    except EventError as error:
        if request.POST.get("next") or error.field is None:
            messages.error(request, error.message)
            return redirect(_next_url(request, event))
        _apply_error(form, error)
        return _render_detail(request, event, return_form=form, status=400)
    messages.success(request, _("The event is returned to the venue with your comment."))
    return redirect(_next_url(request, event))


@login_required
@require_POST
def event_cancel_view(request, pk: int):
    event = _get_event(request, pk)
    form = CancelForm(request.POST)
    form.is_valid()
    try:
        event_cancel(actor=request.user, event=event, reason=form.cleaned_data.get("reason", ""))
    except EventError as error:
        if error.field is None:  # a rule about the event or the user, not about what was typed
            messages.error(request, error.message)
            return redirect("venues:event_manage_detail", pk=event.pk)
        _apply_error(form, error)
        return _render_detail(request, event, cancel_form=form, status=400)
    messages.success(request, _("The event is cancelled; the booked families are being told."))
    return redirect("venues:event_manage_detail", pk=event.pk)


@login_required
@require_POST
def event_copy_view(request, pk: int):
    event = _get_event(request, pk)
    form = CopyForm(request.POST)
    if form.is_valid():
        try:
            copy = event_copy(actor=request.user, event=event, starts_at=form.cleaned_data["starts_at"])
        except EventError as error:
            if error.field is None:
                messages.error(request, error.message)
                return redirect("venues:event_manage_detail", pk=event.pk)
            _apply_error(form, error)
        else:
            messages.success(request, _("The copy is saved as a draft."))
            return redirect("venues:event_manage_detail", pk=copy.pk)
    return _render_detail(request, event, copy_form=form, status=400)
