"""Campaigns assigned to venues and the venues' contracts with the operator (seed 000 §5.4).

The coordinator of the venue's region (or operator staff) assigns the campaign and keeps the contract: its number,
dates, status and documents. Only an assigned venue whose contract is signed and in force may submit events
(`submission_refusal`, called by `event_submit`).
"""

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from bilet.roles import get_roles

from ..models import Event, Venue, VenueCampaign, VenueContractDocument

CONTRACT_FIELDS = ("contract_number", "contract_status", "contract_signed_on", "contract_valid_from",
                   "contract_valid_until")


class ContractError(Exception):
    """A refused change of a venue's assignment or contract; the message is a sentence for the user."""

    def __init__(self, message: str, *, field: str | None = None):
        super().__init__(message)
        self.message = message
        self.field = field


def _require_coordinator(actor, venue: Venue) -> None:
    roles = get_roles(actor)
    if not (roles.operator or venue.region_id in roles.coordinator_region_ids):
        raise ContractError(_("Only the coordinator of the venue's region can do this."))


def submission_refusal(assignment: VenueCampaign | None, *, campaign, today: dt.date) -> str | None:
    """Why a venue may not submit an event of `campaign` today (a sentence), or None when it may."""
    if assignment is None:
        return _("The campaign «%(campaign)s» is not assigned to the venue; ask the regional coordinator.") % {
            "campaign": campaign.name}
    until = assignment.contract_valid_until
    if assignment.contract_status == VenueCampaign.ContractStatus.EXPIRED or (
        assignment.contract_status == VenueCampaign.ContractStatus.SIGNED and until is not None and until < today
    ):
        if until is not None:
            return _("The venue's contract for the campaign «%(campaign)s» expired on %(date)s; events can be "
                     "submitted once a new one is signed.") % {
                "campaign": campaign.name, "date": date_format(until, "SHORT_DATE_FORMAT")}
        return _("The venue's contract for the campaign «%(campaign)s» has expired; events can be submitted once "
                 "a new one is signed.") % {"campaign": campaign.name}
    if assignment.contract_status != VenueCampaign.ContractStatus.SIGNED:
        return _("The venue's contract for the campaign «%(campaign)s» is not signed (%(status)s); events can be "
                 "submitted once it is.") % {
            "campaign": campaign.name, "status": assignment.get_contract_status_display()}
    since = assignment.contract_valid_from
    if since is not None and since > today:
        return _("The venue's contract for the campaign «%(campaign)s» comes into force on %(date)s; events can be "
                 "submitted from that day.") % {"campaign": campaign.name, "date": date_format(since, "SHORT_DATE_FORMAT")}
    return None


@transaction.atomic
def venue_campaign_assign(*, actor, venue: Venue, campaign, assigned: bool) -> VenueCampaign | None:
    """Assign the campaign to the venue, or take it back; a venue that already sent events of the campaign to the
    coordinator keeps it (its events would lose their contract)."""
    _require_coordinator(actor, venue)
    existing = VenueCampaign.objects.select_for_update().filter(venue=venue, campaign=campaign).first()
    if assigned:
        if existing is not None:
            return existing
        return VenueCampaign.objects.create(venue=venue, campaign=campaign, assigned_by=actor,
                                            contract_status=VenueCampaign.ContractStatus.DRAFT)
    if existing is None:
        return None
    sent = Event.objects.filter(venue=venue, campaign=campaign).exclude(status=Event.Status.DRAFT)
    if sent.exists():
        raise ContractError(
            _("The venue has already submitted events of the campaign «%(campaign)s»; the campaign cannot be taken "
              "back.") % {"campaign": campaign.name})
    existing.delete()
    return None


@transaction.atomic
def venue_contract_update(*, actor, assignment: VenueCampaign, **fields) -> VenueCampaign:
    """Change the contract's number, status and dates."""
    unknown = set(fields) - set(CONTRACT_FIELDS)
    if unknown:
        raise TypeError(f"venue_contract_update() got unexpected fields {sorted(unknown)}")
    assignment = VenueCampaign.objects.select_for_update().select_related("venue").get(pk=assignment.pk)
    _require_coordinator(actor, assignment.venue)
    for name, value in fields.items():
        setattr(assignment, name, value)
    status = assignment.contract_status
    signed = VenueCampaign.ContractStatus.SIGNED
    if status in (signed, VenueCampaign.ContractStatus.EXPIRED):
        if not assignment.contract_number.strip():
            raise ContractError(_("Enter the number of the signed contract."), field="contract_number")
        if assignment.contract_signed_on is None:
            raise ContractError(_("Enter the date the contract was signed."), field="contract_signed_on")
    if status == signed and assignment.contract_valid_until is None:
        raise ContractError(_("Enter the last day the contract is in force."), field="contract_valid_until")
    if (assignment.contract_valid_from and assignment.contract_valid_until
            and assignment.contract_valid_until < assignment.contract_valid_from):
        raise ContractError(_("The contract cannot end before it comes into force."), field="contract_valid_until")
    if assignment.contract_signed_on and assignment.contract_signed_on > timezone.localdate():
        raise ContractError(_("The contract cannot be signed in the future."), field="contract_signed_on")
    assignment.save(update_fields=list(fields))
    return assignment


@transaction.atomic
def venue_contract_document_add(*, actor, assignment: VenueCampaign, title: str, file) -> VenueContractDocument:
    """Attach a document to the contract; its type and size are checked from its content."""
    _require_coordinator(actor, assignment.venue)
    document = VenueContractDocument(assignment=assignment, title=(title or "").strip() or file.name[:300],
                                     file=file, uploaded_by=actor)
    try:
        document.full_clean()
    except ValidationError as exc:
        raise ContractError(" ".join(exc.message_dict.get("file", exc.messages)), field="file") from None
    document.save()
    return document


@transaction.atomic
def venue_contract_document_delete(*, actor, document: VenueContractDocument) -> None:
    _require_coordinator(actor, document.assignment.venue)
    document.file.delete(save=False)
    document.delete()
