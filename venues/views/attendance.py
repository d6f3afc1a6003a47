"""Attendance registers (issue 4 §5): venue staff mark who came; the coordinator sees registers not taken."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.cache import patch_vary_headers
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods

from bilet.lists import wants_partial
from bilet.pd_log import logs_personal_data_view
from bilet.roles import get_roles

from ..selectors.followup import attendance_event_list, attendance_overdue_list
from ..models import Booking, Event
from ..services.attendance import AttendanceError, attendance_mark, event_register

ATTENDED, ABSENT = "attended", "absent"


@login_required
@require_http_methods(["GET", "POST"])
@logs_personal_data_view(gettext_lazy("Attendance register"))
def event_attendance(request, pk: int):
    event = get_object_or_404(attendance_event_list(user=request.user), pk=pk)
    register = list(event_register(event=event))
    error = None
    if request.method == "POST":
        choices = {b.pk: request.POST.get(f"booking-{b.pk}") for b in register}
        marks = {pk: value == ATTENDED for pk, value in choices.items() if value in (ATTENDED, ABSENT)}
        try:
            attendance_mark(actor=request.user, event=event, marks=marks)
        except AttendanceError as exc:
            error = str(exc)
        else:
            messages.success(request, _("Attendance is saved."))
            return redirect("venues:event_attendance", pk=event.pk)
    else:
        choices = {b.pk: _current_choice(b) for b in register}
    rows = [{"booking": b, "choice": choices.get(b.pk), "has_recommendation": _has_recommendation(b)} for b in register]
    return render(request, "venues/followup/attendance_form.html", {
        "event": event,
        "rows": rows,
        "error": error,
        "started": event.starts_at <= timezone.now(),
        "can_mark": event.starts_at <= timezone.now() and event.status == Event.Status.PUBLISHED,
        "ATTENDED": ATTENDED,
        "ABSENT": ABSENT,
    }, status=400 if error else 200)


@login_required
def attendance_overdue(request):
    roles = get_roles(request.user)
    if not (roles.coordinator_region_ids or roles.venue_ids):
        raise Http404
    page = Paginator(attendance_overdue_list(user=request.user), settings.PAGINATE_BY).get_page(request.GET.get("page"))
    return render_list(request, "venues/followup/attendance_overdue.html", {"page": page})


def render_list(request, template: str, context: dict):
    """The whole page, or only its `results` partial for an HTMX page turn (the shared pagination asks for it)."""
    response = render(request, f"{template}#results" if wants_partial(request) else template, context)
    patch_vary_headers(response, ["HX-Request"])
    return response


def _current_choice(booking: Booking) -> str | None:
    return {Booking.Status.ATTENDED: ATTENDED, Booking.Status.NO_SHOW: ABSENT}.get(booking.status)


def _has_recommendation(booking: Booking) -> bool:
    return hasattr(booking, "recommendation")

