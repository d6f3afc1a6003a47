"""Navigation entries of the event pages, added to bilet.navigation.ITEMS when the app is ready (bilet is the lower
app and cannot import venues; the labels stay in this app's catalogue)."""

from django.utils.translation import gettext_lazy as _

from bilet.navigation import NavItem


def _schedules(roles) -> bool:
    return bool(roles.operator or roles.region_ids or roles.venue_ids)


EVENT_ITEMS = [
    NavItem(_("Practicum catalog"), "venues:catalog", lambda r: True),
    NavItem(_("Events"), "venues:event_manage_list", _schedules, "events"),
    NavItem(_("Approval queue"), "venues:event_queue", lambda r: bool(r.operator or r.coordinator_region_ids), "events"),
    NavItem(_("Calendar"), "venues:event_calendar", _schedules, "events"),
    NavItem(_("Contracts"), "venues:contract_list", lambda r: bool(r.operator or r.region_ids), "directories"),
    # Photos and videos (issue 15 §5): the region's people and the venues' staff.
    NavItem(_("Photos and videos"), "venues:gallery", _schedules, "events"),
    # A student's own bookings and a guardian's children's (venues.views.bookings.my_bookings).
    NavItem(_("My bookings"), "venues:my_bookings", lambda r: r.student_id is not None or r.guardian_id is not None),
    # A navigator's list of their school's students' bookings (venues.views.school_bookings).
    NavItem(_("Bookings of my students"), "venues:school_bookings", lambda r: bool(r.navigator_school_ids)),
]


def register() -> None:
    from bilet.navigation import ITEMS

    for item in EVENT_ITEMS:
        if item not in ITEMS:
            ITEMS.append(item)
