import pytest
from django.core.files.base import ContentFile
from django.urls import reverse

from bilet.tests.directory import get_as as _get, listed_set as _rows, queries_of as _queries
from regions.tests.factories import CompetencyFactory, nosology
from venues.models import MentorDocument, VenueCampaign
from venues.tests.factories import EventFactory, MentorFactory, VenueCampaignFactory, VenueFactory

VENUES = reverse("venues:venue_list")
MENTORS = reverse("venues:mentor_list")


def _document(mentor):
    document = MentorDocument(mentor=mentor, title="Свидетельство эксперта")
    document.file.save("certificate.pdf", ContentFile(b"%PDF-1.4 test"), save=True)
    return document


# --- venues -----------------------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_venue_list_scoping(client, world):
    a = {world.a.venue.pk, world.a.other_venue.pk}
    assert _rows(_get(client, world.a.coordinator.user, VENUES)) == a
    assert _rows(_get(client, world.curator.user, VENUES)) == a
    assert _rows(_get(client, world.a.venue_staff.user, VENUES)) == {world.a.venue.pk}
    assert len(_rows(_get(client, world.operator, VENUES))) == 4
    assert world.b.venue.short_name not in _get(client, world.a.coordinator.user, VENUES).content.decode()


@pytest.mark.django_db
@pytest.mark.parametrize("who", ["navigator", "guardian", "student", "mentor"])
def test_venue_pages_404_for_other_roles(client, world, who):
    user = getattr(world.a, who).user
    assert _get(client, user, VENUES).status_code == 404
    assert _get(client, user, reverse("venues:venue_detail", args=[world.a.venue.pk])).status_code == 404


@pytest.mark.django_db
def test_venue_detail(client, world):
    venue = world.a.venue
    venue.accessible_for.add(nosology("sight"))
    url = reverse("venues:venue_detail", args=[venue.pk])
    response = _get(client, world.a.venue_staff.user, url)
    assert response.status_code == 200
    body = response.content.decode()
    for text in (venue.licence_number, venue.address, "нарушения зрения", "подписан", world.a.venue_staff.user.email,
                 world.a.mentor.full_name, world.a.event.title):
        assert text in body
    assert response.context["venue"].upcoming_events == 1


@pytest.mark.django_db
def test_venue_detail_outsiders_get_404(client, world):
    other_venue = reverse("venues:venue_detail", args=[world.a.other_venue.pk])
    assert _get(client, world.a.venue_staff.user, other_venue).status_code == 404
    region_b = reverse("venues:venue_detail", args=[world.b.venue.pk])
    for user in (world.a.coordinator.user, world.curator.user, world.a.venue_staff.user):
        assert _get(client, user, region_b).status_code == 404
    assert _get(client, world.operator, region_b).status_code == 200


@pytest.mark.django_db
def test_venue_filters(client, world):
    user = world.a.coordinator.user
    VenueCampaign.objects.filter(venue=world.a.other_venue).update(contract_status="sent", contract_signed_on=None)
    unassigned = VenueFactory(municipality=world.a.municipality, short_name="Без кампании")
    world.a.other_venue.accessible_for.add(nosology("hearing"))
    assert _rows(_get(client, user, VENUES + "?contract=signed")) == {world.a.venue.pk}
    assert _rows(_get(client, user, VENUES + "?contract=sent")) == {world.a.other_venue.pk}
    assert _rows(_get(client, user, VENUES + "?assigned=no")) == {unassigned.pk}
    assert _rows(_get(client, user, VENUES + "?assigned=yes")) == {world.a.venue.pk, world.a.other_venue.pk}
    assert _rows(_get(client, user, VENUES + f"?nosology={nosology('hearing').pk}")) == {world.a.other_venue.pk}
    municipality = world.a.other_municipality.pk
    assert _rows(_get(client, user, VENUES + f"?municipality={municipality}")) == {world.a.other_venue.pk}
    assert _rows(_get(client, user, VENUES + "?q=Техникум")) == {world.a.other_venue.pk}
    body = _get(client, user, VENUES + "?assigned=no").content.decode()
    assert "кампания не назначена" in body


@pytest.mark.django_db
def test_venue_contract_of_a_past_campaign_does_not_count(client, world):
    from regions.tests.factories import CampaignFactory

    old = CampaignFactory(name="Кампания 2020", is_active=False)
    venue = VenueFactory(municipality=world.a.municipality)
    VenueCampaignFactory(venue=venue, campaign=old)
    user = world.a.coordinator.user
    assert venue.pk in _rows(_get(client, user, VENUES + "?assigned=no"))
    assert venue.pk not in _rows(_get(client, user, VENUES + "?contract=signed"))


@pytest.mark.django_db
def test_venue_sort_by_upcoming_events(client, world):
    EventFactory(venue=world.a.other_venue, campaign=world.campaign)
    EventFactory(venue=world.a.other_venue, campaign=world.campaign)
    response = _get(client, world.a.coordinator.user, VENUES + "?sort=-events")
    assert [v.pk for v in response.context["page_obj"]] == [world.a.other_venue.pk, world.a.venue.pk]


@pytest.mark.django_db
def test_venue_list_htmx_partial(client, world):
    response = _get(client, world.a.coordinator.user, VENUES, HTTP_HX_REQUEST="true")
    body = response.content.decode()
    assert 'id="results"' in body and "<html" not in body
    assert world.a.venue.short_name in body


