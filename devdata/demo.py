"""The demo data of SPEC §6: two regions with every role, so that a person can see what each one sees.

Idempotent: every row is found by its natural key (an email, a code, a school and a name, a venue and an event title)
and brought back to the demo state, so a second run changes nothing and prints the same logins.

- `demo_logins.py` — the addresses, the password and the printed lines; `demo_regions.py` — what the two regions hold;
- `demo_students.py` — students, navigators, families, consents, diagnostics; `demo_venues.py` — venues, events,
  bookings; `demo_records.py` — the coordinator's records and monitoring indicators; `demo_roadmap.py` — the
  regions' roadmaps; `reference_data.py` — names, competencies, the campaign.
"""

import datetime as dt

from django.apps import apps
from django.contrib.auth.hashers import check_password, make_password
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from bilet.models import User
from bilet.roles import ROLE_LABELS
from participants.consent_texts import install_consent_text
from participants.diagnostic_bank import install_diagnostic_bank
from participants.models import ConsentText
from regions.models import Coordinator, Curator, Municipality, Nosology, Region, RegionTarget, School

from .demo_logins import DEMO_DOMAIN, DEMO_INVITATION_TOKEN, DEMO_PASSWORD, Login
from .demo_participants import ensure_invited_navigators
from .demo_records import ensure_monitoring_indicators, ensure_region_records
from .demo_regions import REGIONS
from .demo_roadmap import ensure_roadmap
from .demo_showcase import ensure_showcase
from .demo_students import DemoStudents
from .demo_venues import DemoVenues
from .reference_data import ensure_campaign, ensure_competencies


class DemoBuilder(DemoStudents, DemoVenues):
    """Builds the demo region by region; `DemoStudents` and `DemoVenues` build the parts of each."""

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
        ensure_showcase(region=regions[0], campaign=self.campaign,
                        coordinator=User.objects.get(email=f"coordinator{regions[0].code}@{DEMO_DOMAIN}"))
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
        ensure_roadmap(region=region, campaign=self.campaign, coordinator=coordinator_user)

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
