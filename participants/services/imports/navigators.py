"""The import of a region's navigators (issue 14 §2–3, the Smolensk «Приложение 3» shape): every row checked — the
email, the school in the coordinator's region, the same email twice in the file, a navigator of that school
already —, then the navigators and their accounts created, and each new account invited."""

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils.translation import gettext

from bilet.resources import EmailWidget
from regions.models import School

from ...models import Navigator
from ...resources import NavigatorResource
from ..navigators import navigator_invitations_send
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
    new_users,
    required,
)
from .scope import Schools, Scope, school_of_row
from .templates import TemplateSpec, example_place

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
    emails = FirstRows()

    def read(row: tuple, number: int, errors: list[str]) -> dict:
        required(columns, row, NAVIGATOR_REQUIRED, errors)
        record = {
            "email": "",
            "last_name": columns.text(row, "last_name"),
            "first_name": columns.text(row, "first_name"),
            "middle_name": columns.text(row, "middle_name"),
            "phone": columns.text(row, "phone"),
            "position": columns.text(row, "position"),
            "training_completed_on": columns.clean(row, "training_completed_on", errors),
        }
        check_lengths(columns, record, get_user_model(), ("last_name", "first_name", "middle_name", "phone"), errors)
        check_lengths(columns, record, Navigator, ("position",), errors)
        # The admin's resource reads this cell as an existing account; a list of new navigators names addresses.
        try:
            record["email"] = EmailWidget().clean(columns.raw(row, "user"))
        except ValueError as error:
            errors.append(columns.message("user", str(error)))
        record["school"] = school_of_row(columns, row, schools, scope, errors) if columns.text(row, "school") else None
        check_email_once(columns, "user", record["email"], emails, number, errors)
        return record

    def against_database(chunk: list[Row]) -> None:
        # An account that exists is linked (a teacher may already be a parent); a navigator of that school twice is not.
        emails_here = {row.record["email"] for row in chunk if row.record["email"]}
        already = set(
            Navigator.objects.filter(user__email__in=emails_here).values_list("user__email", "school_id")
        ) if emails_here else set()
        for row in chunk:
            record = row.record
            if record["email"] and record["school"] and (record["email"], record["school"].id) in already:
                row.errors.append(columns.message("user", gettext(
                    "«%(email)s» is already a navigator of «%(school)s»."
                ) % {"email": record["email"], "school": record["school"].short_name}))

    return check_rows(rows, read=read, against_database=against_database, progress=progress)


@transaction.atomic
def navigators_create(*, actor, records: list[dict]) -> list[int]:
    """Create the navigators (and the accounts that do not exist yet); the ids of the users to invite."""
    User = get_user_model()
    existing = {u.email: u for u in User.objects.filter(email__in=[r["email"] for r in records])}
    new_ids = new_users(
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


def navigator_template(*, school: School | None) -> TemplateSpec:
    code, municipality, short_name = example_place(school)
    resource = NavigatorResource()
    names = ("user", "last_name", "first_name", "middle_name", "phone", "region_code", "municipality_name", "school",
             "position", "training_completed_on")
    header = [str(resource.fields[n].column_name) for n in names]
    example = ["petrova@school.example", "Петрова", "Ольга", "Ивановна", "+7 900 000-00-00", code, municipality,
               short_name, "учитель технологии", ""]
    return TemplateSpec(header, example)


def navigators_import(*, actor, records: list[dict], invitation_url: str) -> int:
    """The write of a navigators' import job: the navigators, then an invitation to each new account."""
    invite = navigators_create(actor=actor, records=records)
    navigator_invitations_send(actor=actor, user_ids=invite, accept_url=invitation_url)
    return len(records)