@pytest.mark.django_db
def test_venue_list_query_count_does_not_grow(client, world, django_assert_max_num_queries):
    client.force_login(world.a.coordinator.user)
    with django_assert_max_num_queries(14):
        client.get(VENUES)
    before = _queries(client, VENUES)
    for _ in range(6):
        venue = VenueFactory(municipality=world.a.municipality)
        venue.accessible_for.add(nosology("sight"), nosology("hearing"))
        VenueCampaignFactory(venue=venue, campaign=world.campaign)
        EventFactory(venue=venue, campaign=world.campaign)
    assert _queries(client, VENUES) == before


# --- mentors ----------------------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_mentor_list_scoping(client, world):
    extra = MentorFactory(region=world.a.region)  # region a, no venue
    assert _rows(_get(client, world.a.coordinator.user, MENTORS)) == {world.a.mentor.pk, extra.pk}
    assert _rows(_get(client, world.curator.user, MENTORS)) == {world.a.mentor.pk, extra.pk}
    assert _rows(_get(client, world.a.venue_staff.user, MENTORS)) == {world.a.mentor.pk}
    assert _rows(_get(client, world.a.other_venue_staff.user, MENTORS)) == set()
    assert len(_rows(_get(client, world.operator, MENTORS))) == 3


@pytest.mark.django_db
@pytest.mark.parametrize("who", ["navigator", "guardian", "student", "mentor"])
def test_mentor_pages_404_for_other_roles(client, world, who):
    user = getattr(world.a, who).user
    assert _get(client, user, MENTORS).status_code == 404
    assert _get(client, user, reverse("venues:mentor_detail", args=[world.a.mentor.pk])).status_code == 404


@pytest.mark.django_db
def test_mentor_filters(client, world):
    welding = CompetencyFactory(code="W1", name="Сварочные технологии")
    welder = MentorFactory(region=world.a.region, competencies=[welding], organisation="АО «Тяжмаш»")
    welder.venues.add(world.a.other_venue)
    user = world.a.coordinator.user
    assert _rows(_get(client, user, MENTORS + f"?competency={welding.pk}")) == {welder.pk}
    assert _rows(_get(client, user, MENTORS + f"?venue={world.a.venue.pk}")) == {world.a.mentor.pk}
    assert _rows(_get(client, user, MENTORS + "?q=Тяжмаш")) == {welder.pk}
    response = _get(client, user, MENTORS + f"?venue={world.b.venue.pk}")
    body = response.content.decode()
    assert "Фильтр «Площадка» не применён" in body and world.b.venue.short_name not in body
    offered = {v.pk for v in response.context["form"].fields["venue"].queryset}
    assert offered == {world.a.venue.pk, world.a.other_venue.pk}


@pytest.mark.django_db
def test_mentor_detail_and_documents(client, world):
    document = _document(world.a.mentor)
    url = reverse("venues:mentor_detail", args=[world.a.mentor.pk])
    response = _get(client, world.a.venue_staff.user, url)
    assert response.status_code == 200
    body = response.content.decode()
    download = reverse("venues:mentor_document", args=[world.a.mentor.pk, document.pk])
    assert world.a.mentor.organisation in body and download in body and world.a.event.title in body
    response = client.get(download)
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == b"%PDF-1.4 test"
    assert "attachment" in response["Content-Disposition"]


@pytest.mark.django_db
def test_mentor_document_outside_scope_is_404(client, world):
    document = _document(world.a.mentor)
    download = reverse("venues:mentor_document", args=[world.a.mentor.pk, document.pk])
    for user in (world.b.coordinator.user, world.a.other_venue_staff.user, world.a.navigator.user,
                 world.a.guardian.user):
        assert _get(client, user, download).status_code == 404
    # a document id under another mentor's URL does not open either
    wrong_mentor = reverse("venues:mentor_document", args=[world.b.mentor.pk, document.pk])
    assert _get(client, world.operator, wrong_mentor).status_code == 404
    assert _get(client, world.b.coordinator.user, reverse("venues:mentor_detail", args=[world.a.mentor.pk])).status_code == 404


@pytest.mark.django_db
def test_mentor_list_query_count_does_not_grow(client, world, django_assert_max_num_queries):
    client.force_login(world.a.coordinator.user)
    with django_assert_max_num_queries(14):
        client.get(MENTORS)
    before = _queries(client, MENTORS)
    for _ in range(6):
        mentor = MentorFactory(region=world.a.region, competencies=[CompetencyFactory(), CompetencyFactory()])
        mentor.venues.add(world.a.venue, world.a.other_venue)
    assert _queries(client, MENTORS) == before


@pytest.mark.django_db
def test_detail_pages_query_counts_do_not_grow(client, world):
    from regions.tests.factories import UserFactory
    from venues.tests.factories import VenueStaffFactory

    client.force_login(world.a.coordinator.user)
    venue = reverse("venues:venue_detail", args=[world.a.venue.pk])
    mentor = reverse("venues:mentor_detail", args=[world.a.mentor.pk])
    before = (_queries(client, venue), _queries(client, mentor))
    world.a.venue.accessible_for.add(nosology("sight"), nosology("autism"))
    for _ in range(3):
        VenueStaffFactory(venue=world.a.venue, user=UserFactory())
        other = MentorFactory(region=world.a.region, competencies=[CompetencyFactory(), CompetencyFactory()])
        other.venues.add(world.a.venue)
        event = EventFactory(venue=world.a.venue, campaign=world.campaign)
        event.mentors.add(world.a.mentor)
        _document(world.a.mentor)
        world.a.mentor.competencies.add(CompetencyFactory())
    assert (_queries(client, venue), _queries(client, mentor)) == before
