"""The guard of photos and videos (issue 15 §5): each is judged by its content — a renamed program, an oversize file, a
damaged image and an image bomb are refused with a sentence in Russian; photos come with an upright, clean thumbnail."""

import io

import pytest
from django.core.exceptions import ValidationError
from PIL import Image

from bilet.uploads import PHOTO, VIDEO, check_image, check_media_upload

from .media_samples import (
    LINUX_PROGRAM,
    WINDOWS_PROGRAM,
    bomb_png,
    ebml_bytes,
    image_bytes,
    mov_bytes,
    noise_png,
    phone_photo,
    mp4_bytes,
    truncated_jpeg,
    upload,
)


def _refusal(file) -> ValidationError:
    with pytest.raises(ValidationError) as info:
        check_media_upload(file)
    return info.value


@pytest.mark.parametrize("name,content,content_type,extension", [
    ("IMG_0001.JPG", image_bytes("JPEG"), "image/jpeg", "jpg"),
    ("screen.png", image_bytes("PNG"), "image/png", "png"),
    ("photo.webp", image_bytes("WEBP"), "image/webp", "webp"),
    # the name says nothing: a JPEG called .png is a JPEG
    ("renamed.png", image_bytes("JPEG"), "image/jpeg", "jpg"),
])
def test_photos_are_recognised_by_content(name, content, content_type, extension):
    checked = check_media_upload(upload(name, content))
    assert (checked.kind, checked.content_type, checked.extension) == (PHOTO, content_type, extension)
    assert (checked.width, checked.height, checked.size) == (64, 48, len(content))
    assert Image.open(io.BytesIO(checked.thumbnail)).format == "JPEG"


@pytest.mark.parametrize("name,content,content_type,extension", [
    ("clip.mp4", mp4_bytes(b"isom"), "video/mp4", "mp4"),
    ("clip.mp4", mp4_bytes(b"mp42"), "video/mp4", "mp4"),
    ("IMG_0002.MOV", mov_bytes(), "video/quicktime", "mov"),
    ("old.mov", mov_bytes(with_ftyp=False), "video/quicktime", "mov"),
    ("clip.webm", ebml_bytes(b"webm"), "video/webm", "webm"),
    ("clip.mkv", ebml_bytes(b"matroska"), "video/x-matroska", "mkv"),
    ("no-extension", mp4_bytes(b"avc1"), "video/mp4", "mp4"),
])
def test_videos_are_recognised_by_their_magic_bytes(name, content, content_type, extension):
    checked = check_media_upload(upload(name, content))
    assert (checked.kind, checked.content_type, checked.extension) == (VIDEO, content_type, extension)
    assert checked.thumbnail is None


@pytest.mark.parametrize("name,content", [("фото.jpg", WINDOWS_PROGRAM), ("clip.mp4", LINUX_PROGRAM),
                                          ("setup.exe.png", WINDOWS_PROGRAM)])
def test_a_renamed_program_is_refused_as_a_program(name, content):
    error = _refusal(upload(name, content, "image/jpeg"))
    assert error.code == "executable"
    assert error.messages == [
        f"«{name}» — программа (исполняемый файл), а не фото или видео, как бы он ни назывался; загрузить его нельзя."
    ]


@pytest.mark.parametrize("content", [b"%PDF-1.7 a document", b"just text", mp4_bytes(b"M4A "), b"GIF89a" + b"\0" * 40])
def test_other_files_are_refused_by_content(content):
    error = _refusal(upload("holiday.jpg", content))
    assert error.code == "kind"
    assert error.messages == ["«holiday.jpg» по содержимому не фото (JPEG, PNG, WebP) и не видео (MP4, MOV, WebM, "
                              "MKV); загрузить его нельзя."]


def test_a_heic_photo_is_told_how_to_save_it():
    error = _refusal(upload("IMG_0003.HEIC", mp4_bytes(b"heic")))
    assert error.code == "heif"
    assert "сохраните его как JPEG" in error.messages[0]


def test_an_oversize_photo_and_video_are_refused_with_their_limits(settings):
    settings.MEDIA_PHOTO_MAX_BYTES = 1024
    settings.MEDIA_VIDEO_MAX_BYTES = 2048
    big_photo = noise_png((64, 64))
    assert len(big_photo) > 2048
    error = _refusal(upload("big.png", big_photo))
    assert error.code == "too_big"
    assert error.messages[0].startswith("«big.png» весит ")
    assert error.messages[0].endswith("; фото может быть не больше 1,0\xa0КБ.")
    long_video = mp4_bytes() + b"\x00" * 4096
    error = _refusal(upload("long.mp4", long_video))
    assert error.messages[0].endswith("; видео может быть не больше 2,0\xa0КБ.")
    # within the limit, the same video passes
    settings.MEDIA_VIDEO_MAX_BYTES = 10 * 1024
    assert check_media_upload(upload("long.mp4", long_video)).kind == VIDEO


