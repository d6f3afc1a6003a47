"""Forms of a student's registration and of the parent's invitation (issue 14 §1), of the navigators' and imports'
pages (§2–3). The rules live in `services/`; the forms show their refusals beside the fields and keep everything typed."""

from allauth.account.forms import SignupForm
from django import forms
from django.contrib.auth import get_user_model, password_validation
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from bilet.ids import parse_id
from bilet.uploads import TableFileField
from regions.models import GRADE_MAX, GRADE_MIN, Municipality, Nosology, Region, School

from .services.registration import (
    GuardianNamed,
    RegistrationError,
    student_register,
    student_registration_problems,
)

# A region has up to a few thousand schools: the list shows this many of the matches, the search narrows it.
SCHOOL_CHOICES_SHOWN = 300
PLACE_FIELDS = ("region", "municipality", "school_search", "school")


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%d", **kwargs)


class SchoolChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return obj.short_name


def _name_field(label, *, required=True, autocomplete=None):
    attrs = {"autocomplete": autocomplete} if autocomplete else {}
    return forms.CharField(label=label, max_length=150, required=required, widget=forms.TextInput(attrs=attrs))


class GuardianFields(forms.Form):
    """The parent a student names: last, first and middle name and the email the invitation goes to."""

    guardian_last_name = _name_field(_("parent's last name"), required=False)
    guardian_first_name = _name_field(_("parent's first name"), required=False)
    guardian_middle_name = _name_field(_("parent's patronymic"), required=False)
    guardian_email = forms.EmailField(
        label=_("parent's email"), required=False,
        help_text=_("The parent receives an invitation to confirm the link to you and to create their account."),
        widget=forms.EmailInput(attrs={"autocomplete": "off"}),
    )

    def guardian_named(self) -> GuardianNamed | None:
        data = self.cleaned_data
        if not data.get("guardian_email"):
            return None
        return GuardianNamed(
            email=data["guardian_email"], last_name=data.get("guardian_last_name", ""),
            first_name=data.get("guardian_first_name", ""), middle_name=data.get("guardian_middle_name", ""),
        )


class StudentSignupForm(GuardianFields, SignupForm):
    """allauth's signup as a student: the only way to sign up, and it creates a student and nothing else.

    The place fields narrow each other (region → municipality → school, and a search in the school list): without
    JavaScript by the «Show the schools» button, with htmx as the user picks."""

    last_name = _name_field(_("last name"), autocomplete="family-name")
    first_name = _name_field(_("first name"), autocomplete="given-name")
    middle_name = _name_field(_("patronymic"), required=False, autocomplete="additional-name")
    birth_date = forms.DateField(label=_("birth date"), widget=DateInput(attrs={"autocomplete": "bday"}))
    region = forms.ModelChoiceField(label=_("region"), queryset=Region.objects.all(), empty_label=_("— choose —"))
    municipality = forms.ModelChoiceField(
        label=_("municipality"), queryset=Municipality.objects.all(), empty_label=_("— choose the region first —"),
    )
    school_search = forms.CharField(
        label=_("search in the school list"), required=False, max_length=100,
        help_text=_("A part of the school's name or number, e.g. «15» or «лицей»."),
    )
    school = SchoolChoiceField(label=_("school"), queryset=School.objects.all(), empty_label=_("— choose —"))
    grade = forms.TypedChoiceField(
        label=_("grade"), coerce=int, choices=[("", _("— choose —"))] + [(g, str(g)) for g in range(1, GRADE_MAX + 1)],
    )
    class_letter = forms.CharField(
        label=_("class letter"), max_length=4, required=False, widget=forms.TextInput(attrs={"autocomplete": "off"})
    )
    field_order = [
        "last_name", "first_name", "middle_name", "birth_date", "region", "municipality", "school_search", "school",
        "grade", "class_letter", "email", "password1", "password2", "guardian_last_name", "guardian_first_name",
        "guardian_middle_name", "guardian_email",
    ]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["email"].label = _("your email")
        self.fields["email"].help_text = _("Your login to the portal.")
        self._narrow_places()
        swap = {
            "hx-get": reverse("participants:signup_places"), "hx-target": "#signup-places",
            "hx-include": "#signup-places", "hx-swap": "outerHTML",
        }
        self.fields["region"].widget.attrs.update(swap, **{"hx-trigger": "change"})
        self.fields["municipality"].widget.attrs.update(swap, **{"hx-trigger": "change"})
        self.fields["school_search"].widget.attrs.update(
            swap, **{"hx-trigger": "input changed delay:400ms", "autocomplete": "off"}
        )

    def _value(self, name):
        source = self.data if self.is_bound else self.initial
        return source.get(self.add_prefix(name) if self.is_bound else name)

    def _narrow_places(self):
        """Offer the municipalities of the chosen region and the schools of the chosen municipality (or region) that
        match the search. Only the offered choices narrow: any school id is accepted and checked by the service,
        which names the mismatch instead of Django's «select a valid choice»."""
        region_id = parse_id(self._value("region"))
        municipality_id = parse_id(self._value("municipality"))
        search = (self._value("school_search") or "").strip()
        municipalities = Municipality.objects.filter(region_id=region_id) if region_id else Municipality.objects.none()
        empty = _("— choose —") if region_id else self.fields["municipality"].empty_label
        self.fields["municipality"].widget.choices = [("", empty)] + [
            (m.pk, m.name) for m in municipalities.only("pk", "name")
        ]
        if municipality_id and region_id:
            schools = School.objects.filter(municipality_id=municipality_id, region_id=region_id)
        elif region_id:
            schools = School.objects.filter(region_id=region_id)
        else:
            schools = School.objects.none()
        if search:
            schools = schools.filter(short_name__icontains=search) | schools.filter(name__icontains=search)
        schools = list(schools.order_by("short_name").only("pk", "short_name")[: SCHOOL_CHOICES_SHOWN + 1])
        chosen = parse_id(self._value("school"))
        shown = schools[:SCHOOL_CHOICES_SHOWN]
        if chosen and all(s.pk != chosen for s in shown):
            # The chosen school stays chosen when the search no longer matches it (nothing typed is lost).
            shown += list(School.objects.filter(pk=chosen).only("pk", "short_name"))
        if not region_id:
            empty = _("— choose the region first —")
        elif not schools:
            empty = _("— no school matches: change the search or the municipality —")
        else:
            empty = _("— choose —")
        self.fields["school"].widget.choices = [("", empty)] + [(s.pk, s.short_name) for s in shown]
        self.schools_truncated = len(schools) > SCHOOL_CHOICES_SHOWN

    def clean(self):
        cleaned = super().clean()
        problems = student_registration_problems(
            birth_date=cleaned.get("birth_date"), grade=cleaned.get("grade"), region=cleaned.get("region"),
            municipality=cleaned.get("municipality"), school=cleaned.get("school"), email=cleaned.get("email", ""),
            guardian=self.guardian_named(),
        )
        for field, messages in problems.items():
            for message in messages:
                self.add_error(field if field in self.fields else None, message)
        return cleaned

    def save(self, request):
        # The user, their email address and the student are one registration: all or nothing.
        with transaction.atomic():
            return super().save(request)

    def signup(self, request, user):
        from .tasks import send_guardian_invitation

        data = self.cleaned_data
        try:
            _student, invitation = student_register(
                user=user, last_name=data["last_name"], first_name=data["first_name"],
                middle_name=data.get("middle_name", ""), birth_date=data["birth_date"], region=data["region"],
                municipality=data["municipality"], school=data["school"], grade=data["grade"],
                class_letter=data.get("class_letter", ""), guardian=self.guardian_named(),
            )
        except RegistrationError as error:  # checked in clean(); only a race with another request gets here
            raise forms.ValidationError(str(error)) from error
        if invitation is not None:
            base_url = request.build_absolute_uri("/")
            transaction.on_commit(
                lambda: send_guardian_invitation.delay(invitation_id=invitation.pk, base_url=base_url), robust=True
            )


