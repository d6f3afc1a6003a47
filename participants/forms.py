"""Forms of the navigators' and imports' pages: they parse input; the rules live in participants.services."""

from django import forms
from django.contrib.auth import password_validation
from django.utils.translation import gettext_lazy as _

from bilet.uploads import TableFileField
from regions.models import GRADE_MAX, GRADE_MIN, Nosology


class ImportUploadForm(forms.Form):
    file = TableFileField(
        help_text=_("The template's columns in its order; one row per person. At most 10 MB and 100,000 rows.")
    )


class StudentRegisterForm(forms.Form):
    school = forms.ModelChoiceField(queryset=None, label=_("School"), empty_label=None)
    last_name = forms.CharField(label=_("Last name"), max_length=150)
    first_name = forms.CharField(label=_("First name"), max_length=150)
    middle_name = forms.CharField(label=_("Patronymic"), max_length=150, required=False)
    birth_date = forms.DateField(label=_("Birth date"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"))
    grade = forms.TypedChoiceField(
        label=_("Grade"), coerce=int, choices=[(g, str(g)) for g in range(GRADE_MIN, GRADE_MAX + 1)]
    )
    class_letter = forms.CharField(label=_("Class letter"), max_length=4, required=False)
    nosology = forms.ModelChoiceField(
        queryset=Nosology.objects.all(), label=_("Disability group"), required=False, empty_label=_("none")
    )
    email = forms.EmailField(
        label=_("Student's email"), required=False,
        help_text=_("If given, an account is created; the student sets a password by «Forgot your password?»."),
    )

    def __init__(self, *args, schools, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["school"].queryset = schools

    def service_data(self) -> dict:
        data = dict(self.cleaned_data)
        data.pop("school")
        data["nosology"] = data["nosology"].code if data["nosology"] else ""
        return data


class InvitationAcceptForm(forms.Form):
    password1 = forms.CharField(label=_("Password"), widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}))
    password2 = forms.CharField(
        label=_("Password again"), widget=forms.PasswordInput(attrs={"autocomplete": "new-password"})
    )

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user

    def clean(self):
        data = super().clean()
        if data.get("password1") and data.get("password1") != data.get("password2"):
            self.add_error("password2", _("The two passwords differ."))
        elif data.get("password1"):
            try:
                password_validation.validate_password(data["password1"], self.user)
            except forms.ValidationError as error:
                self.add_error("password1", error)
        return data