def test_an_image_bomb_is_refused_before_its_pixels_are_read():
    error = _refusal(upload("bomb.png", bomb_png()))
    assert error.code == "image_bomb"
    assert error.messages == [
        "В «bomb.png» больше 60 мегапикселей: такое изображение может оказаться «бомбой распаковки», его не принять. "
        "Уменьшите его и загрузите снова."
    ]
    assert Image.MAX_IMAGE_PIXELS == 60_000_000  # Pillow's own guard is set to the portal's limit


def test_an_image_just_past_the_limit_is_refused_too(settings):
    settings.MEDIA_PHOTO_MAX_PIXELS = 1000  # Pillow's guard (the startup value) would let 40 × 40 through
    error = _refusal(upload("wide.jpg", image_bytes("JPEG", (40, 40))))
    assert error.code == "image_bomb"
    assert check_media_upload(upload("small.jpg", image_bytes("JPEG", (30, 30)))).kind == PHOTO


@pytest.mark.parametrize("content", [truncated_jpeg(), b"\x89PNG\r\n\x1a\n" + b"garbage" * 20,
                                     image_bytes("PNG")[:60], b"\xff\xd8\xff\xe0 not really a jpeg"])
def test_a_damaged_image_is_refused(content):
    error = _refusal(upload("broken.jpg", content))
    assert error.code == "image_broken"
    assert error.messages == ["«broken.jpg» — повреждённое изображение (обрезано или испорчено), его не открыть; "
                              "сохраните его заново и загрузите новый файл."]


def test_an_empty_file_is_refused():
    assert _refusal(upload("empty.jpg", b"")).messages == ["Файл «empty.jpg» пустой."]


def test_the_thumbnail_is_small_upright_and_without_metadata():
    # A phone held upright stores a landscape picture and the EXIF orientation 6 (turn 90° clockwise).
    checked = check_media_upload(upload("upright.jpg", image_bytes("JPEG", (1200, 800), orientation=6)))
    thumbnail = Image.open(io.BytesIO(checked.thumbnail))
    assert thumbnail.size == (320, 480)
    assert not thumbnail.getexif()
    assert "exif" not in thumbnail.info


def test_a_transparent_png_gets_a_white_background():
    checked = check_media_upload(upload("logo.png", image_bytes("PNG", (10, 10), mode="RGBA", color=(0, 0, 0, 0))))
    assert Image.open(io.BytesIO(checked.thumbnail)).convert("RGB").getpixel((5, 5)) == (255, 255, 255)


def test_the_file_is_left_rewound_for_storage():
    file = upload("photo.jpg", image_bytes("JPEG"))
    check_media_upload(file)
    assert file.tell() == 0
    assert check_image(file) == (64, 48)


def test_a_cut_photo_is_refused_even_where_weasyprint_lets_pillow_read_cut_images():
    """Importing WeasyPrint sets ImageFile.LOAD_TRUNCATED_IMAGES for the whole process; the guard does not rely on it."""
    from PIL import ImageFile

    import weasyprint  # noqa: F401

    assert ImageFile.LOAD_TRUNCATED_IMAGES is True
    assert _refusal(upload("cut.jpg", truncated_jpeg())).code == "image_broken"
    assert ImageFile.LOAD_TRUNCATED_IMAGES is True  # WeasyPrint's setting is put back for WeasyPrint


@pytest.mark.parametrize("fmt, name", [("JPEG", "IMG_0001.JPG"), ("PNG", "screen.png"), ("WEBP", "photo.webp")])
def test_the_photo_kept_is_upright_and_says_nothing_of_where_and_by_whom_it_was_taken(fmt, name):
    original = phone_photo(fmt)
    assert Image.open(io.BytesIO(original)).getexif().get_ifd(0x8825)  # the sample does carry a place

    checked = check_media_upload(upload(name, original))

    kept = Image.open(io.BytesIO(checked.photo))
    assert kept.format == fmt and kept.size == (800, 1200) == (checked.width, checked.height)
    assert not kept.getexif() and "exif" not in kept.info and "comment" not in kept.info
    assert b"GPS" not in checked.photo and "Иванова".encode() not in checked.photo
    assert checked.size == len(original)  # what was uploaded, for the messages about its size
