"""Monitoring indicators (seed 004, issue 13 §2d): values checked by unit, computed indicators never entered, and who
sets them. The page that shows and takes them is the reports app's (reports/tests/test_monitoring_page.py)."""

from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from regions.models import MonitoringIndicator, MonitoringValue
from regions.services import RecordError, monitoring_value_check, monitoring_value_set, monitoring_values_set
from regions.tests.factories import seed_004_indicators

Unit = MonitoringIndicator.Unit
THIS_YEAR = timezone.localdate().year


@pytest.fixture
def indicators(db):
    return seed_004_indicators()


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
