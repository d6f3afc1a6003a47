"""Who viewed or exported a child's data, for the guardian (issue 14 §4: the personal-data log in plain Russian)."""

from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.utils.translation import gettext_lazy as _

from bilet.models import PersonalDataAccess
from bilet.roles import ROLE_LABELS

from ..models import Student


@dataclass(frozen=True)
class LogLine:
    when: object
    kind: str
    what: str
    role: str
    organisation: str
    is_me: bool


def child_data_log(*, user, student: Student, limit: int = 200) -> list[LogLine]:
    """Who viewed or exported `student`'s data (rows of the personal-data log linked to them), for the guardian.

    Each line names the viewer's role and organisation as they are now (a school, a region, a venue), never their
    name or contacts. Four queries whatever the number of rows."""
    rows = list(
        PersonalDataAccess.objects.filter(subjects__student=student)
        .order_by("-created_at", "-pk")
        .values("user_id", "created_at", "kind", "what")[:limit]
    )
    who = _viewers({row["user_id"] for row in rows})
    kinds = dict(PersonalDataAccess.Kind.choices)
    return [
        LogLine(
            when=row["created_at"],
            kind=str(kinds.get(row["kind"], row["kind"])),
            what=row["what"],
            role=who.get(row["user_id"], ("", ""))[0],
            organisation=who.get(row["user_id"], ("", ""))[1],
            is_me=row["user_id"] == user.pk,
        )
        for row in rows
    ]


def _viewers(user_ids: set[int]) -> dict[int, tuple[str, str]]:
    """(role, organisation) of each user, read through the user's reverse relations (participants must not import
    venues): the first role in the order of SPEC §2."""
    found: dict[int, tuple[str, str]] = {}
    if not user_ids:
        return found
    values = get_user_model().objects.filter(pk__in=user_ids).values(
        "pk", "is_staff", "curator__regions__name", "coordinators__region__name", "venue_roles__venue__short_name",
        "mentor__id", "navigators__school__short_name", "guardian__id", "student__id",
    )
    for v in values:
        if v["pk"] in found:
            continue
        if v["is_staff"]:
            found[v["pk"]] = (str(ROLE_LABELS["operator"]), str(_("Union «Young Professionals» (project operator)")))
        elif v["coordinators__region__name"]:
            found[v["pk"]] = (str(ROLE_LABELS["coordinator"]), v["coordinators__region__name"])
        elif v["curator__regions__name"]:
            found[v["pk"]] = (str(ROLE_LABELS["curator"]), str(_("Union «Young Professionals» (project operator)")))
        elif v["navigators__school__short_name"]:
            found[v["pk"]] = (str(ROLE_LABELS["navigator"]), v["navigators__school__short_name"])
        elif v["venue_roles__venue__short_name"]:
            found[v["pk"]] = (str(ROLE_LABELS["venue_staff"]), v["venue_roles__venue__short_name"])
        elif v["mentor__id"]:
            found[v["pk"]] = (str(ROLE_LABELS["mentor"]), "")
        elif v["guardian__id"]:
            found[v["pk"]] = (str(ROLE_LABELS["guardian"]), "")
        elif v["student__id"]:
            found[v["pk"]] = (str(ROLE_LABELS["student"]), "")
    return found
