from django.utils.translation import gettext as _

from bilet.roles import get_roles


class RecordError(Exception):
    """A refused write of a region's record; the message is a sentence for the user, `field` the form field it is
    about (None: the record or the user as a whole)."""

    def __init__(self, message: str, *, field: str | None = None):
        super().__init__(message)
        self.message = message
        self.field = field


def require_region_editor(actor, region_id: int) -> None:
    """Only the region's coordinator and operator staff change its records; a curator reads them (SPEC §2)."""
    roles = get_roles(actor)
    if not (roles.operator or region_id in roles.coordinator_region_ids):
        raise RecordError(_("Only the region's coordinator can change its records."))
