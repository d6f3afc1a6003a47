import datetime as dt

import factory
from django.utils import timezone

from participants.models import Consent, Guardian, Guardianship, Navigator, Student
from regions.tests.factories import SchoolFactory, UserFactory


class NavigatorFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Navigator

    user = factory.SubFactory(UserFactory)
    school = factory.SubFactory(SchoolFactory)
    region = factory.SelfAttribute("school.region")


class StudentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Student

    school = factory.SubFactory(SchoolFactory)
    municipality = factory.SelfAttribute("school.municipality")
    region = factory.SelfAttribute("school.region")
    last_name = factory.Sequence(lambda n: f"Ученикова{n}")
    first_name = factory.Sequence(lambda n: f"Анна{n}")
    birth_date = dt.date(2012, 5, 17)
    grade = 8
    class_letter = "А"


class GuardianFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Guardian
        skip_postgeneration_save = True

    user = factory.SubFactory(UserFactory)

    @factory.post_generation
    def children(self, create, extracted, **kwargs):
        if create and extracted:
            for child in extracted:
                Guardianship.objects.create(guardian=self, student=child, relation=Guardianship.Relation.MOTHER)


class ConsentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Consent

    student = factory.SubFactory(StudentFactory)
    given_by_name = "Ученикова Мария Петровна"
    given_at = factory.LazyFunction(timezone.now)
