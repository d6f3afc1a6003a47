"""The portal's imports of students and navigators (issue 14 §3): check every row, then write all or nothing.

The columns and the cell readers are the admin's resources' (`participants.resources`): one file shape for both.
import-export's row-by-row import costs ~2 ms a row (a query per key cell), and its bulk mode cannot tie an error to
its row, so the portal checks a file itself in one pass with set-based lookups — the schools of the file's regions in
one query, existing students and accounts in one query per chunk — and then writes with `bulk_create` in chunks
inside one transaction. Nothing is saved unless every row is clean.
"""

import csv
import datetime as dt
import io
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field

from django.contrib.auth import get_user_model
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext
from import_export import fields as import_export_fields

from bilet.resources import EmailWidget, cell_text
from bilet.roles import get_roles
from bilet.uploads import CSV, csv_encoding, read_xlsx_table
from regions.models import Nosology, School
from regions.resources import COL_EMAIL, SchoolWidget

from ..models import Navigator, Student
from ..resources import NavigatorResource, StudentResource

CHUNK = 2000
# Age on 1 September for grade g is g + 6 or g + 7 in a Russian school; a year either side for an early or late start
# or a repeated year. Outside that, the date is mistyped (a parent's birth date, this year's date).
AGE_BELOW_GRADE, AGE_ABOVE_GRADE = 4, 8

ProgressCallback = Callable[[int], None]


class ImportError_(Exception):
    """A file that cannot be read as the expected table (a missing column); the message is for the user."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


@dataclass
class RowError:
    row: int  # the row's number as the spreadsheet shows it (the header is row 1)
    messages: list[str]

    def as_dict(self) -> dict:
        return {"row": self.row, "messages": self.messages}


@dataclass
class CheckResult:
    total: int = 0
    errors: list[RowError] = field(default_factory=list)
    records: list = field(default_factory=list)  # the rows to create, cleaned (dicts), when there is no error

    @property
    def is_clean(self) -> bool:
        return not self.errors


# --- Reading ---------------------------------------------------------------------------------------------------------


def read_table(file, table_kind: str) -> tuple[list[str], list[tuple]]:
    """The header and the rows of a file that passed the upload guard (`bilet.uploads`)."""
    file.seek(0)
    if table_kind == CSV:
        encoding = csv_encoding(file) or "utf-8-sig"
        text = io.TextIOWrapper(file, encoding=encoding, newline="")
        try:
            first = text.readline()
            # Russian Excel saves «CSV» with semicolons; a CSV UTF-8 export of other tools with commas.
            delimiter = ";" if first.count(";") > first.count(",") else ","
            reader = csv.reader(io.StringIO(first), delimiter=delimiter)
            header = next(reader, [])
            rows = [tuple(row) for row in csv.reader(text, delimiter=delimiter) if any(cell.strip() for cell in row)]
        finally:
            text.detach()
        return [cell_text(h) for h in header], rows
    dataset = read_xlsx_table(file.read())
    rows = [dataset[i] for i in range(dataset.height)]
    return [cell_text(h) for h in dataset.headers], [r for r in rows if any(v not in (None, "") for v in r)]


def rows_as_csv(header: list[str], rows: list[tuple]) -> ContentFile:
    """The rows read from a workbook as UTF-8 CSV that `read_table` reads back to the same cells' text."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(header)
    for row in rows:
        writer.writerow([_csv_cell(value) for value in row])
    return ContentFile(out.getvalue().encode("utf-8"))


def _csv_cell(value) -> str:
    if isinstance(value, dt.datetime):
        value = value.date() if not (value.hour or value.minute or value.second) else value
    if isinstance(value, dt.date) and not isinstance(value, dt.datetime):
        return value.strftime("%d.%m.%Y")
    return cell_text(value)


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
        return cell_text(self.raw(row, name))

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
        return gettext("«%(column)s»: %(message)s") % {"column": self.fields[name].column_name, "message": text}


# --- Scope and reference data ----------------------------------------------------------------------------------------


