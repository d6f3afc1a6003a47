"""Photos, videos and impostors made in memory for the tests of uploads (issue 15 §5): real images from Pillow, the
first bytes of each video container, a decompression bomb, a damaged image and renamed programs."""

import io
import os
import struct
import zlib

from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image


def image_bytes(fmt: str = "JPEG", size=(64, 48), *, color="red", orientation: int | None = None, mode="RGB") -> bytes:
    image = Image.new(mode, size, color)
    out = io.BytesIO()
    kwargs = {}
    if orientation is not None:
        exif = Image.Exif()
        exif[0x0112] = orientation
        kwargs["exif"] = exif.tobytes()
    image.save(out, fmt, **kwargs)
    return out.getvalue()


def phone_photo(fmt: str = "JPEG", size=(1200, 800), orientation: int = 6) -> bytes:
    """A photo as a phone writes it: the EXIF orientation, the place it was taken (GPS) and the camera's owner, plus a
    comment."""
    image = Image.new("RGB", size, "green")
    exif = Image.Exif()
    exif[0x0112] = orientation
    exif[0x013B] = "Иванова Мария"  # Artist
    gps = exif.get_ifd(0x8825)
    gps.update({1: "N", 2: (54.0, 11.0, 30.0), 3: "E", 4: (37.0, 37.0, 10.0)})
    out = io.BytesIO()
    extra = {"comment": b"family album"} if fmt == "JPEG" else {}
    image.save(out, fmt, exif=exif.tobytes(), **extra)
    return out.getvalue()


def noise_png(size=(64, 64)) -> bytes:
    """A PNG that does not compress: random pixels, about 3 bytes a pixel."""
    out = io.BytesIO()
    Image.frombytes("RGB", size, os.urandom(size[0] * size[1] * 3)).save(out, "PNG")
    return out.getvalue()


def _box(kind: bytes, payload: bytes) -> bytes:
    return struct.pack(">I", 8 + len(payload)) + kind + payload


def mp4_bytes(brand: bytes = b"isom") -> bytes:
    """An ISO base media file: its `ftyp` box (major brand, version, compatible brands), then some media data."""
    return _box(b"ftyp", brand + b"\x00\x00\x02\x00" + brand + b"mp41") + _box(b"mdat", b"\x00" * 256)


def mov_bytes(*, with_ftyp: bool = True) -> bytes:
    if with_ftyp:
        return mp4_bytes(b"qt  ")
    return _box(b"moov", b"\x00" * 64) + _box(b"mdat", b"\x00" * 256)


def ebml_bytes(doctype: bytes = b"webm") -> bytes:
    """An EBML header (Matroska and WebM) naming its document type, then a segment's first bytes."""
    doc = b"\x42\x82" + bytes([0x80 | len(doctype)]) + doctype
    header = b"\x42\x86\x81\x01" + doc
    return b"\x1a\x45\xdf\xa3" + bytes([0x80 | len(header)]) + header + b"\x18\x53\x80\x67" + b"\x00" * 256


def _png_chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)


def bomb_png(width: int = 100_000, height: int = 100_000) -> bytes:
    """A PNG of a few hundred bytes whose header declares `width` × `height` pixels (10 gigapixels by default)."""
    header = struct.pack(">IIBBBBB", width, height, 1, 0, 0, 0, 0)  # 1-bit greyscale
    return (b"\x89PNG\r\n\x1a\n" + _png_chunk(b"IHDR", header) + _png_chunk(b"IDAT", zlib.compress(b"\x00" * 4096))
            + _png_chunk(b"IEND", b""))


def truncated_jpeg() -> bytes:
    """A real photo cut short, as an interrupted copy leaves it: its header is whole, its picture data is not."""
    whole = image_bytes("JPEG", (400, 300), color="blue")
    return whole[: len(whole) // 2]


WINDOWS_PROGRAM = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff" + b"\x00" * 200 + b"This program cannot be run"
LINUX_PROGRAM = b"\x7fELF\x02\x01\x01" + b"\x00" * 200


def upload(name: str, content: bytes, content_type: str = "application/octet-stream") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type=content_type)


def photo(name: str = "photo.jpg", **kwargs) -> SimpleUploadedFile:
    return upload(name, image_bytes(**kwargs), "image/jpeg")


def video(name: str = "clip.mp4") -> SimpleUploadedFile:
    return upload(name, mp4_bytes(), "video/mp4")
