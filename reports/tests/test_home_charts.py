"""Issue 13 §7: the home pages' charted blocks — each block's numbers against data with known answers, the curator's
laggards first, venue staff's fill rates, query counts that do not grow with the rows, and links that open."""

import datetime as dt
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from bilet.tests.test_links import internal, links_of
from participants.models import Consent
from participants.tests.factories import ConsentFactory, StudentFactory
from regions.models import CampaignStage
from regions.tests.factories import RegionTargetFactory
from venues.models import Booking, Event
from venues.tests.factories import BookingFactory, EventFactory

from reports import home_blocks
from reports.figures.definitions import campaign_window
from reports.figures.compute import region_values

from .conftest import CAMPAIGN, at

HOME = reverse("home")
AFTER_THE_CAMPAIGN = at(12, 21, 10)  # the `known` campaign ends on 20 December 2026


def _text(html: str) -> str:
    return re.sub(r"\s+", " ", html.replace("\xa0", " "))


# --- coordinator ---------------------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_coordinator_targets_are_the_campaign_reports_figures(known):
    [home] = home_blocks.coordinator_regions(regions=[known.region], campaign=known.campaign, now=AFTER_THE_CAMPAIGN)
    progress = {p.target: (p.code, p.fact, p.plan, p.percent) for p in home.targets}
    assert progress == {
        "target_students": ("students_registered", CAMPAIGN["students_registered"], 100, 7),
        "target_navigators": ("navigators", CAMPAIGN["navigators"], 10, 30),
        "target_diagnostics": ("diagnostics_completed", CAMPAIGN["diagnostics_completed"], 50, 6),
        # the trials target counts participations (7 attended bookings), not the 4 distinct participants
        "target_trials": ("participations", CAMPAIGN["participations"], 20, 35),
    }
    report = region_values(campaign_window(known.campaign, AFTER_THE_CAMPAIGN), known.region).figures
    assert {p.code: p.fact for p in home.targets} == {p.code: report[p.code] for p in home.targets}


@pytest.mark.django_db
def test_coordinator_participants_per_month_cover_the_campaigns_months(known):
    [home] = home_blocks.coordinator_regions(regions=[known.region], campaign=known.campaign, now=AFTER_THE_CAMPAIGN)
    # s1 on 20 Oct; s1, s2, s4 (23:00 MSK on 30 Nov) and the anonymised s5 in November; s4 again at 00:30 on 1 Dec.
    # September had nobody and still has its row; a student of «b» at an event of «a» and another campaign's event
    # do not count.
    assert home.months == [
        (dt.date(2026, 9, 1), 0), (dt.date(2026, 10, 1), 1), (dt.date(2026, 11, 1), 4), (dt.date(2026, 12, 1), 1),
    ]
    assert home.months_chart.startswith("data:image/svg+xml;base64,")


@pytest.mark.django_db
def test_coordinator_months_stop_at_today_within_the_campaign(known):
    [home] = home_blocks.coordinator_regions(regions=[known.region], campaign=known.campaign, now=at(11, 15))
    assert [month for month, _n in home.months] == [dt.date(2026, 9, 1), dt.date(2026, 10, 1), dt.date(2026, 11, 1)]
    assert home.months[-1] == (dt.date(2026, 11, 1), 3)  # s4's event of 30 Nov has not started by 15 Nov


@pytest.mark.django_db
def test_coordinator_stages_mark_passed_and_next(known):
    CampaignStage.objects.create(campaign=known.campaign, number=3, title="Этап 3", starts_on=dt.date(2026, 9, 1),
                                 deadline=dt.date(2026, 12, 15))
    [home] = home_blocks.coordinator_regions(regions=[known.region], campaign=known.campaign, now=at(11, 15))
    assert [(s["title"], s["passed"], s["next"]) for s in home.stages] == [
        ("Этап 1", True, False), ("Этап 2", False, True), ("Этап 3", False, False),
    ]


