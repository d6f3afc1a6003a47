from django import forms
from django.utils.translation import gettext_lazy as _

from .attachments import ACCEPT, MAX_FILES


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