@dataclass
class Scope:
    """What the importing user may create: every region (operator staff), whole regions, or schools."""

    everywhere: bool
    region_ids: frozenset
    school_ids: frozenset
    navigators_by_school: dict  # school id → the importer's navigator record there (the students' `registered_by`)

    @classmethod
    def of(cls, user, *, kind: str) -> "Scope":
        roles = get_roles(user)
        # Navigators import students of their schools; navigator lists are the coordinators' (a region at a time).
        school_ids = roles.navigator_school_ids if kind == "students" else frozenset()
        navigators = {n.school_id: n for n in Navigator.objects.filter(user=user, school_id__in=school_ids)}
        return cls(
            everywhere=roles.operator, region_ids=frozenset(roles.coordinator_region_ids), school_ids=school_ids,
            navigators_by_school=navigators,
        )

    @property
    def is_empty(self) -> bool:
        return not (self.everywhere or self.region_ids or self.school_ids)

    def refusal(self, school: "SchoolKey") -> str | None:
        if self.everywhere or school.region_id in self.region_ids or school.id in self.school_ids:
            return None
        if self.school_ids and not self.region_ids:
            return gettext("«%(school)s» is not your school: you may register students of %(yours)s only.") % {
                "school": school.short_name, "yours": self.school_names(),
            }
        return gettext("«%(school)s» is in another region (%(region)s): you may import for your region only.") % {
            "school": school.short_name, "region": school.region_name,
        }

    def school_names(self) -> str:
        names = School.objects.filter(id__in=self.school_ids).order_by("short_name").values_list("short_name", flat=True)
        return ", ".join(f"«{name}»" for name in names)

    def only_school(self) -> int | None:
        """The one school a navigator imports for, used when the file leaves the school columns empty."""
        if not self.everywhere and not self.region_ids and len(self.school_ids) == 1:
            return next(iter(self.school_ids))
        return None


@dataclass(frozen=True)
class SchoolKey:
    id: int
    region_id: int
    municipality_id: int
    short_name: str
    region_name: str


class Schools:
    """The schools of the regions a file names, in one query, by (region code, municipality, short name)."""

    def __init__(self, codes: set[str]):
        codes = {c.zfill(2) for c in codes if c} | {c for c in codes if c}
        self.by_key: dict[tuple, SchoolKey] = {}
        self.by_id: dict[int, SchoolKey] = {}
        rows = School.objects.filter(region__code__in=codes).values_list(
            "id", "region_id", "municipality_id", "short_name", "region__name", "region__code", "municipality__name"
        )
        for pk, region_id, municipality_id, short_name, region_name, code, municipality in rows:
            school = SchoolKey(pk, region_id, municipality_id, short_name, region_name)
            self.by_key[(code.zfill(2), municipality.lower(), short_name.lower())] = school
            self.by_id[pk] = school

    def find(self, code: str, municipality: str, short_name: str) -> SchoolKey | None:
        return self.by_key.get((code.zfill(2), municipality.lower(), short_name.lower()))

    def add(self, pk: int) -> SchoolKey:
        if pk not in self.by_id:
            values = School.objects.filter(pk=pk).values_list(
                "id", "region_id", "municipality_id", "short_name", "region__name"
            ).get()
            self.by_id[pk] = SchoolKey(*values)
        return self.by_id[pk]


def _school_of_row(columns: Columns, row: tuple, schools: Schools, scope: Scope, errors: list[str]) -> SchoolKey | None:
    code, municipality, short_name = (columns.text(row, n) for n in ("region_code", "municipality_name", "school"))
    if not (code or municipality or short_name) and scope.only_school():
        return schools.add(scope.only_school())
    if not short_name:
        errors.append(columns.message("school", gettext("the school is required.")))
        return None
    school = schools.find(code, municipality, short_name)
    if school is None:
        errors.append(columns.message("school", SchoolWidget().not_found(short_name, columns.as_row_dict(row))))
        return None
    refusal = scope.refusal(school)
    if refusal:
        errors.append(refusal)
        return None
    return school


def _required(columns: Columns, row: tuple, names: tuple[str, ...], errors: list[str]) -> None:
    for name in names:
        if not columns.text(row, name):
            errors.append(columns.message(name, gettext("the cell is empty; it is required.")))


def _chunks(rows: list, size: int = CHUNK) -> Iterator[tuple[int, list]]:
    for start in range(0, len(rows), size):
        yield start, rows[start:start + size]


def _existing_emails(emails: set[str]) -> set[str]:
    if not emails:
        return set()
    User = get_user_model()
    return {e.lower() for e in User.objects.filter(email__in=emails).values_list("email", flat=True)}


# --- Students --------------------------------------------------------------------------------------------------------

STUDENT_REQUIRED = ("last_name", "first_name", "birth_date", "grade")
STUDENT_EXTRA = {"email": import_export_fields.Field(attribute="email", column_name=COL_EMAIL, widget=EmailWidget())}


