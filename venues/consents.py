"""A withdrawn consent cancels the child's future bookings (SPEC §3), registered with `participants.consent_hooks`.

Each booking is cancelled through `booking_cancel`, the booking package's public service, so a freed seat goes to the
waiting list as on any cancellation. One that the campaign's rules keep (the cancellation deadline has passed) is
reported back to the guardian with the rule's sentence. Past bookings (attended, no-show) stay: the reports count them.
"""

from django.utils import timezone
from django.utils.translation import gettext as _

from participants.consent_hooks import WithdrawalEffect

from .models import Booking
from .services.booking import BookingError, booking_cancel
from .services.notifications import event_email_context, notify_students


def cancel_future_bookings(*, actor, student) -> WithdrawalEffect:
    effect = WithdrawalEffect()
    future = (
        Booking.objects.filter(
            student=student,
            status__in=[Booking.Status.CONFIRMED, Booking.Status.WAITLISTED],
            event__starts_at__gt=timezone.now(),
        )
        .select_related("event__venue")
        .order_by("event__starts_at", "pk")
    )
    cancelled, kept = [], []
    for booking in future:
        line = event_email_context(booking.event)
        try:
            booking_cancel(actor=actor, booking=booking)
        except BookingError as refusal:
            kept.append(line | {"reason": refusal.message})
            effect.kept.append((booking.event.title, refusal.message))
        else:
            cancelled.append(line)
            effect.cancelled.append(booking.event.title)
    notify_students(
        student_ids=[student.pk],
        subject=_("The consent to process personal data is withdrawn"),
        template_name="venues/email/consent_withdrawn.txt",
        context={"cancelled": cancelled, "kept": kept},
    )
    return effect


def register() -> None:
    from participants import consent_hooks

    consent_hooks.register(cancel_future_bookings)
