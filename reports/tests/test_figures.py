"""Every figure of SPEC §4 against answers worked out by hand (reports/tests/conftest.py), for each report type."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from participants.tests.factories import StudentFactory
from regions.models import Region
from reports.figures.compute import region_values
from reports.figures.definitions import campaign_window, month_window
from reports.figures.report_types import campaign_report, monthly_report, national_report
from venues.models import Booking
from venues.tests.factories import BookingFactory

from .conftest import CAMPAIGN, CAMPAIGN_PERIOD, NOVEMBER, NOVEMBER_PERIOD


def test_monthly_figures_as_of_the_end_of_november_and_within_it(known):
    report = monthly_report(campaign=known.campaign, region=known.region, period=known.period)
    assert report.values.figures == NOVEMBER
    assert report.values.period_figures == NOVEMBER_PERIOD


def test_campaign_figures(known):
    report = campaign_report(campaign=known.campaign, region=known.region)
    assert report.values.figures == CAMPAIGN
    assert report.values.period_figures == CAMPAIGN_PERIOD


def test_national_summary_has_the_same_figures_as_each_region(known):
    report = national_report(campaign=known.campaign, regions=Region.objects.all(), period=known.period)
    rows = {row.region.code: row for row in report.rows}
    assert rows["71"].values.figures == NOVEMBER
    assert rows["71"].values.period_figures == NOVEMBER_PERIOD
    window = month_window(known.campaign, known.period)
    assert rows["67"].values.figures == region_values(window, known.other_region).figures
    # region b's student attended E2 of region a: a participant of b (the student's region), E2 held in a;
    # a's s1 attended EB of region b: EB is held in b (the event's region), s1 a participant of a
    assert rows["67"].values.figures["participants"] == 1
    assert rows["67"].values.figures["events_held"] == 1


def test_national_ranks_by_share_of_targets_and_flags_laggards(known):
    report = national_report(campaign=known.campaign, regions=Region.objects.all())
    first, second = report.rows
    assert (first.region.code, first.rank, second.region.code, second.rank) == ("71", 1, "67", 2)
    # 7/100 students, 3/10 navigators, 3/50 diagnostics, 7/20 trials: 19.2 % of the targets on average
    assert first.share == pytest.approx((7 / 100 + 3 / 10 + 3 / 50 + 7 / 20) / 4)
    assert first.below_share and first.behind_deadlines  # both stages' deadlines (1 Nov, 1 Dec) have passed
    assert second.share is None and not second.below_share  # region b has no targets to be behind


def test_edges(known):
    """Each edge of issue 13's "Done means", on its own."""
    figures = monthly_report(campaign=known.campaign, region=known.region, period=known.period).values.figures
    # s1 attended two introductory events: once among the introductory participants, twice in participations
    assert figures["participants_introductory"] == 2  # s1 and s5
    # s5 is anonymised and still counts as registered and as a participant
    assert known.s5.anonymised_at is not None
    # s7's consent withdrawn at 00:30 on 1 Dec (Moscow) is in force as of November's end, not in the campaign report
    assert figures["consents_active"] == 5
    assert campaign_report(campaign=known.campaign, region=known.region).values.figures["consents_active"] == 5
    # E5 starts at 00:30 on 1 December in Moscow (21:30 on 30 November in UTC): not held in November
    assert figures["events_held"] == 4


def test_a_cancelled_or_no_show_booking_does_not_count(known):
    window = month_window(known.campaign, known.period)
    before = region_values(window, known.region).figures
    Booking.objects.filter(student=known.s3).update(status=Booking.Status.ATTENDED)
    after = region_values(window, known.region).figures
    assert after["participants"] == before["participants"] + 1  # s3's bookings were the only thing missing


def test_mentors_with_their_events_and_venues_within_the_month(known):
    report = monthly_report(campaign=known.campaign, region=known.region, period=known.period)
    assert [(m["name"], m["events"], m["venues"]) for m in report.mentors] == sorted([
        (known.m1.full_name, 1, known.v1.short_name), (known.m2.full_name, 1, known.v2.short_name),
    ])
    assert report.participants_by_month == [(dt.date(2026, 10, 1), 1), (dt.date(2026, 11, 1), 4)]


