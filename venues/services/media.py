"""Photos and videos of events and regions (seed 000 §5.4 «загрузка фото и видео файлов», §6.2; issue 15 §5).

The event's venue staff and the region's coordinator add files to a published event; the coordinator adds files of the
region's work as a whole. Each file is judged by its content (`bilet.uploads.check_media_upload`); one refused file
refuses the whole upload, and nothing is stored. The uploader or the region's coordinator deletes a file, and the file
and its thumbnail leave the storage once the deletion is committed.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from bilet.roles import get_roles
from bilet.storage import private_storage
from bilet.uploads import check_media_upload
from regions.models import Region
from regions.selectors import current_campaign

from ..models import Event, MediaFile


class MediaError(Exception):
    """A refused upload or deletion; `messages` are sentences for the user (one per refused file)."""

    def __init__(self, *messages: str, field: str | None = None):
        super().__init__(" ".join(messages))
        self.messages = list(messages)
        self.message = " ".join(messages)
        self.field = field


def media_upload_refusal(*, actor, event: Event | None = None, region: Region | None = None) -> str | None:
    """Why `actor` may not add files to `event` (or, without an event, to `region`): a sentence, or None."""
    roles = get_roles(actor)
    if event is not None:
        if event.venue_id not in roles.venue_ids and event.region_id not in roles.coordinator_region_ids:
            return _("Only the event's venue staff and the region's coordinator can add its photos and videos.")
        if event.status != Event.Status.PUBLISHED:
            return _("Photos and videos can be added to a published event only.")
        return None
    if region is None or region.pk not in roles.coordinator_region_ids:
        return _("Only the region's coordinator can add photos and videos of the region's work.")
    return None


def media_delete_refusal(*, actor, media: MediaFile) -> str | None:
    if media.uploaded_by_id == actor.pk or media.region_id in get_roles(actor).coordinator_region_ids:
        return None
    return _("Only the person who uploaded the file and the region's coordinator can delete it.")


def media_upload(
    *, actor, files: Iterable, caption: str = "", event: Event | None = None, region: Region | None = None
) -> list[MediaFile]:
    """Store the uploaded `files` of `event` (or of `region`'s work), each checked by its content first."""
    refusal = media_upload_refusal(actor=actor, event=event, region=region)
    if refusal:
        raise MediaError(refusal)
    campaign = event.campaign if event is not None else current_campaign()
    if campaign is None:
        raise MediaError(_("There is no current campaign: the region's photos and videos cannot be added yet."))
    files = list(files)
    if not files:
        raise MediaError(_("Choose the photos or videos to upload."), field="files")
    most = settings.MEDIA_FILES_PER_UPLOAD
    if len(files) > most:
        raise MediaError(ngettext("At most %(count)s file can be uploaded at once.",
                                 "At most %(count)s files can be uploaded at once.", most) % {"count": most},
                         field="files")
    checked, refused = [], []
    for upload in files:
        try:
            checked.append((upload, check_media_upload(upload)))
        except ValidationError as error:
            refused.extend(error.messages)
    if refused:
        raise MediaError(*refused, field="files")
    region_id = event.region_id if event is not None else region.pk
    return _store(checked, actor=actor, region_id=region_id, campaign=campaign, event=event,
                  caption=(caption or "").strip()[:300])


def _store(checked, *, actor, region_id, campaign, event, caption) -> list[MediaFile]:
    """The rows and their files: files written first (a row never names a missing file), and removed again if the
    transaction does not commit."""
    stored: list[str] = []
    created = []
    try:
        with transaction.atomic():
            for upload, info in checked:
                media = MediaFile(
                    region_id=region_id, campaign=campaign, event=event, kind=info.kind,
                    original_name=(getattr(upload, "name", "") or f"file.{info.extension}")[:255],
                    content_type=info.content_type, size=len(info.photo) if info.photo else info.size,
                    width=info.width, height=info.height,
                    caption=caption, uploaded_by=actor,
                )
                upload.seek(0)
                # A photo is kept as the guard saved it again, without the place and camera it was taken with.
                media.file.save(f"upload.{info.extension}", ContentFile(info.photo) if info.photo else upload,
                                save=False)
                stored.append(media.file.name)
                if info.thumbnail:
                    media.thumbnail.save("thumbnail.jpg", ContentFile(info.thumbnail), save=False)
                    stored.append(media.thumbnail.name)
                media.save()
                created.append(media)
    except BaseException:
        _remove(stored)
        raise
    return created


@transaction.atomic
def media_delete(*, actor, media: MediaFile) -> None:
    refusal = media_delete_refusal(actor=actor, media=media)
    if refusal:
        raise MediaError(refusal)
    names = [name for name in (media.file.name, media.thumbnail.name) if name]
    deleted, _counts = MediaFile.objects.filter(pk=media.pk).delete()
    if not deleted:
        raise MediaError(_("The file has already been deleted."))
    # A child's photo leaves the storage with its row, but only once the deletion is committed.
    transaction.on_commit(lambda: _remove(names))


def _remove(names: list[str]) -> None:
    storage = private_storage()
    for name in names:
        storage.delete(name)
