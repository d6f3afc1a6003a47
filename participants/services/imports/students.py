"""The import of students (issue 14 §3): every row checked — grade, a birth date that fits it, the school in the
importer's scope, the same person or email twice in the file or already registered —, then written in chunks; and
the navigator's form for one student, held to exactly the same rules."""

import datetime as dt

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext
from import_export import fields as import_export_fields

from bilet.resources import EmailWidget
from regions.models import Nosology, School
from regions.resources import COL_EMAIL

from ...models import Student
from ...resources import StudentResource
from .checking import (
    CheckResult,
    Columns,
    FirstRows,
    ImportError_,
    ProgressCallback,
    Row,
    check_email_once,
    check_lengths,
    check_rows,
    chunks,
    existing_emails,
    new_users,
    required,
)
from .scope import Schools, Scope, school_of_row
from .templates import TemplateSpec, example_place

# Age on 1 September for grade g is g + 6 or g + 7 in a Russian school; a year either side for an early or late start
# or a repeated year. Outside that, the date is mistyped (a parent's birth date, this year's date).
AGE_BELOW_GRADE, AGE_ABOVE_GRADE = 4, 8

STUDENT_REQUIRED = ("last_name", "first_name", "birth_date", "grade")
# The template's columns, in order; the student's own email follows them.
TEMPLATE_FIELDS = (
    "region_code", "municipality_name", "school", "last_name", "first_name", "middle_name", "birth_date", "grade",
    "class_letter", "nosology",
)
STUDENT_EXTRA = {"email": import_export_fields.Field(attribute="email", column_name=COL_EMAIL, widget=EmailWidget())}


def _nosologies() -> dict[str, int]:
    found = {}
    for pk, code in Nosology.objects.values_list("pk", "code"):
        found[code] = pk
        found[str(Nosology.Code(code).label).lower()] = pk
    return found


def school_year_start(today: dt.date) -> dt.date:
    return dt.date(today.year if today.month >= 9 else today.year - 1, 9, 1)


def _age_on(birth: dt.date, day: dt.date) -> int:
    return day.year - birth.year - ((day.month, day.day) < (birth.month, birth.day))


def _birth_date_problem(birth: dt.date, grade: int, today: dt.date) -> str | None:
    if birth >= today:
        return gettext("the birth date %(date)s is not in the past.") % {"date": birth.strftime("%d.%m.%Y")}
    start = school_year_start(today)
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
    people, emails = FirstRows(), FirstRows()

    def read(row: tuple, number: int, errors: list[str]) -> dict:
        required(columns, row, ("last_name", "first_name"), errors)
        record = {
            "last_name": columns.text(row, "last_name"),
            "first_name": columns.text(row, "first_name"),
            "middle_name": columns.text(row, "middle_name"),
            "class_letter": columns.text(row, "class_letter").upper(),
            "birth_date": columns.clean(row, "birth_date", errors),
            "grade": columns.clean(row, "grade", errors),
            "email": (columns.clean(row, "email", errors) or "") if "email" in columns.index else "",
            "nosology_id": None,
        }
        check_lengths(columns, record, Student, ("last_name", "first_name", "middle_name", "class_letter"), errors)
        if record["birth_date"] is None and columns.text(row, "birth_date") == "":
            errors.append(columns.message("birth_date", gettext("the cell is empty; it is required.")))
        nosology = columns.text(row, "nosology")
        if nosology:
            record["nosology_id"] = nosologies.get(nosology.lower())
            if record["nosology_id"] is None:
                errors.append(columns.message("nosology", resource.fields["nosology"].widget.not_found(nosology, {})))
        school = record["school"] = school_of_row(columns, row, schools, scope, errors)
        if record["birth_date"] and record["grade"]:
            problem = _birth_date_problem(record["birth_date"], record["grade"], today)
            if problem:
                errors.append(columns.message("birth_date", problem))
        if school and record["birth_date"] and record["last_name"]:
            key = _person_key(record["last_name"], record["first_name"], record["middle_name"],
                              record["birth_date"], school.id)
            earlier = people.earlier(key, number)
            if earlier:
                errors.append(gettext(
                    "the same student (full name, birth date and school) is already in row %(row)s."
                ) % {"row": earlier})
            else:
                record["key"] = key
        check_email_once(columns, "email", record["email"], emails, number, errors)
        return record

    return check_rows(
        rows, read=read, against_database=lambda chunk: _check_existing_students(chunk, columns), progress=progress
    )


