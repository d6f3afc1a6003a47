"""The demo's students and the people around them: the navigators who registered them, their parents and consents,
their diagnostics, the two students who sign in, and a parent's invitation awaiting an answer."""

import datetime as dt

from django.conf import settings

from bilet.models import User
from participants.models import (
    Consent,
    DiagnosticAttempt,
    DiagnosticResult,
    DiagnosticVersion,
    Guardian,
    GuardianInvitation,
    Guardianship,
    Navigator,
    Student,
)
from participants.services.diagnostics import diagnostic_answers_save, diagnostic_attempt_complete

from .demo_logins import DEMO_DOMAIN, DEMO_INVITATION_TOKEN
from .reference_data import person

STUDENTS_PER_SCHOOL = 9


class DemoStudents:
    """Part of `demo.DemoBuilder`: the region's students and families (`user`, `at` and the shared values are the
    builder's)."""

    def students(self, region, code, offset, schools) -> list[Student]:
        """Students of every school; the first school holds the families that sign in."""
        navigators = []
        for k, school in enumerate(schools):
            suffix = "" if k == 0 else chr(ord("a") + k)
            user = self.user(f"navigator{code}{suffix}", person(offset + 40 + k, female=k != 1, adult=True),
                             "navigator", region.name)
            navigator, _created = Navigator.objects.update_or_create(
                user=user, school=school,
                defaults={"region": region, "position": "учитель",
                          "training_completed_on": dt.date(2026, 5, 10) if k != 2 else None},
            )
            navigators.append(navigator)

        students = []
        for k, school in enumerate(schools):
            for j in range(STUDENTS_PER_SCHOOL):
                i = offset + k * STUDENTS_PER_SCHOOL + j
                female = i % 2 == 0
                names = person(i, female=female)
                if k == 0 and j == 1:  # the sibling of student{code}: same surname
                    base = students[0].last_name.removesuffix("а")
                    names = (base + ("а" if female else ""), names[1], names[2])
                grade = 6 + (i % 6)
                student, _created = Student.objects.update_or_create(
                    school=school, last_name=names[0], first_name=names[1], middle_name=names[2],
                    defaults={"region": region, "municipality": school.municipality,
                              "birth_date": dt.date(2020 - grade, 1 + i % 12, 1 + i % 28), "grade": grade,
                              "class_letter": "АБВ"[i % 3], "registered_by": navigators[k],
                              "nosology": self.nosology["hearing"] if (k, j) == (0, 3) else None},
                )
                students.append(student)
                if not (k == 0 and j in (0, 2)):  # the two students who sign in: `demo_diagnostics` below
                    self.diagnostics(student, i)

        family = students[0], students[1]
        no_consent = {students[2].pk, students[STUDENTS_PER_SCHOOL + 1].pk}
        withdrawn = students[4]
        self.link_user(students[0], f"student{code}", "student", region.name)
        self.link_user(students[2], f"student{code}b", "student", region.name)
        self.demo_diagnostics(taker=students[0], fresh=students[2])
        self.pending_invitation(students[2], code)
        mother = self.guardian(f"guardian{code}", family, region.name, female=True)
        # The father's second child had its consent withdrawn 5 days ago: it waits for the anonymisation job (152-ФЗ
        # art. 21), and his consents page says on which day the data will be erased.
        father = self.guardian(f"guardian{code}b", [students[STUDENTS_PER_SCHOOL], withdrawn], region.name, female=False)

        for n, student in enumerate(students):
            if student.pk in no_consent:
                Consent.objects.filter(student=student).delete()
                continue
            by_mother = student in family
            parent = mother if by_mother else father if student == withdrawn else None
            Consent.objects.update_or_create(
                student=student,
                defaults={
                    "guardian": parent,
                    "given_by_name": parent.user.get_full_name() if parent else self.parent_name(student, n),
                    "given_at": dt.datetime(2026, 9, 1, 9, 0, tzinfo=self.tz) + dt.timedelta(hours=n),
                    "method": Consent.Method.ELECTRONIC if parent else Consent.Method.PAPER,
                    "text_version": self.consent_text if parent else None,
                    "paper_received_on": dt.date(2026, 9, 15) if n % 2 == 0 else None,
                    "withdrawn_at": self.at(-5, 12) if student == withdrawn else None,
                    "withdrawn_by": father.user if student == withdrawn else None,
                },
            )
        # Withdrawn consent and no consent: those students are not booked on anything.
        excluded = no_consent | {withdrawn.pk}
        bookable = [s for s in students if s.pk not in excluded]
        # The families that sign in come last, so they still have their in-person event to book.
        return [s for s in bookable if s not in family] + list(family)

    @staticmethod
    def parent_name(student: Student, n: int) -> str:
        _last, first, patronymic = person(n * 3 + 1, female=True, adult=True)
        return f"{student.last_name.removesuffix('а')}а {first} {patronymic}"

    def diagnostics(self, student: Student, i: int):
        stages = 3 if i % 3 == 0 else (1 if i % 3 == 1 else 0)
        for stage in range(1, 4):
            if stage > stages:
                DiagnosticResult.objects.filter(student=student, stage=stage).delete()
                continue
            DiagnosticResult.objects.update_or_create(
                student=student, stage=stage,
                defaults={"completed_at": dt.datetime(2026, 9, 20 + stage, 12, 0, tzinfo=self.tz),
                          "result": "Склонность к профессиям типа «человек — техника»" if i % 2 else
                          "Склонность к профессиям типа «человек — человек»"},
            )

    def demo_diagnostics(self, *, taker: Student, fresh: Student):
        """student{code} has stages 1 and 2 scored by the portal's own bank (so the results suggest IT events) and is
        halfway through stage 3; student{code}b has not begun."""
        DiagnosticResult.objects.filter(student=fresh).delete()
        DiagnosticAttempt.objects.filter(student=fresh).delete()
        versions = {v.instrument.stage: v for v in DiagnosticVersion.objects.filter(status="published")
                    .select_related("instrument").prefetch_related("questions__options")}
        # Stage 1: "rather me" throughout; stage 2: the sign-systems answer wherever a pair offers it.
        picks = {1: lambda options: options[2],
                 2: lambda options: next((o for o in options if "signs" in o.weights), options[-1])}
        for stage, pick in picks.items():
            if DiagnosticResult.objects.filter(student=taker, stage=stage, version__isnull=False).exists():
                continue
            DiagnosticResult.objects.filter(student=taker, stage=stage).delete()
            DiagnosticAttempt.objects.filter(student=taker, stage=stage).delete()
            self.answer(taker, versions[stage], pick, pages={1, 2})
            diagnostic_attempt_complete(student=taker, stage=stage)
        DiagnosticResult.objects.filter(student=taker, stage=3).delete()
        self.answer(taker, versions[3], lambda options: next(o for o in options if o.is_correct), pages={1})

    @staticmethod
    def answer(student: Student, version, pick, *, pages: set[int]):
        questions = [q for q in version.questions.all() if q.page in pages]
        answers = {q.pk: pick(sorted(q.options.all(), key=lambda o: o.order)).pk for q in questions}
        diagnostic_answers_save(student=student, stage=version.instrument.stage, version_id=version.pk,
                                answers=answers)

    def link_user(self, student: Student, local: str, role: str, region_name: str):
        user = self.user(local, (student.last_name, student.first_name, student.middle_name), role, region_name)
        if student.user_id != user.pk:
            Student.objects.filter(user=user).exclude(pk=student.pk).update(user=None)
            student.user = user
            student.save(update_fields=["user"])

    def guardian(self, local, children, region_name, *, female) -> Guardian:
        child = children[0]
        names = (child.last_name.removesuffix("а") + ("а" if female else ""),
                 person(child.pk, female=female, adult=True)[1], person(child.pk + 1, female=female)[2])
        user = self.user(local, names, "guardian", region_name, phone="+7 900 000-00-00")
        guardian, _created = Guardian.objects.get_or_create(user=user)
        for student in children:
            Guardianship.objects.update_or_create(
                guardian=guardian, student=student,
                defaults={"relation": Guardianship.Relation.MOTHER if female else Guardianship.Relation.FATHER},
            )
        return guardian

    def pending_invitation(self, student: Student, code: str) -> GuardianInvitation:
        """student{code}b named a parent without an account, who has not answered yet. A person who tried the link
        created that account: it is removed, and the invitation waits again, valid for a week from this run."""
        email = f"parent{code}-invited@{DEMO_DOMAIN}"
        User.objects.filter(email=email).delete()
        GuardianInvitation.objects.filter(student=student).exclude(email=email).delete()
        _last, first, middle = person(student.pk + 7, female=True, adult=True)
        invitation, _created = GuardianInvitation.objects.update_or_create(
            student=student, email=email,
            defaults={
                "last_name": student.last_name.removesuffix("а") + "а", "first_name": first, "middle_name": middle,
                "status": GuardianInvitation.Status.PENDING, "answered_at": None, "guardian": None,
                "token_hash": GuardianInvitation.digest(DEMO_INVITATION_TOKEN.format(code=code)),
                "sent_at": self.now, "expires_at": self.now + dt.timedelta(days=settings.GUARDIAN_INVITATION_DAYS),
            },
        )
        return invitation
