"""A roadmap laid out by section, as the seeds lay it out: each section under its top-level row (a heading, or an
activity that heads its section), its items below in the order of their numbers. The page, the XLSX and the PDF
show the same sections."""

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.utils.translation import gettext as _

from ..models import RoadmapItem


@dataclass
class Section:
    number: int
    head: RoadmapItem | None = None  # the top-level row; a section may have none (seed 001 numbers 3.1–3.5 only)
    items: list[RoadmapItem] = field(default_factory=list)

    @property
    def title(self) -> str:
        if self.head is not None:
            return self.head.activity
        return _("Section %(number)s") % {"number": self.number}

    @property
    def head_is_item(self) -> bool:
        """The top-level row is an activity with a period of its own (seed 001 2: «Июнь – август 2020»)."""
        return self.head is not None and not self.head.is_heading


def sections_of(items: Iterable[RoadmapItem], *, today: dt.date, filtered: bool = False) -> list[Section]:
    """`items`, ordered by number, grouped by the first part of their number; each item knows if it is overdue.

    When `filtered`, each item carries `matched` (the page's filters): a section is kept when its head or one of its
    items matched, and holds only the items that did."""
    sections: dict[int, Section] = {}
    for item in items:
        item.overdue = item.is_overdue(today)
        section = sections.setdefault(item.section, Section(item.section))
        if "." not in item.number:
            section.head = item
        elif getattr(item, "matched", True):
            section.items.append(item)
    if not filtered:
        return list(sections.values())
    return [section for section in sections.values()
            if section.items or (section.head_is_item and section.head.matched)]
