"""Attendance of a practicum (issue 4 §5): after the event, venue staff mark every booked student attended or absent.

Decisions:
- Marking opens when the event starts (the register is taken at the door), not only after it ends.
- Every confirmed booking is marked in the same form; a partial register is refused, so "attendance marked" on the
  event always means "every seat accounted for".
- Marking again is allowed (a register taken in a hurry gets corrected), except that a student who already has the
  mentor's recommendation cannot be turned into a no-show: the recommendation would describe an event they missed.
- Waitlisted bookings are not part of the register: they never had a seat.
"""

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from bilet.db import locked_write
from bilet.roles import get_roles

from ..models import Booking, Event, Recommendation

# Bookings that hold a seat at the event and so belong on its register.
REGISTER_STATUSES = (Booking.Status.CONFIRMED, Booking.Status.ATTENDED, Booking.Status.NO_SHOW)


class AttendanceError(Exception):
    """A refusal to mark attendance; the message is a Russian sentence for the user."""


def attendance_can_mark(*, user, event: Event) -> bool:
    """Whether `user` runs the register of `event`: its venue's staff or its region's coordinator."""
    roles = get_roles(user)
    return event.venue_id in roles.venue_ids or event.region_id in roles.coordinator_region_ids


def event_register(*, event: Event):
    """The bookings on the register of `event`, in a stable order for the form."""
    return (
        Booking.objects.filter(event=event, status__in=REGISTER_STATUSES)
        .select_related("student", "student__school", "recommendation")
        .order_by("student__last_name", "student__first_name", "pk")
    )


@locked_write
def attendance_mark(*, actor, event: Event, marks: dict[int, bool]) -> Event:
    """Mark each booking of `marks` (booking id → attended?) and record when the register was taken."""
    if not attendance_can_mark(user=actor, event=event):
        raise AttendanceError(_("Only the venue's staff or the region's coordinator can mark attendance."))
    # The event row lock makes two people submitting the register at once take turns, so the second sees the
    # recommendations the first one's marks allowed and the final state is one register, not a mix of two.
    event = Event.objects.select_for_update().get(pk=event.pk)
    if event.status != Event.Status.PUBLISHED:
        raise AttendanceError(_("Attendance is marked only for published events."))
    if event.starts_at > timezone.now():
        raise AttendanceError(_("The event has not started yet: attendance can be marked once it begins."))

    register = {b.pk: b for b in event_register(event=event)}
    unknown = set(marks) - set(register)
    if unknown:
        raise AttendanceError(_("Some of the marked bookings are not on this event's register. Reload the page."))
    missing = [b for pk, b in register.items() if pk not in marks]
    if missing:
        raise AttendanceError(
            ngettext(
                "Mark every booked student: %(count)d student is not marked.",
                "Mark every booked student: %(count)d students are not marked.",
                len(missing),
            )
            % {"count": len(missing)}
        )
    attended_ids = [pk for pk, attended in marks.items() if attended]
    absent_ids = [pk for pk, attended in marks.items() if not attended]
    # A mentor writing a recommendation holds its booking's row lock (recommendation_write). Lock the register's rows,
    # then look for recommendations in a new statement: either the mentor committed first and we see it, or they wait
    # for us and then find the student absent. Reading it from the register above could miss a commit in between.
    list(Booking.objects.select_for_update().filter(pk__in=list(register)).order_by("pk").values_list("pk", flat=True))
    written = Recommendation.objects.filter(booking_id__in=absent_ids).values_list("booking_id", flat=True).first()
    if written is not None:
        raise AttendanceError(
            _("%(student)s already has the mentor's recommendation, so they cannot be marked absent.")
            % {"student": register[written].student.full_name}
        )

    Booking.objects.filter(pk__in=attended_ids).update(status=Booking.Status.ATTENDED)
    Booking.objects.filter(pk__in=absent_ids).update(status=Booking.Status.NO_SHOW)
    event.attendance_marked_at = timezone.now()
    event.save(update_fields=["attendance_marked_at"])
    return event
