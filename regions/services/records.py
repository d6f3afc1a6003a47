"""The records a coordinator keeps for the monthly report (seed 000 §6.2, issue 13 §1): promotion measures, the
team's training and its training needs.

Dates: a report counts the records "of the region dated within the campaign" (SPEC §4), so a record is dated inside
its campaign — a record dated outside would be kept and never counted. A measure held or a course completed is
recorded once it has happened (not later than today); a training need names a month of the campaign.
"""

import datetime as dt
import os
from collections.abc import Callable

from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.db.models.fields.files import FieldFile
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from ..models import Campaign, PromotionMeasure, Region, RegionRecord, TeamTraining, TrainingNeed
from ..validators import sniff_document_type
from .errors import RecordError, require_region_editor

PROMOTION_FIELDS = ("campaign", "kind", "held_on", "title", "link", "reach")
TRAINING_FIELDS = ("campaign", "person_name", "role", "course", "format", "completed_on", "certificate")
NEED_FIELDS = ("campaign", "topic", "audience", "people_count", "wished_month")
CERTIFICATE_EXTENSIONS = {"pdf": "pdf", "jpeg": "jpg", "png": "png"}


# --- rules ---------------------------------------------------------------------------------------------------------


def _within_campaign(day: dt.date, *, campaign: Campaign, field: str) -> None:
    if not campaign.starts_on <= day <= campaign.ends_on:
        raise RecordError(
            _("The date must fall within the campaign «%(campaign)s»: from %(start)s to %(end)s.") % {
                "campaign": campaign.name,
                "start": date_format(campaign.starts_on, "DATE_FORMAT"),
                "end": date_format(campaign.ends_on, "DATE_FORMAT"),
            },
            field=field,
        )


def _happened(day: dt.date | None, *, campaign: Campaign, field: str) -> None:
    if day is None:
        return  # model validation names the missing field
    if day > timezone.localdate():
        raise RecordError(_("This date has not come yet: record it once it has taken place."), field=field)
    _within_campaign(day, campaign=campaign, field=field)


def _check_promotion(measure: PromotionMeasure) -> None:
    _happened(measure.held_on, campaign=measure.campaign, field="held_on")
    if measure.reach is not None and measure.reach < 0:
        raise RecordError(_("The reach cannot be negative."), field="reach")


def _check_training(training: TeamTraining) -> None:
    _happened(training.completed_on, campaign=training.campaign, field="completed_on")


def _check_need(need: TrainingNeed) -> None:
    if need.people_count is not None and need.people_count < 1:
        raise RecordError(_("A training need is for at least one person."), field="people_count")
    if need.wished_month is None:
        return
    need.wished_month = need.wished_month.replace(day=1)
    campaign = need.campaign
    if not campaign.starts_on.replace(day=1) <= need.wished_month <= campaign.ends_on:
        raise RecordError(
            _("The month must fall within the campaign «%(campaign)s»: from %(start)s to %(end)s.") % {
                "campaign": campaign.name,
                "start": date_format(campaign.starts_on, "m.Y"),
                "end": date_format(campaign.ends_on, "m.Y"),
            },
            field="wished_month",
        )


# --- the shared write path -----------------------------------------------------------------------------------------


def _as_record_error(error: ValidationError) -> RecordError:
    """The first message of a model validation error, tied to its field."""
    if hasattr(error, "error_dict"):
        field, messages = next(iter(error.message_dict.items()))
        return RecordError(messages[0], field=None if field == "__all__" else field)
    return RecordError(error.messages[0])


def _delete_file_later(name: str) -> None:
    """Remove a replaced or orphaned file once the row that named it is committed away (a rollback keeps it)."""
    if name:
        storage = TeamTraining._meta.get_field("certificate").storage
        transaction.on_commit(lambda: storage.delete(name))


def _save(record: RegionRecord, *, fields: dict, allowed: tuple[str, ...], check: Callable) -> RegionRecord:
    unknown = set(fields) - set(allowed)
    if unknown:
        raise TypeError(f"not editable: {', '.join(sorted(unknown))}")
    replaced_file = ""
    for name, value in fields.items():
        if name == "certificate":
            replaced_file = _set_certificate(record, value)
        else:
            setattr(record, name, value)
    if record.campaign_id is None:
        raise RecordError(_("Choose the campaign."), field="campaign")
    check(record)
    try:
        record.full_clean()
    except ValidationError as error:
        raise _as_record_error(error) from None
    record.save()
    _delete_file_later(replaced_file)
    return record


