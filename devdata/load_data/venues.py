"""Rows of the venues and what happens there: contracts, staff, mentors, events and their bookings."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from venues.models import Booking, Event, Mentor, Venue, VenueCampaign, VenueStaff

from .shape import LOAD_DOMAIN, MENTORS_PER_VENUE, RegionPlan, has_consent


class VenueRows:
    """Part of `LoadGenerator`: one method per table, each writing the table's rows for every region."""

    def event_times(self, plan: RegionPlan, e: int) -> tuple[dt.datetime, dt.datetime, str]:
        day = timezone.localdate(self.now) + dt.timedelta(days=(e * 7 + plan.number) % 150 - 30)
        if e < plan.offline_events:
            start, minutes, mode = dt.time(10), 120, "offline"
        else:
            start, minutes, mode = (dt.time(14) if (e - plan.offline_events) % 2 == 0 else dt.time(16)), 90, "online"
        starts_at = dt.datetime.combine(day, start, self.tz)
        return starts_at, starts_at + dt.timedelta(minutes=minutes), mode

    def venues(self, label):
        def rows():
            for p in self.plans:
                for v in range(p.venues):
                    yield (p.ids["venue"] + v, p.ids["region"], p.ids["municipality"] + v % p.municipalities,
                           f"Государственное профессиональное образовательное учреждение «Колледж № {v + 1}»",
                           f"Колледж № {v + 1}", f"{p.number:02d}{v + 1:08d}",
                           f"Нагрузочный регион {p.number:02d}, ул. Профессиональная, д. {v + 1}",
                           f"Л{p.number:02d}-{v + 1:05d}", None, "", "", "", "", True)
        self.writer.write(Venue, ["id", "region_id", "municipality_id", "name", "short_name", "inn", "address",
                                  "licence_number", "licence_issued_on", "accessibility_notes", "contact_name",
                                  "email", "phone", "is_active"], rows(), label)

    def venue_campaigns(self, label):
        def rows():
            for p in self.plans:
                for v in range(p.venues):
                    yield (p.ids["venue"] + v, self.campaign.pk, None, self.stamp, f"БВБ-{p.number:02d}-{v + 1}",
                           "signed", "2026-04-20", "2026-04-20", until)
        until = (timezone.localdate() + dt.timedelta(days=365)).isoformat()  # in force a year ahead at least
        self.writer.write(VenueCampaign, ["venue_id", "campaign_id", "assigned_by_id", "assigned_at",
                                          "contract_number", "contract_status", "contract_signed_on",
                                          "contract_valid_from", "contract_valid_until"], rows(), label)

    def venue_staff(self, label):
        def rows():
            for p in self.plans:
                u = self.user_ids(p)["venue"]
                for v in range(p.venues):
                    yield u + v, p.ids["venue"] + v, "ответственный за проект"
        self.writer.write(VenueStaff, ["user_id", "venue_id", "position"], rows(), label)

    def mentors(self, label):
        adults, competencies = self.adult_names, self.competencies

        def rows():
            for p in self.plans:
                u = self.user_ids(p)["mentor"]
                for m in range(p.venues * MENTORS_PER_VENUE):
                    last, first, middle = adults[(m + 3) % 499]
                    yield (p.ids["mentor"] + m, u + m, p.ids["region"], last, first, middle, "ООО «Предприятие»",
                           "мастер производственного обучения", "", "")

        def competency_rows():
            for p in self.plans:
                for m in range(p.venues * MENTORS_PER_VENUE):
                    for c in (m, m + 1):
                        yield p.ids["mentor"] + m, competencies[c % len(competencies)]

        def venue_rows():
            for p in self.plans:
                for m in range(p.venues * MENTORS_PER_VENUE):
                    yield p.ids["mentor"] + m, p.ids["venue"] + m // MENTORS_PER_VENUE
        self.writer.write(Mentor, ["id", "user_id", "region_id", "last_name", "first_name", "middle_name",
                                   "organisation", "position", "email", "phone"], rows(), label)
        self.writer.write(Mentor.competencies.through, ["mentor_id", "competency_id"], competency_rows(), label)
        self.writer.write(Mentor.venues.through, ["mentor_id", "venue_id"], venue_rows(), label)

    def seats(self, p: RegionPlan) -> list[int]:
        taken = [0] * p.events
        for k in range(p.students):
            if has_consent(p.first_student + k):
                for e in p.bookings_of(k):
                    taken[e] += 1
        return taken

    def events(self, label):
        competencies, campaign = self.competencies, self.campaign.pk
        self.past: dict[int, list[bool]] = {}

        def rows():
            for p in self.plans:
                taken = self.seats(p)
                past = self.past[p.number] = []
                for e in range(p.events):
                    starts_at, ends_at, mode = self.event_times(p, e)
                    past.append(starts_at < self.now)
                    v = e % p.venues
                    # One event in ten is full; the others keep a few seats.
                    capacity = max(taken[e], 1) + (0 if e % 10 == 0 else 3 + e % 17)
                    online = mode == "online"
                    yield (p.ids["event"] + e, p.ids["venue"] + v, p.ids["region"], campaign,
                           competencies[e % len(competencies)], f"Профессиональная проба № {e + 1}", "",
                           "introductory" if e % 3 else "engaged", mode,
                           "" if online else f"Нагрузочный регион {p.number:02d}, ул. Профессиональная, д. {v + 1}",
                           f"https://online.{LOAD_DOMAIN}/{p.number}/{e}" if online else "",
                           starts_at, ends_at, capacity, taken[e], 6, 11, "published", "", None, self.stamp,
                           self.stamp, self.stamp, ends_at if past[-1] else None)

        def mentor_rows():
            for p in self.plans:
                for e in range(p.events):
                    yield p.ids["event"] + e, p.ids["mentor"] + (e % p.venues) * MENTORS_PER_VENUE + e % 2
        self.writer.write(Event, ["id", "venue_id", "region_id", "campaign_id", "competency_id", "title",
                                  "description", "level", "mode", "address", "online_url", "starts_at", "ends_at",
                                  "capacity", "seats_taken", "grade_min", "grade_max", "status",
                                  "coordinator_comment", "created_by_id", "created_at", "submitted_at", "published_at",
                                  "attendance_marked_at"], rows(), label, big=True)
        self.writer.write(Event.mentors.through, ["event_id", "mentor_id"], mentor_rows(), label, big=True)

    def bookings(self, label):
        def rows():
            stamp = self.stamp
            for p in self.plans:
                past = self.past[p.number]
                u = self.user_ids(p)["student"]
                for k in range(p.students):
                    i = p.first_student + k
                    if not has_consent(i):
                        continue
                    for e in p.bookings_of(k):
                        status = ("no_show" if k % 7 == 3 else "attended") if past[e] else "confirmed"
                        yield p.ids["event"] + e, p.ids["student"] + k, status, u + k, stamp, None
        self.writer.write(Booking, ["event_id", "student_id", "status", "booked_by_id", "created_at", "cancelled_at"],
                          rows(), label, big=True)
