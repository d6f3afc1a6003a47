"""The navigation entry of the online diagnostics, added to bilet.navigation.ITEMS when the app is ready (the label
stays in this app's catalogue, as venues does with its entries)."""

from django.utils.translation import gettext_lazy as _

from bilet.navigation import NavItem

# A student takes the stages; a guardian follows the children's (participants.diagnostic_views.diagnostics_hub).
DIAGNOSTICS_ITEM = NavItem(
    _("Diagnostics"), "participants:diagnostics_hub", lambda r: r.student_id is not None or r.guardian_id is not None
)

# A parent's confirmed children and the invitations waiting for an answer; a student's parents (issue 14 §1).
MY_CHILDREN_ITEM = NavItem(_("My children"), "participants:my_children", lambda r: r.guardian_id is not None)
MY_PARENTS_ITEM = NavItem(_("My parents"), "participants:my_guardians", lambda r: r.student_id is not None)


# Imports (issue 14 §3): navigators register and import their classes; coordinators also import navigator lists.
IMPORT_ITEMS = [
    NavItem(
        _("Import of students"), "participants:import_students",
        lambda r: r.operator or bool(r.coordinator_region_ids or r.navigator_school_ids), "people",
    ),
    NavItem(
        _("Import of navigators"), "participants:import_navigators",
        lambda r: r.operator or bool(r.coordinator_region_ids), "people",
    ),
]


# A guardian gives, reads and withdraws each child's consent; coordinators follow the coverage (issue 14 §4).
CONSENTS_ITEM = NavItem(_("Consents"), "participants:consent_children", lambda r: r.guardian_id is not None)
COVERAGE_ITEM = NavItem(
    _("Consent coverage"), "participants:consent_coverage", lambda r: r.operator or bool(r.coordinator_region_ids),
    "people",
)


def register() -> None:
    from bilet.navigation import ITEMS

    for item in (DIAGNOSTICS_ITEM, MY_CHILDREN_ITEM, MY_PARENTS_ITEM, CONSENTS_ITEM, COVERAGE_ITEM, *IMPORT_ITEMS):
        if item not in ITEMS:
            ITEMS.append(item)
