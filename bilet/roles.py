"""Who a user is in the project: the roles of SPEC §2, read once per request.

A role is a record in its own app (a coordinator of a region, a navigator of a school, …). This module reads them
through the user's reverse relations, so the lowest app does not import the higher ones.
"""

import functools
from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.db import connection, connections
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _

from bilet.db import prepared

ROLE_LABELS = {
    "operator": _("operator staff"),
    "curator": _("regional curator"),
    "coordinator": _("regional coordinator"),
    "venue_staff": _("venue staff"),
    "mentor": _("mentor"),
    "navigator": _("navigator"),
    "guardian": _("parent"),
    "student": _("student"),
}


@dataclass(frozen=True)
class Roles:
    operator: bool = False
    curator_region_ids: frozenset = frozenset()
    coordinator_region_ids: frozenset = frozenset()
    navigator_school_ids: frozenset = frozenset()
    venue_ids: frozenset = frozenset()
    mentor_id: int | None = None
    guardian_id: int | None = None
    student_id: int | None = None

    @cached_property
    def region_ids(self) -> frozenset:
        """Regions whose records the user may read as a whole (curator or coordinator)."""
        return self.curator_region_ids | self.coordinator_region_ids

    @property
    def names(self) -> list[str]:
        flags = {
            "operator": self.operator,
            "curator": bool(self.curator_region_ids),
            "coordinator": bool(self.coordinator_region_ids),
            "venue_staff": bool(self.venue_ids),
            "mentor": self.mentor_id is not None,
            "navigator": bool(self.navigator_school_ids),
            "guardian": self.guardian_id is not None,
            "student": self.student_id is not None,
        }
        return [name for name, held in flags.items() if held]

    @property
    def is_staff_role(self) -> bool:
        """Roles that work with lists of records (not a family's own pages)."""
        return bool(self.operator or self.region_ids or self.venue_ids or self.navigator_school_ids)

    def __bool__(self):
        return bool(self.names)


NO_ROLES = Roles()


# Each role as the user's reverse relation and the column read from it (bilet must not import the higher apps).
_ROLE_PATHS = (
    "curator__regions__id", "coordinators__region_id", "navigators__school_id", "venue_roles__venue_id",
    "mentor__id", "guardian__id", "student__id",
)


def get_roles(user) -> Roles:
    """The roles of `user`, cached on the user object for the rest of the request.

    One query: a UNION ALL of one index lookup per role table. Every page of a signed-in user pays for this, booking
    included, so it is not seven round trips; and not the ORM's seven-way LEFT JOIN of the user's reverse relations
    either, which cost ~1.8 ms a request (0.7 ms of it PostgreSQL planning the join order, the rest building it)."""
    if user is None or not user.is_authenticated or not user.is_active:
        return NO_ROLES
    cached = getattr(user, "_bilet_roles", None)
    if cached is not None:
        return cached
    using = get_user_model()._default_manager.db
    sql = prepared("roles", _roles_sql(), using=using)
    with connections[using].cursor() as cursor:
        cursor.execute(sql, {"user": user.pk})
        rows = cursor.fetchall()
    columns = [set() for _ in _ROLE_PATHS]
    for role, value in rows:
        columns[role].add(value)
    curator, coordinator, navigator, venue, mentor, guardian, student = (frozenset(c) for c in columns)
    roles = Roles(
        operator=user.is_staff,
        curator_region_ids=curator,
        coordinator_region_ids=coordinator,
        navigator_school_ids=navigator,
        venue_ids=venue,
        mentor_id=_one(mentor),
        guardian_id=_one(guardian),
        student_id=_one(student),
    )
    user._bilet_roles = roles
    return roles


@functools.cache
def _roles_sql() -> str:
    """SELECT <role number>, <id> for each of `_ROLE_PATHS`, found through the user model's reverse relations."""
    selects = [_role_select(number, path) for number, path in enumerate(_ROLE_PATHS)]
    return " UNION ALL ".join(selects)


def _role_select(number: int, path: str) -> str:
    qn = connection.ops.quote_name
    relation, *rest = path.split("__")
    rel = get_user_model()._meta.get_field(relation)  # the reverse side of a role's foreign key to the user
    role = rel.related_model._meta
    user_column = f"r.{qn(rel.field.column)}"
    if rest == ["id"]:
        return f"SELECT {number}, r.{qn(role.pk.column)} FROM {qn(role.db_table)} r WHERE {user_column} = %(user)s"
    field = role.get_field(rest[0])
    if field.many_to_many:  # curator__regions__id: the through table's column, as the ORM trims the last join
        through = field.remote_field.through._meta
        return (
            f"SELECT {number}, t.{qn(field.m2m_reverse_name())} FROM {qn(through.db_table)} t "
            f"JOIN {qn(role.db_table)} r ON r.{qn(role.pk.column)} = t.{qn(field.m2m_column_name())} "
            f"WHERE {user_column} = %(user)s"
        )
    return f"SELECT {number}, r.{qn(field.column)} FROM {qn(role.db_table)} r WHERE {user_column} = %(user)s"


def _one(ids: frozenset) -> int | None:
    """The id of a one-to-one role, or None."""
    return next(iter(ids), None)
