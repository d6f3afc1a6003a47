"""Who a user is in the project: the roles of SPEC §2, read once per request.

A role is a record in its own app (a coordinator of a region, a navigator of a school, …). This module reads them
through the user's reverse relations, so the lowest app does not import the higher ones.
"""

from dataclasses import dataclass

from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _

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


def _one(manager_or_none):
    return manager_or_none.pk if manager_or_none is not None else None


def get_roles(user) -> Roles:
    """The roles of `user`, cached on the user object for the rest of the request."""
    if user is None or not user.is_authenticated or not user.is_active:
        return NO_ROLES
    cached = getattr(user, "_bilet_roles", None)
    if cached is not None:
        return cached
    curator = getattr(user, "curator", None) if _has(user, "curator") else None
    roles = Roles(
        operator=user.is_staff,
        curator_region_ids=frozenset(curator.regions.values_list("id", flat=True)) if curator else frozenset(),
        coordinator_region_ids=frozenset(user.coordinators.values_list("region_id", flat=True)),
        navigator_school_ids=frozenset(user.navigators.values_list("school_id", flat=True)),
        venue_ids=frozenset(user.venue_roles.values_list("venue_id", flat=True)),
        mentor_id=_one(getattr(user, "mentor", None) if _has(user, "mentor") else None),
        guardian_id=_one(getattr(user, "guardian", None) if _has(user, "guardian") else None),
        student_id=_one(getattr(user, "student", None) if _has(user, "student") else None),
    )
    user._bilet_roles = roles
    return roles


def _has(user, attr: str) -> bool:
    try:
        getattr(user, attr)
    except Exception:  # RelatedObjectDoesNotExist of a reverse one-to-one
        return False
    return True
