"""Monitoring indicators (seed 004, issue 13 §2d): values checked by unit, computed indicators never entered, the
page for the coordinator, the curator (read-only) and everyone else (404), and the monitoring_rows seam."""

from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from regions.models import FigureCode, MonitoringIndicator, MonitoringValue
from regions.monitoring import monitoring_rows, value_text
from regions.services import RecordError, monitoring_value_check, monitoring_value_set, monitoring_values_set
from regions.tests.factories import CuratorFactory, MonitoringCriterionFactory, MonitoringIndicatorFactory, UserFactory

Unit = MonitoringIndicator.Unit
THIS_YEAR = timezone.localdate().year
URL = reverse("regions:monitoring")


@pytest.fixture
def indicators(db):
    legal = MonitoringCriterionFactory(title="1. Нормативный", order=1)
    staff = MonitoringCriterionFactory(title="2. Кадровый", order=2)
    return {
        "plans": MonitoringIndicatorFactory(criterion=legal, name="1.1. Наличие планов по профориентации",
                                            unit=Unit.UNITS, order=1),
        "program": MonitoringIndicatorFactory(criterion=legal, name="3.1. Наличие программы элективных курсов",
                                              unit=Unit.YES_NO, order=2),
        "share": MonitoringIndicatorFactory(criterion=legal, name="4.2. Охват обучающихся, ведущих Портфолио",
                                            unit=Unit.PERCENT, order=3),
        "teachers": MonitoringIndicatorFactory(criterion=staff, name="2.2. Количество педагогов", unit=Unit.PEOPLE,
                                               order=1),
        "trained": MonitoringIndicatorFactory(criterion=staff, name="2.3. Прошли курсы повышения квалификации",
                                              unit=Unit.PEOPLE, figure_code=FigureCode.TEAM_TRAININGS, order=2),
    }


# --- the unit rules --------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("unit,value,stored", [
    (Unit.PERCENT, "0", Decimal("0")), (Unit.PERCENT, "100", Decimal("100")), (Unit.PERCENT, "37,5", Decimal("37.5")),
    (Unit.YES_NO, "1", Decimal("1")), (Unit.YES_NO, 0, Decimal("0")),
    (Unit.PEOPLE, "12", Decimal("12")), (Unit.UNITS, "0", Decimal("0")),
    (Unit.UNITS, "", None), (Unit.UNITS, None, None),
])
def test_values_accepted_by_unit(unit, value, stored):
    indicator = MonitoringIndicator(pk=1, name="x", unit=unit)
    assert monitoring_value_check(indicator=indicator, value=value) == stored


@pytest.mark.parametrize("unit,value,message", [
    (Unit.PERCENT, "100.5", "Процент — это число от 0 до 100."),
    (Unit.PERCENT, "-1", "Процент — это число от 0 до 100."),
    (Unit.PERCENT, "33.333", "У процента не больше двух знаков после запятой."),
    (Unit.YES_NO, "2", "Ответьте «да» или «нет»."),
    (Unit.YES_NO, "0.5", "Ответьте «да» или «нет»."),
    (Unit.PEOPLE, "-3", "Введите целое число, не меньше 0."),
    (Unit.PEOPLE, "2.5", "Введите целое число, не меньше 0."),
    (Unit.UNITS, "1e15", "Введите целое число, не меньше 0."),
    (Unit.UNITS, "двенадцать", "Введите число."),
    (Unit.UNITS, "NaN", "Введите число."),
])
def test_values_refused_by_unit(unit, value, message):
    indicator = MonitoringIndicator(pk=7, name="x", unit=unit)
    with pytest.raises(RecordError) as caught:
        monitoring_value_check(indicator=indicator, value=value)
    assert (caught.value.message, caught.value.field) == (message, "indicator_7")


