"""Photos and videos of events and regions (issue 15 §5): who uploads and deletes them, what is refused (nothing stored
then), and where the files go (the private storage, never MEDIA_ROOT)."""

import os

import pytest
from django.conf import settings
from django.core.files.storage import storages

from bilet.tests.media_samples import WINDOWS_PROGRAM, bomb_png, photo, truncated_jpeg, upload, video
from regions.models import Campaign
from venues.models import Event, MediaFile
from venues.services.media import MediaError, media_delete, media_upload
from venues.tests.factories import EventFactory, MediaFileFactory, VenueStaffFactory

pytestmark = pytest.mark.django_db


def _stored_names() -> set[str]:
    found = set()
    for root, _dirs, files in os.walk(storages["private"].location):
        found |= {os.path.relpath(os.path.join(root, name), storages["private"].location) for name in files}
    return found


def _refusal(**kwargs) -> MediaError:
    before = _stored_names()
    with pytest.raises(MediaError) as info:
        media_upload(**kwargs)
    assert _stored_names() == before
    return info.value


def test_venue_staff_upload_photos_and_a_video_of_their_event(world):
    a = world.a
    created = media_upload(actor=a.venue_staff.user, event=a.event, caption="  Мастер-класс по сварке ",
                           files=[photo("IMG_1.JPG"), video("VID_2.mp4")])
    shot, clip = created
    assert (shot.kind, shot.content_type, shot.width, shot.height) == ("photo", "image/jpeg", 64, 48)
    assert (clip.kind, clip.content_type, clip.width, bool(clip.thumbnail)) == ("video", "video/mp4", None, False)
    for media in created:
        assert (media.region, media.campaign, media.event, media.uploaded_by) == (
            a.region, world.campaign, a.event, a.venue_staff.user)
        assert media.caption == "Мастер-класс по сварке"
        assert media.file.storage is storages["private"]
        assert media.file.name.startswith(f"gallery/{a.region.pk}/")
    assert shot.original_name == "IMG_1.JPG" and shot.file.name.endswith(".jpg")
    assert clip.file.name.endswith(".mp4")
    assert shot.thumbnail.name in _stored_names() and shot.file.name in _stored_names()
    # Not below MEDIA_ROOT's public part: a development server serves /media/ as it is.
    assert not storages["private"].location.startswith(os.path.join(settings.MEDIA_ROOT, "gallery"))


def test_a_file_keeps_its_kind_not_its_name(world):
    (media,) = media_upload(actor=world.a.venue_staff.user, event=world.a.event,
                            files=[upload("clip.mp4", photo().read())])
    assert (media.kind, media.file.name[-4:], media.original_name) == ("photo", ".jpg", "clip.mp4")


def test_the_coordinator_uploads_to_any_event_of_the_region_and_the_regions_own_files(world):
    a = world.a
    (on_event,) = media_upload(actor=a.coordinator.user, event=a.other_event, files=[photo()])
    (of_region,) = media_upload(actor=a.coordinator.user, region=a.region, files=[photo()], caption="Форум")
    assert on_event.event == a.other_event
    assert (of_region.event, of_region.region, of_region.campaign) == (None, a.region, world.campaign)


@pytest.mark.parametrize("who,target,message", [
    ("other_venue_staff", "event", "Добавлять фото и видео мероприятия могут только сотрудники его площадки и "
                                   "координатор региона."),
    ("mentor", "event", None),
    ("navigator", "event", None),
    ("guardian", "event", None),
    ("b_coordinator", "event", None),
    ("curator", "event", None),
    ("venue_staff", "region", "Добавлять фото и видео работы региона может только его координатор."),
    ("curator", "region", None),
    ("b_coordinator", "region", None),
])
def test_who_may_not_upload(world, who, target, message):
    users = {
        "other_venue_staff": world.a.other_venue_staff.user, "mentor": world.a.mentor.user,
        "navigator": world.a.navigator.user, "guardian": world.a.guardian.user,
        "b_coordinator": world.b.coordinator.user, "curator": world.curator.user,
        "venue_staff": world.a.venue_staff.user,
    }
    where = {"event": world.a.event} if target == "event" else {"region": world.a.region}
    error = _refusal(actor=users[who], files=[photo()], **where)
    if message:
        assert error.message == message
    assert not MediaFile.objects.exists()


@pytest.mark.parametrize("status", [Event.Status.DRAFT, Event.Status.SUBMITTED, Event.Status.CANCELLED])
def test_only_a_published_event_takes_files(world, status):
    event = EventFactory(venue=world.a.venue, campaign=world.campaign, status=status)
    error = _refusal(actor=world.a.venue_staff.user, event=event, files=[photo()])
    assert error.message == "Фото и видео можно добавить только к опубликованному мероприятию."


