"""Forms of the reports pages: they parse input only; the rules are the services'."""

import datetime as dt
import re

from django import forms
from django.utils.translation import gettext_lazy as _

from bilet.roles import get_roles
from regions.models import Campaign
from regions.selectors import current_campaign, region_list

from .models import ReportType


class MonthField(forms.CharField):
    """A month as `YYYY-MM` (what `<input type="month">` sends) or `MM.YYYY`; the value is its first day."""

    widget = forms.TextInput(attrs={"type": "month", "placeholder": "2026-03"})

    def to_python(self, value):
        value = super().to_python(value).strip()
        if not value:
            return None
        match = re.fullmatch(r"(\d{4})-(\d{1,2})", value) or re.fullmatch(r"(\d{1,2})\.(\d{4})", value)
        if match is None:
            raise forms.ValidationError(_("Enter the month as YYYY-MM, for example 2026-03."))
        year, month = match.groups() if len(match.group(1)) == 4 else reversed(match.groups())
        try:
            return dt.date(int(year), int(month), 1)
        except ValueError:
            raise forms.ValidationError(_("Enter the month as YYYY-MM, for example 2026-03.")) from None

    def prepare_value(self, value):
        return f"{value:%Y-%m}" if isinstance(value, dt.date) else value


class ReportRequestForm(forms.Form):
    report_type = forms.ChoiceField(label=_("Report"), choices=ReportType.choices)
    region = forms.ModelChoiceField(
        label=_("Region"), queryset=None, required=False, empty_label=_("— all regions (national summary) —")
    )
    campaign = forms.ModelChoiceField(label=_("Campaign"), queryset=Campaign.objects.order_by("-starts_on"))
    period = MonthField(
        label=_("Month"), required=False, help_text=_("For the monthly report only: the month it covers.")
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        roles = get_roles(user)
        regions = region_list(user=user).order_by("name")
        self.fields["region"].queryset = regions
        if not roles.operator and roles.curator_region_ids:
            # A curator's national summary puts their assigned regions side by side.
            self.fields["region"].empty_label = _("— your regions side by side (national summary) —")
        elif not roles.operator:
            # The national summary is for curators and operator staff; a coordinator's report has a region.
            self.fields["report_type"].choices = [c for c in ReportType.choices if c[0] != ReportType.NATIONAL]
            self.fields["region"].empty_label = None
            self.fields["region"].required = True
        campaign = current_campaign()
        if campaign is not None:
            self.fields["campaign"].initial = campaign.pk


class SendForm(forms.Form):
    comment = forms.CharField(
        label=_("Comment for the curator"), required=False, max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class ReviewForm(forms.Form):
    decision = forms.ChoiceField(
        label=_("Decision"), choices=[("accept", _("accept")), ("return", _("return for changes"))],
        widget=forms.RadioSelect,
    )
    comment = forms.CharField(
        label=_("Comment for the coordinator"), required=False, max_length=2000,
        help_text=_("Required when you return the report: say what to change."),
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class DeadlineForm(forms.Form):
    region = forms.ModelChoiceField(label=_("Region"), queryset=None, empty_label=None)
    period = MonthField(label=_("Month of the report"))
    due_on = forms.DateField(label=_("Due on"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"))

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        roles = get_roles(user)
        regions = region_list(user=user).order_by("name")
        if not roles.operator:
            regions = regions.filter(id__in=roles.curator_region_ids)
        self.fields["region"].queryset = regions