@pytest.mark.django_db
def test_coordinator_page_shows_progress_bars_stages_and_months_in_russian(client, world):
    a = world.a
    RegionTargetFactory(campaign=world.campaign, region=a.region, students=4500, navigators=75, diagnostics=0,
                        trials=0)
    CampaignStage.objects.create(campaign=world.campaign, number=1, title="Подготовка площадок",
                                 starts_on=world.campaign.starts_on, deadline=world.campaign.starts_on)
    CampaignStage.objects.create(campaign=world.campaign, number=2, title="Проведение проб",
                                 starts_on=world.campaign.starts_on, deadline=world.campaign.ends_on)
    client.force_login(a.coordinator.user)
    html = client.get(HOME).content.decode()
    text = _text(html)
    # 3 students of «a» of 4,500 (Russian grouping, under 1 % shown with a decimal comma); 2 navigators of 75
    assert "3 из 4 500 (0,1%)" in text
    assert "2 из 75 (3%)" in text
    targets = html.split('<ul class="progress-list"', 1)[1].split("</ul>", 1)[0]
    assert len(re.findall(r'<progress[^>]*role="progressbar"', targets)) == 2  # only the targets that are set
    assert 'aria-valuemax="4500"' in html and 'aria-valuenow="3"' in html
    assert 'aria-current="step"' in html and "ближайший срок" in text and "срок прошёл" in text
    assert "Участники по месяцам" in text and "<caption>Участники по месяцам</caption>" in html
    assert world.b.region.name not in html


@pytest.mark.django_db
def test_coordinator_overdue_counts_match_their_lists(client, world):
    a, b = world.a, world.b
    now = timezone.now()
    EventFactory(venue=a.venue, campaign=world.campaign, status=Event.Status.SUBMITTED)
    EventFactory(venue=a.venue, campaign=world.campaign, status=Event.Status.SUBMITTED)
    EventFactory(venue=b.venue, campaign=world.campaign, status=Event.Status.SUBMITTED)  # another region
    ended = EventFactory(venue=a.venue, campaign=world.campaign, starts_at=now - dt.timedelta(days=30))
    marked = EventFactory(venue=a.venue, campaign=world.campaign, starts_at=now - dt.timedelta(days=30),
                          attendance_marked_at=now - dt.timedelta(days=29))
    BookingFactory(event=marked, student=a.student, status=Booking.Status.ATTENDED)
    BookingFactory(event=marked, student=a.sibling, status=Booking.Status.ATTENDED)
    StudentFactory(school=a.school)  # never gave consent
    StudentFactory(school=b.school)  # never gave consent, another region
    withdrawn = StudentFactory(school=a.school)
    ConsentFactory(student=withdrawn, withdrawn_at=now)
    Consent.objects.filter(student=a.student).update(paper_received_on=now.date())
    assert ended.attendance_marked_at is None

    client.force_login(a.coordinator.user)
    response = client.get(HOME)
    counts = {item.url: item.count for item in response.context["coordinator_overdue"]}
    student_list = reverse("participants:student_list")
    assert counts == {
        reverse("venues:event_queue"): 2,
        reverse("venues:attendance_overdue"): 1,
        reverse("venues:recommendations_overdue"): 2,  # two attended students without a recommendation, 29 days on
        f"{student_list}?consent=no": 1,
        f"{student_list}?consent=withdrawn": 1,
        f"{student_list}?consent=yes&paper=no": 2,  # a.sibling and a.other_student; a.student's original is in
    }
    html = response.content.decode()
    for url in counts:
        assert f'href="{url.replace("&", "&amp;")}"' in html
        assert client.get(url).status_code == 200
    # each count is its list's length
    queue = client.get(reverse("venues:event_queue"))
    assert queue.context["page_obj"].paginator.count == 2
    assert client.get(reverse("venues:attendance_overdue")).context["page"].paginator.count == 1
    assert client.get(reverse("venues:recommendations_overdue")).context["total"] == 2
    for query, expected in (("consent=no", 1), ("consent=withdrawn", 1), ("consent=yes&paper=no", 2)):
        listed = client.get(f"{student_list}?{query}")
        assert listed.status_code == 200
        assert _listed_count(listed) == expected, query


