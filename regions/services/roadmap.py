"""The region's roadmap (issue 15 §2): its coordinator writes the items one by one or loads the whole table from a
workbook shaped like the seeds' (001 Tula, 004 Kemerovo); its curators and operator staff read it (SPEC §2).

An item is checked the same way whichever way it comes: its number (`regions.roadmap.numbers`), its activity, its
period within the campaign (`regions.roadmap.periods`), its status; a number is unique within the region's roadmap
for the campaign. An import checks every row first and writes nothing while any row has an error. Writes take the
region's row (FOR NO KEY UPDATE: inserts that merely point at the region do not wait) so that two writers of one
roadmap do not both find a number free.
"""

import dataclasses
import re
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from bilet.db import locked_write
from bilet.imports import RowError, column_message
from bilet.roles import get_roles
from bilet.uploads import UploadLimits, read_xlsx_document

from ..models import Campaign, Region, RoadmapItem
from ..roadmap.numbers import NumberError, is_top_level, parse_number, section_of, sort_key
from ..roadmap.periods import PeriodError, parse_period
from ..roadmap.table import Table, TableError, column_labels, read_table
from .errors import RecordError

# A region's roadmap is a page or two of a document (seed 001: 26 rows, seed 004: 35); a workbook of more rows is not
# a roadmap, and is refused before openpyxl reads it.
ROADMAP_MAX_ROWS = 1000
Status = RoadmapItem.Status
# Words for a status in a table besides the portal's own labels.
STATUS_WORDS = {
    "запланировано": Status.PLANNED, "планируется": Status.PLANNED, "не начато": Status.PLANNED,
    "в работе": Status.IN_PROGRESS, "выполняется": Status.IN_PROGRESS, "в процессе": Status.IN_PROGRESS,
    "выполнено": Status.DONE, "исполнено": Status.DONE, "отменено": Status.CANCELLED,
}
# A form's or a table's fields by the column they come from.
FIELD_COLUMNS = {"number": "number", "activity": "activity", "period": "period", "status": "status"}
_HEADING = re.compile(r"(\d{1,3}(?:\.\d{1,3})*)\.?\s+(\S.*)", re.DOTALL)


class RoadmapRefused(RecordError):
    """An item that cannot be saved, with every problem found (`errors`), the first as the message."""

    def __init__(self, errors: list[RecordError]):
        super().__init__(errors[0].message, field=errors[0].field)
        self.errors = errors


@dataclass
class ItemText:
    """An item as a person types it or a table holds it."""

    number: str
    activity: str
    period: str = ""
    responsible: str = ""
    expected_result: str = ""
    status: str = Status.PLANNED
    comment: str = ""


@dataclass
class ImportResult:
    rows: int = 0  # rows of the table read as items or headings
    errors: list[RowError] = field(default_factory=list)
    created: int = 0
    replaced: int = 0


def require_roadmap_editor(actor, region_id: int) -> None:
    """The region's coordinator writes its roadmap; its curators and operator staff read it (issue 15 §2)."""
    if region_id not in get_roles(actor).coordinator_region_ids:
        raise RecordError(_("Only the region's coordinator changes its roadmap."))


def _lock_roadmap(region: Region) -> None:
    Region.objects.select_for_update(no_key=True).filter(pk=region.pk).values_list("pk").first()


def _fill(item: RoadmapItem, text: ItemText) -> list[RecordError]:
    """Set `item`'s fields from `text`; the problems found, each tied to its field."""
    errors = []
    try:
        item.number = parse_number(text.number)
        item.sort_key = sort_key(item.number)
    except NumberError as error:
        item.number = ""
        errors.append(RecordError(error.message, field="number"))
    item.activity = text.activity.strip()
    if not item.activity:
        errors.append(RecordError(_("Write the activity."), field="activity"))
    try:
        period = parse_period(text.period, campaign=item.campaign)
    except PeriodError as error:
        errors.append(RecordError(error.message, field="period"))
    else:
        if period is None and item.number and not is_top_level(item.number):
            errors.append(RecordError(
                _("Write the period: only a section's heading (a number without a dot) has none."), field="period"))
        item.period_kind = period.kind if period else ""
        item.period_start = period.starts_on if period else None
        item.period_end = period.ends_on if period else None
        item.period_recurrence = period.recurrence if period else ""
        # a heading has no status of its own
        item.status = text.status if period else Status.PLANNED
    item.responsible = text.responsible.strip()
    item.expected_result = text.expected_result.strip()
    item.comment = text.comment.strip()
    return errors