def test_a_computed_indicator_refuses_a_manual_value():
    indicator = MonitoringIndicator(pk=3, name="Прошли обучение", unit=Unit.PEOPLE, figure_code="team_trainings")
    with pytest.raises(RecordError) as caught:
        monitoring_value_check(indicator=indicator, value="5")
    assert caught.value.message == "Показатель «Прошли обучение» рассчитывается из данных отчёта и не вводится вручную."


# --- monitoring_value_set ---------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_set_creates_changes_and_clears_a_value(world, indicators):
    coordinator, region, share = world.a.coordinator.user, world.a.region, indicators["share"]
    value = monitoring_value_set(actor=coordinator, indicator=share, region=region, year=THIS_YEAR, value="45,5")
    assert (value.value, value.entered_by) == (Decimal("45.5"), coordinator)
    monitoring_value_set(actor=world.operator, indicator=share, region=region, year=THIS_YEAR, value="50")
    stored = MonitoringValue.objects.get()
    assert (stored.value, stored.entered_by) == (Decimal("50"), world.operator)
    assert monitoring_value_set(actor=coordinator, indicator=share, region=region, year=THIS_YEAR, value=None) is None
    assert not MonitoringValue.objects.exists()


@pytest.mark.django_db
def test_yes_no_is_stored_as_one_or_zero(world, indicators):
    monitoring_value_set(actor=world.a.coordinator.user, indicator=indicators["program"], region=world.a.region,
                         year=THIS_YEAR, value="1")
    assert MonitoringValue.objects.get().value == 1


@pytest.mark.django_db
@pytest.mark.parametrize("who", ["curator", "coordinator_b", "navigator"])
def test_only_the_regions_coordinator_sets_its_values(world, indicators, who):
    actor = {"curator": world.curator.user, "coordinator_b": world.b.coordinator.user,
             "navigator": world.a.navigator.user}[who]
    with pytest.raises(RecordError) as caught:
        monitoring_value_set(actor=actor, indicator=indicators["plans"], region=world.a.region, year=THIS_YEAR,
                             value="3")
    assert caught.value.message == "Изменять записи региона может только его региональный координатор."
    assert not MonitoringValue.objects.exists()


@pytest.mark.django_db
@pytest.mark.parametrize("year,message", [
    (THIS_YEAR + 1, f"Значения за {THIS_YEAR + 1} год можно ввести, когда этот год наступит."),
    (2017, "Значения мониторинга ведутся с 2018 года — первого года дорожной карты."),
])
def test_year_rules(world, indicators, year, message):
    with pytest.raises(RecordError) as caught:
        monitoring_value_set(actor=world.a.coordinator.user, indicator=indicators["plans"], region=world.a.region,
                             year=year, value="3")
    assert caught.value.message == message


@pytest.mark.django_db
def test_last_year_can_still_be_corrected(world, indicators):
    monitoring_value_set(actor=world.a.coordinator.user, indicator=indicators["plans"], region=world.a.region,
                         year=THIS_YEAR - 1, value="3")
    assert MonitoringValue.objects.get().year == THIS_YEAR - 1


@pytest.mark.django_db
def test_an_inactive_or_computed_indicator_is_refused(world, indicators):
    plans = indicators["plans"]
    plans.active = False
    plans.save()
    with pytest.raises(RecordError, match="больше не используется"):
        monitoring_value_set(actor=world.a.coordinator.user, indicator=plans, region=world.a.region, year=THIS_YEAR,
                             value="1")
    with pytest.raises(RecordError, match="не вводится вручную"):
        monitoring_value_set(actor=world.a.coordinator.user, indicator=indicators["trained"], region=world.a.region,
                             year=THIS_YEAR, value="1")
    assert not MonitoringValue.objects.exists()


