"""The demo roadmaps (issue 15 §2): each region's, well-formed, dated within the demo campaign, with items left past
their period so that the home pages have something to flag."""

import io

import pytest
from django.core.management import call_command
from django.utils import timezone

from devdata.demo_roadmap import ROADMAP
from regions.models import Campaign, RoadmapItem
from regions.roadmap.periods import parse_period

pytestmark = pytest.mark.django_db


@pytest.fixture
def seeded():
    call_command("seed_demo", stdout=io.StringIO(), stderr=io.StringIO())


@pytest.mark.parametrize("code", ["71", "67"])
def test_each_demo_region_has_a_roadmap_its_rules_accept(seeded, code):
    campaign = Campaign.objects.get(is_active=True)
    items = list(RoadmapItem.objects.filter(region__code=code, campaign=campaign).order_by("sort_key"))
    assert [item.number for item in items] == [number for number, *_rest in ROADMAP]
    for item in items:
        item.full_clean()
        assert item.created_by.email == f"coordinator{code}@demo.bilet.local"
        if item.is_heading:
            assert "." not in item.number
        else:
            assert parse_period(item.period_text, campaign=campaign) == item.period


def test_items_left_open_are_flagged_once_their_period_ends(seeded):
    today = timezone.localdate()
    plans = {number: plan for number, _activity, _period, _who, _result, plan in ROADMAP}
    for item in RoadmapItem.objects.filter(campaign__is_active=True).exclude(period_kind=""):
        ended = item.period_end < today
        if plans[item.number] == "late":
            assert item.is_overdue(today) == ended
        elif plans[item.number] == "done":
            assert (item.status == RoadmapItem.Status.DONE) == ended
