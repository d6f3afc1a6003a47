import datetime as dt

import factory
from django.utils import timezone

from regions.tests.factories import CampaignFactory, CompetencyFactory, MunicipalityFactory, UserFactory
from venues.models import Booking, Event, MediaFile, Mentor, Venue, VenueCampaign, VenueStaff


class VenueFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Venue

    municipality = factory.SubFactory(MunicipalityFactory)
    region = factory.SelfAttribute("municipality.region")
    name = factory.Sequence(lambda n: f"Государственное профессиональное образовательное учреждение «Колледж {n}»")
    short_name = factory.Sequence(lambda n: f"Колледж {n}")
    inn = factory.Sequence(lambda n: f"{7100000000 + n}")
    address = factory.Sequence(lambda n: f"г. Тула, ул. Ленина, д. {n}")
    licence_number = factory.Sequence(lambda n: f"Л035-{n:05d}")


class VenueCampaignFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = VenueCampaign

    venue = factory.SubFactory(VenueFactory)
    campaign = factory.SubFactory(CampaignFactory)
    contract_status = VenueCampaign.ContractStatus.SIGNED
    contract_number = factory.Sequence(lambda n: f"БВБ-{n}")
    contract_signed_on = factory.LazyFunction(timezone.localdate)
    contract_valid_from = factory.LazyFunction(timezone.localdate)
    contract_valid_until = factory.LazyFunction(lambda: timezone.localdate() + dt.timedelta(days=365))


class VenueStaffFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = VenueStaff

    user = factory.SubFactory(UserFactory)
    venue = factory.SubFactory(VenueFactory)


class MentorFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Mentor
        skip_postgeneration_save = True

    user = factory.SubFactory(UserFactory)
    region = factory.SubFactory("regions.tests.factories.RegionFactory")
    last_name = factory.Sequence(lambda n: f"Наставников{n}")
    first_name = "Иван"
    organisation = "ООО «Завод»"

    @factory.post_generation
    def competencies(self, create, extracted, **kwargs):
        if create:
            self.competencies.set(extracted or [CompetencyFactory()])


class EventFactory(factory.django.DjangoModelFactory):
    """A published in-person event next week."""

    class Meta:
        model = Event

    venue = factory.SubFactory(VenueFactory)
    region = factory.SelfAttribute("venue.region")
    campaign = factory.SubFactory(CampaignFactory)
    competency = factory.SubFactory(CompetencyFactory)
    title = factory.Sequence(lambda n: f"Профессиональная проба {n}")
    level = Event.Level.INTRODUCTORY
    mode = Event.Mode.OFFLINE
    address = factory.SelfAttribute("venue.address")
    starts_at = factory.LazyFunction(lambda: timezone.now() + dt.timedelta(days=7))
    ends_at = factory.LazyAttribute(lambda o: o.starts_at + dt.timedelta(hours=2))
    capacity = 20
    status = Event.Status.PUBLISHED

    class Params:
        online = factory.Trait(mode=Event.Mode.ONLINE, address="", online_url="https://video.example/room")


class BookingFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Booking

    event = factory.SubFactory(EventFactory)
    student = factory.SubFactory("participants.tests.factories.StudentFactory")
    status = Booking.Status.CONFIRMED


def _sample_jpeg() -> bytes:
    from bilet.tests.media_samples import image_bytes

    return image_bytes("JPEG", (64, 48))


class MediaFileFactory(factory.django.DjangoModelFactory):
    """A photo of an event (pass `event=None` with a `region` and a `campaign` for a file of the region's work)."""

    class Meta:
        model = MediaFile

    event = factory.SubFactory(EventFactory)
    region = factory.LazyAttribute(lambda o: o.event.region)
    campaign = factory.LazyAttribute(lambda o: o.event.campaign)
    kind = MediaFile.Kind.PHOTO
    file = factory.django.FileField(filename="upload.jpg", data=factory.LazyFunction(_sample_jpeg))
    thumbnail = factory.django.FileField(filename="thumbnail.jpg", data=factory.LazyFunction(_sample_jpeg))
    original_name = factory.Sequence(lambda n: f"IMG_{n:04d}.jpg")
    content_type = "image/jpeg"
    size = 1000
    width, height = 64, 48
    caption = factory.Sequence(lambda n: f"Фото {n}")