def _number_taken(item: RoadmapItem) -> RecordError | None:
    taken = RoadmapItem.objects.filter(region=item.region_id, campaign=item.campaign_id, number=item.number)
    if item.pk:
        taken = taken.exclude(pk=item.pk)
    if taken.exists():
        return RecordError(_("Item %(number)s is already in this roadmap.") % {"number": item.number}, field="number")
    return None


def _save(item: RoadmapItem, text: ItemText) -> RoadmapItem:
    _lock_roadmap(item.region)
    errors = _fill(item, text)
    if item.number:
        taken = _number_taken(item)
        if taken:
            errors.insert(0, taken)
    if errors:
        raise RoadmapRefused(errors)
    try:
        item.full_clean(validate_constraints=False)  # the rules above are the constraints, said in words
    except ValidationError as error:
        name, messages = next(iter(error.message_dict.items()))
        raise RecordError(messages[0], field=name) from None
    item.save()
    return item


@locked_write
def roadmap_item_create(*, actor, region: Region, campaign: Campaign, item: ItemText) -> RoadmapItem:
    require_roadmap_editor(actor, region.pk)
    return _save(RoadmapItem(region=region, campaign=campaign, created_by=actor), item)


@locked_write
def roadmap_item_update(*, actor, roadmap_item: RoadmapItem, item: ItemText) -> RoadmapItem:
    require_roadmap_editor(actor, roadmap_item.region_id)
    return _save(roadmap_item, item)


@locked_write
def roadmap_item_delete(*, actor, roadmap_item: RoadmapItem) -> None:
    require_roadmap_editor(actor, roadmap_item.region_id)
    roadmap_item.delete()


# --- import --------------------------------------------------------------------------------------------------------


def roadmap_limits() -> UploadLimits:
    return dataclasses.replace(UploadLimits.from_settings(), max_rows=ROADMAP_MAX_ROWS)


def _status(text: str) -> str | None:
    word = " ".join(text.lower().replace("ё", "е").split())
    if not word:
        return Status.PLANNED
    labels = {str(label).lower(): value for value, label in Status.choices}
    return labels.get(word) or STATUS_WORDS.get(word) or (word if word in Status.values else None)


