"""Consents to process a child's personal data (152-ФЗ, SPEC §3 "Consents").

A guardian gives the consent electronically for each child under the consent text in force (the version, the address
and the browser are kept); a navigator or the coordinator marks the signed paper original received; the guardian may
withdraw it: new bookings are refused at once (the booking rules ask for a consent in force) and the child's future
bookings are cancelled (`consent_hooks`). Within 30 days (152-ФЗ art. 21 §5) a daily job anonymises the child: the
personal fields are erased, the rows that reports count stay (region, school, grade, nosology, bookings, diagnostics),
and an act of destruction with an extract of the event log is kept for 3 years (Roskomnadzor order No. 179).

Who gives it: for a minor, the legal representative (152-ФЗ art. 9 §6). From 14 a child may be asked to co-sign
(Civil Code art. 26); the portal keeps one consent per child given by the guardian, and the paper form carries a line
for the child's signature, so a school that asks for both has it on paper.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from dataclasses import dataclass

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import CharField, Exists, OuterRef, Q, QuerySet, Value
from django.db.models.functions import Cast, Concat
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from bilet.models import PersonalDataAccess
from bilet.roles import get_roles

from .. import consent_hooks
from ..models import (
    Consent,
    ConsentText,
    DestructionAct,
    GuardianInvitation,
    Guardianship,
    PersonalDataSubject,
    Student,
)

# 152-ФЗ art. 21 §5 allows 30 days; the job erases from day 25, so a few days of a stopped worker still meet the law.
ANONYMISE_AFTER = dt.timedelta(days=25)
ANONYMISE_LIMIT = dt.timedelta(days=30)
# Roskomnadzor order No. 179: the act and the log extract are kept 3 years.
ACT_KEPT_YEARS = 3
REDACTED = "[удалено]"


class ConsentError(Exception):
    """A refusal about a consent; the message is a Russian sentence for the user."""


@dataclass
class WithdrawalOutcome:
    consent: Consent
    cancelled: list[str]
    kept: list[tuple[str, str]]


def consent_text_current(*, now: dt.datetime | None = None) -> ConsentText | None:
    """The wording in force: the latest version whose date has come."""
    now = now or timezone.now()
    return ConsentText.objects.filter(effective_from__lte=now).order_by("-effective_from", "-version").first()


def _is_guardian_of(user, student: Student) -> bool:
    guardian_id = get_roles(user).guardian_id
    return guardian_id is not None and Guardianship.objects.filter(guardian_id=guardian_id, student=student).exists()


@transaction.atomic
def consent_give(
    *, actor, student: Student, text_version: int, agreed: bool, ip: str | None = None, user_agent: str = ""
) -> Consent:
    """The guardian `actor` consents for their child `student` under the text `text_version` they were shown."""
    if not _is_guardian_of(actor, student):
        raise ConsentError(_("Only a parent of the child can give the consent."))
    student = Student.objects.select_for_update().get(pk=student.pk)
    if student.anonymised_at is not None:
        raise ConsentError(_("The child's personal data was erased after the consent was withdrawn."))
    if not agreed:
        raise ConsentError(_("Tick the box to confirm that you give the consent."))
    current = consent_text_current()
    if current is None:
        raise ConsentError(_("The consent text has not been published yet; please try later."))
    if current.version != text_version:
        raise ConsentError(
            _("The consent text has changed while you were reading it; please read the new version (%(version)s).")
            % {"version": current.version}
        )
    if Consent.objects.filter(student=student, withdrawn_at__isnull=True).exists():
        raise ConsentError(_("A consent for this child is already in force."))
    try:
        with transaction.atomic():
            return Consent.objects.create(
                student=student,
                guardian_id=get_roles(actor).guardian_id,
                given_by_name=actor.get_full_name() or actor.email,
                given_at=timezone.now(),
                method=Consent.Method.ELECTRONIC,
                text_version=current,
                ip_address=ip or None,
                user_agent=(user_agent or "")[:300],
            )
    except IntegrityError:  # a double submit: the unique "one consent in force" kept the second one out
        raise ConsentError(_("A consent for this child is already in force.")) from None


@transaction.atomic
def consent_paper_mark(*, actor, consent: Consent, received_on: dt.date) -> Consent:
    """A navigator or coordinator (the caller found `consent` through their scope) received the signed original."""
    today = timezone.localdate()
    if consent.withdrawn_at is not None:
        raise ConsentError(_("The consent was withdrawn; its paper original is no longer needed."))
    if received_on > today:
        raise ConsentError(_("The date of receipt cannot be in the future."))
    if received_on < timezone.localdate(consent.given_at):
        raise ConsentError(_("The original cannot be received before the consent was given."))
    updated = Consent.objects.filter(pk=consent.pk, paper_received_on__isnull=True, withdrawn_at__isnull=True).update(
        paper_received_on=received_on, paper_received_by=actor
    )
    if not updated:
        raise ConsentError(_("The paper original of this consent is already marked as received."))
    consent.refresh_from_db()
    return consent


@transaction.atomic
def consent_withdraw(*, actor, student: Student) -> WithdrawalOutcome:
    """The guardian withdraws the consent in force: booking stops now, future bookings are cancelled (with an email),
    and the child's data waits for the anonymisation job."""
    if not _is_guardian_of(actor, student):
        raise ConsentError(_("Only a parent of the child can withdraw the consent."))
    student = Student.objects.select_for_update().get(pk=student.pk)
    consent = Consent.objects.filter(student=student, withdrawn_at__isnull=True).first()
    if consent is None:
        raise ConsentError(_("There is no consent in force for this child."))
    now = timezone.now()
    Consent.objects.filter(pk=consent.pk, withdrawn_at__isnull=True).update(withdrawn_at=now, withdrawn_by=actor)
    consent.withdrawn_at, consent.withdrawn_by = now, actor
    effect = consent_hooks.on_withdrawal(actor=actor, student=student)
    return WithdrawalOutcome(consent=consent, cancelled=effect.cancelled, kept=effect.kept)


