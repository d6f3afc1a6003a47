"""Forms of the coordinator's records and the monitoring page: they parse what the user typed; the rules live in
regions.services."""

import os

from django import forms
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from bilet.lists import ALL_LABEL
from bilet.uploads import XLSX, TableFileField
from bilet.widgets import DateInput, MonthInput

from .attachments import ACCEPT, MAX_FILES
from .models import (
    Appeal,
    Campaign,
    MonitoringIndicator,
    PromotionMeasure,
    Region,
    RoadmapItem,
    TeamTraining,
    TrainingNeed,
)
from .services import RecordError, monitoring_value_check
from .services.roadmap import ItemText, roadmap_limits


class CertificateInput(forms.ClearableFileInput):
    """The stored certificate by its name only: the file is served by a scoped view, never by a media URL."""

    template_name = "regions/records/certificate_input.html"

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        if self.is_initial(value):
            context["widget"]["file_name"] = os.path.basename(value.name)
        return context


def _one_region_or_choice(form, regions) -> None:
    """The region is asked only of someone with several to choose from; one region goes without saying."""
    if regions is None or len(regions) < 2:
        del form.fields["region"]
    else:
        form.fields["region"].queryset = regions


class RecordForm(forms.Form):
    """The region (offered only to someone who keeps the records of several) and the campaign of a record."""

    region = forms.ModelChoiceField(label=_("region"), queryset=Region.objects.none())
    campaign = forms.ModelChoiceField(label=_("campaign"), queryset=Campaign.objects.all())

    def __init__(self, *args, regions=None, **kwargs):
        super().__init__(*args, **kwargs)
        _one_region_or_choice(self, regions)

    def service_fields(self) -> dict:
        """The cleaned data as keyword arguments of the record's create / update service."""
        data = dict(self.cleaned_data)
        data.pop("region", None)
        return data


def _formfield(field, **kwargs):
    if isinstance(field, models.URLField):
        kwargs.setdefault("assume_scheme", "https")
    return field.formfield(**kwargs)


def _record_form(name: str, model, fields: tuple[str, ...], widgets: dict | None = None) -> type[RecordForm]:
    """A RecordForm with `model`'s fields (labels, choices, help texts and limits from the model)."""
    declared = forms.fields_for_model(model, fields=fields, widgets=widgets, formfield_callback=_formfield)
    return type(name, (RecordForm,), {**declared, "__module__": __name__})


PromotionMeasureForm = _record_form(
    "PromotionMeasureForm", PromotionMeasure, ("kind", "held_on", "title", "link", "reach"),
    widgets={"held_on": DateInput()},
)
_TrainingBase = _record_form(
    "_TrainingBase", TeamTraining, ("person_name", "role", "course", "format", "completed_on", "certificate"),
    widgets={"completed_on": DateInput(), "certificate": CertificateInput(
        attrs={"accept": ".pdf,.jpg,.jpeg,.png,application/pdf,image/jpeg,image/png"}
    )},
)


class TeamTrainingForm(_TrainingBase):
    def service_fields(self) -> dict:
        data = super().service_fields()
        if data.get("certificate") is None:
            data.pop("certificate", None)  # nothing uploaded and nothing cleared: the stored file stays
        return data


_NeedBase = _record_form(
    "_NeedBase", TrainingNeed, ("topic", "audience", "people_count", "wished_month"),
    widgets={"wished_month": MonthInput()},
)


class TrainingNeedForm(_NeedBase):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        month = self.fields["wished_month"]
        month.input_formats = [MonthInput.FORMAT, "%m.%Y", "%Y-%m-%d"]
        month.help_text = _("Year and month, e.g. 2026-09")


def record_initial(record, names) -> dict:
    return {name: getattr(record, name) for name in names}


# --- monitoring --------------------------------------------------------------------------------------------------

YES_NO_CHOICES = [
    ("", "—"), ("1", pgettext_lazy("monitoring answer", "yes")), ("0", pgettext_lazy("monitoring answer", "no")),
]


def indicator_field_name(indicator: MonitoringIndicator) -> str:
    return f"indicator_{indicator.pk}"


