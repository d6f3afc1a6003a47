"""The life of an event (SPEC §3, issue 4 §1–§2): venue staff draft, edit, copy and submit; the region's
coordinator approves, returns with a comment or cancels; a change of time or place of a published event, or its
cancellation, tells every booked student and guardian.

Every state change is a compare-and-set on the status or happens under the event's row lock, so two coordinators
pressing "approve" and "return" at once, or a booking landing while the capacity changes, cannot both win. A lock
not granted in time or a deadlock raises `bilet.db.Busy` (the page answers 503 «Сервер занят, попробуйте ещё раз»).

- `rules.py` — what an event must satisfy, what may change in which status, `EventError`;
- `access.py` — who may do what; `locks.py` — the event's row lock;
- `editing.py` — venue staff create, edit, copy and submit; a published event's time, place and seats change;
- `coordinator.py` — the coordinator approves, returns or cancels; `notices.py` — telling families and venue staff.
"""

from .access import event_actions
from .coordinator import event_approve, event_cancel, event_return
from .editing import event_copy, event_create, event_submit, event_update
from .rules import BOOKED_STATUSES, DRAFT_FIELDS, EDITABLE_STATUSES, PUBLISHED_FIELDS, EventError

__all__ = [
    "BOOKED_STATUSES",
    "DRAFT_FIELDS",
    "EDITABLE_STATUSES",
    "PUBLISHED_FIELDS",
    "EventError",
    "event_actions",
    "event_approve",
    "event_cancel",
    "event_copy",
    "event_create",
    "event_return",
    "event_submit",
    "event_update",
]
