"""Item numbers of a roadmap: «1», «2.1», «4.10» as the seeds write them («1.», «5.1.» with a trailing dot too), kept
without the trailing dot and ordered by their parts as numbers (2.9 before 2.10)."""

import re

from django.utils.translation import gettext as _

from .errors import ReadError

MAX_LEVELS = 4
_NUMBER = re.compile(r"\d{1,3}(?:\.\d{1,3})*")


class NumberError(ReadError):
    """An item number that is not one."""


def parse_number(text: str) -> str:
    """The item number `text` names, normalised («2.1.» → «2.1»); NumberError when it is not one."""
    number = "".join(str(text or "").split()).rstrip(".")
    if not number:
        raise NumberError(_("The item has no number: write its number, e.g. 2.1."))
    if not _NUMBER.fullmatch(number):
        raise NumberError(
            _("«%(number)s» is not an item number: write numbers separated by dots, e.g. 2.1.") % {"number": text}
        )
    parts = number.split(".")
    if len(parts) > MAX_LEVELS:
        raise NumberError(_("An item number has at most %(levels)s levels, e.g. 2.1.3.1.") % {"levels": MAX_LEVELS})
    if any(int(part) == 0 for part in parts):
        raise NumberError(_("«%(number)s»: items are numbered from 1, not from 0.") % {"number": text})
    return ".".join(str(int(part)) for part in parts)


def sort_key(number: str) -> str:
    """`number` (normalised) as text that sorts like the numbers: «2.10» → «002.010»."""
    return ".".join(f"{int(part):03d}" for part in number.split("."))


def section_of(number: str) -> int:
    return int(number.split(".", 1)[0])


def is_top_level(number: str) -> bool:
    return "." not in number
