"""The scoping matrix: curators' requests, notifications, contracts, appeals, photos and videos, the roadmap (issue 15)."""

import pytest
from django.urls import reverse

from .matrix import ROLES, user_of


# --- curators' requests and notifications (issue 15 §1, §6) ---------------------------------------------------------


@pytest.fixture
def request_world(matrix_world):
    """A request with an attached file to each region, from a curator of that region, and a notification each."""
    from bilet.models import Notification, NotificationKind
    from regions.tests.factories import CuratorFactory, UserFactory
    from regions.tests.request_helpers import pdf, send

    w = matrix_world
    w.b.curator = CuratorFactory(user=UserFactory(email="curator67@test.example"), regions=[w.b.region])
    for side, curator in (("a", w.curator), ("b", w.b.curator)):
        region_world = getattr(w, side)
        region_world.request = send(w, actor=curator.user, region=region_world.region,
                                    subject=f"Запрос ({region_world.region.name})", files=[pdf()])
        region_world.attachment = region_world.request.messages.get().attachments.get()
    w.b.notification = Notification.objects.filter(recipient=w.b.coordinator.user,
                                                   kind=NotificationKind.REQUEST_RECEIVED).get()
    return w


REQUEST_PAGES = ["regions:request_detail", "regions:request_answer", "regions:request_accept", "regions:request_return"]


@pytest.mark.django_db
@pytest.mark.parametrize("role", ROLES)
def test_other_regions_requests_are_404(client, request_world, role):
    from regions.models import CuratorRequest

    client.force_login(user_of(request_world, "a", role))
    b = request_world.b
    for url_name in REQUEST_PAGES:
        method = client.get if url_name == "regions:request_detail" else client.post
        assert method(reverse(url_name, args=[b.request.pk])).status_code == 404, (role, url_name)
    url = reverse("regions:request_attachment", args=[b.request.pk, b.attachment.pk])
    assert client.get(url).status_code == 404
    assert CuratorRequest.objects.get(pk=b.request.pk).status == CuratorRequest.Status.OPEN
    for url_name in ("regions:request_list", "home", "bilet:notification_list"):
        assert b.request.subject not in client.get(reverse(url_name)).content.decode(), (role, url_name)


@pytest.mark.django_db
@pytest.mark.parametrize("role", ROLES)
def test_another_users_notification_cannot_be_marked(client, request_world, role):
    client.force_login(user_of(request_world, "a", role))
    notification = request_world.b.notification
    assert client.post(reverse("bilet:notification_read", args=[notification.pk])).status_code == 404
    notification.refresh_from_db()
    assert notification.read_at is None


@pytest.mark.django_db
@pytest.mark.parametrize("role", ["navigator", "venue_staff", "mentor", "guardian", "student"])
def test_own_regions_requests_are_404_to_other_roles(client, request_world, role):
    client.force_login(user_of(request_world, "a", role))
    a = request_world.a
    assert client.get(reverse("regions:request_detail", args=[a.request.pk])).status_code == 404
    assert client.get(reverse("regions:request_attachment", args=[a.request.pk, a.attachment.pk])).status_code == 404
    assert client.get(reverse("regions:request_list")).status_code == 404


@pytest.mark.django_db
@pytest.mark.parametrize("role", ["coordinator", "curator"])
def test_own_regions_requests_are_reachable(client, request_world, role):
    client.force_login(user_of(request_world, "a", role))
    a = request_world.a
    assert client.get(reverse("regions:request_detail", args=[a.request.pk])).status_code == 200
    assert client.get(reverse("regions:request_attachment", args=[a.request.pk, a.attachment.pk])).status_code == 200
    assert a.request.subject in client.get(reverse("regions:request_list")).content.decode()


@pytest.mark.django_db
@pytest.mark.parametrize("role", ROLES)
def test_other_regions_contract_document_is_404(client, matrix_world, role):
    from venues.models import VenueCampaign, VenueContractDocument

    assignment = VenueCampaign.objects.get(venue=matrix_world.b.venue, campaign=matrix_world.campaign)
    document = VenueContractDocument.objects.create(assignment=assignment, title="Договор", file="venue-contracts/x.pdf")
    client.force_login(user_of(matrix_world, "a", role))
    assert client.get(reverse("venues:contract_document", args=[document.pk])).status_code == 404
    assert client.post(reverse("venues:contract_document_delete", args=[document.pk])).status_code == 404
    assert VenueContractDocument.objects.filter(pk=document.pk).exists()


