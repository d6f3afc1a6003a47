"""Who a user is in the project: the roles of SPEC §2, read once per request.

A role is a record in its own app (a coordinator of a region, a navigator of a school, …). This module reads them
through the user's reverse relations, so the lowest app does not import the higher ones.
"""

from dataclasses import dataclass

from django.contrib.auth import get_user_model
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


def get_roles(user) -> Roles:
    """The roles of `user`, cached on the user object for the rest of the request.

    One query: the user's row joined to each role table through its reverse relation (bilet must not import the
    higher apps). Every page of a signed-in user pays for this, booking included, so it is not seven round trips; the
    rows are the product of the user's multi-valued roles, a handful for any real person."""
    if user is None or not user.is_authenticated or not user.is_active:
        return NO_ROLES
    cached = getattr(user, "_bilet_roles", None)
    if cached is not None:
        return cached
    rows = get_user_model()._default_manager.filter(pk=user.pk).values_list(
        "curator__regions__id", "coordinators__region_id", "navigators__school_id", "venue_roles__venue_id",
        "mentor__id", "guardian__id", "student__id",
    )
    curator, coordinator, navigator, venue, mentor, guardian, student = (
        frozenset(value for value in column if value is not None) for column in (list(zip(*rows)) or [()] * 7)
    )
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


def _one(ids: frozenset) -> int | None:
    """The id of a one-to-one role, or None."""
    return next(iter(ids), None)
