"""The demo's venues with their contracts and staff, the mentor, the events of the first venue and their bookings."""

import datetime as dt

from django.db.models import Count, Q
from django.utils import timezone

from participants.models import Student
from regions.models import Municipality
from venues.models import Booking, Event, Mentor, Recommendation, Venue, VenueCampaign, VenueStaff

from .demo_logins import DEMO_DOMAIN
from .reference_data import person

# Statuses under which a booking holds a seat (attendance does not give the seat back).
SEAT_HOLDING = [Booking.Status.CONFIRMED, Booking.Status.ATTENDED, Booking.Status.NO_SHOW]

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


class DemoVenues:
    """Part of `demo.DemoBuilder`: the region's venues, mentor, events and bookings (`user`, `at` and the shared
    values are the builder's)."""

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
