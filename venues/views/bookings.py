"""Booking pages (issue 4 §4): book and cancel, a navigator's class booking, "my bookings" and its calendar file.

Every write goes through `venues.services.booking`; a student outside the user's reach is a 404, like a booking that
is not theirs to cancel.
"""

import datetime as dt

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from bilet.ids import parse_id
from bilet.pd_log import logs_personal_data_view
from bilet.roles import get_roles
from participants.models import Student
from participants.selectors import bookable_students
from regions.selectors import current_campaign

from .. import ics
from ..forms import ClassBookingForm, StudentToBookForm, class_key
from ..models import Booking, Event
from ..selectors.bookings import (
    actionable_booking_list,
    class_booking_event_list,
    event_family_booking_list,
    family_booking_list,
    family_calendar_booking_list,
    family_student_list,
    navigator_eligible_students,
    navigator_student_list,
    queue_position,
    queue_positions,
    with_usage,
)
from ..selectors import event_public_get
from ..services.booking import (
    BookingError,
    booking_cancel,
    booking_create,
    booking_create_self,
    booking_refusal,
    bookings_create_for_students,
)
from ..services.recommendations import recommendation_due_at, recommendation_overdue

BOX_TEMPLATE = "venues/bookings/booking_box.html"


# --- the booking box of the event page --------------------------------------------------------------------------------


def booking_box_context(*, user, event: Event) -> dict:
    """What the event page's booking box shows this user: their family's places on the event, who can still book
    (the button says "waiting list" when the event is full) and, for everyone else, the rule that stops them."""
    roles = get_roles(user)
    students = list(family_student_list(user=user)) if user.is_authenticated else []
    bookings = {b.student_id: b for b in event_family_booking_list(user=user, event=event, students=students)}
    lines = []
    for student in students:
        booking = bookings.get(student.pk)
        refusal = None if booking else booking_refusal(actor=user, event=event, student=student)
        lines.append({"student": student, "booking": booking, "refusal": refusal, "is_self": student.pk == roles.student_id})
    return {
        "event": event,
        "box_lines": lines,
        "box_bookable": [line["student"] for line in lines if not line["booking"] and not line["refusal"]],
        "box_is_full": event.seats_taken >= event.capacity,
        "box_is_navigator": bool(roles.navigator_school_ids),
        "box_cancel_deadline": event.starts_at - dt.timedelta(hours=event.campaign.cancel_hours_before),
    }


def _render_box(request, event: Event):
    return render(request, BOX_TEMPLATE, booking_box_context(user=request.user, event=event))


def _event_page(pk: int) -> str:
    return reverse("venues:event_detail", args=[pk])


# --- booking and cancelling -----------------------------------------------------------------------------------------


def _student_to_book(request) -> Student | None:
    """The `student` field when a guardian or navigator books for a child (404 if out of their reach); the user
    themself when a student books; a guardian's only child when there is no choice to make."""
    if request.POST.get("student", "").strip():
        form = StudentToBookForm(request.POST, students=bookable_students(user=request.user))
        if not form.is_valid():
            raise Http404
        return form.cleaned_data["student"]
    roles = get_roles(request.user)
    if roles.student_id is not None:
        # The user's own record, by key: `booking_create` locks and reads the row (and refuses an erased student
        # with its own sentence), so reading it here first would only cost a query on the booking path.
        return Student(pk=roles.student_id)
    family = list(family_student_list(user=request.user)[:2])
    return family[0] if len(family) == 1 else None


@login_required
@require_POST
def event_book(request, pk: int):
    if parse_id(pk) is None:  # a key out of the database's range is no event (and no 500 from a query)
        raise Http404
    try:
        # A student booking themself (no `student` field) the short way; anything else, or anything unusual, the
        # general way, which answers every case (404, whom to book, the rules) as it always has.
        booking = None if request.POST.get("student") else booking_create_self(actor=request.user, event_id=pk)
        if booking is None:
            booking = _book_the_general_way(request, pk)
    except BookingError as error:
        messages.error(request, error.message)
    else:
        if booking is not None:
            messages.success(request, _booked_message(request.user, booking))
    if request.htmx:
        event = event_public_get(user=request.user, pk=pk)
        if event is None:
            raise Http404
        return _render_box(request, event)
    return redirect(_event_page(pk))


