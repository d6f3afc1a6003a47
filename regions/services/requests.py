"""Curators' requests to regional coordinators (seed 000 §3.3, §6.1; issue 15 §1).

A curator of the region sends a request; it is due in 2 working days (the Russian production calendar) unless the
curator sets a date. The region's coordinators answer with text and files; the curator accepts the answer or returns
it with a comment, and a returned request awaits another answer. State changes are compare-and-set on the status, so
a double click or two coordinators answering at once cannot both win.
"""

import datetime as dt
from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from bilet.models import NotificationKind
from bilet.notifications import notify
from bilet.roles import get_roles

from ..attachments import MAX_FILES, check_attachment
from ..models import Coordinator, CuratorRequest, Region, RequestAttachment, RequestMessage
from ..workdays import add_working_days

# seed 000 §6.1: «в течение 2 рабочих дней»
ANSWER_WORKING_DAYS = 2


class RequestError(Exception):
    """A refused step of a request; the message is a sentence for the user, `field` the form field it is about."""

    def __init__(self, message: str, *, field: str | None = None):
        super().__init__(message)
        self.message = message
        self.field = field


def default_due_on(today: dt.date | None = None) -> dt.date:
    return add_working_days(today or timezone.localdate(), ANSWER_WORKING_DAYS)


def _link(request: CuratorRequest) -> str:
    return reverse("regions:request_detail", args=[request.pk])


def _coordinator_ids(region_id: int) -> list[int]:
    return list(Coordinator.objects.filter(region_id=region_id, user__is_active=True).values_list("user_id", flat=True))


def _check_files(files: Iterable) -> list[tuple]:
    files = [f for f in files if f]
    if len(files) > MAX_FILES:
        raise RequestError(_("At most %(count)s files can be attached at once.") % {"count": MAX_FILES}, field="files")
    checked = []
    for file in files:
        try:
            checked.append((file, check_attachment(file)))
        except ValidationError as error:
            raise RequestError(error.messages[0], field="files") from None
    return checked


def _message(*, request: CuratorRequest, author, kind: str, text: str, checked: list[tuple] = ()) -> RequestMessage:
    message = RequestMessage.objects.create(request=request, author=author, kind=kind, text=text)
    for file, file_kind in checked:
        RequestAttachment.objects.create(
            message=message, file=file, name=(file.name or "")[-255:], content_type=file_kind.content_type,
            size=file.size,
        )
    return message


def _require_curator(actor, region_id: int) -> None:
    if region_id not in get_roles(actor).curator_region_ids:
        raise RequestError(_("Only a curator of the region can do this."))


@transaction.atomic
def request_create(
    *, actor, region: Region, subject: str, text: str, due_on: dt.date | None = None, files: Iterable = ()
) -> CuratorRequest:
    """Send a request to the coordinators of `region`, one of the curator's regions."""
    _require_curator(actor, region.pk)
    subject, text = (subject or "").strip(), (text or "").strip()
    if not subject:
        raise RequestError(_("Write the subject of the request."), field="subject")
    if not text:
        raise RequestError(_("Write what you ask the coordinator for."), field="text")
    today = timezone.localdate()
    if due_on is None:
        due_on = default_due_on(today)
    elif due_on < today:
        raise RequestError(_("The answer cannot be due before today."), field="due_on")
    checked = _check_files(files)
    request = CuratorRequest.objects.create(region=region, author=actor, subject=subject, due_on=due_on)
    _message(request=request, author=actor, kind=RequestMessage.Kind.REQUEST, text=text, checked=checked)
    notify(
        recipients=_coordinator_ids(region.pk),
        kind=NotificationKind.REQUEST_RECEIVED,
        text=_("A curator's request «%(subject)s»: answer by %(due)s.")
        % {"subject": subject, "due": date_format(due_on, "j E Y")},
        link=_link(request),
    )
    return request


def _compare_and_set(request: CuratorRequest, *, expected: Iterable[str], status: str) -> bool:
    changed = CuratorRequest.objects.filter(pk=request.pk, status__in=list(expected)).update(status=status)
    if changed:
        request.status = status
    return changed == 1


