"""Citizens' appeals (seed 000 §6.3): the coordinator registers an appeal, assigns it to a person of the region and
keeps the answer, given by the deadline.

The deadline is 30 days from registration (Federal Law 59-ФЗ «О порядке рассмотрения обращений граждан», art. 12
part 1) unless the coordinator sets an earlier one; an appeal not answered by then is overdue (a state read from the
date, never stored, so it cannot go stale).
"""

import datetime as dt

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from ..models import Appeal, Coordinator, Region
from .errors import RecordError, require_region_editor

ANSWER_DAYS = 30  # 59-ФЗ art. 12 part 1
REGISTER_FIELDS = ("author_name", "author_email", "author_phone", "channel", "subject", "text")


def appeal_default_due_on(received_on: dt.date) -> dt.date:
    return received_on + dt.timedelta(days=ANSWER_DAYS)


def appeal_assignees(*, region_id: int):
    """The people of the region an appeal may be assigned to: its coordinators and curators."""
    return get_user_model().objects.filter(
        is_active=True, pk__in=Coordinator.objects.filter(region_id=region_id).values("user_id")
    ) | get_user_model().objects.filter(is_active=True, curator__regions__id=region_id)


@transaction.atomic
def appeal_register(*, actor, region: Region, received_on: dt.date, due_on: dt.date | None = None,
                    **fields) -> Appeal:
    unknown = set(fields) - set(REGISTER_FIELDS)
    if unknown:
        raise TypeError(f"appeal_register() got unexpected fields {sorted(unknown)}")
    require_region_editor(actor, region.pk)
    today = timezone.localdate()
    if received_on > today:
        raise RecordError(_("An appeal cannot be received in the future."), field="received_on")
    latest = appeal_default_due_on(received_on)
    if due_on is None:
        due_on = latest
    elif due_on < received_on:
        raise RecordError(_("The answer cannot be due before the appeal was received."), field="due_on")
    elif due_on > latest:
        raise RecordError(
            _("The law gives at most %(days)s days for an answer: set a date no later than %(date)s.")
            % {"days": ANSWER_DAYS, "date": latest.strftime("%d.%m.%Y")}, field="due_on")
    for name in ("author_name", "subject", "text"):
        if not (fields.get(name) or "").strip():
            raise RecordError(_("This field is required."), field=name)
    received_at = timezone.make_aware(dt.datetime.combine(received_on, dt.time(12)))
    if received_on == today:
        received_at = timezone.now()
    appeal = Appeal(region=region, received_at=received_at, due_on=due_on, registered_by=actor, **fields)
    appeal.full_clean()
    appeal.save()
    return appeal


@transaction.atomic
def appeal_assign(*, actor, appeal: Appeal, assignee) -> Appeal:
    appeal = Appeal.objects.select_for_update().get(pk=appeal.pk)
    require_region_editor(actor, appeal.region_id)
    if appeal.status == Appeal.Status.ANSWERED:
        raise RecordError(_("The appeal has already been answered."))
    if assignee is None or not appeal_assignees(region_id=appeal.region_id).filter(pk=assignee.pk).exists():
        raise RecordError(_("Choose a coordinator or a curator of the appeal's region."), field="assignee")
    appeal.assigned_to = assignee
    appeal.status = Appeal.Status.IN_PROGRESS
    appeal.save(update_fields=["assigned_to", "status"])
    return appeal


@transaction.atomic
def appeal_answer(*, actor, appeal: Appeal, answer: str) -> Appeal:
    """Keep the answer; the region's coordinator or the person the appeal is assigned to gives it, once."""
    appeal = Appeal.objects.select_for_update().get(pk=appeal.pk)
    if appeal.assigned_to_id != actor.pk:
        require_region_editor(actor, appeal.region_id)
    if appeal.status == Appeal.Status.ANSWERED:
        raise RecordError(_("The appeal has already been answered."))
    if not (answer or "").strip():
        raise RecordError(_("Write the answer."), field="answer")
    appeal.answer = answer.strip()
    appeal.answered_at = timezone.now()
    appeal.answered_by = actor
    appeal.status = Appeal.Status.ANSWERED
    appeal.save(update_fields=["answer", "answered_at", "answered_by", "status"])
    return appeal
