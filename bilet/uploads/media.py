"""The guard every uploaded photo and video passes (issue 15 §5): what it is by its content, never by its name.

- a photo is a JPEG, PNG or WebP that Pillow opens, verifies and decodes whole: a damaged or truncated file is refused,
  and so is one whose header declares more pixels than MEDIA_PHOTO_MAX_PIXELS (a «decompression bomb»: a few
  kilobytes that would unpack to gigabytes of memory). Image.MAX_IMAGE_PIXELS is set to the same limit when the
  project starts (bilet.apps), so Pillow's own guard agrees with ours wherever an image is opened (it warns past the
  limit and raises DecompressionBombError past twice the limit; warnings are not turned into errors here, as
  `warnings.catch_warnings` is not thread-safe in gunicorn's threaded workers: the size is compared explicitly);
- a video is recognised by its first bytes: an ISO base media file (`ftyp` box: MP4, and MOV with the QuickTime
  brand), a QuickTime movie of the older kind that starts with its `moov`/`mdat` atom, or an EBML header (WebM,
  Matroska). A HEIC/AVIF photo is an ISO base media file too, and is told apart by its brand;
- each kind has its size limit (MEDIA_PHOTO_MAX_BYTES, MEDIA_VIDEO_MAX_BYTES); an executable, whatever its name,
  is named as such.
Each refusal is a ValidationError with a Russian sentence for the person who chose the file. A photo that passes
comes, from its decoded image (so the decode is the last check), as the file to keep and its thumbnail, both turned
upright by the EXIF orientation and without metadata: a phone's photo carries the place it was taken (EXIF GPS), the
camera and its owner, which the portal does not keep for photos of children. The photo keeps its format and colour
profile.
"""

from __future__ import annotations

import io
import threading
from contextlib import contextmanager
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ValidationError
from django.template.defaultfilters import filesizeformat
from django.utils.formats import number_format
from django.utils.translation import gettext
from PIL import Image, ImageFile, ImageOps

from .tables import upload_size

PHOTO, VIDEO = "photo", "video"
MEDIA_ACCEPT = ".jpg,.jpeg,.png,.webp,.mp4,.m4v,.mov,.webm,.mkv"
IMAGE_FORMATS = ("JPEG", "PNG", "WEBP")  # the only decoders Pillow may try on an upload
THUMBNAIL_CONTENT_TYPE = "image/jpeg"

_IMAGE_SIGNATURES = (
    (b"\xff\xd8\xff", "image/jpeg", "jpg"),
    (b"\x89PNG\r\n\x1a\n", "image/png", "png"),
)
_EXECUTABLE_SIGNATURES = (
    b"MZ",  # Windows (PE, .exe, .dll, .scr)
    b"\x7fELF",  # Linux
    b"\xfe\xed\xfa\xce", b"\xfe\xed\xfa\xcf", b"\xce\xfa\xed\xfe", b"\xcf\xfa\xed\xfe", b"\xca\xfe\xba\xbe",  # macOS
    b"#!",  # a script
)
# Brands of ISO base media files that are still pictures or sound, not video.
_IMAGE_BRANDS = {b"heic", b"heix", b"hevc", b"hevx", b"heim", b"heis", b"mif1", b"msf1", b"avif", b"avis"}
_AUDIO_BRANDS = {b"M4A ", b"M4B ", b"M4P "}
# The first atom of a QuickTime movie written without an `ftyp` box (older cameras and editors).
_QUICKTIME_ATOMS = {b"moov", b"mdat", b"wide", b"free", b"skip", b"pnot"}
_EBML = b"\x1a\x45\xdf\xa3"
_HEAD_BYTES = 64


@dataclass(frozen=True)
class MediaLimits:
    photo_max_bytes: int
    video_max_bytes: int
    photo_max_pixels: int
    thumbnail_size: int

    @classmethod
    def from_settings(cls) -> MediaLimits:
        return cls(
            photo_max_bytes=settings.MEDIA_PHOTO_MAX_BYTES,
            video_max_bytes=settings.MEDIA_VIDEO_MAX_BYTES,
            photo_max_pixels=settings.MEDIA_PHOTO_MAX_PIXELS,
            thumbnail_size=settings.MEDIA_THUMBNAIL_SIZE,
        )


