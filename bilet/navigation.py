"""The navigation bar: what each role can do. Apps add their entries here when they add a page.

A family's or a navigator's bar is a handful of links. A coordinator, a curator or operator staff see two dozen: past
`FLAT_MAX` entries the bar shows the entries without a group, then one menu per group (`GROUPS`), a `<details>` that
opens on a click or a key press without JavaScript; a group with a single entry for the role is a plain link."""

from dataclasses import dataclass
from typing import Callable

from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from .roles import Roles

# The menus of a long bar, in their order.
GROUPS = {
    "events": pgettext_lazy("navigation menu", "Events"),
    "people": pgettext_lazy("navigation menu", "Students and navigators"),
    "directories": pgettext_lazy("navigation menu", "Directories"),
    "reporting": pgettext_lazy("navigation menu", "Reporting"),
    "admin": pgettext_lazy("navigation menu", "Administration"),
}
# A bar of at most this many entries stays flat.
FLAT_MAX = 10


@dataclass(frozen=True)
class NavItem:
    label: str
    url_name: str
    visible: Callable[[Roles], bool]
    group: str = ""  # a key of GROUPS: its menu in a long bar


ITEMS: list[NavItem] = [
    NavItem(_("Home"), "home", lambda r: True),
    NavItem(_("Administration"), "admin:index", lambda r: r.operator, "admin"),
    # Directories (issue 3 §6): region roles; navigators their school's; venue staff their venue and its mentors.
    NavItem(_("Municipalities"), "regions:municipality_list", lambda r: r.operator or bool(r.region_ids), "directories"),
    NavItem(_("Schools"), "regions:school_list", lambda r: r.operator or bool(r.region_ids), "directories"),
    NavItem(_("Navigators"), "participants:navigator_list", lambda r: r.operator or bool(r.region_ids), "people"),
    NavItem(
        _("Students"), "participants:student_list",
        lambda r: r.operator or bool(r.region_ids or r.navigator_school_ids), "people",
    ),
    NavItem(_("Venues"), "venues:venue_list", lambda r: r.operator or bool(r.region_ids or r.venue_ids), "directories"),
    NavItem(_("Mentors"), "venues:mentor_list", lambda r: r.operator or bool(r.region_ids or r.venue_ids), "directories"),
    # Curators' requests (issue 15 §1): the curator's regions, the coordinator's region.
    NavItem(
        _("Requests"), "regions:request_list", lambda r: bool(r.curator_region_ids or r.coordinator_region_ids), "reporting"
    ),
    NavItem(_("Personal data log"), "bilet:pd_log", lambda r: r.operator, "admin"),
    NavItem(_("My account"), "account_change_password", lambda r: True),
    NavItem(
        _("Attendance"), "venues:attendance_overdue", lambda r: bool(r.coordinator_region_ids or r.venue_ids), "events"
    ),
    NavItem(
        _("My students' recommendations"), "venues:mentor_recommendations", lambda r: r.mentor_id is not None, "events"
    ),
    NavItem(
        _("Overdue recommendations"), "venues:recommendations_overdue", lambda r: bool(r.operator or r.region_ids), "events"
    ),
    # Reports (issue 13): built and read by region roles; the curator sets the monthly reports' deadlines.
    NavItem(_("Reports"), "reports:report_list", lambda r: bool(r.operator or r.region_ids), "reporting"),
    NavItem(_("Report deadlines"), "reports:deadline_list", lambda r: bool(r.operator or r.region_ids), "reporting"),
    # The coordinator's records for the reports (issue 13 §1, §2d): the region's coordinator, its curators (read-only).
    NavItem(_("Promotion"), "regions:promotion_list", lambda r: r.operator or bool(r.region_ids), "reporting"),
    NavItem(_("Team training"), "regions:training_list", lambda r: r.operator or bool(r.region_ids), "reporting"),
    NavItem(_("Training needs"), "regions:need_list", lambda r: r.operator or bool(r.region_ids), "reporting"),
    NavItem(_("Monitoring"), "reports:monitoring", lambda r: r.operator or bool(r.region_ids), "reporting"),
    NavItem(_("Appeals"), "regions:appeal_list", lambda r: r.operator or bool(r.region_ids), "reporting"),
    # The region's roadmap (issue 15 §2): its coordinator writes it, its curators and operator staff read it.
    NavItem(_("Roadmap"), "regions:roadmap_list", lambda r: r.operator or bool(r.region_ids), "reporting"),
]


def nav_for(roles: Roles, current_path: str) -> list[dict]:
    """The bar's entries for these roles: links (`label`, `url`, `current`) and, in a long bar, menus (`label`,
    `links`, `current`: the page is one of them; not `items`, which a template would read as `dict.items`)."""
    links = []
    for item in ITEMS:
        if not item.visible(roles):
            continue
        url = reverse(item.url_name)
        matches = current_path == url if url == "/" else current_path.startswith(url)
        links.append({"label": item.label, "url": url, "current": matches, "group": item.group})
    # Nested sections (/manage/events/ and /manage/events/calendar/): only the closest one is the current page.
    closest = max((link["url"] for link in links if link["current"]), key=len, default=None)
    for link in links:
        link["current"] = link["url"] == closest
    if len(links) <= FLAT_MAX:
        return links
    entries = [link for link in links if not link["group"]]
    for key, label in GROUPS.items():
        items = [link for link in links if link["group"] == key]
        if len(items) == 1:
            entries += items
        elif items:
            entries.append({"label": label, "links": items, "current": any(i["current"] for i in items)})
    return entries
