"""Booking under the campaign's rules (SPEC §3), the waiting list, and cancellation.

- `rules.py` — the rules, one plain function; `messages.py` — the refusals' sentences and the error types;
- `facts.py` — what the rules read about the student and the actor;
- `locks.py` — the row locks and their order; `claim.py` — booking a place; `waitlist.py` — cancelling and promoting.

Every write is one `transaction.atomic()` with a lock timeout; a lock not granted in time, a deadlock or a
serialization failure becomes `BookingBusy` («Сейчас много желающих — попробуйте ещё раз»).
"""

from .claim import (
    booking_create,
    booking_create_self,
    booking_refusal,
    bookings_create_for_students,
)
from .facts import event_booking_usage
from .messages import BookingBusy, BookingError
from .waitlist import (
    PROMOTE_TASK,
    booking_cancel,
    waitlist_promote,
    waitlist_promote_later,
)

__all__ = [
    "PROMOTE_TASK",
    "BookingBusy",
    "BookingError",
    "booking_cancel",
    "booking_create",
    "booking_create_self",
    "booking_refusal",
    "bookings_create_for_students",
    "event_booking_usage",
    "waitlist_promote",
    "waitlist_promote_later",
]