def _book_the_general_way(request, pk: int) -> Booking | None:
    event = event_public_get(user=request.user, pk=pk)
    if event is None:
        raise Http404
    student = _student_to_book(request)
    if student is None:
        messages.error(request, _("Choose whom to book."))
        return None
    return booking_create(actor=request.user, event=event, student=student)


def _booked_message(user, booking: Booking) -> str:
    is_self = booking.student.user_id == user.pk
    params = {"name": booking.student.full_name, "event": booking.event.title}
    if booking.status == Booking.Status.CONFIRMED:
        text = _("You are booked on «%(event)s».") if is_self else _("%(name)s is booked on «%(event)s».")
        return text % params
    params["position"] = queue_position(booking)
    text = (
        _("No seats are left on «%(event)s»: you are on the waiting list, number %(position)s in the queue.")
        if is_self
        else _("No seats are left on «%(event)s»: %(name)s is on the waiting list, number %(position)s in the queue.")
    )
    return text % params


@login_required
@require_POST
def booking_cancel_view(request, pk: int):
    booking = get_object_or_404(actionable_booking_list(user=request.user), pk=pk)
    was_waitlisted = booking.status == Booking.Status.WAITLISTED
    try:
        booking_cancel(actor=request.user, booking=booking)
    except BookingError as error:
        messages.error(request, error.message)
    else:
        params = {"name": booking.student.full_name, "event": booking.event.title}
        if was_waitlisted:
            messages.success(request, _("%(name)s has left the waiting list for «%(event)s».") % params)
        else:
            messages.success(request, _("The booking of %(name)s on «%(event)s» is cancelled.") % params)
    if request.htmx and request.POST.get("from") == "box":
        event = booking.event  # the user's own booking's event, whatever its status now
        event.refresh_from_db(fields=["seats_taken", "status"])
        return _render_box(request, event)
    target = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}, require_https=request.is_secure()):
        target = _bookings_list_of(request.user, booking)
    return redirect(target)


def _bookings_list_of(user, booking: Booking) -> str:
    """The list the user reads this booking in: "my bookings" for their own or their child's, the school's bookings for
    a navigator's student."""
    roles = get_roles(user)
    if roles.navigator_school_ids and not family_student_list(user=user, student_id=booking.student_id).exists():
        return reverse("venues:school_bookings")
    return reverse("venues:my_bookings")


# --- a navigator books a class ----------------------------------------------------------------------------------------


@login_required
@logs_personal_data_view(gettext_lazy("Class list for booking"))
def event_book_students(request, pk: int):
    roles = get_roles(request.user)
    if not roles.navigator_school_ids:
        raise Http404
    event = get_object_or_404(class_booking_event_list(user=request.user), pk=pk)
    eligible = list(navigator_eligible_students(user=request.user, event=event))
    context = {"event": event, "selected": set()}
    if request.method == "POST":
        form = ClassBookingForm(
            request.POST, students=navigator_student_list(user=request.user), school_ids=roles.navigator_school_ids
        )
        # Only the navigator's own schools: a tampered or malformed id is a 404, like any record out of reach.
        if not form.is_valid():
            raise Http404
        ids = {s.pk for s in form.cleaned_data["students"]}  # read once, when the form checked them
        # A ticked class stands for every student of it that the page offered: they are booked like ticked ones.
        ids |= {s.pk for s in eligible if _class_of(s) in form.cleaned_data["classes"]}
        students = list(navigator_student_list(user=request.user, ids=ids))
        if not students:
            messages.error(request, _("Tick at least one student or a whole class."))
        else:
            lines = bookings_create_for_students(actor=request.user, event=event, students=students)
            positions = queue_positions(user=request.user, booking_ids=[b.pk for _s, b, _e in lines if b is not None])
            context["selected"] = ids
            context["results"] = [
                {"student": s, "booking": b, "error": e,
                 "position": positions.get(b.pk) if b and b.status == Booking.Status.WAITLISTED else None}
                for s, b, e in lines
            ]
            event.refresh_from_db(fields=["seats_taken"])
            eligible = list(navigator_eligible_students(user=request.user, event=event))
    context["eligible"] = eligible
    context["classes"] = _group_by_class(eligible)
    return render(request, "venues/bookings/book_students.html", context)


