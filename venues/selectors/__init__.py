"""Reads that scope by role (SPEC §2): every venue, mentor, event and booking a user reaches comes through here.

`events` holds venues, mentors, events and the plain booking list; `bookings` what booking needs (a family's students,
the usage of a campaign's limits, places in a queue); `followup` attendance and recommendations after an event.
"""

from .events import (  # noqa: F401
    booking_list,
    catalog_event_list,
    current_assignment,
    event_calendar_list,
    event_list,
    event_manage_get,
    event_public_get,
    event_public_list,
    event_queue_list,
    mentor_list,
    mentor_rows,
    staff_venue_list,
    venue_list,
    venue_mentor_list,
    venue_rows,
)
