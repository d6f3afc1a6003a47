"""A student's own registration and the parent's invitation (issue 14 §1; seed 002: «при регистрации участника
создается личный кабинет как для ребенка, так и для родителя»).

A student signs up (allauth's signup with the portal's form) and names a parent by email. The parent is invited by an
emailed link that expires (`services.invitations`: what every emailed invitation shares). Accepting creates the
parent's account (a new address) or uses the existing one, and only then writes the `Guardianship` that every rule and
page reads: a pending or refused invitation grants nothing.
"""

import datetime as dt
from dataclasses import dataclass

from allauth.account.models import EmailAddress
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import send_mail
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from regions.models import GRADE_MAX, GRADE_MIN, Municipality, Region, School
from regions.selectors import current_campaign

from ..models import Guardian, GuardianInvitation, Guardianship, Student
from .invitations import invitation_answer, invitation_link_issue, invitations_replace_pending, invited_address_verify

ADULT_AGE = 18
# A student of grade g is usually g + 6 or g + 7 years old; repeated or early school years and late birthdays
# stretch that by up to two years either way (issue 14 §1).
GRADE_AGE_OFFSET = (6, 7)
GRADE_AGE_SLACK = 2
# A student who asks to resend waits this long between two emails (a parent's mailbox is not a target).
RESEND_INTERVAL = dt.timedelta(minutes=1)


class RegistrationError(Exception):
    """A refusal in registration or linking; `errors` maps a form field (or None) to Russian sentences."""

    def __init__(self, message: str | None = None, *, errors: dict | None = None):
        self.errors = errors or {None: [message]}
        super().__init__(message or "; ".join(m for ms in self.errors.values() for m in ms))


@dataclass(frozen=True)
class GuardianNamed:
    """The parent a student names: who to invite."""

    email: str
    last_name: str
    first_name: str
    middle_name: str = ""


def age_on(birth_date: dt.date, day: dt.date) -> int:
    return day.year - birth_date.year - ((day.month, day.day) < (birth_date.month, birth_date.day))


def invitation_days() -> int:
    return settings.GUARDIAN_INVITATION_DAYS


# --- checks ---------------------------------------------------------------------------------------------------------


def student_registration_problems(
    *,
    birth_date: dt.date | None,
    grade: int | None,
    region: Region | None,
    municipality: Municipality | None,
    school: School | None,
    email: str = "",
    guardian: GuardianNamed | None = None,
    today: dt.date | None = None,
) -> dict:
    """Every reason the registration cannot go ahead, by form field (empty when it can). The form shows them beside
    the fields; `student_register` refuses with the same ones, whatever path calls it."""
    today = today or timezone.localdate()
    problems: dict = {}

    def add(field, message):
        problems.setdefault(field, []).append(message)

    if region and municipality and municipality.region_id != region.pk:
        add("municipality", _("The municipality is not in the chosen region."))
    if municipality and school and school.municipality_id != municipality.pk:
        add("school", _("The school is not in the chosen municipality: choose it from the list again."))

    if grade is not None:
        campaign = current_campaign()
        low, high = (campaign.grade_min, campaign.grade_max) if campaign else (GRADE_MIN, GRADE_MAX)
        if not low <= grade <= high:
            if campaign:
                add("grade", _("Students of grades %(low)s–%(high)s take part in the campaign «%(campaign)s».")
                    % {"low": low, "high": high, "campaign": campaign.name})
            else:
                add("grade", _("Students of grades %(low)s–%(high)s take part in the project.") % {"low": low, "high": high})

    age = None
    if birth_date is not None:
        age = age_on(birth_date, today)
        if birth_date >= today or age < GRADE_MIN + GRADE_AGE_OFFSET[0] - GRADE_AGE_SLACK:
            add("birth_date", _("Check the birth date: the project is for students of grades 6–11."))
            age = None
        elif grade is not None:
            youngest = grade + GRADE_AGE_OFFSET[0] - GRADE_AGE_SLACK
            oldest = grade + GRADE_AGE_OFFSET[1] + GRADE_AGE_SLACK
            if not youngest <= age <= oldest:
                add("birth_date", _(
                    "The birth date does not match the grade: students of grade %(grade)s are usually "
                    "%(low)s–%(high)s years old. Check the birth date and the grade."
                ) % {"grade": grade, "low": grade + GRADE_AGE_OFFSET[0], "high": grade + GRADE_AGE_OFFSET[1]})

    if guardian is None or not guardian.email:
        if age is None or age < ADULT_AGE:
            add("guardian_email", _("Give your parent's email: students under 18 take part with a parent's consent."))
    else:
        if email and guardian.email.strip().lower() == email.strip().lower():
            add("guardian_email", _("The parent's email must differ from yours."))
        if not guardian.last_name.strip():
            add("guardian_last_name", _("Give your parent's last name."))
        if not guardian.first_name.strip():
            add("guardian_first_name", _("Give your parent's first name."))
    return problems


