"""The monitoring page (seed 004, issue 13 §2d): the coordinator enters this year's values, the curator reads them,
everyone else gets 404 — and its values, computed ones included, are the monitoring report's: the page, the PDF, the
XLSX and build_report show the same numbers."""

import io
import json
from decimal import Decimal

import openpyxl
import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from regions.models import MonitoringIndicator, MonitoringValue
from regions.tests.factories import CuratorFactory, MonitoringIndicatorFactory, UserFactory, seed_004_indicators
from reports.building import render_report
from reports.figures.monitoring import monitoring_report
from reports.monitoring_views import value_text

from .conftest import CAMPAIGN

Unit = MonitoringIndicator.Unit
THIS_YEAR = timezone.localdate().year
URL = reverse("reports:monitoring")


@pytest.fixture
def indicators(db):
    return seed_004_indicators()


def test_value_text_reads_like_russian():
    assert value_text(Unit.PERCENT, Decimal("37.50")) == "37,5 %"
    assert value_text(Unit.YES_NO, Decimal("1")) == "да"
    assert value_text(Unit.YES_NO, Decimal("0")) == "нет"
    assert value_text(Unit.UNITS, Decimal("1250.00")) == "1\xa0250"
    assert value_text(Unit.PEOPLE, None) == "—"


# --- the page ----------------------------------------------------------------------------------------------------


def _post_data(indicators, **values):
    data = {f"indicator_{i.pk}": "" for key, i in indicators.items() if not i.figure_code}
    data.update({f"indicator_{indicators[key].pk}": value for key, value in values.items()})
    return data


@pytest.mark.django_db
def test_coordinator_sees_this_year_last_year_and_computed(client, world, indicators):
    MonitoringValue.objects.create(indicator=indicators["share"], region=world.a.region, year=THIS_YEAR - 1,
                                   value=Decimal("62.5"))
    client.force_login(world.a.coordinator.user)
    response = client.get(URL)
    assert response.status_code == 200
    body = response.content.decode()
    assert "1. Нормативный" in body and "2. Кадровый" in body
    assert "62,5 %" in body  # last year's value beside this year's field
    assert "рассчитывается по показателям отчёта" in body
    assert f'name="indicator_{indicators["trained"].pk}"' not in body
    assert f'<label for="id_indicator_{indicators["plans"].pk}">' in body


@pytest.mark.django_db
def test_coordinator_saves_the_values(client, world, indicators):
    client.force_login(world.a.coordinator.user)
    response = client.post(URL, _post_data(indicators, plans="4", program="1", share="33,5", teachers="27"))
    assert response.status_code == 302
    assert f"region={world.a.region.pk}" in response["Location"]
    stored = dict(MonitoringValue.objects.filter(region=world.a.region, year=THIS_YEAR)
                  .values_list("indicator__unit", "value"))
    assert stored == {Unit.UNITS: 4, Unit.YES_NO: 1, Unit.PERCENT: Decimal("33.5"), Unit.PEOPLE: 27}
    page = client.get(response["Location"]).content.decode()
    assert "Значения мониторинга сохранены, изменено: 4." in page
    assert 'value="33,5"' in page


@pytest.mark.django_db
def test_invalid_values_are_shown_on_their_fields_and_nothing_is_saved(client, world, indicators):
    client.force_login(world.a.coordinator.user)
    response = client.post(URL, _post_data(indicators, plans="4", share="140", teachers="-2"))
    assert response.status_code == 400
    body = response.content.decode()
    assert "Процент — это число от 0 до 100." in body and "Введите целое число, не меньше 0." in body
    assert f'id="id_indicator_{indicators["share"].pk}_error"' in body
    assert not MonitoringValue.objects.exists()


@pytest.mark.django_db
def test_a_computed_indicator_cannot_be_posted(client, world, indicators):
    client.force_login(world.a.coordinator.user)
    data = {**_post_data(indicators, plans="1"), f"indicator_{indicators['trained'].pk}": "50"}
    assert client.post(URL, data).status_code == 302
    assert not MonitoringValue.objects.filter(indicator=indicators["trained"]).exists()


@pytest.mark.django_db
def test_curator_reads_the_assigned_region_and_cannot_post(client, world, indicators):
    MonitoringValue.objects.create(indicator=indicators["plans"], region=world.a.region, year=THIS_YEAR, value=7)
    client.force_login(world.curator.user)
    response = client.get(URL)
    assert response.status_code == 200 and response.context["region"] == world.a.region
    body = response.content.decode()
    assert response.context["form"] is None and "вводит их региональный координатор" in body
    assert client.post(URL, _post_data(indicators, plans="9")).status_code == 403
    assert MonitoringValue.objects.get().value == 7


@pytest.mark.django_db
@pytest.mark.parametrize("who", ["curator", "coordinator"])
def test_another_regions_monitoring_is_404(client, world, indicators, who):
    user = world.curator.user if who == "curator" else world.a.coordinator.user
    client.force_login(user)
    assert client.get(URL, {"region": world.b.region.pk}).status_code == 404
    assert client.post(f"{URL}?region={world.b.region.pk}", _post_data(indicators, plans="1")).status_code == 404


@pytest.mark.django_db
def test_a_curator_not_assigned_sees_only_their_regions(client, world, indicators):
    MonitoringValue.objects.create(indicator=indicators["plans"], region=world.a.region, year=THIS_YEAR, value=7777)
    curator_b = CuratorFactory(user=UserFactory(email="curatorb@test.example"), regions=[world.b.region]).user
    client.force_login(curator_b)
    response = client.get(URL)
    assert response.context["region"] == world.b.region and "7\xa0777" not in response.content.decode()
    assert client.get(URL, {"region": world.a.region.pk}).status_code == 404