def test_campaign_report_per_school_navigator_and_stage(known):
    report = campaign_report(campaign=known.campaign, region=known.region)
    schools = {g.name: g for g in report.schools}
    school1, school2 = schools[str(known.school1)], schools[str(known.school2)]
    assert school1.values.figures["students_registered"] == 4  # s1, s2, s4, s5
    assert school2.values.figures["students_registered"] == 3  # s3, s6, s7
    assert (school1.navigators, school1.target_students) == (2, 4)  # n1, n3; 2 students per navigator
    assert sum(g.values.figures["participations"] for g in report.schools) == CAMPAIGN["participations"]
    assert sum(g.values.figures["students_registered"] for g in report.municipalities) == 7
    navigators = {n["name"]: n for n in report.navigators}
    n1 = navigators[f"{known.n1.user.last_name} {known.n1.user.first_name}"]
    assert (n1["students"], n1["quota"], n1["met"]) == (2, 2, True)
    assert [s["number"] for s in report.stages] == [1, 2]


def test_queries_do_not_grow_with_students(known):
    window = campaign_window(known.campaign)

    def count_queries():
        with CaptureQueriesContext(connection) as queries:
            campaign_report(campaign=known.campaign, region=known.region)
        return len(queries)

    before = count_queries()
    for _ in range(5):
        student = StudentFactory(school=known.school1)
        BookingFactory(student=student, event=known.e2, status=Booking.Status.ATTENDED)
    assert count_queries() == before
    assert region_values(window, known.region).figures["participants"] == CAMPAIGN["participants"] + 5


def test_monitoring_indicators_this_year_and_last(known):
    from decimal import Decimal

    from regions.models import MonitoringCriterion, MonitoringIndicator, MonitoringValue
    from reports.figures.monitoring import monitoring_report

    criterion = MonitoringCriterion.objects.create(title="Охват обучающихся", order=1)
    computed = MonitoringIndicator.objects.create(criterion=criterion, name="Участники проб", unit="people",
                                                  figure_code="participants")
    entered = MonitoringIndicator.objects.create(criterion=criterion, name="Есть региональный штаб", unit="yes_no")
    MonitoringValue.objects.create(indicator=entered, region=known.region, year=2026, value=1)
    MonitoringValue.objects.create(indicator=computed, region=known.region, year=2025, value=Decimal("310"))
    report = monitoring_report(campaign=known.campaign, region=known.region)
    rows = {row.name: row for row in report.regions[0].indicators}
    # both years of a computed indicator come from the figures — last year's from the 2025 campaign (s2 attended
    # its event), not from the value entered by hand
    assert (rows["Участники проб"].this_year, rows["Участники проб"].last_year) == (CAMPAIGN["participants"], 1)
    assert (rows["Есть региональный штаб"].this_year, rows["Есть региональный штаб"].last_year) == (1, None)
    summary = monitoring_report(campaign=known.campaign)
    assert [r.region.code for r in summary.regions] == ["67", "71"]  # by name: Смоленская, Тульская


def test_media_files_count_the_regions_photos_and_videos_of_the_campaign(known):
    """SPEC §4 `media_files`: records of the region dated within the campaign by `D` — the region's files of the
    campaign uploaded from its first day to the end of the period; a deleted file, another region's, another
    campaign's and one uploaded before the campaign began do not count."""
    november = month_window(known.campaign, known.period)
    values = region_values(november, known.region)
    assert (values.figures["media_files"], values.period_figures["media_files"]) == (3, 2)
    assert region_values(campaign_window(known.campaign), known.region).figures["media_files"] == 4
    assert region_values(november, known.other_region).figures["media_files"] == 1  # region b's own file
    # one more deletion is one fewer
    from venues.services.media import media_delete

    media_delete(actor=known.world.a.coordinator.user, media=known.media["november"])
    values = region_values(november, known.region)
    assert (values.figures["media_files"], values.period_figures["media_files"]) == (2, 1)
