import datetime as dt

import factory
from django.utils import timezone

from bilet.models import User
from regions.models import (
    Appeal,
    Campaign,
    Competency,
    Coordinator,
    Curator,
    FigureCode,
    MonitoringCriterion,
    MonitoringIndicator,
    Municipality,
    Nosology,
    PromotionMeasure,
    Region,
    RegionTarget,
    School,
    TeamRole,
    TeamTraining,
    TrainingNeed,
)


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True
        django_get_or_create = ("email",)

    email = factory.Sequence(lambda n: f"user{n}@test.example")
    first_name = factory.Sequence(lambda n: f"Имя{n}")
    last_name = factory.Sequence(lambda n: f"Фамилия{n}")
    password = factory.django.Password("test-pass-2026")


class RegionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Region
        django_get_or_create = ("code",)

    # Three digits whatever the sequence has reached (a long test session passed 990 and the column holds 3), and never
    # a code the `world` fixture uses (71, 67).
    code = factory.Sequence(lambda n: f"{100 + n % 900}")
    name = factory.Sequence(lambda n: f"Регион {n}")


class MunicipalityFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Municipality

    region = factory.SubFactory(RegionFactory)
    name = factory.Sequence(lambda n: f"Муниципалитет {n}")


class SchoolFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = School

    municipality = factory.SubFactory(MunicipalityFactory)
    region = factory.SelfAttribute("municipality.region")
    name = factory.Sequence(lambda n: f"Муниципальное бюджетное общеобразовательное учреждение № {n}")
    short_name = factory.Sequence(lambda n: f"Школа № {n}")


class CompetencyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Competency
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"C{n}")
    name = factory.Sequence(lambda n: f"Компетенция {n}")


class CampaignFactory(factory.django.DjangoModelFactory):
    """The current campaign: booking open now, the 2020 rules (4 events, 1 in person)."""

    class Meta:
        model = Campaign
        django_get_or_create = ("name",)

    name = factory.Sequence(lambda n: f"Кампания {2026 + n}")
    year = 2026
    starts_on = factory.LazyFunction(lambda: timezone.localdate() - dt.timedelta(days=60))
    ends_on = factory.LazyFunction(lambda: timezone.localdate() + dt.timedelta(days=120))
    booking_opens_at = factory.LazyFunction(lambda: timezone.now() - dt.timedelta(days=30))
    booking_closes_at = factory.LazyFunction(lambda: timezone.now() + dt.timedelta(days=100))
    is_active = True


class RegionTargetFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = RegionTarget

    campaign = factory.SubFactory(CampaignFactory)
    region = factory.SubFactory(RegionFactory)
    navigators = 75
    students = 4500
    diagnostics = 4500
    trials = 865


class CuratorFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Curator
        skip_postgeneration_save = True

    user = factory.SubFactory(UserFactory)

    @factory.post_generation
    def regions(self, create, extracted, **kwargs):
        if create and extracted:
            self.regions.set(extracted)


class CoordinatorFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Coordinator

    user = factory.SubFactory(UserFactory)
    region = factory.SubFactory(RegionFactory)


def nosology(code: str) -> Nosology:
    return Nosology.objects.get(code=code)


# --- the coordinator's records and the monitoring indicators (issue 13) ----------------------------------------------


class PromotionMeasureFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = PromotionMeasure

    region = factory.SubFactory(RegionFactory)
    campaign = factory.SubFactory(CampaignFactory)
    kind = PromotionMeasure.Kind.PUBLICATION
    held_on = factory.LazyFunction(lambda: timezone.localdate() - dt.timedelta(days=10))
    title = factory.Sequence(lambda n: f"Публикация о проекте № {n}")
    reach = 1200


class TeamTrainingFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = TeamTraining

    region = factory.SubFactory(RegionFactory)
    campaign = factory.SubFactory(CampaignFactory)
    person_name = factory.Sequence(lambda n: f"Обученова Анна {n}")
    role = TeamRole.NAVIGATOR
    course = "Профориентация в современной школе"
    format = TeamTraining.Format.WEBINAR
    completed_on = factory.LazyFunction(lambda: timezone.localdate() - dt.timedelta(days=20))


class TrainingNeedFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = TrainingNeed

    region = factory.SubFactory(RegionFactory)
    campaign = factory.SubFactory(CampaignFactory)
    topic = factory.Sequence(lambda n: f"Работа с участниками с ОВЗ, тема {n}")
    audience = TeamRole.TEACHER
    people_count = 12
    wished_month = factory.LazyFunction(lambda: timezone.localdate().replace(day=1))


class MonitoringCriterionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = MonitoringCriterion

    title = factory.Sequence(lambda n: f"{n}. Критерий")
    order = factory.Sequence(lambda n: n)


class MonitoringIndicatorFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = MonitoringIndicator

    criterion = factory.SubFactory(MonitoringCriterionFactory)
    name = factory.Sequence(lambda n: f"Показатель {n}")
    unit = MonitoringIndicator.Unit.UNITS
    order = factory.Sequence(lambda n: n)


def seed_004_indicators() -> dict[str, MonitoringIndicator]:
    """Two criteria of seed 004 with an indicator of each unit, one of them computed from a report figure."""
    Unit = MonitoringIndicator.Unit
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


class AppealFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Appeal

    region = factory.SubFactory(RegionFactory)
    author_name = "Иванова Мария Петровна"
    author_email = "ivanova@example.com"
    channel = Appeal.Channel.EMAIL
    subject = factory.Sequence(lambda n: f"Обращение № {n}")
    text = "Как записать ребёнка на профессиональную пробу?"
    received_at = factory.LazyFunction(timezone.now)
    due_on = factory.LazyFunction(lambda: timezone.localdate() + dt.timedelta(days=30))
