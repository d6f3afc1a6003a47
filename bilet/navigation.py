"""The navigation bar: what each role can do. Apps add their entries here when they add a page."""

from dataclasses import dataclass
from typing import Callable

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from .roles import Roles


@dataclass(frozen=True)
class NavItem:
    label: str
    url_name: str
    visible: Callable[[Roles], bool]


ITEMS: list[NavItem] = [
    NavItem(_("Home"), "home", lambda r: True),
    NavItem(_("Administration"), "admin:index", lambda r: r.operator),
    # Directories (issue 3 §6): region roles; navigators their school's; venue staff their venue and its mentors.
    NavItem(_("Municipalities"), "regions:municipality_list", lambda r: r.operator or bool(r.region_ids)),
    NavItem(_("Schools"), "regions:school_list", lambda r: r.operator or bool(r.region_ids)),
    NavItem(_("Navigators"), "participants:navigator_list", lambda r: r.operator or bool(r.region_ids)),
    NavItem(
        _("Students"), "participants:student_list",
        lambda r: r.operator or bool(r.region_ids or r.navigator_school_ids),
    ),
    NavItem(_("Venues"), "venues:venue_list", lambda r: r.operator or bool(r.region_ids or r.venue_ids)),
    NavItem(_("Mentors"), "venues:mentor_list", lambda r: r.operator or bool(r.region_ids or r.venue_ids)),
    # Curators' requests (issue 15 §1): the curator's regions, the coordinator's region.
    NavItem(_("Requests"), "regions:request_list", lambda r: bool(r.curator_region_ids or r.coordinator_region_ids)),
    NavItem(_("Personal data log"), "bilet:pd_log", lambda r: r.operator),
    NavItem(_("My account"), "account_change_password", lambda r: True),
    NavItem(_("Attendance"), "venues:attendance_overdue", lambda r: bool(r.coordinator_region_ids or r.venue_ids)),
    NavItem(_("My students' recommendations"), "venues:mentor_recommendations", lambda r: r.mentor_id is not None),
    NavItem(_("Overdue recommendations"), "venues:recommendations_overdue", lambda r: bool(r.operator or r.region_ids)),
    # Reports (issue 13): built and read by region roles; the curator sets the monthly reports' deadlines.
    NavItem(_("Reports"), "reports:report_list", lambda r: bool(r.operator or r.region_ids)),
    NavItem(_("Report deadlines"), "reports:deadline_list", lambda r: bool(r.operator or r.region_ids)),
    # The coordinator's records for the reports (issue 13 §1, §2d): the region's coordinator, its curators (read-only).
    NavItem(_("Promotion"), "regions:promotion_list", lambda r: r.operator or bool(r.region_ids)),
    NavItem(_("Team training"), "regions:training_list", lambda r: r.operator or bool(r.region_ids)),
    NavItem(_("Training needs"), "regions:need_list", lambda r: r.operator or bool(r.region_ids)),
    NavItem(_("Monitoring"), "reports:monitoring", lambda r: r.operator or bool(r.region_ids)),
    NavItem(_("Appeals"), "regions:appeal_list", lambda r: r.operator or bool(r.region_ids)),
]


def nav_for(roles: Roles, current_path: str) -> list[dict]:
    items = []
    for item in ITEMS:
        if not item.visible(roles):
            continue
        url = reverse(item.url_name)
        matches = current_path == url if url == "/" else current_path.startswith(url)
        items.append({"label": item.label, "url": url, "current": matches})
    # Nested sections (/manage/events/ and /manage/events/calendar/): only the closest one is the current page.
    closest = max((item["url"] for item in items if item["current"]), key=len, default=None)
    for item in items:
        item["current"] = item["url"] == closest
    return items
