"""The galleries and the files (issue 15 §5): uploads without a script, refusals on the page with nothing lost, files
served only within the region's scope (everyone else 404), the personal-data log, and pinned query counts."""

from urllib.parse import parse_qs, urlsplit

import pytest
from django.urls import reverse

from bilet.models import PersonalDataAccess
from bilet.tests.media_samples import WINDOWS_PROGRAM, bomb_png, image_bytes, photo, upload, video
from venues.models import MediaFile
from venues.tests.factories import MediaFileFactory

pytestmark = pytest.mark.django_db


def _gallery(event) -> str:
    return reverse("venues:event_gallery", args=[event.pk])


def _body(response) -> str:
    return response.content.decode()


def test_venue_staff_upload_from_the_event_gallery_without_a_script(client, world):
    a = world.a
    client.force_login(a.venue_staff.user)
    page = client.get(_gallery(a.event))
    assert page.status_code == 200
    assert 'enctype="multipart/form-data"' in _body(page) and 'name="files"' in _body(page)
    response = client.post(_gallery(a.event), {"files": [photo("IMG_7.jpg"), video("VID_8.mp4")], "caption": "Проба"},
                           follow=True)
    assert response.redirect_chain == [(_gallery(a.event), 302)]
    body = _body(response)
    assert "Загружено 2 файла." in body
    shot = MediaFile.objects.get(original_name="IMG_7.jpg")
    assert reverse("venues:media_thumbnail", args=[shot.pk]) in body
    assert "/media/" not in body  # no public address of any file
    assert "Проба" in body


def test_a_refused_upload_shows_why_and_keeps_the_caption(client, world):
    client.force_login(world.a.venue_staff.user)
    response = client.post(_gallery(world.a.event), {
        "files": [upload("отчёт.jpg", WINDOWS_PROGRAM), upload("bomb.png", bomb_png()), photo()],
        "caption": "Открытие площадки",
    })
    assert response.status_code == 400
    body = _body(response)
    assert "«отчёт.jpg» — программа (исполняемый файл)" in body
    assert "В «bomb.png» больше 60 мегапикселей" in body
    assert 'value="Открытие площадки"' in body
    assert not MediaFile.objects.exists()


def test_the_coordinator_adds_the_regions_own_files_on_the_gallery(client, world):
    client.force_login(world.a.coordinator.user)
    url = reverse("venues:gallery")
    assert 'name="files"' in _body(client.get(url))
    response = client.post(url, {"region": world.a.region.pk, "files": [photo("forum.jpg")], "caption": "Форум"})
    assert response.status_code == 302
    media = MediaFile.objects.get()
    assert (media.event, media.region, media.caption) == (None, world.a.region, "Форум")
    # another region's id is not among the choices: the form says so, nothing is stored
    response = client.post(url, {"region": world.b.region.pk, "files": [photo()]})
    assert response.status_code == 400
    assert MediaFile.objects.count() == 1


def test_who_sees_an_events_gallery_and_who_may_upload_there(client, world):
    a = world.a
    MediaFileFactory(event=a.event, caption="Сварщики за работой")
    for user, uploads in ((a.venue_staff.user, True), (a.coordinator.user, True), (world.curator.user, False),
                          (world.operator, False)):
        client.force_login(user)
        body = _body(client.get(_gallery(a.event)))
        assert "Сварщики за работой" in body
        assert ('name="files"' in body) is uploads
    for user in (a.other_venue_staff.user, a.mentor.user, a.navigator.user, a.guardian.user, a.student.user,
                 world.b.coordinator.user, world.b.venue_staff.user):
        client.force_login(user)
        assert client.get(_gallery(a.event)).status_code == 404
        assert client.post(_gallery(a.event), {"files": [photo()]}).status_code == 404
    assert MediaFile.objects.count() == 1