# --- registration ---------------------------------------------------------------------------------------------------


@transaction.atomic
def student_register(
    *,
    user,
    last_name: str,
    first_name: str,
    middle_name: str,
    birth_date: dt.date,
    region: Region,
    municipality: Municipality,
    school: School,
    grade: int,
    class_letter: str,
    guardian: GuardianNamed | None,
) -> tuple[Student, GuardianInvitation | None]:
    """The student record of a user who has just signed up, and the invitation of the parent they named (to be sent
    by the caller after the commit: `send_guardian_invitation`)."""
    problems = student_registration_problems(
        birth_date=birth_date, grade=grade, region=region, municipality=municipality, school=school,
        email=user.email, guardian=guardian,
    )
    if problems:
        raise RegistrationError(errors=problems)
    if Student.objects.filter(user=user).exists():
        raise RegistrationError(_("This account already belongs to a student."))
    user.last_name, user.first_name, user.middle_name = last_name.strip(), first_name.strip(), middle_name.strip()
    user.save(update_fields=["last_name", "first_name", "middle_name"])
    student = Student(
        user=user, region=school.region, municipality=school.municipality, school=school,
        last_name=user.last_name, first_name=user.first_name, middle_name=user.middle_name,
        birth_date=birth_date, grade=grade, class_letter=class_letter.strip().upper(),
    )
    student.full_clean()
    student.save()
    invitation = guardian_invitation_create(student=student, guardian=guardian) if guardian and guardian.email else None
    return student, invitation


@transaction.atomic
def guardian_invitation_create(*, student: Student, guardian: GuardianNamed) -> GuardianInvitation:
    """Invite the parent `guardian` names to confirm the link to `student`; a pending invitation of the student's
    (a mistyped address, a parent who does not answer) is replaced by this one."""
    email = guardian.email.strip().lower()
    if not email or not guardian.last_name.strip() or not guardian.first_name.strip():
        raise RegistrationError(_("Give your parent's last name, first name and email."))
    if student.user_id and student.user.email.lower() == email:
        raise RegistrationError(errors={"email": [_("The parent's email must differ from yours.")]})
    if Guardianship.objects.filter(student=student, guardian__user__email__iexact=email).exists():
        raise RegistrationError(errors={"email": [_("This parent has already confirmed the link to you.")]})
    # The row lock orders two simultaneous requests of one student: the second sees the first's invitation.
    Student.objects.select_for_update().filter(pk=student.pk).first()
    invitations_replace_pending(GuardianInvitation.objects.filter(student=student))
    invitation = GuardianInvitation(
        student=student, email=email, last_name=guardian.last_name.strip(), first_name=guardian.first_name.strip(),
        middle_name=guardian.middle_name.strip(),
    )
    invitation.full_clean()
    invitation.save()
    return invitation


# --- the emailed link -------------------------------------------------------------------------------------------------


def guardian_invitation_issue(*, invitation: GuardianInvitation) -> str:
    """A new link for `invitation` (an earlier one stops working) valid for GUARDIAN_INVITATION_DAYS; returns the
    secret, which is kept nowhere but in the email."""
    token = invitation_link_issue(invitation=invitation, days=invitation_days())
    if token is None:
        raise RegistrationError(_("The invitation has already been answered."))
    return token


def guardian_invitation_path(token: str) -> str:
    return reverse("participants:guardian_invitation", args=[token])


def guardian_invitation_send(*, invitation_id: int, base_url: str) -> bool:
    """Email the parent a fresh link; False (nothing sent) when the invitation was answered or replaced meanwhile."""
    invitation = GuardianInvitation.objects.select_related("student__school").filter(pk=invitation_id).first()
    if invitation is None or invitation.status != GuardianInvitation.Status.PENDING:
        return False
    try:
        token = guardian_invitation_issue(invitation=invitation)
    except RegistrationError:
        return False
    has_account = get_user_model().objects.filter(email__iexact=invitation.email, is_active=True).exists()
    context = {
        "invitation": invitation,
        "student": invitation.student,
        "url": base_url.rstrip("/") + guardian_invitation_path(token),
        "days": invitation_days(),
        "has_account": has_account,
    }
    with translation.override(settings.LANGUAGE_CODE):
        subject = render_to_string("participants/emails/guardian_invitation_subject.txt", context).strip()
        body = render_to_string("participants/emails/guardian_invitation.txt", context)
    send_mail(subject, body, None, [invitation.email])
    return True


