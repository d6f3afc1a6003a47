"""A family's links (issue 14 §1): the parents' invitations and the confirmed links, as each side sees them."""

from allauth.account.models import EmailAddress
from django.contrib.auth import get_user_model
from django.db.models import QuerySet
from django.utils import timezone

from bilet.roles import get_roles

from ..models import GuardianInvitation, Guardianship, Student


def guardian_invitation_from_token(token: str) -> GuardianInvitation | None:
    """The invitation an emailed link opens, whatever its state (the page says if it was answered or expired)."""
    return GuardianInvitation.objects.select_related("student__school", "student__municipality").with_token(token).first()


def invitation_account(*, invitation: GuardianInvitation):
    """The account of the invited address, if there is one (the page then asks to sign in, not to create one)."""
    return get_user_model().objects.filter(email__iexact=invitation.email).first()


def student_guardian_links(*, user) -> tuple[Student, list[Guardianship], list[GuardianInvitation]] | None:
    """The student's own confirmed parents and the invitations they sent (latest first); None for a non-student."""
    student_id = get_roles(user).student_id
    if student_id is None:
        return None
    student = Student.objects.get(pk=student_id)
    links = list(Guardianship.objects.filter(student=student).select_related("guardian__user").order_by("pk"))
    invitations = list(
        GuardianInvitation.objects.filter(student=student).exclude(status=GuardianInvitation.Status.CANCELLED)[:10]
    )
    return student, links, invitations


def student_invitation_get(*, user, pk: int) -> GuardianInvitation:
    """One of the signed-in student's own invitations; GuardianInvitation.DoesNotExist (a 404) for anyone else's."""
    return GuardianInvitation.objects.get(pk=pk, student_id=get_roles(user).student_id)


def _verified_addresses(user):
    return EmailAddress.objects.filter(user=user, verified=True).values("email")


def guardian_pending_invitations(*, user) -> QuerySet[GuardianInvitation]:
    """Invitations waiting for this user's answer: pending, not expired, sent to an address the user has verified
    (an address typed at an account's creation proves nothing; the emailed link does)."""
    return (
        GuardianInvitation.objects.filter(
            status=GuardianInvitation.Status.PENDING, expires_at__gt=timezone.now(),
            email__in=_verified_addresses(user),
        )
        .select_related("student__school")
        .order_by("created_at", "pk")
    )


def guardian_invitation_answerable(*, user, pk: int) -> GuardianInvitation:
    """A pending invitation the user may answer from their page; DoesNotExist (a 404) otherwise."""
    return guardian_pending_invitations(user=user).get(pk=pk)


def guardian_children_links(*, user) -> list[Guardianship]:
    """The parent's confirmed links, children by name."""
    guardian_id = get_roles(user).guardian_id
    if guardian_id is None:
        return []
    return list(
        Guardianship.objects.filter(guardian_id=guardian_id)
        .select_related("student__school", "student__municipality")
        .order_by("student__last_name", "student__first_name", "pk")
    )