@dataclass(frozen=True)
class CheckedMedia:
    """What an upload turned out to be: its kind, type and size, and for a photo its pixels, the photo to keep (without
    its metadata) and its thumbnail."""

    kind: str  # PHOTO or VIDEO
    content_type: str
    extension: str
    size: int
    width: int | None = None
    height: int | None = None
    thumbnail: bytes | None = None
    photo: bytes | None = None


def check_media_upload(file, *, limits: MediaLimits | None = None) -> CheckedMedia:
    """What the uploaded `file` is, once it is a photo or a video within the limits; otherwise a ValidationError."""
    limits = limits or MediaLimits.from_settings()
    name = getattr(file, "name", None) or gettext("the file")
    size = upload_size(file)
    if size == 0:
        raise ValidationError(gettext("«%(name)s» is empty.") % {"name": name}, code="empty")
    file.seek(0)
    head = file.read(_HEAD_BYTES)
    file.seek(0)
    kind, content_type, extension = _kind(head, name)
    limit = limits.photo_max_bytes if kind == PHOTO else limits.video_max_bytes
    if size > limit:
        message = (
            gettext("«%(name)s» is %(size)s; a photo may be at most %(limit)s.") if kind == PHOTO
            else gettext("«%(name)s» is %(size)s; a video may be at most %(limit)s.")
        )
        raise ValidationError(
            message % {"name": name, "size": filesizeformat(size), "limit": filesizeformat(limit)}, code="too_big"
        )
    if kind == VIDEO:
        return CheckedMedia(VIDEO, content_type, extension, size)
    check_image(file, name=name, max_pixels=limits.photo_max_pixels)
    kept, (width, height), thumbnail = photo_copies(
        file, name=name, size=limits.thumbnail_size, max_pixels=limits.photo_max_pixels
    )
    return CheckedMedia(PHOTO, content_type, extension, size, width, height, thumbnail, kept)


def _kind(head: bytes, name: str) -> tuple[str, str, str]:
    for signature, content_type, extension in _IMAGE_SIGNATURES:
        if head.startswith(signature):
            return PHOTO, content_type, extension
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return PHOTO, "image/webp", "webp"
    if head[4:8] == b"ftyp":
        brand = head[8:12]
        if brand in _IMAGE_BRANDS:
            raise ValidationError(
                gettext("«%(name)s» is a HEIC or AVIF photo; save it as JPEG (on a phone: «Most compatible» "
                        "format) and upload it again.") % {"name": name},
                code="heif",
            )
        if brand in _AUDIO_BRANDS:
            raise _not_media(name)
        if brand == b"qt  ":
            return VIDEO, "video/quicktime", "mov"
        return VIDEO, "video/mp4", "mp4"
    if head[4:8] in _QUICKTIME_ATOMS and int.from_bytes(head[:4], "big") >= 8:
        return VIDEO, "video/quicktime", "mov"
    if head.startswith(_EBML):
        if b"webm" in head:
            return VIDEO, "video/webm", "webm"
        if b"matroska" in head:
            return VIDEO, "video/x-matroska", "mkv"
    if head.startswith(_EXECUTABLE_SIGNATURES):
        raise ValidationError(
            gettext("«%(name)s» is a program (an executable file), not a photo or a video, whatever its name says; "
                    "it cannot be uploaded.") % {"name": name},
            code="executable",
        )
    raise _not_media(name)


def _not_media(name: str) -> ValidationError:
    return ValidationError(
        gettext("«%(name)s» is neither a photo (JPEG, PNG, WebP) nor a video (MP4, MOV, WebM, MKV) by its content; "
                "it cannot be uploaded.") % {"name": name},
        code="kind",
    )


def _bomb(name: str, limit: int) -> ValidationError:
    # Pillow may refuse before the size is read (past twice its limit): the sentence names the limit, not the size.
    return ValidationError(
        gettext("«%(name)s» has more than %(limit)s megapixels: so large a picture may be a «decompression bomb» "
                "and is not accepted. Make it smaller and upload it again.")
        % {"name": name, "limit": number_format(limit / 1e6, 0)},
        code="image_bomb",
    )


def _broken(name: str) -> ValidationError:
    return ValidationError(
        gettext("«%(name)s» is a damaged image (cut short or corrupted) and cannot be opened; save it again and upload "
                "the new file.") % {"name": name},
        code="image_broken",
    )