class MonitoringForm(forms.Form):
    """One field per entered indicator of the page; each value is checked against its unit as the service will."""

    def __init__(self, *args, indicators: list[MonitoringIndicator], values: dict[int, object], **kwargs):
        super().__init__(*args, **kwargs)
        self.indicators = {indicator_field_name(i): i for i in indicators}
        for name, indicator in self.indicators.items():
            initial = values.get(indicator.pk)
            if indicator.unit == MonitoringIndicator.Unit.YES_NO:
                field = forms.ChoiceField(choices=YES_NO_CHOICES, required=False)
                initial = "" if initial is None else str(int(initial))
            else:
                field = forms.CharField(
                    required=False, max_length=20, widget=forms.TextInput(attrs={"inputmode": "decimal", "size": 8})
                )
                initial = "" if initial is None else _plain_number(initial)
            field.label = indicator.name
            field.initial = initial
            self.fields[name] = field

    def clean(self):
        cleaned = super().clean()
        for name, indicator in self.indicators.items():
            if name not in cleaned:
                continue
            try:
                cleaned[name] = monitoring_value_check(indicator=indicator, value=cleaned[name])
            except RecordError as error:
                self.add_error(name, error.message)
        return cleaned

    def values(self) -> dict[MonitoringIndicator, object]:
        return {indicator: self.cleaned_data.get(name) for name, indicator in self.indicators.items()}


def _plain_number(value) -> str:
    """12.00 → «12», 37.50 → «37,5»: what a person would type."""
    text = format(value.normalize(), "f") if hasattr(value, "normalize") else str(value)
    return text.replace(".", ",")


# --- curators' requests (issue 15 §1) -----------------------------------------------------------------------------


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files in one field; each is checked by the service (regions.attachments)."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput(attrs={"accept": ACCEPT}))
        kwargs.setdefault("required", False)
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        single = super().clean
        if isinstance(data, (list, tuple)):
            return [single(item, initial) for item in data if item]
        return [single(data, initial)] if data else []


FILES_HELP = _("PDF, DOCX, XLSX, PNG or JPEG, up to 20 MB each, at most %(count)s files.") % {"count": MAX_FILES}