class GuardianNameForm(GuardianFields):
    """A student names a parent (again) from their page."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in ("guardian_last_name", "guardian_first_name", "guardian_email"):
            self.fields[name].required = True


class NewPasswordForm(forms.Form):
    """The password an invited person chooses (a parent, a navigator), checked by the portal's validators against
    the account it will belong to (`password_user`)."""

    password1 = forms.CharField(
        label=_("password"), strip=False, widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text=password_validation.password_validators_help_text_html(),
    )
    password2 = forms.CharField(
        label=_("password (again)"), strip=False, widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )

    def password_user(self, cleaned: dict):
        """The account the password will belong to, for the validators that compare them (None: no account)."""
        return None

    def clean(self):
        cleaned = super().clean()
        password1, password2 = cleaned.get("password1"), cleaned.get("password2")
        if password1 and password2 and password1 != password2:
            self.add_error("password2", _("The two passwords differ."))
        elif password1:
            try:
                password_validation.validate_password(password1, self.password_user(cleaned))
            except forms.ValidationError as error:
                self.add_error("password1", error)
        return cleaned


class GuardianAccountForm(NewPasswordForm):
    """A parent without an account accepts: their name (as the child typed it, to correct) and a password."""

    last_name = _name_field(_("last name"), autocomplete="family-name")
    first_name = _name_field(_("first name"), autocomplete="given-name")
    middle_name = _name_field(_("patronymic"), required=False, autocomplete="additional-name")
    field_order = ["last_name", "first_name", "middle_name", "password1", "password2"]

    def __init__(self, *args, email: str, **kwargs):
        self.email = email
        super().__init__(*args, **kwargs)

    def password_user(self, cleaned: dict):
        return get_user_model()(
            email=self.email, last_name=cleaned.get("last_name", ""), first_name=cleaned.get("first_name", "")
        )


# --- navigators and imports (issue 14 §2–3) ---------------------------------------------------------------------


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


class InvitationAcceptForm(NewPasswordForm):
    """A navigator's password, set by the invitation's link."""

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user

    def password_user(self, cleaned: dict):
        return self.user


# --- consents (issue 14 §4) ---------------------------------------------------------------------------------------


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