def test_the_gallery_shows_each_role_its_scope(client, world):
    a, b = world.a, world.b
    MediaFileFactory(event=a.event, caption="Своё мероприятие")
    MediaFileFactory(event=a.other_event, caption="Чужая площадка")
    MediaFileFactory(event=None, region=a.region, campaign=world.campaign, caption="Форум региона")
    MediaFileFactory(event=b.event, caption="Другой регион")
    seen = {
        a.venue_staff.user: {"Своё мероприятие"},
        a.coordinator.user: {"Своё мероприятие", "Чужая площадка", "Форум региона"},
        world.curator.user: {"Своё мероприятие", "Чужая площадка", "Форум региона"},
        world.operator: {"Своё мероприятие", "Чужая площадка", "Форум региона", "Другой регион"},
    }
    for user, captions in seen.items():
        client.force_login(user)
        body = _body(client.get(reverse("venues:gallery")))
        shown = {c for c in ("Своё мероприятие", "Чужая площадка", "Форум региона", "Другой регион") if c in body}
        assert shown == captions, user
    client.force_login(a.coordinator.user)
    body = _body(client.get(reverse("venues:gallery"), {"of": "region"}))
    assert "Форум региона" in body and "Своё мероприятие" not in body
    for user in (a.mentor.user, a.navigator.user, a.guardian.user, a.student.user):
        client.force_login(user)
        assert client.get(reverse("venues:gallery")).status_code == 404


def test_files_are_served_within_the_scope_and_logged(client, world):
    a = world.a
    content = image_bytes("JPEG", (64, 48))
    media = MediaFileFactory(event=a.event, original_name="Сварка.jpg", file__data=content)
    for user in (a.venue_staff.user, a.coordinator.user, world.curator.user, world.operator):
        client.force_login(user)
        response = client.get(reverse("venues:media_file", args=[media.pk]), {"download": "1"})
        assert response.status_code == 200
        assert b"".join(response.streaming_content) == content
        assert response["Content-Type"] == "image/jpeg"
        assert response["Content-Disposition"].startswith("attachment;")
        assert "private" in response["Cache-Control"]
        thumbnail = client.get(reverse("venues:media_thumbnail", args=[media.pk]))
        assert thumbnail.status_code == 200 and thumbnail["Content-Type"] == "image/jpeg"
    assert client.get(reverse("venues:media_file", args=[media.pk]))["Content-Disposition"].startswith("inline;")
    logged = PersonalDataAccess.objects.filter(kind=PersonalDataAccess.Kind.DOWNLOAD)
    assert logged.count() == 5
    assert set(logged.values_list("scope", flat=True)) == {a.region.name}
    assert logged.first().what == "Фото или видео «Сварка.jpg»"


def test_the_gallery_pages_are_logged_as_views_of_personal_data(client, world):
    client.force_login(world.a.coordinator.user)
    client.get(reverse("venues:gallery"))
    client.get(_gallery(world.a.event))
    assert list(PersonalDataAccess.objects.filter(kind="view").values_list("what", flat=True).order_by("pk")) == [
        "Фото и видео", "Фото и видео мероприятия"]


@pytest.mark.parametrize("who", ["other_venue_staff", "mentor", "navigator", "guardian", "student",
                                 "b_coordinator", "b_venue_staff"])
def test_files_outside_the_scope_are_404(client, world, who):
    a, b = world.a, world.b
    users = {"other_venue_staff": a.other_venue_staff.user, "mentor": a.mentor.user, "navigator": a.navigator.user,
             "guardian": a.guardian.user, "student": a.student.user, "b_coordinator": b.coordinator.user,
             "b_venue_staff": b.venue_staff.user}
    media = MediaFileFactory(event=a.event, uploaded_by=a.coordinator.user)
    client.force_login(users[who])
    for name in ("venues:media_file", "venues:media_thumbnail"):
        assert client.get(reverse(name, args=[media.pk])).status_code == 404
    assert client.post(reverse("venues:media_delete", args=[media.pk])).status_code == 404
    assert MediaFile.objects.filter(pk=media.pk).exists()
    assert not PersonalDataAccess.objects.exists()


def test_a_region_file_is_not_the_venues(client, world):
    media = MediaFileFactory(event=None, region=world.a.region, campaign=world.campaign)
    client.force_login(world.a.venue_staff.user)
    assert client.get(reverse("venues:media_file", args=[media.pk])).status_code == 404