class RequestForm(forms.Form):
    region = forms.ModelChoiceField(label=_("Region"), queryset=None, empty_label=None)
    subject = forms.CharField(label=_("Subject"), max_length=300)
    text = forms.CharField(label=_("Request"), widget=forms.Textarea(attrs={"rows": 6}))
    due_on = forms.DateField(
        label=_("Answer due on"), required=False, widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        help_text=_("Leave empty for the standard 2 working days."),
    )
    files = MultipleFileField(label=_("Files"), help_text=FILES_HELP)

    def __init__(self, *args, regions, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["region"].queryset = regions


class AnswerForm(forms.Form):
    text = forms.CharField(label=_("Answer"), required=False, widget=forms.Textarea(attrs={"rows": 5}))
    files = MultipleFileField(label=_("Files"), help_text=FILES_HELP)


class AcceptForm(forms.Form):
    comment = forms.CharField(label=_("Comment (optional)"), required=False, max_length=2000)


class ReturnForm(forms.Form):
    comment = forms.CharField(label=_("What is missing"), widget=forms.Textarea(attrs={"rows": 3}))
    due_on = forms.DateField(
        label=_("New due date"), required=False, widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        help_text=_("Leave empty to keep the date."),
    )



class AppealForm(forms.Form):
    """A citizen's appeal as the coordinator registers it; the deadline rules live in regions.services.appeals."""

    region = forms.ModelChoiceField(label=_("region"), queryset=Region.objects.none())
    author_name = forms.CharField(label=_("applicant"), max_length=200)
    author_email = forms.EmailField(label=_("applicant's email"), required=False)
    author_phone = forms.CharField(label=_("applicant's phone"), max_length=32, required=False)
    channel = forms.ChoiceField(label=_("channel"), choices=Appeal.Channel.choices)
    subject = forms.CharField(label=_("subject"), max_length=300)
    text = forms.CharField(label=_("appeal text"), widget=forms.Textarea(attrs={"rows": 6}))
    received_on = forms.DateField(label=_("received on"), widget=DateInput())
    due_on = forms.DateField(label=_("answer due on"), required=False, widget=DateInput(),
                             help_text=_("Leave empty for 30 days from receipt (59-ФЗ, art. 12)."))

    def __init__(self, *args, regions=None, **kwargs):
        super().__init__(*args, **kwargs)
        _one_region_or_choice(self, regions)


class AppealAssignForm(forms.Form):
    assignee = forms.ModelChoiceField(label=_("assign to"), queryset=Region.objects.none())

    def __init__(self, *args, assignees, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["assignee"].queryset = assignees
        self.fields["assignee"].label_from_instance = lambda user: user.get_full_name() or user.email


class AppealAnswerForm(forms.Form):
    answer = forms.CharField(label=_("answer"), widget=forms.Textarea(attrs={"rows": 8}))


# --- the roadmap (issue 15 §2) -------------------------------------------------------------------------------------

PERIOD_HELP = _(
    "As in the roadmap's table: «May 2026», «June – September 2026», «II quarter 2026», «every year», «every year, "
    "August», «27.08.2026», «throughout the campaign», with «, monthly» or «, on request» where it repeats. Leave it "
    "empty for a section's heading (a number without a dot)."
)


_RoadmapItemFields = _record_form(
    "_RoadmapItemFields", RoadmapItem, ("number", "activity", "responsible", "expected_result", "status", "comment"),
    widgets={"activity": forms.Textarea(attrs={"rows": 3}),
             **{name: forms.Textarea(attrs={"rows": 2}) for name in ("responsible", "expected_result", "comment")}},
)


class RoadmapItemForm(_RoadmapItemFields):
    """An item as the coordinator types it, its period as the roadmap's table writes it; the service reads the
    number and the period and holds the rules."""

    period = forms.CharField(label=_("period"), max_length=200, required=False, help_text=PERIOD_HELP)
    field_order = ["region", "campaign", "number", "activity", "period"]

    def __init__(self, *args, regions=None, editing: bool = False, **kwargs):
        super().__init__(*args, regions=regions, **kwargs)
        if editing:  # an item stays in its region's roadmap for its campaign
            self.fields.pop("region", None)
            del self.fields["campaign"]

    def item_text(self) -> ItemText:
        return ItemText(**{name: self.cleaned_data[name] for name in (
            "number", "activity", "period", "responsible", "expected_result", "status", "comment")})

    def add_refusal(self, error: RecordError) -> None:
        for each in getattr(error, "errors", [error]):
            self.add_error(each.field if each.field in self.fields else None, each.message)


def roadmap_item_initial(item: RoadmapItem) -> dict:
    return {"number": item.number, "activity": item.activity, "period": item.period_text,
            "responsible": item.responsible, "expected_result": item.expected_result, "status": item.status,
            "comment": item.comment}


class RoadmapFilterForm(forms.Form):
    """The roadmap page's choices: the region (a reader of several), the campaign, a status, overdue only. Regions
    and campaigns come as the lists the page already read."""

    region = forms.ChoiceField(label=_("Region"), required=False)
    campaign = forms.ChoiceField(label=_("Campaign"), required=False)
    status = forms.ChoiceField(label=_("Status"), choices=[("", ALL_LABEL), *RoadmapItem.Status.choices],
                               required=False)
    overdue = forms.BooleanField(label=_("Only items past their period and not done"), required=False)

    def __init__(self, *args, regions: list, campaigns: list, **kwargs):
        super().__init__(*args, **kwargs)
        if len(regions) < 2:
            del self.fields["region"]
        else:
            self.fields["region"].choices = [(r.pk, r.name) for r in regions]
        self.fields["campaign"].choices = [(c.pk, c.name) for c in campaigns]


class RoadmapImportForm(RecordForm):
    file = TableFileField(label=_("Roadmap table (.xlsx)"))
    replace = forms.BooleanField(
        label=_("Replace the roadmap"), required=False,
        help_text=_("The roadmap's items of this campaign are deleted and the table's are loaded instead. Without "
                    "it, the table's items are added, and a number already in the roadmap is an error."),
    )

    def __init__(self, *args, regions=None, **kwargs):
        super().__init__(*args, regions=regions, **kwargs)
        self.fields["file"].limits = roadmap_limits()
        self.fields["file"].widget.attrs["accept"] = ".xlsx"

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.table_kind != XLSX:
            raise forms.ValidationError(_("Upload the roadmap as an Excel workbook (.xlsx)."))
        return upload