# WeasyPrint sets ImageFile.LOAD_TRUNCATED_IMAGES = True for the whole process when it is imported
# (weasyprint/images.py): a photo cut short would then pass, its missing part painted grey. The checks below turn it
# off while they read an image; the lock keeps two threads from putting back each other's value.
_STRICT = threading.Lock()


@contextmanager
def _strict_decoding():
    with _STRICT:
        previous = ImageFile.LOAD_TRUNCATED_IMAGES
        ImageFile.LOAD_TRUNCATED_IMAGES = False
        try:
            yield
        finally:
            ImageFile.LOAD_TRUNCATED_IMAGES = previous


def _limit(max_pixels: int | None) -> int:
    return max_pixels or settings.MEDIA_PHOTO_MAX_PIXELS


def check_image(file, *, name: str = "", max_pixels: int | None = None) -> tuple[int, int]:
    """The width and height of an image whose header and structure Pillow verified, or a ValidationError: a damaged
    file, or more pixels than `max_pixels` (MEDIA_PHOTO_MAX_PIXELS). Reads no pixel data; the file is left rewound."""
    name = name or getattr(file, "name", None) or gettext("the file")
    limit = _limit(max_pixels)
    file.seek(0)
    try:
        with _strict_decoding(), Image.open(file, formats=IMAGE_FORMATS) as image:
            width, height = image.size
            if width * height > limit:
                raise _bomb(name, limit)
            image.verify()
    except ValidationError:
        raise
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise _bomb(name, limit) from None
    except Exception:  # Pillow raises many kinds of errors on a damaged file
        raise _broken(name) from None
    finally:
        file.seek(0)
    return width, height


# How a photo is saved again: the same format, close to its own quality (a JPEG or lossy WebP is encoded once more).
_SAVE_OPTIONS = {"JPEG": {"quality": 92, "optimize": True}, "PNG": {"optimize": False}, "WEBP": {"quality": 92}}


def photo_copies(file, *, name: str = "", size: int | None = None, max_pixels: int | None = None) -> tuple:
    """From one decoding of the photo: the photo to keep — its own format, upright, with its colour profile and no
    other metadata (EXIF, XMP, comments, text chunks: Pillow writes only what it is given) —, its width and height,
    and a JPEG thumbnail at most `size` pixels on its longer side. Decoding the whole image is the check that its data
    is not cut short: a damaged image is a ValidationError."""
    name = name or getattr(file, "name", None) or gettext("the file")
    size = size or settings.MEDIA_THUMBNAIL_SIZE
    limit = _limit(max_pixels)
    file.seek(0)
    try:
        with _strict_decoding(), Image.open(file, formats=IMAGE_FORMATS) as image:
            if image.width * image.height > limit:
                raise _bomb(name, limit)
            fmt, profile = image.format, image.info.get("icc_profile")
            upright = ImageOps.exif_transpose(image)  # a decoded copy, whatever the orientation
        if fmt == "JPEG" and upright.mode not in ("RGB", "L", "CMYK"):
            upright = upright.convert("RGB")
        upright.info = {}  # Pillow carries some of it (a JPEG's comment) into what it saves
        kept = io.BytesIO()
        upright.save(kept, fmt, **_SAVE_OPTIONS[fmt], **({"icc_profile": profile} if profile else {}))
        small = upright.copy()
        small.thumbnail((size, size))
        thumbnail = io.BytesIO()
        _flat(small).save(thumbnail, "JPEG", quality=82, optimize=True)
    except ValidationError:
        raise
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise _bomb(name, limit) from None
    except Exception:  # a truncated or corrupted stream fails here, whatever the header said
        raise _broken(name) from None
    finally:
        file.seek(0)
    return kept.getvalue(), upright.size, thumbnail.getvalue()


def _flat(image: Image.Image) -> Image.Image:
    """The image as RGB, transparent parts on white (JPEG has no transparency)."""
    if image.mode in ("RGBA", "LA") or (image.mode == "P" and "transparency" in image.info):
        rgba = image.convert("RGBA")
        background = Image.new("RGB", rgba.size, "white")
        background.paste(rgba, mask=rgba.getchannel("A"))
        return background
    return image.convert("RGB")
