"""What a curator and a coordinator find already made in the demo: the first region's campaign report, built and sent
to its curator for acceptance (issue 13 §6), and photos of one of its events and of the region's work (issue 15 §5).
Made once: a second run of seed_demo finds them and changes nothing."""

import io
import random

from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image, ImageDraw

from regions.models import Campaign, Region
from reports.models import Report, ReportType
from reports.services import report_build, report_request, report_send
from venues.models import Event, MediaFile
from venues.services.media import media_upload

REPORT_COMMENT = "Отчёт за кампанию на сегодняшний день: охват по школам и муниципалитетам в приложении (XLSX)."
PHOTOS = [
    ("Профессиональная проба: участники за работой", (37, 99, 235), (16, 185, 129)),
    ("Наставник показывает приёмы работы", (234, 88, 12), (250, 204, 21)),
]
REGION_PHOTO = ("Установочное совещание с педагогами-навигаторами", (124, 58, 237), (14, 165, 233))


def ensure_showcase(*, region: Region, campaign: Campaign, coordinator) -> None:
    ensure_sent_report(region=region, campaign=campaign, coordinator=coordinator)
    ensure_photos(region=region, campaign=campaign, coordinator=coordinator)


def ensure_sent_report(*, region: Region, campaign: Campaign, coordinator) -> None:
    """The region's campaign report, built here (no worker needed) and sent to the curator."""
    if Report.objects.filter(region=region, campaign=campaign, report_type=ReportType.CAMPAIGN).exists():
        return
    report, _created = report_request(
        actor=coordinator, report_type=ReportType.CAMPAIGN, region=region, campaign=campaign
    )
    report = report_build(report_id=report.pk)
    report_send(actor=coordinator, report=report, comment=REPORT_COMMENT)


def ensure_photos(*, region: Region, campaign: Campaign, coordinator) -> None:
    """Two photos of the region's first published event and one of the region's own work, uploaded by the
    coordinator through the same guard as any upload."""
    if MediaFile.objects.filter(region=region).exists():
        return
    event = Event.objects.filter(
        region=region, campaign=campaign, status=Event.Status.PUBLISHED
    ).order_by("starts_at").first()
    if event is not None:
        for caption, top, bottom in PHOTOS:
            media_upload(actor=coordinator, event=event, caption=caption,
                         files=[_photo(f"{event.pk}-{len(caption)}.jpg", top, bottom)])
    caption, top, bottom = REGION_PHOTO
    media_upload(actor=coordinator, region=region, caption=caption, files=[_photo("region.jpg", top, bottom)])


def _photo(name: str, top: tuple, bottom: tuple, size=(960, 640)) -> SimpleUploadedFile:
    """A picture that reads as a photo in a gallery: a two-colour gradient with a few soft shapes."""
    width, height = size
    image = Image.new("RGB", size)
    draw = ImageDraw.Draw(image)
    for y in range(height):
        t = y / (height - 1)
        draw.line([(0, y), (width, y)], fill=tuple(round(a + (b - a) * t) for a, b in zip(top, bottom)))
    shapes = random.Random(name)
    for _ in range(6):
        x, y, r = shapes.randrange(width), shapes.randrange(height), shapes.randrange(40, 140)
        draw.ellipse([x - r, y - r, x + r, y + r], outline=(255, 255, 255), width=6)
    out = io.BytesIO()
    image.save(out, "JPEG", quality=85)
    return SimpleUploadedFile(name, out.getvalue(), content_type="image/jpeg")
