"""Rows of the regions and their people: municipalities, schools, users, coordinators, navigators, students, their
guardians and consents, the diagnostics' results."""

from __future__ import annotations

from bilet.models import User
from participants.models import Consent, DiagnosticResult, Guardian, Guardianship, Navigator, Student
from regions.models import Coordinator, Municipality, Region, RegionTarget, School

from .shape import LOAD_DOMAIN, MENTORS_PER_VENUE, REGION_PREFIX, RegionPlan, diagnostic_stages, has_consent


class PeopleRows:
    """Part of `LoadGenerator`: one method per table, each writing the table's rows for every region."""

    def user_row(self, uid: int, email: str, names: tuple[str, str, str]):
        last, first, middle = names
        # id, password, last_login, is_superuser, first_name, last_name, is_staff, is_active, date_joined, email,
        # middle_name, phone
        return (uid, self.password_hash, None, False, first, last, False, True, self.stamp, email, middle, "")

    USER_COLUMNS = ["id", "password", "last_login", "is_superuser", "first_name", "last_name", "is_staff", "is_active",
                    "date_joined", "email", "middle_name", "phone"]

    def regions(self, label):
        rows = [(p.ids["region"], f"{REGION_PREFIX}{p.number:02d}", f"Нагрузочный регион {p.number:02d}")
                for p in self.plans]
        self.writer.write(Region, ["id", "code", "name"], rows, label)
        RegionTarget.objects.bulk_create([
            RegionTarget(campaign=self.campaign, region_id=p.ids["region"], navigators=max(75, p.navigators),
                         students=max(4500, p.students), diagnostics=max(4500, p.students), trials=865)
            for p in self.plans
        ])

    def municipalities(self, label):
        def rows():
            for p in self.plans:
                for m in range(p.municipalities):
                    yield (p.ids["municipality"] + m, p.ids["region"], f"Муниципальный район {p.number:02d}-{m + 1:03d}",
                           "", "", "")
        self.writer.write(Municipality, ["id", "region_id", "name", "responsible_name", "responsible_email",
                                         "responsible_phone"], rows(), label)

    def municipality_of_school(self, p: RegionPlan, j: int) -> int:
        return p.ids["municipality"] + j * p.municipalities // p.schools

    def schools(self, label):
        def rows():
            for p in self.plans:
                for j in range(p.schools):
                    short = f"Школа № {j + 1}"
                    yield (p.ids["school"] + j, p.ids["region"], self.municipality_of_school(p, j),
                           f"Муниципальное бюджетное общеобразовательное учреждение «Средняя школа № {j + 1}»", short,
                           "", f"Нагрузочный регион {p.number:02d}, ул. Школьная, д. {j + 1}", "", "", "")
        self.writer.write(School, ["id", "region_id", "municipality_id", "name", "short_name", "inn", "address",
                                   "director_name", "email", "phone"], rows(), label)

    def users(self, label):
        names, adults = self.names, self.adult_names

        def rows():
            row = self.user_row
            for p in self.plans:
                u = self.user_ids(p)
                for k in range(p.students):
                    i = p.first_student + k
                    yield row(u["student"] + k, f"student{i}@{LOAD_DOMAIN}", names[i % 997])
                for k in range(p.students):
                    i = p.first_student + k
                    yield row(u["guardian"] + k, f"guardian{i}@{LOAD_DOMAIN}", adults[i % 499])
                for n in range(p.navigators):
                    yield row(u["navigator"] + n, f"navigator{p.number:02d}-{n + 1}@{LOAD_DOMAIN}", adults[n % 499])
                for v in range(p.venues):
                    yield row(u["venue"] + v, f"venue{p.number:02d}-{v + 1}@{LOAD_DOMAIN}", adults[(v + 7) % 499])
                for m in range(p.venues * MENTORS_PER_VENUE):
                    yield row(u["mentor"] + m, f"mentor{p.number:02d}-{m + 1}@{LOAD_DOMAIN}", adults[(m + 3) % 499])
                yield row(u["coordinator"], f"coordinator{p.number:02d}@{LOAD_DOMAIN}", adults[p.number % 499])
        self.writer.write(User, self.USER_COLUMNS, rows(), label, big=True)

    def coordinators(self, label):
        rows = [(self.user_ids(p)["coordinator"], p.ids["region"], "Региональный центр «Билет в будущее»",
                 "региональный координатор", self.stamp) for p in self.plans]
        self.writer.write(Coordinator, ["user_id", "region_id", "organisation", "position", "approved_at"], rows, label)

    def navigator_of_school(self, p: RegionPlan) -> list[int | None]:
        """The navigator who registers each school's students (schools without one have none)."""
        result: list[int | None] = [None] * p.schools
        for n in range(p.navigators):
            j = n * p.schools // p.navigators
            if result[j] is None:
                result[j] = p.ids["navigator"] + n
        return result

    def navigators(self, label):
        def rows():
            for p in self.plans:
                u = self.user_ids(p)["navigator"]
                for n in range(p.navigators):
                    yield (p.ids["navigator"] + n, u + n, n * p.schools // p.navigators + p.ids["school"],
                           p.ids["region"], "учитель", None, self.stamp)
        self.writer.write(Navigator, ["id", "user_id", "school_id", "region_id", "position", "training_completed_on",
                                      "created_at"], rows(), label)

    def students(self, label):
        names, nosologies, stamp = self.names, self.nosologies, self.stamp
        # Grade and birth date depend on i modulo 84 (the grade on i % 6, the month on i % 12, the day on i % 28).
        born = [(6 + i % 6, f"{2014 - i % 6}-{1 + i % 12:02d}-{1 + i % 28:02d}") for i in range(84)]

        def rows():
            for p in self.plans:
                u = self.user_ids(p)["student"]
                navigator = self.navigator_of_school(p)
                municipality = [self.municipality_of_school(p, j) for j in range(p.schools)]
                for k in range(p.students):
                    i = p.first_student + k
                    j = p.school_of(k)
                    grade, birth_date = born[i % 84]
                    last, first, middle = names[i % 997]
                    yield (p.ids["student"] + k, u + k, p.ids["region"], municipality[j], p.ids["school"] + j, last,
                           first, middle, birth_date, grade, "АБВ"[i % 3],
                           nosologies[i % len(nosologies)] if i % 50 == 7 else None, navigator[j], stamp, None)
        self.writer.write(Student, ["id", "user_id", "region_id", "municipality_id", "school_id", "last_name",
                                    "first_name", "middle_name", "birth_date", "grade", "class_letter", "nosology_id",
                                    "registered_by_id", "created_at", "anonymised_at"], rows(), label, big=True)

    def guardians(self, label):
        def rows():
            for p in self.plans:
                u = self.user_ids(p)["guardian"]
                for k in range(p.students):
                    yield p.ids["guardian"] + k, u + k
        self.writer.write(Guardian, ["id", "user_id"], rows(), label, big=True)

    def guardianships(self, label):
        def rows():
            for p in self.plans:
                for k in range(p.students):
                    yield p.ids["guardian"] + k, p.ids["student"] + k, "mother" if k % 3 else "father"
        self.writer.write(Guardianship, ["guardian_id", "student_id", "relation"], rows(), label, big=True)

    def consents(self, label):
        adults = self.adult_names

        def rows():
            for p in self.plans:
                for k in range(p.students):
                    i = p.first_student + k
                    if has_consent(i):
                        last, first, middle = adults[i % 499]
                        yield (p.ids["student"] + k, p.ids["guardian"] + k, f"{last} {first} {middle}", self.stamp,
                               "electronic", "2026-09-15" if i % 2 else None, None, None, None)
        self.writer.write(Consent, ["student_id", "guardian_id", "given_by_name", "given_at", "method",
                                    "paper_received_on", "paper_received_by_id", "withdrawn_at", "withdrawn_by_id"],
                          rows(), label, big=True)

    def diagnostics(self, label):
        results = ["Склонность к профессиям типа «человек — техника»", "Склонность к профессиям типа «человек — человек»",
                   "Склонность к профессиям типа «человек — знак»"]

        def rows():
            for p in self.plans:
                for k in range(p.students):
                    i = p.first_student + k
                    for stage in range(1, diagnostic_stages(i) + 1):
                        yield p.ids["student"] + k, stage, self.stamp, results[(i + stage) % 3], [], []
        # Results without a version (as if imported): no scores or spheres, the JSON columns are NOT NULL.
        self.writer.write(DiagnosticResult, ["student_id", "stage", "completed_at", "result", "scores", "spheres"],
                          rows(), label, big=True)