def _nosologies() -> dict[str, int]:
    found = {}
    for pk, code in Nosology.objects.values_list("pk", "code"):
        found[code] = pk
        found[str(Nosology.Code(code).label).lower()] = pk
    return found


def _school_year_start(today: dt.date) -> dt.date:
    return dt.date(today.year if today.month >= 9 else today.year - 1, 9, 1)


def _age_on(birth: dt.date, day: dt.date) -> int:
    return day.year - birth.year - ((day.month, day.day) < (birth.month, birth.day))


def _birth_date_problem(birth: dt.date, grade: int, today: dt.date) -> str | None:
    if birth >= today:
        return gettext("the birth date %(date)s is not in the past.") % {"date": birth.strftime("%d.%m.%Y")}
    start = _school_year_start(today)
    age = _age_on(birth, start)
    low, high = grade + AGE_BELOW_GRADE, grade + AGE_ABOVE_GRADE
    if not low <= age <= high:
        return gettext(
            "the birth date %(date)s does not fit grade %(grade)s: on %(day)s the student was %(age)s years old, "
            "a student of this grade is %(low)s to %(high)s."
        ) % {
            "date": birth.strftime("%d.%m.%Y"), "grade": grade, "day": start.strftime("%d.%m.%Y"), "age": age,
            "low": low, "high": high,
        }
    return None


def _person_key(last: str, first: str, middle: str, birth, school_id: int) -> tuple:
    return (last.lower(), first.lower(), middle.lower(), birth, school_id)


def check_students(
    *, actor, header: list[str], rows: list[tuple], progress: ProgressCallback | None = None
) -> CheckResult:
    """Every row's errors, or the students to create when there is none. Reads the database, writes nothing."""
    resource = StudentResource()
    columns = Columns(resource, header, required=(*STUDENT_REQUIRED,), extra=STUDENT_EXTRA)
    scope = Scope.of(actor, kind="students")
    if scope.is_empty:
        raise ImportError_(gettext("You may not import students."))
    schools = Schools({columns.text(row, "region_code") for row in rows})
    nosologies = _nosologies()
    today = timezone.localdate()
    result = CheckResult(total=len(rows))
    seen_people: dict[tuple, int] = {}
    seen_emails: dict[str, int] = {}
    for start, chunk in _chunks(rows):
        cleaned = []
        for offset, row in enumerate(chunk):
            number = start + offset + 2
            errors: list[str] = []
            _required(columns, row, ("last_name", "first_name"), errors)
            record = {
                "last_name": columns.text(row, "last_name"),
                "first_name": columns.text(row, "first_name"),
                "middle_name": columns.text(row, "middle_name"),
                "class_letter": columns.text(row, "class_letter").upper(),
                "birth_date": columns.clean(row, "birth_date", errors),
                "grade": columns.clean(row, "grade", errors),
                "email": columns.clean(row, "email", errors) if "email" in columns.index else "",
                "nosology_id": None,
            }
            if "email" in columns.index and record["email"] is None:
                record["email"] = ""
            if record["birth_date"] is None and columns.text(row, "birth_date") == "":
                errors.append(columns.message("birth_date", gettext("the cell is empty; it is required.")))
            nosology = columns.text(row, "nosology")
            if nosology:
                record["nosology_id"] = nosologies.get(nosology.lower())
                if record["nosology_id"] is None:
                    errors.append(columns.message("nosology", resource.fields["nosology"].widget.not_found(nosology, {})))
            school = _school_of_row(columns, row, schools, scope, errors)
            record["school"] = school
            if record["birth_date"] and record["grade"]:
                problem = _birth_date_problem(record["birth_date"], record["grade"], today)
                if problem:
                    errors.append(columns.message("birth_date", problem))
            if school and record["birth_date"] and record["last_name"]:
                key = _person_key(record["last_name"], record["first_name"], record["middle_name"],
                                  record["birth_date"], school.id)
                if key in seen_people:
                    errors.append(gettext(
                        "the same student (full name, birth date and school) is already in row %(row)s."
                    ) % {"row": seen_people[key]})
                else:
                    seen_people[key] = number
                    record["key"] = key
            if record["email"]:
                if record["email"] in seen_emails:
                    errors.append(columns.message("email", gettext("the email «%(email)s» is already in row %(row)s.")
                                                  % {"email": record["email"], "row": seen_emails[record["email"]]}))
                else:
                    seen_emails[record["email"]] = number
            cleaned.append((number, record, errors))
        _check_existing_students(cleaned, columns)
        for number, record, errors in cleaned:
            if errors:
                result.errors.append(RowError(number, errors))
            elif not result.errors:
                result.records.append(record)
        if progress:
            progress(start + len(chunk))
    if result.errors:
        result.records = []
    return result