@pytest.mark.django_db
@pytest.mark.parametrize("role", ROLES)
def test_other_regions_appeals_are_404_and_unlisted(client, matrix_world, role):
    from regions.tests.factories import AppealFactory

    AppealFactory(region=matrix_world.a.region, subject="Обращение своего региона")
    foreign = AppealFactory(region=matrix_world.b.region, subject="Обращение чужого региона")
    client.force_login(user_of(matrix_world, "a", role))
    for url in (reverse("regions:appeal_detail", args=[foreign.pk]),):
        assert client.get(url).status_code == 404
    for name in ("regions:appeal_assign", "regions:appeal_answer"):
        assert client.post(reverse(name, args=[foreign.pk]), {"answer": "x"}).status_code == 404
    for query in ("", "?q=чужого", f"?region={matrix_world.b.region.pk}", "?overdue=false"):
        response = client.get(reverse("regions:appeal_list") + query)
        assert response.status_code in (200, 404)
        if response.status_code == 200:
            assert "Обращение чужого региона" not in response.content.decode()
            if query == "":
                assert "Обращение своего региона" in response.content.decode()


# --- Photos and videos (issue 15 §5): children are in them; only the region's scope sees them ------------------------
# Kept apart from the tables above so that branches adding to those do not collide with this one.

MEDIA_FILE_URLS = ["venues:media_file", "venues:media_thumbnail"]


@pytest.fixture
def media_world(matrix_world):
    from venues.tests.factories import MediaFileFactory

    for w in (matrix_world.a, matrix_world.b):
        w.media = MediaFileFactory(event=w.event, caption=f"Фото пробы ({w.name})", uploaded_by=w.venue_staff.user)
        w.region_media = MediaFileFactory(event=None, region=w.region, campaign=matrix_world.campaign,
                                          caption=f"Форум ({w.name})", uploaded_by=w.coordinator.user)
    return matrix_world


def _media_gone(client, media) -> None:
    from venues.models import MediaFile

    for url_name in MEDIA_FILE_URLS:
        assert client.get(reverse(url_name, args=[media.pk])).status_code == 404, url_name
    assert client.post(reverse("venues:media_delete", args=[media.pk])).status_code == 404
    assert MediaFile.objects.filter(pk=media.pk).exists()


@pytest.mark.django_db
@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("attr", ["media", "region_media"])
def test_other_regions_photos_and_videos_are_404(client, media_world, role, attr):
    from bilet.models import PersonalDataAccess

    client.force_login(user_of(media_world, "a", role))
    _media_gone(client, getattr(media_world.b, attr))
    gallery = reverse("venues:event_gallery", args=[media_world.b.event.pk])
    assert client.get(gallery).status_code == 404
    assert client.post(gallery, {"caption": "x"}).status_code == 404
    assert not PersonalDataAccess.objects.exists()


@pytest.mark.django_db
@pytest.mark.parametrize("role", ROLES)
def test_the_gallery_never_shows_another_regions_files(client, media_world, role):
    client.force_login(user_of(media_world, "a", role))
    b = media_world.b
    for query in ("", f"?region={b.region.pk}", "?q=Форум", "?q=пробы", "?of=region", "?of=events"):
        response = client.get(reverse("venues:gallery") + query)
        assert response.status_code in (200, 404), (query, response.status_code)
        if response.status_code == 200:
            body = response.content.decode()
            for marker in (b.media.caption, b.region_media.caption, b.region.name, b.event.title):
                assert marker not in body, f"{role} sees {marker!r} of region b on the gallery{query}"
            for media in (b.media, b.region_media):
                assert reverse("venues:media_thumbnail", args=[media.pk]) not in body


# Inside region a: files of another venue's event, the region's own files for venue staff, and the roles with no
# gallery at all (SPEC §2: photos of children are for the coordinator, the curator, operator staff and the event's
# venue staff for that event).
MEDIA_INSIDE = [
    ("venue_staff", "region_media"),
    ("other_venue_staff", "media"),
    ("other_venue_staff", "region_media"),
    ("mentor", "media"),
    ("navigator", "media"),
    ("guardian", "media"),
    ("student", "media"),
]


@pytest.mark.django_db
@pytest.mark.parametrize("who,attr", MEDIA_INSIDE)
def test_inside_the_region_photos_stay_with_their_scope(client, media_world, who, attr):
    a = media_world.a
    client.force_login(getattr(a, who).user)
    _media_gone(client, getattr(a, attr))