def _listed_count(response) -> int:
    for key in ("page_obj", "page"):
        page = response.context.get(key)
        if page is not None:
            return page.paginator.count
    raise AssertionError("the list has no page")


# --- curator -------------------------------------------------------------------------------------------------------


@pytest.fixture
def three_regions(world):
    """The curator holds «a» (3 of 3 students: 100 %), «b» (3 of 30: 10 %) and «c» (no targets)."""
    from regions.tests.factories import RegionFactory

    c = RegionFactory(code="40", name="Калужская область")
    world.curator.regions.add(world.b.region, c)
    RegionTargetFactory(campaign=world.campaign, region=world.a.region, students=3, navigators=0, diagnostics=0,
                        trials=0)
    RegionTargetFactory(campaign=world.campaign, region=world.b.region, students=30, navigators=0, diagnostics=0,
                        trials=0)
    world.c = c
    return world


@pytest.mark.django_db
def test_curator_regions_laggards_first_with_the_national_summarys_share(three_regions):
    w = three_regions
    ranking = home_blocks.curator_ranking(user=w.curator.user, campaign=w.campaign)
    assert [(r.region, r.percent) for r in ranking["rows"]] == [(w.b.region, 10.0), (w.a.region, 100.0), (w.c, None)]
    b_row = ranking["rows"][0]
    assert [(t.code, t.fact, t.plan) for t in b_row.targets if t.plan] == [("students_registered", 3, 30)]
    assert ranking["chart"].startswith("data:image/svg+xml;base64,")


@pytest.mark.django_db
def test_curator_page_lists_regions_laggards_first_linking_to_their_reports(client, three_regions):
    w = three_regions
    client.force_login(w.curator.user)
    html = client.get(HOME).content.decode()
    table = html[html.index('class="ranking-table"'):]
    table = table[: table.index("</table>")]
    names = [w.b.region.name, w.a.region.name, w.c.name]
    assert sorted(names, key=table.index) == names
    assert "10%" in table and "100%" in table and "план не задан" in table
    preview = reverse("reports:report_preview", args=["campaign"])
    links = [href for href in links_of(table).hrefs]
    assert links == [f"{preview}?region={code}&campaign={w.campaign.pk}" for code in (w.b.region.code,
                                                                                        w.a.region.code, w.c.code)]
    for href in links:
        assert client.get(href).status_code == 200


@pytest.mark.django_db
def test_curator_never_sees_an_unassigned_region(client, world):
    client.force_login(world.curator.user)
    response = client.get(HOME)
    assert [r.region for r in response.context["curator"]["ranking"]["rows"]] == [world.a.region]
    assert world.b.region.name not in response.content.decode()


# --- venue staff ---------------------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_venue_staff_see_fill_rates_of_upcoming_events(client, world):
    a = world.a
    nearly_full = EventFactory(venue=a.venue, campaign=world.campaign, capacity=8, title="Почти полная проба")
    Event.objects.filter(pk=nearly_full.pk).update(seats_taken=6)
    EventFactory(venue=world.b.venue, campaign=world.campaign, title="Чужая проба")
    EventFactory(venue=a.venue, campaign=world.campaign, title="Прошедшая проба",
                 starts_at=timezone.now() - dt.timedelta(days=2))
    client.force_login(a.venue_staff.user)
    response = client.get(HOME)
    rates = {e.title: (e.seats_taken, e.capacity, e.fill_percent) for e in response.context["venue_staff"]["events"]}
    assert rates == {a.event.title: (1, 20, 5), "Почти полная проба": (6, 8, 75)}
    text = _text(response.content.decode())
    assert "6 из 8 (75%)" in text and "1 из 20 (5%)" in text
    assert 'aria-label="Занято мест: Почти полная проба"' in response.content.decode()
    assert "Чужая проба" not in text and "Прошедшая проба" not in text


