"""Issue 13 §7 in Chromium: the charted home blocks — targets as progress bars, participants per month, stage deadlines,
work to follow up, the curator's regions laggards first, venue staff's fill rates — fit a 375 px phone and axe-core
finds no serious or critical violation in them."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from bilet.tests.test_mobile_browser import PHONE, _fits, _sign_in
from regions.models import CampaignStage
from regions.tests.factories import RegionFactory, RegionTargetFactory
from venues.models import Booking, Event
from venues.tests.factories import BookingFactory, EventFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def _charted(world):
    a = world.a
    campaign = world.campaign
    for region, students in ((a.region, 4500), (world.b.region, 30)):
        RegionTargetFactory(campaign=campaign, region=region, students=students, navigators=75, diagnostics=4500,
                            trials=865)
    world.curator.regions.add(world.b.region, RegionFactory(code="40", name="Калужская область"))
    CampaignStage.objects.create(campaign=campaign, number=1, title="Заключение договоров с площадками",
                                 starts_on=campaign.starts_on, deadline=campaign.starts_on)
    CampaignStage.objects.create(campaign=campaign, number=2, title="Проведение профессиональных проб",
                                 starts_on=campaign.starts_on, deadline=campaign.ends_on)
    held = EventFactory(venue=a.venue, campaign=campaign, starts_at=timezone.now() - dt.timedelta(days=20))
    BookingFactory(event=held, student=a.sibling, status=Booking.Status.ATTENDED)
    full = EventFactory(venue=a.venue, campaign=campaign, capacity=4, title="Почти полная проба")
    Event.objects.filter(pk=full.pk).update(seats_taken=3)


@pytest.mark.parametrize("role", ["coordinator", "curator", "venue_staff"])
def test_charted_home_fits_a_phone_and_passes_axe(page, live_server, client, world, axe, role):
    _charted(world)
    users = {"coordinator": world.a.coordinator.user, "curator": world.curator.user,
             "venue_staff": world.a.venue_staff.user}
    _sign_in(page, live_server, client, users[role])
    _fits(page, f"{live_server.url}{reverse('home')}", PHONE["width"])
    axe(page)
    if role == "coordinator":
        assert page.locator(".progress-list").get_by_role("progressbar").count() == 4  # the targets; the figure cards have their own
        assert page.locator("img.report-chart").count() == 1
        assert page.locator('[aria-current="step"]').count() == 1
    elif role == "curator":
        names = page.locator(".ranking-table tbody th a").all_inner_texts()
        # «a»: 3 of 4,500 students, 1 of 865 trials (0,7 % of its targets on average); «b»: 3 of 30 students (3,2 %); «c»: no targets
        assert names == [world.a.region.name, world.b.region.name, "Калужская область"]
    else:
        assert page.get_by_role("progressbar", name="Занято мест: Почти полная проба").count() == 1
