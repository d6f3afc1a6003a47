"""The name of each figure as a reader sees it (tables, sheets, pages): Russian through the catalogue."""

from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from regions.models import Nosology
from venues.models import Event

FIGURE_LABELS = {
    "students_registered": _("Students registered"),
    "diagnostics_completed": _("Students who completed all 3 diagnostic stages"),
    "participants": _("Participants of trials (distinct students)"),
    "participants_introductory": _("Participants: introductory level"),
    "participants_engaged": _("Participants: engaged choice level"),
    "participants_in_depth": _("Participants: in-depth choice level"),
    "participants_offline": _("Participants: in person"),
    "participants_online": _("Participants: online"),
    "participations": _("Participations (attended bookings)"),
    "participants_disabled": _("Participants with disabilities"),
    "participants_by_nosology": _("Participants with disabilities by group and mode"),
    "events_held": _("Events held"),
    "mentors_active": _("Mentors who ran events"),
    "venues_active": _("Venues that held events"),
    "navigators": _("Teacher-navigators"),
    "navigators_at_quota": _("Navigators who met the students quota"),
    "consents_active": _("Students with a personal data consent in force"),
    "target_students": _("Target: students"),
    "target_navigators": _("Target: navigators"),
    "target_diagnostics": _("Target: completed diagnostics"),
    "target_trials": _("Target: trials (participations)"),
    "promotion_measures": _("Promotion measures"),
    "team_trainings": _("Team trainings"),
    "training_needs": _("Training needs"),
    "media_files": _("Photos and videos"),
    "appeals": _("Citizens' appeals"),
}

NOSOLOGY_LABELS = dict(Nosology.Code.choices)
MODE_LABELS = dict(Event.Mode.choices)
LEVEL_LABELS = dict(Event.Level.choices)

REPORT_TITLES = {
    "monthly": _("Monthly report of the region"),
    "campaign": _("Campaign report of the region"),
    "national": _("National summary of the regions"),
    "monitoring": _("Monitoring indicators"),
}

AS_OF = pgettext_lazy("report column", "as of the end of the period")
WITHIN = pgettext_lazy("report column", "within the period")
