"""Every figure opens the list of the records it counts (issue 13 §9): the list has exactly as many rows as the figure,
within the reader's scope; the report pages answer 404 outside it."""

import io

import openpyxl
import pytest
from django.urls import reverse

from bilet.models import PersonalDataAccess
from reports.documents.lists import ANONYMISED
from reports.figures.compute import region_values
from reports.figures.definitions import FIGURES_BY_KEY, campaign_window, month_window
from reports.figures.drilldown import figure_rows, scoped_figure_rows

from .conftest import CAMPAIGN, NOVEMBER, NOVEMBER_PERIOD


def _value(figures: dict, key: str):
    code, _sep, of = key.partition(".")
    if not of:
        return figures.get(code)
    nosology, mode = of.split(".")
    return figures[code][nosology][mode]


@pytest.mark.parametrize("key", sorted(FIGURES_BY_KEY))
def test_each_figure_is_the_size_of_its_list(known, key):
    coordinator = known.world.a.coordinator.user
    window = month_window(known.campaign, known.period)
    values = region_values(window, known.region)
    assert figure_rows(key, window, known.region).count() == _value(values.figures, key) == _value(NOVEMBER, key)
    assert scoped_figure_rows(user=coordinator, key=key, window=window, region=known.region).count() == _value(
        NOVEMBER, key)
    if _value(NOVEMBER_PERIOD, key) is not None:
        within = scoped_figure_rows(user=coordinator, key=key, window=window, region=known.region, within_period=True)
        assert within.count() == _value(NOVEMBER_PERIOD, key)
    campaign = campaign_window(known.campaign)
    assert figure_rows(key, campaign, known.region).count() == _value(CAMPAIGN, key)


def _url(report_type, key=None, **params):
    url = reverse("reports:figure_list", args=[report_type, key]) if key else reverse(
        "reports:report_preview", args=[report_type])
    return url + "?" + "&".join(f"{k}={v}" for k, v in params.items())


def test_the_page_lists_the_rows_and_exports_them(client, known):
    client.force_login(known.world.a.coordinator.user)
    response = client.get(_url("monthly", "participations", region="71", period="2026-11"))
    assert response.status_code == 200
    assert response.context["page_obj"].paginator.count == NOVEMBER["participations"]
    csv = client.get(_url("monthly", "participations", region="71", period="2026-11", format="csv"))
    assert len(b"".join(csv.streaming_content).decode("utf-8-sig").strip().splitlines()) == 1 + 6
    xlsx = client.get(_url("monthly", "participants", region="71", period="2026-11", within="1", format="xlsx"))
    sheet = openpyxl.load_workbook(io.BytesIO(xlsx.content)).worksheets[0]
    logged = PersonalDataAccess.objects.filter(user=known.world.a.coordinator.user).order_by("pk")
    assert [(a.kind, a.row_count) for a in logged] == [("export", 6), ("export", NOVEMBER_PERIOD["participants"])]
    assert sheet.max_row == 1 + NOVEMBER_PERIOD["participants"]
    names = [row[0] for row in sheet.iter_rows(min_row=2, values_only=True)]
    assert str(ANONYMISED) in names  # s5, anonymised, is still listed: without a name


def test_the_preview_links_every_figure(client, known):
    client.force_login(known.world.a.coordinator.user)
    response = client.get(_url("monthly", region="71", period="2026-11"))
    assert response.status_code == 200
    html = response.content.decode()
    for key in FIGURES_BY_KEY:
        assert reverse("reports:figure_list", args=["monthly", key]) in html, key
    for report_type in ("campaign", "monitoring"):
        assert client.get(_url(report_type, region="71")).status_code == 200


def test_list_queries_do_not_grow_with_rows(client, known, django_assert_max_num_queries):
    client.force_login(known.world.a.coordinator.user)
    with django_assert_max_num_queries(12):
        client.get(_url("campaign", "participations", region="71"))


@pytest.mark.parametrize("who, region, status", [
    ("coordinator_a", "71", 200),
    ("coordinator_b", "71", 404),
    ("curator", "71", 200),
    ("curator", "67", 404),
    ("operator", "67", 200),
    ("venue_staff", "71", 404),
    ("navigator", "71", 404),
    ("student", "71", 404),
    ("guardian", "71", 404),
    ("mentor", "71", 404),
])
def test_scoping(client, known, who, region, status):
    w = known.world
    users = {
        "coordinator_a": w.a.coordinator.user, "coordinator_b": w.b.coordinator.user, "curator": w.curator.user,
        "operator": w.operator, "venue_staff": w.a.venue_staff.user, "navigator": w.a.navigator.user,
        "student": w.a.student.user, "guardian": w.a.guardian.user, "mentor": w.a.mentor.user,
    }
    client.force_login(users[who])
    for url in (_url("monthly", region=region, period="2026-11"), _url("campaign", region=region),
                _url("monitoring", region=region), _url("campaign", "participants", region=region),
                _url("monthly", "events_held", region=region, period="2026-11", format="csv")):
        assert client.get(url).status_code == status, url
    national = client.get(_url("national")).status_code
    assert national == (200 if who in ("curator", "operator") else 404)  # a summary: curators and operator staff


def test_a_national_summary_shows_only_the_readers_regions(client, known):
    client.force_login(known.world.curator.user)
    rows = client.get(_url("national")).context["report"].rows
    assert [r.region.code for r in rows] == ["71"]


def test_anonymous_is_sent_to_sign_in(client, known):
    assert client.get(_url("campaign", region="71")).status_code == 302


def test_unknown_figure_or_bad_period_is_404(client, known):
    client.force_login(known.world.operator)
    assert client.get(_url("monthly", "nothing", region="71", period="2026-11")).status_code == 404
    assert client.get(_url("monthly", region="71", period="ноябрь")).status_code == 404
    assert client.get(_url("campaign", region="71", campaign="9999")).status_code == 404


def test_preview_queries_do_not_grow_with_rows(client, known):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from participants.tests.factories import StudentFactory
    from venues.models import Booking
    from venues.tests.factories import BookingFactory

    client.force_login(known.world.a.coordinator.user)

    def count():
        with CaptureQueriesContext(connection) as queries:
            assert client.get(_url("campaign", region="71")).status_code == 200
        return len(queries)

    before = count()
    for _ in range(3):
        BookingFactory(student=StudentFactory(school=known.school2), event=known.e3, status=Booking.Status.ATTENDED)
    assert count() == before
