"""Imports, registration by navigators and coordinators, and the navigators' invitations (issue 14 §2–3)."""

from django.db.models import Q, QuerySet

from bilet.roles import get_roles
from regions.models import School

from ..models import ImportJob, Navigator, NavigatorInvitation


def import_job_list(*, user) -> QuerySet:
    """A person's own uploads: a file of personal data is nobody else's to read, operator staff included."""
    return ImportJob.objects.filter(created_by=user).order_by("-created_at", "-pk")


def registering_schools(*, user) -> QuerySet:
    """Schools whose students the user may register: a navigator's own, a coordinator's region's, all for operators."""
    roles = get_roles(user)
    qs = School.objects.select_related("region", "municipality").order_by("short_name")
    if roles.operator:
        return qs
    return qs.filter(Q(region_id__in=roles.coordinator_region_ids) | Q(id__in=roles.navigator_school_ids))


def invitable_navigators(*, user) -> QuerySet[Navigator]:
    """Navigators whose invitation the user may send again: a coordinator's region's, every one for operators."""
    roles = get_roles(user)
    qs = Navigator.objects.select_related("user", "school")
    if roles.operator:
        return qs
    return qs.filter(region_id__in=roles.coordinator_region_ids)


def navigator_invitation_state(*, user, navigator: Navigator) -> dict | None:
    """For whoever may send a navigator's invitation again: the latest one and whether the account is active yet."""
    if not invitable_navigators(user=user).filter(pk=navigator.pk).exists():
        return None
    latest = NavigatorInvitation.objects.filter(user_id=navigator.user_id).order_by("-sent_at").first()
    return {
        "latest": latest, "activated": navigator.user.has_usable_password(),
        "expired": bool(latest and latest.is_expired()),
    }