def test_the_regions_files_need_a_current_campaign(world):
    Campaign.objects.update(is_active=False)
    error = _refusal(actor=world.a.coordinator.user, region=world.a.region, files=[photo()])
    assert error.message.startswith("Нет текущей кампании")


def test_one_refused_file_refuses_the_upload_and_nothing_is_stored(world):
    error = _refusal(actor=world.a.venue_staff.user, event=world.a.event, files=[
        photo("good.jpg"), upload("setup.jpg", WINDOWS_PROGRAM), upload("bomb.png", bomb_png()),
        upload("cut.jpg", truncated_jpeg()), video("ok.mp4"),
    ])
    assert error.field == "files"
    assert len(error.messages) == 3
    assert error.messages[0].startswith("«setup.jpg» — программа")
    assert "бомбой распаковки" in error.messages[1]
    assert error.messages[2].startswith("«cut.jpg» — повреждённое изображение")
    assert not MediaFile.objects.exists()


def test_an_oversize_video_is_refused(world, settings):
    settings.MEDIA_VIDEO_MAX_BYTES = 100
    error = _refusal(actor=world.a.venue_staff.user, event=world.a.event, files=[video("long.mp4")])
    size = len(video().read())
    assert error.messages == [f"«long.mp4» весит {size}\xa0байт; видео может быть не больше 100\xa0байт."]


def test_at_most_so_many_files_at_once(world, settings):
    settings.MEDIA_FILES_PER_UPLOAD = 2
    error = _refusal(actor=world.a.venue_staff.user, event=world.a.event, files=[photo(), photo(), photo()])
    assert error.message == "За один раз можно загрузить не больше 2 файлов."
    assert _refusal(actor=world.a.venue_staff.user, event=world.a.event, files=[]).message == (
        "Выберите фото или видео для загрузки.")


def test_a_failed_save_leaves_no_file_behind(world, monkeypatch):
    def fail(*args, **kwargs):
        raise RuntimeError("the database went away")

    before = _stored_names()
    monkeypatch.setattr(MediaFile, "save", fail)
    with pytest.raises(RuntimeError):
        media_upload(actor=world.a.venue_staff.user, event=world.a.event, files=[photo(), video()])
    assert _stored_names() == before


def test_the_uploader_and_the_coordinator_delete(world, django_capture_on_commit_callbacks):
    a = world.a
    mine = MediaFileFactory(event=a.event, uploaded_by=a.venue_staff.user)
    theirs = MediaFileFactory(event=a.event, uploaded_by=a.coordinator.user)
    names = {mine.file.name, mine.thumbnail.name}
    assert names <= _stored_names()
    with django_capture_on_commit_callbacks(execute=True):
        media_delete(actor=a.venue_staff.user, media=mine)
    assert not MediaFile.objects.filter(pk=mine.pk).exists()
    assert not names & _stored_names()
    colleague = VenueStaffFactory(venue=a.venue).user
    for actor in (colleague, world.curator.user, world.operator, world.b.coordinator.user, a.mentor.user):
        with pytest.raises(MediaError) as info:
            media_delete(actor=actor, media=theirs)
        assert info.value.message == "Удалить файл могут только тот, кто его загрузил, и координатор региона."
    uploaded_by_staff = MediaFileFactory(event=a.event, uploaded_by=colleague)
    with django_capture_on_commit_callbacks(execute=True):
        media_delete(actor=a.coordinator.user, media=uploaded_by_staff)
    assert list(MediaFile.objects.all()) == [theirs]


def test_a_second_delete_of_the_same_file_is_told(world):
    media = MediaFileFactory(event=world.a.event, uploaded_by=world.a.venue_staff.user)
    stale = MediaFile.objects.get(pk=media.pk)
    media_delete(actor=world.a.venue_staff.user, media=media)
    with pytest.raises(MediaError) as info:
        media_delete(actor=world.a.venue_staff.user, media=stale)
    assert info.value.message == "Файл уже удалён."


def test_a_private_file_has_no_public_address(world):
    media = MediaFileFactory(event=world.a.event)
    with pytest.raises(ValueError):
        media.file.url  # noqa: B018 — a template that tried would fail here


def test_a_stored_photo_is_the_guards_copy_without_its_metadata(world):
    from bilet.tests.media_samples import phone_photo

    (media,) = media_upload(actor=world.a.venue_staff.user, event=world.a.event,
                            files=[upload("IMG_0001.JPG", phone_photo())])

    with media.file.open("rb") as stored:
        content = stored.read()
    assert b"GPS" not in content and "Иванова".encode() not in content
    assert (media.width, media.height, media.size) == (800, 1200, len(content))
