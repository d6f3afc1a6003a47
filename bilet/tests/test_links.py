"""Issue 12 §9: no link leads a user to a 404. Every role of the `world` fixture signs in; every internal link of its
home page, and of the lists its navigation bar offers (one click away), is followed and answers neither 404 nor 500."""

from html.parser import HTMLParser
from urllib.parse import urlsplit

import pytest
from django.urls import reverse

from .test_bad_ids import ROLES

# Links that are not pages to read: signing out is a form, a file downloads (its own tests check it).
NOT_PAGES = ("/accounts/logout/", ".ics", ".xlsx", ".csv")
# The admin is opened but not walked: its own links are Django's (every model's list and form), not the portal's.
NOT_WALKED = ("/admin/",)


class _Links(HTMLParser):
    def __init__(self):
        super().__init__()
        self.hrefs, self.nav = [], []
        self._in_nav = 0

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "nav" and "site-nav" in (attrs.get("class") or ""):
            self._in_nav += 1
        if tag == "a" and attrs.get("href"):
            self.hrefs.append(attrs["href"])
            if self._in_nav:
                self.nav.append(attrs["href"])

    def handle_endtag(self, tag):
        if tag == "nav" and self._in_nav:
            self._in_nav -= 1


def links_of(html: str) -> _Links:
    parser = _Links()
    parser.feed(html)
    return parser


def internal(href: str) -> bool:
    parts = urlsplit(href)
    return not parts.scheme and not parts.netloc and parts.path.startswith("/") and not href.endswith(NOT_PAGES)


@pytest.mark.parametrize("role", list(ROLES))
def test_every_link_of_a_roles_home_and_lists_opens(client, world, role):
    client.force_login(ROLES[role](world))
    client.raise_request_exception = False
    home = client.get(reverse("home"))
    assert home.status_code == 200
    found = links_of(home.content.decode())
    to_follow = {href for href in found.hrefs if internal(href)}
    for list_url in {href for href in found.nav if internal(href)} - {reverse("home")}:
        response = client.get(list_url)
        assert response.status_code == 200, f"{role}: the navigation's {list_url} answers {response.status_code}"
        if not list_url.startswith(NOT_WALKED):
            to_follow |= {href for href in links_of(response.content.decode()).hrefs if internal(href)}
    assert _broken(client, to_follow) == {}, role
    assert len(to_follow) > 3


def _broken(client, hrefs) -> dict:
    broken = {}
    for href in sorted(hrefs):
        status = client.get(href).status_code
        if status in (404, 500):
            broken[href] = status
    return broken


@pytest.mark.parametrize("role", ["operator", "curator", "coordinator", "venue_staff"])
def test_every_link_of_the_galleries_opens(client, world, role):
    """Issue 15 §5: the galleries with files in them — each file, its download, its event's gallery, the request."""
    from venues.tests.factories import MediaFileFactory

    a = world.a
    photo = MediaFileFactory(event=a.event, uploaded_by=a.venue_staff.user)
    MediaFileFactory(event=a.event, kind="video", thumbnail=None, content_type="video/mp4", uploaded_by=None)
    MediaFileFactory(event=None, region=a.region, campaign=world.campaign, uploaded_by=a.coordinator.user)
    client.force_login(ROLES[role](world))
    client.raise_request_exception = False
    hrefs = set()
    for page in (reverse("venues:gallery"), reverse("venues:event_gallery", args=[a.event.pk])):
        response = client.get(page)
        assert response.status_code == 200, page
        hrefs |= {href for href in links_of(response.content.decode()).hrefs if internal(href)}
    assert reverse("venues:media_file", args=[photo.pk]) in hrefs
    assert _broken(client, hrefs) == {}, role


def test_a_guardians_home_links_each_child_to_the_childs_bookings(client, world):
    client.force_login(world.a.guardian.user)
    html = client.get(reverse("home")).content.decode()
    child_page = f'{reverse("venues:my_bookings")}?student={world.a.student.pk}'
    assert f'href="{child_page}"' in html
    assert reverse("participants:student_detail", args=[world.a.student.pk]) not in html
    page = client.get(child_page)
    assert page.status_code == 200
    assert [family["student"] for family in page.context["families"]] == [world.a.student]
    # Another family's child, or a malformed id, is not theirs to read: 404.
    for other in (world.a.other_student.pk, world.b.student.pk, "abc", "99999999999999999999"):
        assert client.get(reverse("venues:my_bookings"), {"student": other}).status_code == 404


@pytest.mark.parametrize("who", ["curator", "operator"])
def test_every_link_of_the_national_summary_opens_for_its_reader(client, world, who):
    """The national summary (issue 13 §2c) — its page, and a build's page with its files — for a curator (their
    regions, reached from their home page) and for operator staff (every region)."""
    from reports import services
    from reports.models import ReportType

    user = world.curator.user if who == "curator" else world.operator
    client.force_login(user)
    client.raise_request_exception = False
    summary = reverse("reports:report_preview", args=["national"])
    if who == "curator":
        assert summary in links_of(client.get(reverse("home")).content.decode()).hrefs
    built, _created = services.report_request(actor=user, report_type=ReportType.NATIONAL, region=None,
                                              campaign=world.campaign)
    services.report_build(report_id=built.pk)
    to_follow = set()
    for url in (summary, reverse("reports:report_detail", args=[built.pk])):
        page = client.get(url)
        assert page.status_code == 200, url
        to_follow |= {href for href in links_of(page.content.decode()).hrefs if internal(href)}
    region_links = {href for href in to_follow if "region=" in href}
    assert any("region=71" in href for href in region_links)
    assert any("region=67" in href for href in region_links) == (who == "operator")
    broken = {href: status for href in sorted(to_follow) if (status := client.get(href).status_code) in (404, 500)}
    assert broken == {}, f"{who}: {broken}"
    for kind in ("pdf", "xlsx"):
        assert client.get(reverse("reports:report_download", args=[built.pk, kind])).status_code == 200
