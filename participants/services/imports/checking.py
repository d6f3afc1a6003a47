"""What every import's check shares: the file's columns found by the resource's Russian names, a cell read by the
resource's widget into «Column: message», the pass over the rows in chunks (each chunk's database lookups in one
query per kind of lookup), a key seen twice in the file, text too long for its field, the result of a check (every
row's errors as `bilet.imports.RowError`, or the records to create), and the accounts of the rows' emails."""

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field

from django.contrib.auth import get_user_model
from django.utils.translation import gettext, ngettext

from bilet.imports import RowError, column_message
from bilet.resources import cell_text

CHUNK = 2000

ProgressCallback = Callable[[int], None]


class ImportError_(Exception):
    """A file that cannot be read as the expected table (a missing column); the message is for the user."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


@dataclass
class CheckResult:
    total: int = 0
    errors: list[RowError] = field(default_factory=list)
    records: list = field(default_factory=list)  # the rows to create, cleaned (dicts), when there is no error

    @property
    def is_clean(self) -> bool:
        return not self.errors


class Columns:
    """Where each field of a resource is in the file's header (by the resource's Russian column names)."""

    def __init__(self, resource, header: list[str], *, required: tuple[str, ...], extra: dict | None = None):
        # Columns of the portal's files that the admin's resource does not have (a student's own email).
        self.fields = {**resource.fields, **(extra or {})}
        names = {str(f.column_name).strip().lower(): name for name, f in self.fields.items()}
        self.index = {}
        for position, column in enumerate(header):
            name = names.get((column or "").strip().lower())
            if name and name not in self.index:
                self.index[name] = position
        self.header = header
        missing = [name for name in required if name not in self.index]
        if missing:
            labels = ", ".join(f"«{self.fields[name].column_name}»" for name in missing)
            raise ImportError_(
                gettext("The file has no column %(columns)s. Download the template and keep its header row.")
                % {"columns": labels}
            )
        self.resource = resource

    def raw(self, row: tuple, name: str):
        position = self.index.get(name)
        return row[position] if position is not None and position < len(row) else None

    def text(self, row: tuple, name: str) -> str:
        position = self.index.get(name)
        if position is None or position >= len(row):
            return ""
        value = row[position]
        return value.strip() if type(value) is str else cell_text(value)  # text cells: most of a large file

    def as_row_dict(self, row: tuple) -> dict:
        """The row keyed by its column names, as the resources' widgets and messages read a row."""
        return {str(self.fields[name].column_name): self.raw(row, name) for name in self.index}

    def clean(self, row: tuple, name: str, errors: list[str]):
        """The cell read by the resource's own widget; a bad value becomes «Column: message» in `errors`."""
        try:
            return self.fields[name].widget.clean(self.raw(row, name), row=None)
        except ValueError as error:
            errors.append(self.message(name, str(error)))
            return None

    def message(self, name: str, text: str) -> str:
        return column_message(self.fields[name].column_name, text)


@dataclass
class Row:
    """A row being checked: its number as the spreadsheet shows it, the cleaned record, and its errors so far."""

    number: int
    record: dict
    errors: list[str]


def check_rows(
    rows: list[tuple],
    *,
    read: Callable[[tuple, int, list[str]], dict],
    against_database: Callable[[list[Row]], None],
    progress: ProgressCallback | None = None,
) -> CheckResult:
    """Every row read (`read(row, number, errors)` → the record), then each chunk checked against the database
    (`against_database(chunk)`, which adds to the rows' errors): every row's errors, or the records when none has."""
    result = CheckResult(total=len(rows))
    for start, chunk in chunks(rows):
        checked = []
        for offset, row in enumerate(chunk):
            number = start + offset + 2
            errors: list[str] = []
            checked.append(Row(number, read(row, number, errors), errors))
        against_database(checked)
        for row in checked:
            if row.errors:
                result.errors.append(RowError(row.number, row.errors))
            elif not result.errors:
                result.records.append(row.record)
        if progress:
            progress(start + len(chunk))
    if result.errors:
        result.records = []
    return result


class FirstRows:
    """The row where each key (a person, an email, a venue's INN) first stood in the file."""

    def __init__(self):
        self.rows: dict = {}

    def earlier(self, key, number: int) -> int | None:
        """The earlier row with this key, or None when `number` is its first (then it is remembered)."""
        first = self.rows.setdefault(key, number)
        return None if first == number else first


def check_email_once(columns: Columns, name: str, email: str, emails: FirstRows, number: int, errors: list[str]):
    """An email stands in one row of a file only: it becomes one account."""
    earlier = emails.earlier(email, number) if email else None
    if earlier:
        errors.append(columns.message(name, gettext("the email «%(email)s» is already in row %(row)s.")
                                      % {"email": email, "row": earlier}))


def check_lengths(columns: Columns, record: dict, model, names: tuple[str, ...], errors: list[str]) -> None:
    """Text longer than its model field holds: the database would refuse the whole import, so the row says it."""
    for name in names:
        limit = model._meta.get_field(name).max_length
        if limit and record.get(name) and len(record[name]) > limit:
            errors.append(columns.message(name, ngettext(
                "the text is %(length)s character long; at most %(limit)s fit.",
                "the text is %(length)s characters long; at most %(limit)s fit.",
                len(record[name]),
            ) % {"length": len(record[name]), "limit": limit}))


def required(columns: Columns, row: tuple, names: tuple[str, ...], errors: list[str]) -> None:
    for name in names:
        if not columns.text(row, name):
            errors.append(columns.message(name, gettext("the cell is empty; it is required.")))


def chunks(rows: list, size: int = CHUNK) -> Iterator[tuple[int, list]]:
    for start in range(0, len(rows), size):
        yield start, rows[start:start + size]


def existing_emails(emails: set[str]) -> set[str]:
    if not emails:
        return set()
    User = get_user_model()
    return {e.lower() for e in User.objects.filter(email__in=emails).values_list("email", flat=True)}


def new_users(records: list[dict], names: Callable[[dict], dict]) -> dict[str, int]:
    """Accounts for the records' emails, without a password (set by an invitation or a password reset)."""
    User = get_user_model()
    users = []
    for record in records:
        if record.get("email"):
            user = User(email=record["email"], **names(record))
            user.set_unusable_password()
            users.append(user)
    created = User.objects.bulk_create(users, batch_size=CHUNK)
    return {user.email: user.pk for user in created}