def test_delete_from_the_gallery(client, world):
    a = world.a
    mine = MediaFileFactory(event=a.event, uploaded_by=a.venue_staff.user, original_name="мой.jpg")
    not_mine = MediaFileFactory(event=a.event, uploaded_by=a.coordinator.user, original_name="координатора.jpg")
    client.force_login(a.venue_staff.user)
    body = _body(client.get(_gallery(a.event)))
    assert reverse("venues:media_delete", args=[mine.pk]) in body
    assert reverse("venues:media_delete", args=[not_mine.pk]) not in body
    response = client.post(reverse("venues:media_delete", args=[mine.pk]), {"next": _gallery(a.event)}, follow=True)
    assert response.redirect_chain == [(_gallery(a.event), 302)]
    assert "Файл «мой.jpg» удалён." in _body(response)
    response = client.post(reverse("venues:media_delete", args=[not_mine.pk]), {"next": "https://evil.example/"},
                           follow=True)
    assert response.redirect_chain == [(_gallery(a.event), 302)]
    assert "Удалить файл могут только тот, кто его загрузил, и координатор региона." in _body(response)
    assert list(MediaFile.objects.all()) == [not_mine]


def test_the_curator_asks_for_photos_with_an_ordinary_request(client, world):
    a = world.a
    client.force_login(world.curator.user)
    body = _body(client.get(_gallery(a.event)))
    start = body.index(reverse("regions:request_create"))
    link = body[start:body.index('"', start)].replace("&amp;", "&")
    query = parse_qs(urlsplit(link).query)
    assert query["region"] == [str(a.region.pk)]
    assert query["subject"] == [f"Фото и видео: {a.event.title}"]
    form = client.get(link).context["form"]
    assert form.initial["subject"] == f"Фото и видео: {a.event.title}"
    assert _gallery(a.event) in form.initial["text"]
    page = client.get(link).content.decode()
    assert f'value="Фото и видео: {a.event.title}"' in page
    assert f'<option value="{a.region.pk}" selected>' in page
    # the coordinator and venue staff are not offered it
    client.force_login(a.coordinator.user)
    assert reverse("regions:request_create") not in _body(client.get(_gallery(a.event)))


def test_the_event_page_links_its_gallery_for_those_who_may_open_it(client, world):
    url = reverse("venues:event_manage_detail", args=[world.a.event.pk])
    client.force_login(world.a.venue_staff.user)
    assert _gallery(world.a.event) in _body(client.get(url))
    client.force_login(world.a.mentor.user)
    assert _gallery(world.a.event) not in _body(client.get(url))


@pytest.mark.parametrize("rows", [1, 12])
def test_gallery_queries_do_not_grow_with_files(client, world, django_assert_max_num_queries, rows):
    a = world.a
    for i in range(rows):
        MediaFileFactory(event=a.event if i % 2 else a.other_event, uploaded_by=a.venue_staff.user)
        MediaFileFactory(event=None, region=a.region, campaign=world.campaign, uploaded_by=a.coordinator.user)
    client.force_login(a.coordinator.user)
    client.get(reverse("venues:gallery"))
    with django_assert_max_num_queries(14):
        assert client.get(reverse("venues:gallery")).status_code == 200
    with django_assert_max_num_queries(14):
        assert client.get(_gallery(a.event)).status_code == 200


def test_an_upload_sent_by_htmx_is_redirected_by_header_or_gets_its_form_back(client, world):
    """With JavaScript the form is sent by htmx (its progress bar follows the bytes); the answers suit it."""
    client.force_login(world.a.venue_staff.user)
    url = _gallery(world.a.event)
    page = _body(client.get(url))
    assert 'hx-post="' + url + '"' in page and "js/upload-progress.js" in page
    response = client.post(url, {"files": [photo()], "caption": "Проба"}, HTTP_HX_REQUEST="true")
    assert (response.status_code, response["HX-Redirect"]) == (200, url)
    assert "Загружен 1 файл." in _body(client.get(url))
    refused = client.post(url, {"files": [upload("a.jpg", WINDOWS_PROGRAM)], "caption": "Проба"},
                          HTTP_HX_REQUEST="true")
    assert refused.status_code == 400
    body = _body(refused)
    assert body.lstrip().startswith("<form") and 'id="upload-form"' in body
    assert "«a.jpg» — программа" in body and 'value="Проба"' in body
    client.force_login(world.a.coordinator.user)
    refused = client.post(reverse("venues:gallery"), {"region": world.a.region.pk, "files": []}, HTTP_HX_REQUEST="true")
    assert refused.status_code == 400 and "Выберите фото или видео для загрузки." in _body(refused)
    assert MediaFile.objects.count() == 1