class _Checker:
    """Reads a table's rows into items, collecting each row's problems; headings without a number wait for the
    next item to learn their section (seed 001: «Информационное сопровождение…» above 4.1)."""

    def __init__(self, table: Table, *, region: Region, campaign: Campaign, actor):
        self.table, self.region, self.campaign, self.actor = table, region, campaign, actor
        labels = column_labels()
        self.columns = {key: table.headers.get(key) or labels[key] for key in labels}
        self.items: list[tuple[int, RoadmapItem]] = []
        self.errors: list[RowError] = []
        self.seen: dict[str, int] = {}
        self.previous: RoadmapItem | None = None
        self.waiting: list[tuple[int, str]] = []

    def run(self) -> None:
        for row in self.table.rows:
            if row.heading is not None:
                match = _HEADING.fullmatch(row.heading)
                if match is None:
                    self.waiting.append((row.line, row.heading))
                    continue
                self._row(row.line, ItemText(number=match[1], activity=match[2]))
                continue
            status = _status(row["status"])
            text = ItemText(number=row["number"], activity=row["activity"], period=row["period"],
                            responsible=row["responsible"], expected_result=row["result"],
                            status=status or Status.PLANNED, comment=row["comment"])
            extra = [] if status else [self._message("status", _(
                "«%(text)s» is not a status: write one of %(statuses)s.") % {"text": row["status"],
                                                                              "statuses": _statuses()})]
            self._row(row.line, text, extra=extra, numeric=row.number_is_numeric)
        for line, _title in self.waiting:
            self.errors.append(RowError(line, [_("A section's heading without a number, and no item after it to "
                                                 "take the number from: write it as «4. Heading».")]))
        self.errors.sort(key=lambda error: error.row)

    def _message(self, name: str, text: str) -> str:
        return column_message(self.columns[FIELD_COLUMNS.get(name, name)], text)

    def _row(self, line: int, text: ItemText, *, extra=(), numeric=False) -> None:
        item = RoadmapItem(region=self.region, campaign=self.campaign, created_by=self.actor)
        messages = [self._message(error.field, error.message) for error in _fill(item, text)] + list(extra)
        if item.number:
            self._headings_before(item)
            messages += self._numbering(line, item, numeric)
        if messages:
            self.errors.append(RowError(line, messages))
        else:
            self.items.append((line, item))

    def _headings_before(self, item: RoadmapItem) -> None:
        """Headings waiting for a number take the section of the item after them, unless it heads a section itself."""
        waiting, self.waiting = self.waiting, []
        if is_top_level(item.number):
            self.waiting = waiting  # reported at the end: nothing to number them by
            return
        for line, title in waiting:
            self._row(line, ItemText(number=str(section_of(item.number)), activity=title))

    def _numbering(self, line: int, item: RoadmapItem, numeric: bool) -> list[str]:
        if item.number in self.seen:
            text = _("Item %(number)s is already in row %(row)s.") % {"number": item.number,
                                                                       "row": self.seen[item.number]}
            if numeric:
                text += " " + _("Excel keeps a number such as 4.10 typed into a number cell as 4.1: make the "
                                "«№» column text and type the numbers again.")
            return [self._message("number", text)]
        self.seen[item.number] = line
        previous, self.previous = self.previous, item
        if previous is not None and item.sort_key < previous.sort_key:
            return [self._message("number", _("Item %(number)s comes after %(previous)s: the items go in the order "
                                              "of their numbers.") % {"number": item.number,
                                                                      "previous": previous.number})]
        return []


def _statuses() -> str:
    return ", ".join(f"«{label}»" for label in Status.labels)


def roadmap_check(*, actor, region: Region, campaign: Campaign, content: bytes) -> tuple[list, ImportResult]:
    """The items of a workbook and each row's problems; reads, writes nothing. A file that is no roadmap table
    raises RecordError."""
    require_roadmap_editor(actor, region.pk)
    try:
        table = read_table(read_xlsx_document(content, limits=roadmap_limits()))
    except (TableError, ValidationError) as error:
        message = error.message if isinstance(error, TableError) else error.messages[0]
        raise RecordError(message, field="file") from None
    checker = _Checker(table, region=region, campaign=campaign, actor=actor)
    checker.run()
    return checker.items, ImportResult(rows=len(checker.items) + len(checker.errors), errors=checker.errors)


@locked_write
def roadmap_import(*, actor, region: Region, campaign: Campaign, content: bytes, replace: bool) -> ImportResult:
    """Load a roadmap table into the region's roadmap for `campaign`: all its rows or, if any row has an error,
    none. With `replace` the roadmap's current items go first; without it, a number already there is an error."""
    items, result = roadmap_check(actor=actor, region=region, campaign=campaign, content=content)
    _lock_roadmap(region)
    current = RoadmapItem.objects.filter(region=region, campaign=campaign)
    if not replace:
        taken = set(current.filter(number__in=[item.number for _line, item in items]).values_list("number", flat=True))
        number_column = column_labels()["number"]
        for line, item in items:
            if item.number in taken:
                result.errors.append(RowError(line, [column_message(number_column, _(
                    "item %(number)s is already in the roadmap; tick «Replace the roadmap» to load the table as a "
                    "whole.") % {"number": item.number})]))
        result.errors.sort(key=lambda error: error.row)
    if result.errors:
        return result
    if replace:
        result.replaced, _deleted = current.delete()
    RoadmapItem.objects.bulk_create([item for _line, item in items])
    result.created = len(items)
    return result
