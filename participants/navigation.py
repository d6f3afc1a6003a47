"""The navigation entry of the online diagnostics, added to bilet.navigation.ITEMS when the app is ready (the label
stays in this app's catalogue, as venues does with its entries)."""

from django.utils.translation import gettext_lazy as _

from bilet.navigation import NavItem

# A student takes the stages; a guardian follows the children's (participants.diagnostic_views.diagnostics_hub).
DIAGNOSTICS_ITEM = NavItem(
    _("Diagnostics"), "participants:diagnostics_hub", lambda r: r.student_id is not None or r.guardian_id is not None
)

# A guardian gives, reads and withdraws each child's consent; coordinators follow the coverage (issue 14 §4).
CONSENTS_ITEM = NavItem(_("Consents"), "participants:consent_children", lambda r: r.guardian_id is not None)
COVERAGE_ITEM = NavItem(
    _("Consent coverage"), "participants:consent_coverage", lambda r: r.operator or bool(r.coordinator_region_ids)
)


def register() -> None:
    from bilet.navigation import ITEMS

    for item in (DIAGNOSTICS_ITEM, CONSENTS_ITEM, COVERAGE_ITEM):
        if item not in ITEMS:
            ITEMS.append(item)