def _set_certificate(record: TeamTraining, value) -> str:
    """Attach, replace or (with a false value) remove the certificate; the name of a file that goes away."""
    old = record.certificate.name or ""
    if isinstance(value, FieldFile) and value.name == old:
        return ""  # the form handed back the file already stored
    if value and not isinstance(value, FieldFile):
        value.name = _named_by_content(value)
    record.certificate = value or None
    return old


def _named_by_content(upload) -> str:
    """The upload's name with the extension of what it holds (a PNG sent as «scan.pdf» is kept as «scan.png»), so
    the download is served with the type it really has. Content that is none of the three keeps its name: model
    validation refuses it."""
    upload.seek(0)
    kind = sniff_document_type(upload.read(16))
    upload.seek(0)
    if kind is None:
        return upload.name
    stem = os.path.splitext(os.path.basename(upload.name))[0] or "certificate"
    return f"{stem}.{CERTIFICATE_EXTENSIONS[kind]}"


def _create(model: type[RegionRecord], *, actor, region: Region, fields: dict, allowed, check) -> RegionRecord:
    require_region_editor(actor, region.pk)
    record = model(region=region, created_by=actor)
    return _save(record, fields=fields, allowed=allowed, check=check)


def _update(record: RegionRecord, *, actor, fields: dict, allowed, check) -> RegionRecord:
    require_region_editor(actor, record.region_id)
    return _save(record, fields=fields, allowed=allowed, check=check)


def _delete(record: RegionRecord, *, actor) -> None:
    require_region_editor(actor, record.region_id)
    files = [f.name for f in (getattr(record, field.name) for field in record._meta.fields
                              if isinstance(field, models.FileField)) if f]
    record.delete()
    for name in files:
        _delete_file_later(name)


# --- promotion measures ------------------------------------------------------------------------------------------


@transaction.atomic
def promotion_measure_create(*, actor, region: Region, campaign: Campaign, kind: str, held_on: dt.date, title: str,
                             link: str = "", reach: int | None = None) -> PromotionMeasure:
    fields = {"campaign": campaign, "kind": kind, "held_on": held_on, "title": title, "link": link, "reach": reach}
    return _create(PromotionMeasure, actor=actor, region=region, fields=fields, allowed=PROMOTION_FIELDS,
                   check=_check_promotion)


@transaction.atomic
def promotion_measure_update(*, actor, measure: PromotionMeasure, **fields) -> PromotionMeasure:
    return _update(measure, actor=actor, fields=fields, allowed=PROMOTION_FIELDS, check=_check_promotion)


@transaction.atomic
def promotion_measure_delete(*, actor, measure: PromotionMeasure) -> None:
    _delete(measure, actor=actor)


# --- the team's training -----------------------------------------------------------------------------------------


@transaction.atomic
def team_training_create(*, actor, region: Region, campaign: Campaign, person_name: str, role: str, course: str,
                         format: str, completed_on: dt.date, certificate=None) -> TeamTraining:
    fields = {"campaign": campaign, "person_name": person_name, "role": role, "course": course, "format": format,
              "completed_on": completed_on, "certificate": certificate}
    return _create(TeamTraining, actor=actor, region=region, fields=fields, allowed=TRAINING_FIELDS,
                   check=_check_training)


@transaction.atomic
def team_training_update(*, actor, training: TeamTraining, **fields) -> TeamTraining:
    return _update(training, actor=actor, fields=fields, allowed=TRAINING_FIELDS, check=_check_training)


@transaction.atomic
def team_training_delete(*, actor, training: TeamTraining) -> None:
    _delete(training, actor=actor)


# --- training needs ----------------------------------------------------------------------------------------------


@transaction.atomic
def training_need_create(*, actor, region: Region, campaign: Campaign, topic: str, audience: str, people_count: int,
                         wished_month: dt.date) -> TrainingNeed:
    fields = {"campaign": campaign, "topic": topic, "audience": audience, "people_count": people_count,
              "wished_month": wished_month}
    return _create(TrainingNeed, actor=actor, region=region, fields=fields, allowed=NEED_FIELDS, check=_check_need)


@transaction.atomic
def training_need_update(*, actor, need: TrainingNeed, **fields) -> TrainingNeed:
    return _update(need, actor=actor, fields=fields, allowed=NEED_FIELDS, check=_check_need)


@transaction.atomic
def training_need_delete(*, actor, need: TrainingNeed) -> None:
    _delete(need, actor=actor)