# --- anonymisation ---------------------------------------------------------------------------------------------------


def students_due_for_anonymisation(*, now: dt.datetime | None = None) -> QuerySet[Student]:
    """Students whose consent was withdrawn at least ANONYMISE_AFTER ago, with no consent in force since."""
    now = now or timezone.now()
    withdrawn = Consent.objects.filter(student=OuterRef("pk"), withdrawn_at__lte=now - ANONYMISE_AFTER)
    in_force = Consent.objects.filter(student=OuterRef("pk"), withdrawn_at__isnull=True)
    return Student.objects.filter(Exists(withdrawn), ~Exists(in_force), anonymised_at__isnull=True)


def students_anonymise_due(*, now: dt.datetime | None = None) -> list[int]:
    """The daily job: anonymise every student due, each in a transaction of its own. Returns their ids."""
    done = []
    for student_id in students_due_for_anonymisation(now=now).order_by("pk").values_list("pk", flat=True):
        if student_anonymise(student_id=student_id, now=now) is not None:
            done.append(student_id)
    return done


def _scrub_user(user) -> None:
    """Deactivate an account and erase who it was; the row stays (the log's PROTECT and the bookings' authors)."""
    from allauth.account.models import EmailAddress

    EmailAddress.objects.filter(user=user).delete()
    user.email = f"anonymised-{user.pk}@invalid.example"
    user.first_name = user.last_name = user.middle_name = user.phone = ""
    user.is_active = False
    user.set_unusable_password()
    user.save(update_fields=["email", "first_name", "last_name", "middle_name", "phone", "is_active", "password"])


def _only_role(user, role: str) -> bool:
    """The account holds no other role than `role` (a guardian who is also a navigator keeps their account)."""
    user._bilet_roles = None
    return get_roles(user).names == [role] and not user.is_staff


def _name_pattern(student: Student) -> re.Pattern | None:
    variants = {student.full_name, f"{student.last_name} {student.first_name}".strip(), student.last_name}
    variants = sorted((v for v in variants if len(v) >= 2), key=len, reverse=True)
    if not variants:
        return None
    return re.compile("|".join(re.escape(v) for v in variants), re.IGNORECASE)


def _redact_log(student: Student) -> list[dict]:
    """Replace the student's name in the personal-data log (searches keep the typed name in `query`); return the
    extract of the rows about the student, redacted."""
    pattern = _name_pattern(student)
    about = Q(subjects__student=student)
    if pattern is not None and student.last_name:
        about |= Q(query__icontains=student.last_name) | Q(what__icontains=student.last_name)
        about |= Q(scope__icontains=student.last_name)
    rows = list(PersonalDataAccess.objects.filter(about).distinct().order_by("created_at", "pk"))
    linked = set(PersonalDataSubject.objects.filter(student=student).values_list("access_id", flat=True))
    extract = []
    for row in rows:
        if pattern is not None:
            changed = {f: pattern.sub(REDACTED, getattr(row, f)) for f in ("what", "scope", "query")}
            if any(changed[f] != getattr(row, f) for f in changed):
                PersonalDataAccess.objects.filter(pk=row.pk).update(**changed)
                for f, value in changed.items():
                    setattr(row, f, value)
        if row.pk in linked:
            extract.append({
                "when": timezone.localtime(row.created_at).isoformat(timespec="seconds"),
                "user_id": row.user_id,
                "kind": row.kind,
                "what": row.what,
                "query": row.query,
                "ip": row.ip_address,
            })
    return extract