@pytest.mark.django_db
@pytest.mark.parametrize("role", ["coordinator", "curator", "venue_staff", "operator"])
def test_own_photos_are_reachable(client, media_world, role):
    user = media_world.operator if role == "operator" else user_of(media_world, "a", role)
    client.force_login(user)
    for url_name in MEDIA_FILE_URLS:
        assert client.get(reverse(url_name, args=[media_world.a.media.pk])).status_code == 200
    assert client.get(reverse("venues:event_gallery", args=[media_world.a.event.pk])).status_code == 200
    assert media_world.a.media.caption in client.get(reverse("venues:gallery")).content.decode()


# --- the roadmap (issue 15 §2): its coordinator writes it, its curators and operator staff read it -------------------


@pytest.fixture
def roadmap_world(matrix_world):
    from regions.services.roadmap import ItemText, roadmap_item_create

    for w in (matrix_world.a, matrix_world.b):
        w.roadmap_heading = roadmap_item_create(
            actor=w.coordinator.user, region=w.region, campaign=matrix_world.campaign,
            item=ItemText(number="1", activity=f"Раздел дорожной карты ({w.name})"))
        w.roadmap_item = roadmap_item_create(
            actor=w.coordinator.user, region=w.region, campaign=matrix_world.campaign,
            item=ItemText(number="1.1", activity=f"Пункт дорожной карты ({w.name})", period="В течение кампании"))
    return matrix_world


ROADMAP_PAGES = ["regions:roadmap_list", "regions:roadmap_xlsx", "regions:roadmap_pdf"]


@pytest.mark.django_db
@pytest.mark.parametrize("role", ROLES)
def test_other_regions_roadmap_and_its_items_are_404(client, roadmap_world, role):
    from regions.models import RoadmapItem

    client.force_login(user_of(roadmap_world, "a", role))
    b = roadmap_world.b
    for url_name in ROADMAP_PAGES:
        assert client.get(reverse(url_name), {"region": b.region.pk}).status_code == 404, (role, url_name)
    for url_name in ("regions:roadmap_edit", "regions:roadmap_delete"):
        url = reverse(url_name, args=[b.roadmap_item.pk])
        assert client.get(url).status_code == 404, (role, url_name)
        assert client.post(url, {"number": "1.1", "activity": "x", "period": "", "status": "done"}).status_code == 404
    for url_name in ("regions:roadmap_create", "regions:roadmap_import"):
        assert client.get(reverse(url_name), {"region": b.region.pk}).status_code in (403, 404), (role, url_name)
    item = RoadmapItem.objects.get(pk=b.roadmap_item.pk)
    assert (item.activity, item.status) == ("Пункт дорожной карты (Смоленская область)", "planned")


@pytest.mark.django_db
@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("url_name", ["regions:roadmap_list", "home"])
def test_roadmap_lists_never_show_another_region(client, roadmap_world, role, url_name):
    from regions.models import RoadmapItem

    # every item past its period, so that the home pages list them
    start = roadmap_world.campaign.starts_on
    RoadmapItem.objects.exclude(period_kind="").update(period_kind="dates", period_start=start, period_end=start)
    client.force_login(user_of(roadmap_world, "a", role))
    b = roadmap_world.b
    for query in ("", "?overdue=on", "?status=planned", f"?campaign={roadmap_world.campaign.pk}"):
        response = client.get(reverse(url_name) + query)
        assert response.status_code in (200, 404), (url_name, query, response.status_code)
        if response.status_code == 200:
            body = response.content.decode()
            assert b.roadmap_item.activity not in body and b.roadmap_heading.activity not in body, (role, query)


@pytest.mark.django_db
@pytest.mark.parametrize("role", ["navigator", "venue_staff", "mentor", "guardian", "student"])
def test_own_regions_roadmap_is_404_to_roles_without_it(client, roadmap_world, role):
    client.force_login(user_of(roadmap_world, "a", role))
    a = roadmap_world.a
    for url_name in [*ROADMAP_PAGES, "regions:roadmap_create", "regions:roadmap_import"]:
        assert client.get(reverse(url_name)).status_code == 404, url_name
    assert client.get(reverse("regions:roadmap_edit", args=[a.roadmap_item.pk])).status_code == 404


@pytest.mark.django_db
@pytest.mark.parametrize("role,editable", [("coordinator", True), ("curator", False)])
def test_own_regions_roadmap_is_reachable(client, roadmap_world, role, editable):
    client.force_login(user_of(roadmap_world, "a", role))
    a = roadmap_world.a
    body = client.get(reverse("regions:roadmap_list")).content.decode()
    assert a.roadmap_item.activity in body
    for url_name in ("regions:roadmap_xlsx", "regions:roadmap_pdf"):
        assert client.get(reverse(url_name)).status_code == 200
    assert client.get(reverse("regions:roadmap_edit", args=[a.roadmap_item.pk])).status_code == (
        200 if editable else 403)