@transaction.atomic
def request_answer(*, actor, request: CuratorRequest, text: str, files: Iterable = ()) -> CuratorRequest:
    """The coordinator's answer to an open or returned request."""
    if request.region_id not in get_roles(actor).coordinator_region_ids:
        raise RequestError(_("Only a coordinator of the region can answer the request."))
    text = (text or "").strip()
    files = [f for f in files if f]
    if not text and not files:
        raise RequestError(_("Write an answer or attach a file."), field="text")
    checked = _check_files(files)  # a bad file is refused before the state changes
    if not _compare_and_set(request, expected=CuratorRequest.AWAITING, status=CuratorRequest.Status.ANSWERED):
        raise RequestError(_("The request is not awaiting an answer; someone may have just answered it."))
    _message(request=request, author=actor, kind=RequestMessage.Kind.ANSWER, text=text, checked=checked)
    notify(
        recipients=[request.author_id],
        kind=NotificationKind.REQUEST_ANSWERED,
        text=_("The coordinator answered your request «%(subject)s».") % {"subject": request.subject},
        link=_link(request),
    )
    return request


@transaction.atomic
def request_accept(*, actor, request: CuratorRequest, comment: str = "") -> CuratorRequest:
    _require_curator(actor, request.region_id)
    if not _compare_and_set(request, expected=[CuratorRequest.Status.ANSWERED], status=CuratorRequest.Status.ACCEPTED):
        raise RequestError(_("Only an answered request can be accepted; someone may have just changed it."))
    _message(request=request, author=actor, kind=RequestMessage.Kind.ACCEPTANCE, text=(comment or "").strip())
    notify(
        recipients=_coordinator_ids(request.region_id),
        kind=NotificationKind.REQUEST_ACCEPTED,
        text=_("The curator accepted the answer to «%(subject)s».") % {"subject": request.subject},
        link=_link(request),
    )
    return request


@transaction.atomic
def request_return(*, actor, request: CuratorRequest, comment: str, due_on: dt.date | None = None) -> CuratorRequest:
    """Send the answer back with what is missing; the request awaits another answer (by a new date if given)."""
    _require_curator(actor, request.region_id)
    comment = (comment or "").strip()
    if not comment:
        raise RequestError(_("Write what is missing in the answer."), field="comment")
    if due_on is not None and due_on < timezone.localdate():
        raise RequestError(_("The answer cannot be due before today."), field="due_on")
    if not _compare_and_set(request, expected=[CuratorRequest.Status.ANSWERED], status=CuratorRequest.Status.RETURNED):
        raise RequestError(_("Only an answered request can be returned; someone may have just changed it."))
    if due_on is not None:
        # A new date earns a new reminder.
        CuratorRequest.objects.filter(pk=request.pk).update(due_on=due_on, reminded_at=None)
        request.due_on, request.reminded_at = due_on, None
    _message(request=request, author=actor, kind=RequestMessage.Kind.RETURN, text=comment)
    notify(
        recipients=_coordinator_ids(request.region_id),
        kind=NotificationKind.REQUEST_RETURNED,
        text=_("The curator returned the answer to «%(subject)s»: %(comment)s")
        % {"subject": request.subject, "comment": comment},
        link=_link(request),
    )
    return request


def requests_remind_due(*, today: dt.date | None = None) -> list[int]:
    """Remind the coordinators of every request due on the next working day and still awaiting an answer; once per
    request (the daily beat task may run twice, or be retried, and must not send a second reminder)."""
    today = today or timezone.localdate()
    next_working_day = add_working_days(today, 1)
    # Due on the next working day or on a day off before it (a date set on a Saturday is reminded on Friday).
    due = CuratorRequest.objects.filter(
        status__in=CuratorRequest.AWAITING, due_on__gt=today, due_on__lte=next_working_day, reminded_at__isnull=True
    ).values_list("pk", flat=True)
    reminded = []
    for pk in list(due):
        with transaction.atomic():
            # Compare-and-set: of two runs at once, one claims the reminder.
            if not CuratorRequest.objects.filter(pk=pk, reminded_at__isnull=True).update(reminded_at=timezone.now()):
                continue
            request = CuratorRequest.objects.get(pk=pk)
            notify(
                recipients=_coordinator_ids(request.region_id),
                kind=NotificationKind.REQUEST_DUE,
                text=_("The answer to the curator's request «%(subject)s» is due on %(due)s.")
                % {"subject": request.subject, "due": date_format(request.due_on, "j E Y")},
                link=_link(request),
            )
            reminded.append(pk)
    return reminded