def _scrub_invitations(student: Student) -> int:
    """Erase the parents' names and addresses the student gave at sign-up; a link still waiting stops working."""
    invitations = GuardianInvitation.objects.filter(student=student)
    invitations.filter(status=GuardianInvitation.Status.PENDING).update(status=GuardianInvitation.Status.CANCELLED)
    return invitations.update(
        email=Concat(Value("anonymised-invitation-"), Cast("pk", CharField()), Value("@invalid.example")),
        last_name=REDACTED, first_name=REDACTED, middle_name="",
    )


def _categories(student: Student, guardians_scrubbed: int, invitations_scrubbed: int) -> list[str]:
    categories = [_("last name, first name, patronymic"), _("birth date")]
    if student.user_id:
        categories.append(_("the student's account: email address, name"))
    categories.append(_("name, IP address and browser of the person who gave the consent"))
    if guardians_scrubbed:
        categories.append(_("the parent's account: email address, name, phone"))
    if invitations_scrubbed:
        categories.append(_("the parent's name and email address given at sign-up"))
    categories.append(_("the student's name in the personal-data log"))
    return categories


@transaction.atomic
def student_anonymise(*, student_id: int, actor=None, now: dt.datetime | None = None) -> DestructionAct | None:
    """Erase a student's personal data after a withdrawn consent, keeping every row that the figures of SPEC §4 count.

    Idempotent: an anonymised student is left alone (None). A student with a consent in force again is refused."""
    now = now or timezone.now()
    student = Student.objects.select_for_update().get(pk=student_id)
    if student.anonymised_at is not None:
        return None
    if Consent.objects.filter(student=student, withdrawn_at__isnull=True).exists():
        raise ConsentError(_("The student has a consent in force; their data is not erased."))
    if not Consent.objects.filter(student=student, withdrawn_at__isnull=False).exists():
        raise ConsentError(_("The student never withdrew a consent; their data is not erased."))
    with translation.override(settings.LANGUAGE_CODE):
        extract = _redact_log(student)
        guardians_scrubbed = 0
        for link in Guardianship.objects.filter(student=student).select_related("guardian__user"):
            others = Guardianship.objects.filter(guardian=link.guardian, student__anonymised_at__isnull=True).exclude(
                student=student
            )
            if not others.exists() and _only_role(link.guardian.user, "guardian"):
                _scrub_user(link.guardian.user)
                guardians_scrubbed += 1
        Consent.objects.filter(student=student).update(given_by_name=REDACTED, ip_address=None, user_agent="")
        categories = _categories(student, guardians_scrubbed, _scrub_invitations(student))
        if student.user_id and _only_role(student.user, "student"):
            _scrub_user(student.user)
        student.last_name = student.first_name = student.middle_name = ""
        student.birth_date = None
        student.anonymised_at = now
        student.save(update_fields=["last_name", "first_name", "middle_name", "birth_date", "anonymised_at"])
        withdrawn_at = Consent.objects.filter(student=student).order_by("-withdrawn_at").values_list(
            "withdrawn_at", flat=True
        ).first()
        extract.append({
            "when": timezone.localtime(now).isoformat(timespec="seconds"),
            "user_id": getattr(actor, "pk", None),
            "kind": "destruction",
            "what": _("Personal data of student No. %(id)s anonymised after the consent was withdrawn on %(date)s")
            % {"id": student.pk, "date": timezone.localdate(withdrawn_at).strftime("%d.%m.%Y")},
            "query": "",
            "ip": None,
        })
        return DestructionAct.objects.create(
            student=student,
            region_id=student.region_id,
            performed_at=now,
            performed_by=actor,
            reason=_("Consent to processing withdrawn by the legal representative (152-FZ art. 21 §5)"),
            categories=categories,
            log_extract=json.loads(json.dumps(extract, default=str)),
            keep_until=_years_after(timezone.localdate(now), ACT_KEPT_YEARS),
        )


def _years_after(day: dt.date, years: int) -> dt.date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February
        return day.replace(year=day.year + years, day=28)