def guardian_invitation_resend_check(*, student: Student, invitation: GuardianInvitation) -> None:
    """Refuse a resend of an invitation that is not the student's pending one, or one sent a moment ago."""
    if invitation.student_id != student.pk or invitation.status != GuardianInvitation.Status.PENDING:
        raise RegistrationError(_("This invitation has already been answered: name a parent again if needed."))
    if invitation.sent_at and timezone.now() - invitation.sent_at < RESEND_INTERVAL:
        raise RegistrationError(_("The invitation was sent less than a minute ago: check the mailbox, including spam."))


# --- the parent's answer --------------------------------------------------------------------------------------------


def _refuse_unless_answerable(invitation: GuardianInvitation) -> None:
    """Lock the invitation's row and refuse, saying why, if the parent can no longer answer it. The lock orders two
    clicks or two tabs: accepting writes an account, an address and the link before the answer, and the second
    request must find the first one's answer rather than write them again."""
    locked = GuardianInvitation.objects.select_for_update().only("status", "expires_at").get(pk=invitation.pk)
    invitation.status, invitation.expires_at = locked.status, locked.expires_at
    if invitation.status != GuardianInvitation.Status.PENDING:
        raise RegistrationError(_("The invitation has already been answered."))
    if not invitation.can_be_answered():
        raise RegistrationError(
            _("The invitation has expired: ask your child to send it again from their page on the portal.")
        )


def _answer(invitation: GuardianInvitation, status: str, guardian: Guardian | None) -> None:
    """Answer once (compare-and-set); an invitation answered, replaced or expired meanwhile is refused with why."""
    if not invitation_answer(invitation=invitation, status=status, guardian=guardian):
        _refuse_unless_answerable(invitation)
        raise RegistrationError(_("The invitation has already been answered."))


def _link(invitation: GuardianInvitation, user) -> Guardianship:
    guardian, _created = Guardian.objects.get_or_create(user=user)
    _answer(invitation, GuardianInvitation.Status.ACCEPTED, guardian)
    link, _created = Guardianship.objects.get_or_create(guardian=guardian, student=invitation.student)
    return link


@transaction.atomic
def guardian_invitation_accept(*, invitation: GuardianInvitation, user, by_link: bool) -> Guardianship:
    """The signed-in parent confirms the link. By the emailed link the account's address must be the invited one;
    from the parent's page (`by_link=False`) it must also be an address the parent has verified."""
    _refuse_unless_answerable(invitation)
    if user.email.lower() != invitation.email.lower():
        raise RegistrationError(_("The invitation was sent to another address: sign in with the account of that address."))
    if by_link:
        invited_address_verify(user=user, email=invitation.email)
    elif not EmailAddress.objects.filter(user=user, email__iexact=invitation.email, verified=True).exists():
        raise RegistrationError(_("Open the link from the invitation email to confirm the link."))
    return _link(invitation, user)


@transaction.atomic
def guardian_invitation_accept_new(
    *, invitation: GuardianInvitation, last_name: str, first_name: str, middle_name: str, password: str
):
    """The parent has no account yet: create it (seed 002) with the invited address, verified by the link, and
    confirm the link. Returns the new user."""
    _refuse_unless_answerable(invitation)
    User = get_user_model()
    if User.objects.filter(email__iexact=invitation.email).exists():
        raise RegistrationError(_("An account with this address already exists: sign in to confirm the link."))
    user = User.objects.create_user(
        email=invitation.email, password=password, last_name=last_name.strip(), first_name=first_name.strip(),
        middle_name=middle_name.strip(),
    )
    invited_address_verify(user=user, email=invitation.email)
    _link(invitation, user)
    return user


@transaction.atomic
def guardian_invitation_refuse(*, invitation: GuardianInvitation, user=None) -> None:
    """The invited person says they are not this student's parent (or do not want the link). The student sees it
    and may name another parent. Refusing needs no account: the emailed link is enough."""
    _refuse_unless_answerable(invitation)
    guardian = None
    if user is not None and user.is_authenticated and user.email.lower() == invitation.email.lower():
        guardian = Guardian.objects.filter(user=user).first()
    _answer(invitation, GuardianInvitation.Status.REFUSED, guardian)