@pytest.mark.django_db
def test_operator_chooses_any_region(client, world, indicators):
    client.force_login(world.operator)
    response = client.get(URL, {"region": world.b.region.pk})
    assert response.context["region"] == world.b.region and response.context["form"] is not None


@pytest.mark.django_db
@pytest.mark.parametrize("who", ["navigator", "student", "guardian", "venue_staff", "mentor"])
def test_monitoring_is_404_for_everyone_else(client, world, indicators, who):
    client.force_login(getattr(world.a, who).user)
    assert client.get(URL).status_code == 404
    assert client.post(URL, _post_data(indicators, plans="1")).status_code == 404


@pytest.mark.django_db
def test_past_years_are_read_only_and_bad_years_404(client, world, indicators):
    MonitoringValue.objects.create(indicator=indicators["plans"], region=world.a.region, year=THIS_YEAR - 1, value=2)
    client.force_login(world.a.coordinator.user)
    response = client.get(URL, {"year": THIS_YEAR - 1})
    assert response.status_code == 200 and response.context["form"] is None
    assert client.post(f"{URL}?year={THIS_YEAR - 1}", _post_data(indicators, plans="5")).status_code == 403
    for year in (THIS_YEAR + 1, 2017, "abc"):
        assert client.get(URL, {"year": year}).status_code == 404


@pytest.mark.django_db
def test_monitoring_page_query_count_does_not_grow_with_indicators(client, world, indicators,
                                                                   django_assert_num_queries):
    client.force_login(world.a.coordinator.user)
    client.get(URL)
    with django_assert_num_queries(10):
        client.get(URL)
    for i in range(6):
        MonitoringIndicatorFactory(criterion=indicators["plans"].criterion, unit=Unit.PERCENT)
    with django_assert_num_queries(10):
        client.get(URL)



# --- one computation: the page and the report show the same values ----------------------------------------------------


@pytest.fixture
def monitored(known):
    """Seed 004's indicators in region 71 of the `known` campaign (2026): values entered for 2026 and 2025, and two
    computed indicators — participants (2026: the campaign's 4; 2025: s2 at the 2025 campaign's event) and team
    trainings."""
    indicators = seed_004_indicators()
    indicators["participants"] = MonitoringIndicatorFactory(
        criterion=indicators["plans"].criterion, name="1.4. Участники профессиональных проб", unit=Unit.PEOPLE,
        figure_code="participants", order=4,
    )
    region, year = known.region, known.campaign.year
    for key, value, of_year in (("plans", 5, year), ("plans", 3, year - 1), ("program", 1, year),
                                ("share", Decimal("37.5"), year), ("share", Decimal("62.5"), year - 1),
                                ("teachers", 1250, year)):
        MonitoringValue.objects.create(indicator=indicators[key], region=region, year=of_year, value=value)
    MonitoringValue.objects.create(indicator=indicators["plans"], region=known.other_region, year=year, value=99)
    return indicators


def _page_values(client, known) -> dict:
    client.force_login(known.world.a.coordinator.user)
    response = client.get(URL, {"year": known.campaign.year})
    assert response.status_code == 200
    return {item["row"].name: (item["value"], item["last_year"])
            for section in response.context["sections"] for item in section["rows"]}


def test_the_page_and_the_report_show_the_same_values(client, known, monitored, tmp_path):
    page = _page_values(client, known)
    report = monitoring_report(campaign=known.campaign, region=known.region)
    rows = report.regions[0].indicators
    assert page == {row.name: (value_text(row.unit, row.this_year), value_text(row.unit, row.last_year))
                    for row in rows}
    assert page == {
        "1.1. Наличие планов по профориентации": ("5", "3"),
        "3.1. Наличие программы элективных курсов": ("да", "—"),
        "4.2. Охват обучающихся, ведущих Портфолио": ("37,5 %", "62,5 %"),
        "1.4. Участники профессиональных проб": (str(CAMPAIGN["participants"]), "1"),
        "2.2. Количество педагогов": ("1\xa0250", "—"),
        "2.3. Прошли курсы повышения квалификации": (str(CAMPAIGN["team_trainings"]), "0"),
    }
    # the files of the report: the XLSX cells and build_report's JSON carry the same numbers
    rendered = render_report(report_type="monitoring", campaign=known.campaign, region=known.region)
    sheet = openpyxl.load_workbook(io.BytesIO(rendered.xlsx)).worksheets[0]
    cells = {r[3]: (r[6], r[7]) for r in sheet.iter_rows(min_row=2, values_only=True)}
    assert cells == {row.name: (row.this_year if row.unit != "yes_no" else "да", row.last_year) for row in rows}
    stdout = io.StringIO()
    call_command("build_report", "monitoring", "--region", known.region.code, "--out", str(tmp_path), stdout=stdout)
    figures = json.loads(stdout.getvalue())["figures"]
    assert [figures["participants"], figures["team_trainings"]] == [
        int(page["1.4. Участники профессиональных проб"][0]), int(page["2.3. Прошли курсы повышения квалификации"][0]),
    ]


def test_a_new_participation_moves_the_page_and_the_report_alike(client, known, monitored):
    from participants.tests.factories import StudentFactory
    from venues.models import Booking
    from venues.tests.factories import BookingFactory

    BookingFactory(student=StudentFactory(school=known.school1), event=known.e3, status=Booking.Status.ATTENDED)
    page = _page_values(client, known)
    report = {row.name: row.this_year for row in
              monitoring_report(campaign=known.campaign, region=known.region).regions[0].indicators}
    participants = CAMPAIGN["participants"] + 1
    assert page["1.4. Участники профессиональных проб"][0] == str(participants)
    assert report["1.4. Участники профессиональных проб"] == participants
