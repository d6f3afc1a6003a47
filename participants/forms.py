from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class ConsentGiveForm(forms.Form):
    # The version the parent read: if a new one came into force meanwhile, the service asks them to read it.
    text_version = forms.IntegerField(widget=forms.HiddenInput)
    agree = forms.BooleanField(
        label=_("I give my consent to the processing of my child's personal data and mine on the terms above"),
        required=True,
        error_messages={"required": _("Tick the box to confirm that you give the consent.")},
    )


class PaperReceivedForm(forms.Form):
    received_on = forms.DateField(
        label=_("Paper original received on"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("initial", {"received_on": timezone.localdate()})
        super().__init__(*args, **kwargs)