def test_fill_rate_reads_as_people_read_progress():
    events = [Event(seats_taken=0, capacity=20), Event(seats_taken=19, capacity=20), Event(seats_taken=20, capacity=20)]
    assert [e.fill_percent for e in home_blocks.with_fill_rates(events)] == [0, 95, 100]
    assert home_blocks.with_fill_rates([Event(seats_taken=199, capacity=200)])[0].fill_percent == 99


# --- navigator -----------------------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_navigator_sees_their_quota_progress(client, world):
    a = world.a
    RegionTargetFactory(campaign=world.campaign, region=a.region, students_per_navigator=4)
    for _ in range(3):
        StudentFactory(school=a.school, registered_by=a.navigator)
    StudentFactory(school=a.other_school, registered_by=a.other_navigator)  # not theirs
    client.force_login(a.navigator.user)
    [school] = client.get(HOME).context["navigator"]
    assert (school.registered_by_me, school.quota) == (3, 4)


# --- queries -------------------------------------------------------------------------------------------------------

# Per role, the home page's queries: the same with 1 or 10 more students, events and bookings (pinned exactly, so
# that a new query is a decision, not an accident).
# The curator's ranking is the national summary: one GROUP BY query per figure source (photos and videos among them).
HOME_QUERIES = {"coordinator": 23, "curator": 23, "venue_staff": 6, "navigator": 5}


def _grow(world, n):
    for i in range(n):
        student = StudentFactory(school=world.a.school, registered_by=world.a.navigator)
        ConsentFactory(student=student)
        event = EventFactory(venue=world.a.venue, campaign=world.campaign,
                             starts_at=timezone.now() - dt.timedelta(days=40 + i))
        BookingFactory(event=event, student=student, status=Booking.Status.ATTENDED)
        EventFactory(venue=world.a.venue, campaign=world.campaign, status=Event.Status.SUBMITTED)
        EventFactory(venue=world.a.venue, campaign=world.campaign)


@pytest.mark.django_db
@pytest.mark.parametrize("role", list(HOME_QUERIES))
def test_home_queries_per_role_do_not_grow(client, world, role):
    users = {"coordinator": world.a.coordinator.user, "curator": world.curator.user,
             "venue_staff": world.a.venue_staff.user, "navigator": world.a.navigator.user}
    RegionTargetFactory(campaign=world.campaign, region=world.a.region)
    CampaignStage.objects.create(campaign=world.campaign, number=1, title="Этап 1",
                                 starts_on=world.campaign.starts_on, deadline=world.campaign.ends_on)
    client.force_login(users[role])
    client.get(HOME)  # the session and the caches warm up
    with CaptureQueriesContext(connection) as small:
        assert client.get(HOME).status_code == 200
    _grow(world, 10)
    with CaptureQueriesContext(connection) as large:
        assert client.get(HOME).status_code == 200
    assert len(large) == len(small) == HOME_QUERIES[role], [q["sql"][:120] for q in large]


@pytest.mark.django_db
@pytest.mark.parametrize("role", ["coordinator", "curator", "venue_staff"])
def test_every_link_of_the_charted_blocks_opens(client, world, role):
    users = {"coordinator": world.a.coordinator.user, "curator": world.curator.user,
             "venue_staff": world.a.venue_staff.user}
    RegionTargetFactory(campaign=world.campaign, region=world.a.region)
    client.force_login(users[role])
    html = client.get(HOME).content.decode()
    hrefs = {href for href in links_of(html).hrefs if internal(href)}
    assert hrefs
    for href in hrefs:
        assert client.get(href).status_code == 200, href