@pytest.mark.django_db
def test_values_set_is_all_or_nothing_and_counts_changes(world, indicators):
    actor, region = world.a.coordinator.user, world.a.region
    changed = monitoring_values_set(actor=actor, region=region, year=THIS_YEAR,
                                    values={indicators["plans"]: "4", indicators["share"]: "20"})
    assert changed == 2
    assert monitoring_values_set(actor=actor, region=region, year=THIS_YEAR,
                                 values={indicators["plans"]: "4", indicators["share"]: "25"}) == 1
    with pytest.raises(RecordError):
        monitoring_values_set(actor=actor, region=region, year=THIS_YEAR,
                              values={indicators["plans"]: "9", indicators["share"]: "250"})
    assert dict(MonitoringValue.objects.values_list("indicator__name", "value")) == {
        indicators["plans"].name: Decimal("4"), indicators["share"].name: Decimal("25"),
    }



@pytest.mark.django_db
def test_a_concurrent_first_entry_becomes_an_update(world, indicators, monkeypatch):
    """Another coordinator's first entry lands between our look-up and our insert: ours updates that row."""
    from django.db.models import QuerySet

    plans, region = indicators["plans"], world.a.region
    MonitoringValue.objects.create(indicator=plans, region=region, year=THIS_YEAR, value=1)
    real_first, missed = QuerySet.first, []

    def first_not_yet_visible(self):
        if self.model is MonitoringValue and not missed:
            missed.append(True)
            return None
        return real_first(self)

    monkeypatch.setattr(QuerySet, "first", first_not_yet_visible)
    stored = monitoring_value_set(actor=world.a.coordinator.user, indicator=plans, region=region, year=THIS_YEAR,
                                  value="5")
    assert missed and stored.value == 5
    assert MonitoringValue.objects.get().value == 5

# --- monitoring_rows: the seam the monitoring report fills --------------------------------------------------------


@pytest.mark.django_db
def test_rows_group_by_criterion_with_last_year_and_computed_figures(world, indicators, django_assert_num_queries):
    region = world.a.region
    MonitoringValue.objects.create(indicator=indicators["plans"], region=region, year=THIS_YEAR, value=5)
    MonitoringValue.objects.create(indicator=indicators["plans"], region=region, year=THIS_YEAR - 1, value=3)
    MonitoringValue.objects.create(indicator=indicators["plans"], region=world.b.region, year=THIS_YEAR, value=99)
    MonitoringIndicatorFactory(criterion=indicators["plans"].criterion, name="Старый показатель", active=False)
    with django_assert_num_queries(2):
        groups = monitoring_rows(region=region, year=THIS_YEAR, computed={"team_trainings": 14})
    assert [g.criterion.title for g in groups] == ["1. Нормативный", "2. Кадровый"]
    assert [[r.indicator.name[:4] for r in g.rows] for g in groups] == [["1.1.", "3.1.", "4.2."], ["2.2.", "2.3."]]
    plans = groups[0].rows[0]
    assert (plans.value, plans.last_year, plans.computed) == (Decimal("5"), Decimal("3"), False)
    trained = groups[1].rows[1]
    assert (trained.value, trained.last_year, trained.computed) == (14, None, True)
    without = monitoring_rows(region=region, year=THIS_YEAR)
    assert without[1].rows[1].value is None


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
    assert "рассчитывается в отчёте" in body
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
    with django_assert_num_queries(6):
        client.get(URL)
    for i in range(6):
        MonitoringIndicatorFactory(criterion=indicators["plans"].criterion, unit=Unit.PERCENT)
    with django_assert_num_queries(6):
        client.get(URL)


@pytest.mark.django_db
def test_the_admin_keeps_the_unit_rules(client, world, indicators):
    client.force_login(world.operator)
    url = reverse("admin:regions_monitoringvalue_add")
    data = {"indicator": indicators["share"].pk, "region": world.a.region.pk, "year": THIS_YEAR, "value": "140"}
    response = client.post(url, data)
    assert response.status_code == 200 and "Процент — это число от 0 до 100." in response.content.decode()
    assert client.post(url, {**data, "value": "40"}).status_code == 302
    stored = MonitoringValue.objects.get()
    assert (stored.value, stored.entered_by) == (Decimal("40"), world.operator)