def _check_existing_students(cleaned: list, columns: Columns) -> None:
    """Students already registered and accounts already taken: one query each for the whole chunk."""
    keyed = [(number, record, errors) for number, record, errors in cleaned if "key" in record]
    if keyed:
        existing = set()
        found = Student.objects.filter(
            school_id__in={r["school"].id for _n, r, _e in keyed},
            birth_date__in={r["birth_date"] for _n, r, _e in keyed},
            last_name__in={v for _n, r, _e in keyed for v in (r["last_name"], r["last_name"].capitalize())},
        ).values_list("last_name", "first_name", "middle_name", "birth_date", "school_id")
        for last, first, middle, birth, school_id in found:
            existing.add(_person_key(last, first, middle, birth, school_id))
        for _number, record, errors in keyed:
            if record["key"] in existing:
                errors.append(gettext(
                    "«%(name)s», born %(date)s, is already registered at «%(school)s»."
                ) % {
                    "name": " ".join(p for p in (record["last_name"], record["first_name"], record["middle_name"]) if p),
                    "date": record["birth_date"].strftime("%d.%m.%Y"), "school": record["school"].short_name,
                })
    _check_existing_emails(cleaned, columns)


def _check_existing_emails(cleaned: list, columns: Columns) -> None:
    taken = _existing_emails({r["email"] for _n, r, _e in cleaned if r.get("email")})
    for _number, record, errors in cleaned:
        if record.get("email") and record["email"] in taken:
            errors.append(columns.message(
                "email", gettext("an account with the email «%(email)s» already exists.") % {"email": record["email"]}
            ))


def _new_users(records: list[dict], names: Callable[[dict], dict]) -> dict[str, int]:
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


@transaction.atomic
def students_create(*, actor, records: list[dict]) -> list[Student]:
    """Write checked students (`check_students(...).records`) in chunks, in one transaction."""
    scope = Scope.of(actor, kind="students")
    user_ids = _new_users(records, lambda r: {"last_name": r["last_name"], "first_name": r["first_name"],
                                                "middle_name": r["middle_name"]})
    created = []
    for _start, chunk in _chunks(records):
        created += Student.objects.bulk_create([
            Student(
                region_id=r["school"].region_id, municipality_id=r["school"].municipality_id, school_id=r["school"].id,
                last_name=r["last_name"], first_name=r["first_name"], middle_name=r["middle_name"],
                birth_date=r["birth_date"], grade=r["grade"], class_letter=r["class_letter"],
                nosology_id=r["nosology_id"], user_id=user_ids.get(r.get("email") or ""),
                registered_by=scope.navigators_by_school.get(r["school"].id),
            )
            for r in chunk
        ])
    return created


# --- Navigators ------------------------------------------------------------------------------------------------------

NAVIGATOR_REQUIRED = ("user", "last_name", "first_name", "school")


def check_navigators(
    *, actor, header: list[str], rows: list[tuple], progress: ProgressCallback | None = None
) -> CheckResult:
    resource = NavigatorResource()
    columns = Columns(
        resource, header, required=("user", "last_name", "first_name", "region_code", "municipality_name", "school")
    )
    scope = Scope.of(actor, kind="navigators")
    if scope.is_empty:
        raise ImportError_(gettext("You may not import navigators."))
    schools = Schools({columns.text(row, "region_code") for row in rows})
    result = CheckResult(total=len(rows))
    seen_emails: dict[str, int] = {}
    cleaned = []
    for index, row in enumerate(rows):
        number = index + 2
        errors: list[str] = []
        _required(columns, row, NAVIGATOR_REQUIRED, errors)
        record = {
            "email": "",
            "last_name": columns.text(row, "last_name"),
            "first_name": columns.text(row, "first_name"),
            "middle_name": columns.text(row, "middle_name"),
            "phone": columns.text(row, "phone"),
            "position": columns.text(row, "position"),
            "training_completed_on": columns.clean(row, "training_completed_on", errors),
        }
        # The admin's resource reads this cell as an existing account; a list of new navigators names addresses.
        try:
            record["email"] = EmailWidget().clean(columns.raw(row, "user"))
        except ValueError as error:
            errors.append(columns.message("user", str(error)))
        record["school"] = _school_of_row(columns, row, schools, scope, errors) if columns.text(row, "school") else None
        email = record.get("email") or ""
        if email:
            if email in seen_emails:
                errors.append(columns.message("user", gettext("the email «%(email)s» is already in row %(row)s.")
                                              % {"email": email, "row": seen_emails[email]}))
            else:
                seen_emails[email] = number
        cleaned.append((number, record, errors))
    # An account that exists is linked (a teacher may already be a parent); a navigator of that school twice is not.
    emails = {r["email"] for _n, r, _e in cleaned if r.get("email")}
    already = set(
        Navigator.objects.filter(user__email__in=emails).values_list("user__email", "school_id")
    ) if emails else set()
    for number, record, errors in cleaned:
        if record.get("email") and record["school"] and (record["email"], record["school"].id) in already:
            errors.append(columns.message("user", gettext(
                "«%(email)s» is already a navigator of «%(school)s»."
            ) % {"email": record["email"], "school": record["school"].short_name}))
        if errors:
            result.errors.append(RowError(number, errors))
        else:
            result.records.append(record)
    if progress:
        progress(len(rows))
    if result.errors:
        result.records = []
    return result