def _class_of(student: Student) -> tuple[int, int, str]:
    return student.school_id, student.grade, student.class_letter


def _group_by_class(students: list[Student]) -> list[dict]:
    """The class form's groups, in the students' order (grade, letter, name): one per school class."""
    groups: dict[tuple, dict] = {}
    for student in students:
        key = _class_of(student)
        if key not in groups:
            groups[key] = {"key": class_key(*key), "label": student.grade_label, "school": student.school,
                           "students": []}
        groups[key]["students"].append(student)
    return list(groups.values())


# --- my bookings ------------------------------------------------------------------------------------------------------


def with_actions(bookings, now=None) -> None:
    """Set `cancel_deadline`, `can_cancel` (a confirmed place, before the deadline) and `can_leave` (a waiting one)."""
    now = now or timezone.now()
    for booking in bookings:
        event = booking.event
        booking.cancel_deadline = event.starts_at - dt.timedelta(hours=event.campaign.cancel_hours_before)
        booking.can_cancel = booking.status == Booking.Status.CONFIRMED and now < booking.cancel_deadline
        booking.can_leave = booking.status == Booking.Status.WAITLISTED


def _family(request) -> list[Student]:
    """The user's family (themself, their children), or the one child `?student=` names (404 if not theirs)."""
    roles = get_roles(request.user)
    if roles.student_id is None and roles.guardian_id is None:
        raise Http404
    students = family_student_list(user=request.user)
    if "student" in request.GET:
        form = StudentToBookForm(request.GET, students=students)
        if not form.is_valid() or form.cleaned_data["student"] is None:
            raise Http404
        students = family_student_list(user=request.user, student_id=form.cleaned_data["student"].pk)
    return list(with_usage(students, current_campaign()))


@login_required
def my_bookings(request):
    campaign = current_campaign()
    students = _family(request)
    now = timezone.now()
    by_student = {s.pk: [] for s in students}
    bookings = list(family_booking_list(user=request.user, students=students))
    with_actions(bookings, now)
    for booking in bookings:
        # An attended practicum whose mentor has not written yet: when the family may expect the recommendation.
        # (A missing reverse one-to-one raises RelatedObjectDoesNotExist, an AttributeError: hasattr is the check.)
        if booking.status == Booking.Status.ATTENDED and not hasattr(booking, "recommendation"):
            booking.recommendation_due = recommendation_due_at(booking.event)
            booking.recommendation_late = recommendation_overdue(booking.event, now)
        by_student[booking.student_id].append(booking)
    own_id = get_roles(request.user).student_id
    families = [{"student": s, "bookings": by_student[s.pk], "is_self": s.pk == own_id} for s in students]
    return render(request, "venues/bookings/my_bookings.html", {
        "campaign": campaign, "families": families, "one_child": "student" in request.GET,
    })


@login_required
def my_bookings_ics(request):
    students = _family(request)
    events = []
    for booking in family_calendar_booking_list(user=request.user, students=students):
        event = booking.event
        place = event.address if event.mode == Event.Mode.OFFLINE else event.online_url
        description = "\n".join([
            _("Student: %(name)s") % {"name": booking.student.full_name},
            _("Venue: %(venue)s") % {"venue": event.venue.short_name},
            f"{event.get_mode_display()}: {place}",
        ])
        events.append(ics.CalendarEvent(
            uid=f"booking-{booking.pk}@bilet-v-budushchee",
            starts_at=event.starts_at,
            ends_at=event.ends_at,
            summary=event.title,
            location=place,
            description=description,
            url=request.build_absolute_uri(_event_page(event.pk)),
        ))
    response = HttpResponse(
        ics.calendar(events, name=_("My practicums — «Bilet v budushchee»")), content_type="text/calendar; charset=utf-8"
    )
    response["Content-Disposition"] = 'attachment; filename="bilet-bookings.ics"'
    return response
