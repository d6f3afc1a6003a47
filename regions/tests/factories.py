import datetime as dt

import factory
from django.utils import timezone

from bilet.models import User
from regions.models import Campaign, Competency, Coordinator, Curator, Municipality, Nosology, Region, RegionTarget, School


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

    # Three characters at most (the column's width) however many regions a long test run creates; 100–999 never
    # meets the two-digit codes tests set by hand (71, 67).
    code = factory.Sequence(lambda n: f"{n % 900 + 100}")
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