@transaction.atomic
def navigators_create(*, actor, records: list[dict]) -> list[int]:
    """Create the navigators (and the accounts that do not exist yet); the ids of the users to invite."""
    User = get_user_model()
    existing = {u.email: u for u in User.objects.filter(email__in=[r["email"] for r in records])}
    new_ids = _new_users(
        [r for r in records if r["email"] not in existing],
        lambda r: {"last_name": r["last_name"], "first_name": r["first_name"], "middle_name": r["middle_name"],
                   "phone": r["phone"]},
    )
    user_ids = {email: u.pk for email, u in existing.items()} | new_ids
    Navigator.objects.bulk_create([
        Navigator(
            user_id=user_ids[r["email"]], school_id=r["school"].id, region_id=r["school"].region_id,
            position=r["position"], training_completed_on=r["training_completed_on"],
        )
        for r in records
    ])
    # Only people who cannot sign in yet are invited; an existing account already has its password.
    return [user_ids[r["email"]] for r in records if r["email"] in new_ids]


CHECKS = {"students": check_students, "navigators": check_navigators}


@dataclass
class TemplateSpec:
    header: list[str]
    example: list


def template_spec(kind: str, *, school: School | None) -> TemplateSpec:
    """The template's header (the resource's columns) and one example row, filled with the user's school."""
    code = school.region.code if school else "71"
    municipality = school.municipality.name if school else "г. Тула"
    short_name = school.short_name if school else "МБОУ СОШ № 1"
    if kind == "students":
        resource = StudentResource()
        names = ("region_code", "municipality_name", "school", "last_name", "first_name", "middle_name", "birth_date",
                 "grade", "class_letter", "nosology")
        header = [str(resource.fields[n].column_name) for n in names] + [str(COL_EMAIL)]
        year = _school_year_start(timezone.localdate()).year
        example = [code, municipality, short_name, "Иванова", "Мария", "Петровна",
                   dt.date(year - 14, 3, 15), 8, "А", "", ""]
        return TemplateSpec(header, example)
    resource = NavigatorResource()
    names = ("user", "last_name", "first_name", "middle_name", "phone", "region_code", "municipality_name", "school",
             "position", "training_completed_on")
    header = [str(resource.fields[n].column_name) for n in names]
    example = ["petrova@school.example", "Петрова", "Ольга", "Ивановна", "+7 900 000-00-00", code, municipality,
               short_name, "учитель технологии", ""]
    return TemplateSpec(header, example)



def student_register(*, actor, school: School, data: dict) -> Student:
    """One student typed into the navigator's form, held to exactly the rules of an imported row."""
    spec = template_spec("students", school=None)
    values = {
        "region_code": school.region.code, "municipality_name": school.municipality.name, "school": school.short_name,
        **data,
    }
    resource = StudentResource()
    names = ("region_code", "municipality_name", "school", "last_name", "first_name", "middle_name", "birth_date",
             "grade", "class_letter", "nosology")
    row = tuple(values.get(name) for name in names) + (values.get("email") or "",)
    header = spec.header
    assert header[: len(names)] == [str(resource.fields[n].column_name) for n in names]
    result = check_students(actor=actor, header=header, rows=[row])
    if result.errors:
        raise StudentImportRefused(result.errors[0].messages)
    return students_create(actor=actor, records=result.records)[0]


class StudentImportRefused(Exception):
    def __init__(self, messages: list[str]):
        super().__init__(" ".join(messages))
        self.messages = messages
