"""The navigation entry of the online diagnostics, added to bilet.navigation.ITEMS when the app is ready (the label
stays in this app's catalogue, as venues does with its entries)."""

from django.utils.translation import gettext_lazy as _

from bilet.navigation import NavItem

# A student takes the stages; a guardian follows the children's (participants.diagnostic_views.diagnostics_hub).
DIAGNOSTICS_ITEM = NavItem(
    _("Diagnostics"), "participants:diagnostics_hub", lambda r: r.student_id is not None or r.guardian_id is not None
)


def register() -> None:
    from bilet.navigation import ITEMS

    if DIAGNOSTICS_ITEM not in ITEMS:
        ITEMS.append(DIAGNOSTICS_ITEM)