def _check_existing_students(chunk: list[Row], columns: Columns) -> None:
    """Students already registered and accounts already taken: one query each for the whole chunk."""
    keyed = [row.record for row in chunk if "key" in row.record]
    existing = set()
    if keyed:
        found = Student.objects.filter(
            school_id__in={r["school"].id for r in keyed},
            birth_date__in={r["birth_date"] for r in keyed},
            last_name__in={v for r in keyed for v in (r["last_name"], r["last_name"].capitalize())},
        ).values_list("last_name", "first_name", "middle_name", "birth_date", "school_id")
        existing = {_person_key(*values) for values in found}
    taken = existing_emails({row.record["email"] for row in chunk if row.record["email"]})
    for row in chunk:
        record = row.record
        if record.get("key") in existing:
            row.errors.append(gettext(
                "«%(name)s», born %(date)s, is already registered at «%(school)s»."
            ) % {
                "name": " ".join(p for p in (record["last_name"], record["first_name"], record["middle_name"]) if p),
                "date": record["birth_date"].strftime("%d.%m.%Y"), "school": record["school"].short_name,
            })
        if record["email"] in taken:
            row.errors.append(columns.message(
                "email", gettext("an account with the email «%(email)s» already exists.") % {"email": record["email"]}
            ))


@transaction.atomic
def students_create(*, actor, records: list[dict]) -> list[Student]:
    """Write checked students (`check_students(...).records`) in chunks, in one transaction."""
    navigator_ids = {school_id: n.pk for school_id, n in Scope.of(actor, kind="students").navigators_by_school.items()}
    user_ids = new_users(records, lambda r: {"last_name": r["last_name"], "first_name": r["first_name"],
                                             "middle_name": r["middle_name"]})
    created = []
    for _start, chunk in chunks(records):
        created += Student.objects.bulk_create([
            Student(
                region_id=r["school"].region_id, municipality_id=r["school"].municipality_id, school_id=r["school"].id,
                last_name=r["last_name"], first_name=r["first_name"], middle_name=r["middle_name"],
                birth_date=r["birth_date"], grade=r["grade"], class_letter=r["class_letter"],
                nosology_id=r["nosology_id"], user_id=user_ids.get(r.get("email") or ""),
                registered_by_id=navigator_ids.get(r["school"].id),
            )
            for r in chunk
        ])
    return created




def student_template(*, school: School | None) -> TemplateSpec:
    """The students' template: the resource's columns and the student's own email, one example row."""
    code, municipality, short_name = example_place(school)
    resource = StudentResource()
    header = [str(resource.fields[n].column_name) for n in TEMPLATE_FIELDS] + [str(COL_EMAIL)]
    year = school_year_start(timezone.localdate()).year
    example = [code, municipality, short_name, "Иванова", "Мария", "Петровна", dt.date(year - 14, 3, 15), 8, "А", "", ""]
    return TemplateSpec(header, example)


class StudentImportRefused(Exception):
    def __init__(self, messages: list[str]):
        super().__init__(" ".join(messages))
        self.messages = messages


def student_register(*, actor, school: School, data: dict) -> Student:
    """One student typed into the navigator's form, held to exactly the rules of an imported row."""
    values = {
        "region_code": school.region.code, "municipality_name": school.municipality.name, "school": school.short_name,
        **data,
    }
    row = tuple(values.get(name) for name in TEMPLATE_FIELDS) + (values.get("email") or "",)
    result = check_students(actor=actor, header=student_template(school=None).header, rows=[row])
    if result.errors:
        raise StudentImportRefused(result.errors[0].messages)
    return students_create(actor=actor, records=result.records)[0]


def students_import(*, actor, records: list[dict], invitation_url: str = "") -> int:
    """The write of a students' import job (students get no invitation: their parents do, on registration)."""
    return len(students_create(actor=actor, records=records))
