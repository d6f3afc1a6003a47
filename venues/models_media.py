"""Photos and videos of events and of a region's work (seed 000 §5.4 «загрузка фото и видео файлов», §6.2; issue 15
§5). Imported by venues.models, so they belong to the venues app and its migrations."""

import os
import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from bilet.storage import private_storage


def media_upload_to(instance, filename: str) -> str:
    """A name nobody can guess or choose: the region, the month, a random key and the extension of the kind that the
    content was found to be (the service names the file by it; the name the browser sent is kept apart)."""
    extension = os.path.splitext(filename)[1].lower()
    return f"gallery/{instance.region_id}/{timezone.now():%Y/%m}/{uuid.uuid4().hex}{extension}"


def thumbnail_upload_to(instance, filename: str) -> str:
    return f"gallery/{instance.region_id}/{timezone.now():%Y/%m}/thumbnails/{uuid.uuid4().hex}.jpg"


class MediaFile(models.Model):
    """A photo or a video of an event (uploaded by the event's venue staff or the region's coordinator) or of the
    region (by its coordinator). Children are in them: the file and its thumbnail live in the private storage and are
    served only by views that check the reader's scope. Dated by its upload: the report's figure `media_files` counts
    the region's files of the campaign uploaded from its first day to `D` (SPEC §4)."""

    class Kind(models.TextChoices):
        PHOTO = "photo", _("photo")
        VIDEO = "video", _("video")

    region = models.ForeignKey(
        "regions.Region", verbose_name=_("region"), on_delete=models.PROTECT, related_name="+"
    )
    campaign = models.ForeignKey(
        "regions.Campaign", verbose_name=_("campaign"), on_delete=models.PROTECT, related_name="+"
    )
    # None: a file of the region's work as a whole (a regional forum, a meeting), not of one event.
    event = models.ForeignKey(
        "venues.Event", verbose_name=_("event"), on_delete=models.PROTECT, null=True, blank=True,
        related_name="media_files",
    )
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    file = models.FileField(_("file"), storage=private_storage, upload_to=media_upload_to, max_length=200)
    thumbnail = models.FileField(
        _("thumbnail"), storage=private_storage, upload_to=thumbnail_upload_to, max_length=200, blank=True
    )
    original_name = models.CharField(_("file name"), max_length=255)
    content_type = models.CharField(_("type"), max_length=100)
    size = models.PositiveBigIntegerField(_("size, bytes"))
    width = models.PositiveIntegerField(_("width, pixels"), null=True, blank=True)
    height = models.PositiveIntegerField(_("height, pixels"), null=True, blank=True)
    caption = models.CharField(_("caption"), max_length=300, blank=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("uploaded by"), on_delete=models.SET_NULL, null=True, blank=True,
        related_name="+",
    )
    uploaded_at = models.DateTimeField(_("uploaded at"), default=timezone.now)

    class Meta:
        verbose_name = _("photo or video")
        verbose_name_plural = _("photos and videos")
        ordering = ["-uploaded_at", "-pk"]
        indexes = [
            models.Index(fields=["region", "campaign", "uploaded_at"], name="media_region_date_idx"),
            models.Index(fields=["event", "uploaded_at"], name="media_event_date_idx"),
        ]

    def __str__(self):
        return self.caption or self.original_name
