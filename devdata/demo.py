"""The demo data of SPEC §6: two regions with every role, so that a person can see what each one sees.

Idempotent: every row is found by its natural key (an email, a code, a school and a name, a venue and an event title)
and brought back to the demo state, so a second run changes nothing and prints the same logins.
"""

import datetime as dt
from dataclasses import dataclass

from django.apps import apps
from django.conf import settings
from django.contrib.auth.hashers import check_password, make_password
from django.db import transaction
from django.db.models import Count, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from bilet.models import User
from bilet.roles import ROLE_LABELS
from participants.consent_texts import install_consent_text
from participants.diagnostic_bank import install_diagnostic_bank
from participants.models import (
    Consent,
    ConsentText,
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
from regions.models import Coordinator, Curator, Municipality, Nosology, Region, RegionTarget, School
from venues.models import Booking, Event, Mentor, Recommendation, Venue, VenueCampaign, VenueStaff

from .demo_participants import ensure_invited_navigators
from .demo_records import ensure_monitoring_indicators, ensure_region_records
from .reference_data import ensure_campaign, ensure_competencies, person

DEMO_DOMAIN = "demo.bilet.local"
DEMO_PASSWORD = "demo-pass-2026"
STUDENTS_PER_SCHOOL = 9
# Statuses under which a booking holds a seat (attendance does not give the seat back).
# student{code}b's parent has been invited and not answered (issue 14 §1): a fixed link, printed by seed_demo, so a
# person can open it, set a password and see the child. Demo data only: a real link is a random secret.
DEMO_INVITATION_TOKEN = "demo-parent-invitation-{code}"
SEAT_HOLDING = [Booking.Status.CONFIRMED, Booking.Status.ATTENDED, Booking.Status.NO_SHOW]


@dataclass(frozen=True)
class Login:
    email: str
    password: str
    role: str

    def line(self) -> str:
        return f"{self.email}  {self.password}  {self.role}"


REGIONS = [
    {
        "code": "71", "name": "Тульская область", "offset": 0,
        "coordinator": (("Королёва", "Марина", "Викторовна"), "ГОУ ДПО ТО «Институт повышения квалификации и "
                        "профессиональной переподготовки работников образования Тульской области»",
                        "руководитель регионального ресурсного центра"),
        "municipalities": [
            ("городской округ город Тула", "Воронина Елена Сергеевна", [
                ("МБОУ «Центр образования № 2»", "г. Тула, ул. Болдина, д. 20"),
                ("МБОУ «Лицей № 1»", "г. Тула, ул. Пузакова, д. 34"),
            ]),
            ("муниципальное образование город Новомосковск", "Кравцова Ольга Игоревна", [
                ("МБОУ «Гимназия № 13»", "г. Новомосковск, ул. Мира, д. 11"),
            ]),
            ("Щёкинский район", "Прохоров Алексей Николаевич", []),
        ],
        "venues": [
            ("ТГМК им. Н. Демидова", "ГПОУ ТО «Тульский государственный машиностроительный колледж имени Никиты "
             "Демидова»", "7105008031", "г. Тула, ул. Мира, д. 9а", "0133/03542", VenueCampaign.ContractStatus.SIGNED),
            ("Тульский медицинский колледж", "ГПОУ ТО «Тульский областной медицинский колледж»", "7106012520",
             "г. Тула, ул. Ф. Энгельса, д. 59", "0133/03611", VenueCampaign.ContractStatus.SENT),
        ],
        "mentor": (("Кузьмин", "Виктор", "Андреевич"), "ООО «Тульский оружейный завод — сервис»", "мастер участка"),
        "target": {"navigators": 90, "students": 5200, "diagnostics": 5200, "trials": 1000},
    },
    {
        "code": "67", "name": "Смоленская область", "offset": 100,
        "coordinator": (("Бочкарёва", "Ирина", "Михайловна"), "Региональный сетевой ресурсный центр профориентации "
                        "и жизненной навигации", "начальник отдела профориентационного сопровождения"),
        "municipalities": [
            ("город Смоленск", "Швитова Наталья Сергеевна", [
                ("МБОУ «Средняя школа № 33»", "г. Смоленск, ул. Нормандия-Неман, д. 23"),
                ("МБОУ «Гимназия № 4»", "г. Смоленск, ул. Октябрьской революции, д. 20"),
            ]),
            ("Вяземский район", "Лапина Татьяна Юрьевна", [
                ("МБОУ «Средняя школа № 5 г. Вязьмы»", "г. Вязьма, ул. Полины Осипенко, д. 1"),
            ]),
            ("Рославльский район", "Титов Олег Павлович", []),
        ],
        "venues": [
            ("СмолАПО", "ОГБПОУ «Смоленская академия профессионального образования»", "6731004218",
             "г. Смоленск, ул. Лавочкина, д. 105", "0867/01234", VenueCampaign.ContractStatus.SIGNED),
            ("Смоленский строительный колледж", "ОГБПОУ «Смоленский строительный колледж»", "6731011342",
             "г. Смоленск, ул. Урицкого, д. 10", "0867/01377", VenueCampaign.ContractStatus.SENT),
        ],
        "mentor": (("Лавочкина", "Светлана", "Юрьевна"), "АО «Смоленский авиационный завод»", "инженер-технолог"),
        "target": {"navigators": 75, "students": 4500, "diagnostics": 4500, "trials": 865},
    },
]

# The demo events of each region's first venue: (key, competency code, title, mode, day offset, start hour,
# duration in hours, capacity, status). Distinct days and hours: no two events of the demo overlap.
EVENTS = [
    ("welding", "WSR-10", "Сварщик: первые швы под присмотром мастера", "offline", 3, 10, 2, 10, "published"),
    ("software", "WSR-09", "Программист 1С: автоматизируем магазин за полтора часа", "online", 5, 15, 1.5, 30,
     "published"),
    ("care", "WSR-41", "Медицинская сестра: первая помощь и уход за пациентом", "offline", 8, 11, 2, 3, "published"),
    ("design", "WSR-40", "Графический дизайнер: афиша школьного праздника", "online", 10, 16, 1.5, 12, "published"),
    ("cook", "WSR-34", "Повар: блюда русской кухни", "offline", -2, 10, 2, 15, "published"),
    ("web", "WSR-17", "Веб-разработчик: сайт-визитка класса", "online", -9, 15, 1.5, 20, "published"),
    ("robots", "WSR-23", "Инженер-робототехник: собираем мобильного робота", "offline", 12, 14, 2, 12, "submitted"),
    ("electric", "WSR-18", "Электромонтажник: собираем щиток освещения", "offline", 14, 10, 2, 10, "draft"),
]
# Who books what: in-person events take each student once; online ones are shared out among the rest.
OFFLINE_PLAN = {"welding": 8, "care": 3, "cook": 4}
WAITLIST_PLAN = {"care": 2}
ONLINE_PLAN = {"software": 8, "design": 11, "web": 6}


class DemoBuilder:
    def __init__(self):
        self.logins: list[Login] = []
        self.campaign = ensure_campaign()
        self.competencies = {c.code: c for c in ensure_competencies()}
        # The groups come with a data migration; a flushed database (a transactional test) gets them back here.
        self.nosology = {code: Nosology.objects.get_or_create(code=code)[0] for code in Nosology.Code.values}
        self.now = timezone.now()
        self.tz = timezone.get_current_timezone()
        self.password_hash = self.shared_password_hash()

    @staticmethod
    def shared_password_hash() -> str:
        """One hash for every demo login (hashing is slow on purpose): the one already stored if it still matches."""
        stored = User.objects.filter(email=f"operator@{DEMO_DOMAIN}").values_list("password", flat=True).first()
        if stored and check_password(DEMO_PASSWORD, stored):
            return stored
        return make_password(DEMO_PASSWORD)

    def user(self, local: str, names: tuple[str, str, str], role: str, region_name: str | None = None, **extra):
        email = f"{local}@{DEMO_DOMAIN}"
        last, first, middle = names
        user, _created = User.objects.update_or_create(
            email=email, defaults={"last_name": last, "first_name": first, "middle_name": middle, "is_active": True,
                                   **extra},
        )
        if user.password != self.password_hash:
            user.password = self.password_hash
            user.save(update_fields=["password"])
        where = region_name or _("all regions")
        self.logins.append(Login(email, DEMO_PASSWORD, f"{ROLE_LABELS[role]} ({where})"))
        return user

    def at(self, days: int, hour: float) -> dt.datetime:
        day = timezone.localdate() + dt.timedelta(days=days)
        return dt.datetime.combine(day, dt.time(int(hour), int(hour % 1 * 60)), self.tz)

    def build(self) -> list[Login]:
        # The bank comes with a migration; a flushed database has lost it.
        install_diagnostic_bank(apps.get_model)
        install_consent_text(apps.get_model)
        self.consent_text = ConsentText.objects.order_by("version").first()
        self.user("operator", ("Орлова", "Наталья", "Петровна"), "operator", is_staff=True,
                             is_superuser=True)
        ensure_monitoring_indicators()
        regions = [self.region(spec) for spec in REGIONS]
        ensure_invited_navigators(regions=regions, domain=DEMO_DOMAIN, now=self.now)
        curator_user = self.user("curator", ("Белов", "Андрей", "Игоревич"), "curator", REGIONS[0]["name"])
        curator, _created = Curator.objects.get_or_create(user=curator_user)
        curator.regions.set([regions[0]])
        self.curator_request(curator_user, regions[0])
        return self.logins

    @staticmethod
    def curator_request(curator_user, region: Region) -> None:
        """One open request of the curator to the region's coordinator (issue 15 §1), sent once."""
        from regions.models import CuratorRequest
        from regions.services.requests import request_create

        subject = "Список педагогов-навигаторов с контактами"
        if not CuratorRequest.objects.filter(region=region, subject=subject).exists():
            request_create(
                actor=curator_user, region=region, subject=subject,
                text="Пришлите, пожалуйста, список педагогов-навигаторов региона с телефонами и адресами почты.",
            )

    def region(self, spec) -> Region:
        code, name, offset = spec["code"], spec["name"], spec["offset"]
        region, _created = Region.objects.update_or_create(code=code, defaults={"name": name})
        RegionTarget.objects.update_or_create(
            campaign=self.campaign, region=region, defaults={**spec["target"], "students_per_navigator": 70}
        )
        names, organisation, position = spec["coordinator"]
        coordinator_user = self.user(f"coordinator{code}", names, "coordinator", name)
        ensure_region_records(region=region, campaign=self.campaign, coordinator=coordinator_user)
        Coordinator.objects.update_or_create(
            user=coordinator_user, region=region,
            defaults={"organisation": organisation, "position": position,
                      "approved_at": dt.datetime(2026, 3, 20, 10, 0, tzinfo=self.tz)},
        )

        schools = []
        for m_name, responsible, school_specs in spec["municipalities"]:
            municipality, _created = Municipality.objects.update_or_create(
                region=region, name=m_name,
                defaults={"responsible_name": responsible, "responsible_email": f"proforient{code}@{DEMO_DOMAIN}"},
            )
            for short_name, address in school_specs:
                full = short_name.replace("МБОУ", "Муниципальное бюджетное общеобразовательное учреждение")
                school, _created = School.objects.update_or_create(
                    municipality=municipality, short_name=short_name,
                    defaults={"region": region, "name": full, "address": address,
                              "inn": f"{code}{offset + len(schools) + 1:08d}"},
                )
                schools.append(school)

        students = self.students(region, code, offset, schools)
        venue = self.venues(region, spec, code)
        mentor = self.mentor(region, spec, code, venue)
        events = self.events(region, venue, mentor)
        self.bookings(events, students, mentor)
        return region

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

    def venues(self, region, spec, code) -> Venue:
        first_municipality = Municipality.objects.get(region=region, name=spec["municipalities"][0][0])
        main = None
        for n, (short, full, inn, address, licence, contract) in enumerate(spec["venues"]):
            venue, _created = Venue.objects.update_or_create(
                region=region, inn=inn,
                defaults={"municipality": first_municipality, "name": full, "short_name": short, "address": address,
                          "licence_number": licence, "licence_issued_on": dt.date(2016, 2, 1),
                          "accessibility_notes": "Пандус у главного входа, лифт, туалет для маломобильных посетителей"
                          if n == 0 else "", "contact_name": "Приёмная", "email": f"college{code}{n}@{DEMO_DOMAIN}",
                          "phone": "+7 4872 00-00-00" if code == "71" else "+7 4812 00-00-00"},
            )
            if n == 0:
                venue.accessible_for.set([self.nosology["musculoskeletal"], self.nosology["hearing"]])
                main = venue
            signed = contract == VenueCampaign.ContractStatus.SIGNED
            # in force a year ahead at least, so the demo's venues keep submitting whenever it is seeded
            until = max(self.campaign.ends_on, timezone.localdate() + dt.timedelta(days=365))
            VenueCampaign.objects.update_or_create(
                venue=venue, campaign=self.campaign,
                defaults={"contract_status": contract, "contract_number": f"БВБ-2026/{code}-{n + 1}",
                          "contract_signed_on": dt.date(2026, 4, 20) if signed else None,
                          "contract_valid_from": dt.date(2026, 4, 20) if signed else None,
                          "contract_valid_until": until if signed else None},
            )
            suffix = "" if n == 0 else "b"
            user = self.user(f"venue{code}{suffix}", person(int(code) + n, female=n == 0, adult=True),
                             "venue_staff", region.name)
            VenueStaff.objects.update_or_create(user=user, venue=venue,
                                                defaults={"position": "ответственный за проект"})
        return main

    def mentor(self, region, spec, code, venue) -> Mentor:
        names, organisation, position = spec["mentor"]
        user = self.user(f"mentor{code}", names, "mentor", region.name)
        mentor, _created = Mentor.objects.update_or_create(
            user=user,
            defaults={"region": region, "last_name": names[0], "first_name": names[1], "middle_name": names[2],
                      "organisation": organisation, "position": position, "email": user.email},
        )
        mentor.competencies.set([self.competencies[c] for c in ("WSR-10", "WSR-09", "WSR-17", "WSR-34")])
        mentor.venues.set([venue])
        return mentor

    def events(self, region, venue, mentor) -> dict[str, Event]:
        events = {}
        for key, competency, title, mode, days, hour, hours, capacity, status in EVENTS:
            starts_at = self.at(days, hour)
            offline = mode == "offline"
            published = status == "published"
            event, _created = Event.objects.update_or_create(
                venue=venue, title=title,
                defaults={
                    "region": region, "campaign": self.campaign, "competency": self.competencies[competency],
                    "description": f"Профессиональная проба по компетенции «{self.competencies[competency].name}». "
                                   "Наставник расскажет о профессии, участники выполнят практическое задание.",
                    "level": Event.Level.INTRODUCTORY if offline else Event.Level.ENGAGED,
                    "mode": mode, "address": venue.address if offline else "",
                    "online_url": "" if offline else f"https://online.{DEMO_DOMAIN}/{region.code}/{key}",
                    "starts_at": starts_at, "ends_at": starts_at + dt.timedelta(hours=hours),
                    "capacity": capacity, "seats_taken": 0, "grade_min": 6, "grade_max": 11, "status": status,
                    "submitted_at": self.now - dt.timedelta(days=20) if status != "draft" else None,
                    "published_at": self.now - dt.timedelta(days=18) if published else None,
                    "attendance_marked_at": self.at(days, hour + hours + 1) if key == "web" else None,
                },
            )
            event.mentors.set([mentor])
            event.accessible_for.set([self.nosology["hearing"]] if key == "software" else [])
            events[key] = event
        return events

    def bookings(self, events: dict[str, Event], students: list[Student], mentor: Mentor):
        plan: list[tuple[Event, Student, str]] = []
        pool = iter(students)
        for key, count in OFFLINE_PLAN.items():
            plan += [(events[key], next(pool), "confirmed") for _n in range(count)]
        for key, count in WAITLIST_PLAN.items():
            plan += [(events[key], next(pool), "waitlisted") for _n in range(count)]
        # Online seats go round the students, at most 3 each: with one in person that is the campaign's 4.
        cursor = 0
        for key, count in ONLINE_PLAN.items():
            for _n in range(count):
                plan.append((events[key], students[cursor % len(students)], "confirmed"))
                cursor += 1
        for event, student, status in plan:
            if status == "confirmed" and event.attendance_marked_at:
                status = "no_show" if student.pk % 5 == 0 else "attended"
            booking = Booking.objects.filter(event=event, student=student).order_by("-pk").first()
            if booking is None:
                booking = Booking.objects.create(event=event, student=student, status=status)
            elif booking.status != status:
                booking.status = status
                booking.cancelled_at = None
                booking.save(update_fields=["status", "cancelled_at"])
            if status == "attended" and not Recommendation.objects.filter(mentor=mentor).exists():
                Recommendation.objects.create(
                    booking=booking, mentor=mentor, competency=event.competency,
                    text="Хорошо справляется с вёрсткой и любит доводить работу до конца. Рекомендуем углублённую "
                         "пробу по компетенции «Веб-технологии» и кружок программирования в центре «IT-куб».",
                )
        held = Count("bookings", filter=Q(bookings__status__in=SEAT_HOLDING))
        for event in Event.objects.filter(pk__in=[e.pk for e in events.values()]).annotate(held=held):
            Event.objects.filter(pk=event.pk).update(seats_taken=event.held, capacity=max(event.capacity, event.held))


@transaction.atomic
def seed_demo() -> list[Login]:
    return DemoBuilder().build()


def demo_invitation_paths() -> list[tuple[str, str]]:
    """(the student's login, the path of their parent's pending invitation) for each demo region."""
    return [
        (f"student{spec['code']}b@{DEMO_DOMAIN}",
         reverse("participants:guardian_invitation", args=[DEMO_INVITATION_TOKEN.format(code=spec["code"])]))
        for spec in REGIONS
    ]
