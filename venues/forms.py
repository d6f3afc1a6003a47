"""Forms of the event pages: they parse what the user typed; the rules live in venues.services.events."""

from django import forms
from django.conf import settings
from django.db.models import Q
from django.template.defaultfilters import filesizeformat
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from bilet.ids import parse_id
from bilet.uploads import MEDIA_ACCEPT
from bilet.widgets import DateInput
from participants.models import Student
from regions.forms import MultipleFileField, MultipleFileInput
from regions.models import GRADE_MAX, GRADE_MIN, Campaign, Competency, Nosology

from .models import Event, Mentor, Venue, VenueCampaign

GRADES = range(GRADE_MIN, GRADE_MAX + 1)
GRADE_CHOICES = [(g, str(g)) for g in GRADES]
DATETIME_LOCAL = "%Y-%m-%dT%H:%M"


class DateTimeLocalInput(forms.DateTimeInput):
    input_type = "datetime-local"

    def __init__(self, **kwargs):
        super().__init__(format=DATETIME_LOCAL, **kwargs)


def _datetime_field(label):
    return forms.DateTimeField(label=label, widget=DateTimeLocalInput(), input_formats=[DATETIME_LOCAL])


class MentorChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj):
        return obj.full_name


class EventForm(forms.Form):
    """A draft: everything venue staff describe. `venues` limits the venue choice (creation only)."""

    venue = forms.ModelChoiceField(label=_("venue"), queryset=Venue.objects.none())
    campaign = forms.ModelChoiceField(label=_("campaign"), queryset=Campaign.objects.none())
    competency = forms.ModelChoiceField(label=_("competency"), queryset=Competency.objects.all())
    title = forms.CharField(label=_("title of the event"), max_length=300)
    description = forms.CharField(label=_("description"), widget=forms.Textarea(attrs={"rows": 5}), required=False)
    level = forms.ChoiceField(label=_("level"), choices=Event.Level.choices)
    mode = forms.ChoiceField(
        label=_("mode"), choices=Event.Mode.choices, widget=forms.RadioSelect, initial=Event.Mode.OFFLINE
    )
    address = forms.CharField(
        label=_("venue address"), max_length=500, required=False, help_text=_("For an in-person event.")
    )
    online_url = forms.URLField(
        label=_("online link"), required=False, assume_scheme="https",
        help_text=_("For an online event; shown only to booked students."),
    )
    starts_at = _datetime_field(_("start"))
    ends_at = _datetime_field(_("end"))
    capacity = forms.IntegerField(label=_("number of seats"), min_value=1, max_value=100000)
    grade_min = forms.TypedChoiceField(label=_("from grade"), choices=GRADE_CHOICES, coerce=int, initial=GRADE_MIN)
    grade_max = forms.TypedChoiceField(label=_("up to grade"), choices=GRADE_CHOICES, coerce=int, initial=GRADE_MAX)
    accessible_for = forms.ModelMultipleChoiceField(
        label=_("accessible for disability groups"), queryset=Nosology.objects.all(),
        widget=forms.CheckboxSelectMultiple, required=False,
    )
    mentors = MentorChoiceField(
        label=_("mentors"), queryset=Mentor.objects.none(), widget=forms.CheckboxSelectMultiple, required=False
    )

    def __init__(self, *args, venues=None, mentors=None, **kwargs):
        super().__init__(*args, **kwargs)
        if venues is None:
            del self.fields["venue"]
        else:
            self.fields["venue"].queryset = venues
        self.fields["mentors"].queryset = mentors if mentors is not None else Mentor.objects.none()
        self.fields["campaign"].queryset = Campaign.objects.filter(
            Q(ends_on__gte=timezone.localdate()) | Q(is_active=True)
        )

    def service_fields(self) -> dict:
        """The cleaned data as keyword arguments of event_create / event_update."""
        data = dict(self.cleaned_data)
        data.pop("venue", None)
        return data


class PublishedEventForm(forms.Form):
    """A published event: only its time, place and seats can change (issue 4 §2)."""

    starts_at = _datetime_field(_("start"))
    ends_at = _datetime_field(_("end"))
    address = forms.CharField(label=_("venue address"), max_length=500, required=False)
    online_url = forms.URLField(label=_("online link"), required=False, assume_scheme="https")
    capacity = forms.IntegerField(label=_("number of seats"), min_value=1, max_value=100000)

    def __init__(self, *args, mode: str, **kwargs):
        super().__init__(*args, **kwargs)
        del self.fields["online_url" if mode == Event.Mode.OFFLINE else "address"]

    def service_fields(self) -> dict:
        return dict(self.cleaned_data)


class CopyForm(forms.Form):
    starts_at = _datetime_field(_("start of the copy"))


class ReturnForm(forms.Form):
    comment = forms.CharField(
        label=_("what to change"), widget=forms.Textarea(attrs={"rows": 3}), max_length=2000, required=False
    )


class CancelForm(forms.Form):
    reason = forms.CharField(
        label=_("reason for cancellation"), widget=forms.Textarea(attrs={"rows": 3}), max_length=2000, required=False
    )


def initial_from_event(event: Event) -> dict:
    tz = timezone.get_current_timezone()
    initial = {name: getattr(event, name) for name in (
        "campaign", "competency", "title", "description", "level", "mode", "address", "online_url", "capacity",
        "grade_min", "grade_max",
    )}
    initial["starts_at"] = timezone.localtime(event.starts_at, tz)
    initial["ends_at"] = timezone.localtime(event.ends_at, tz)
    initial["accessible_for"] = list(event.accessible_for.all())
    initial["mentors"] = list(event.mentors.all())
    return initial


# --- booking: whom to book (venues.views.bookings) --------------------------------------------------------------------


class StudentToBookForm(forms.Form):
    """`student`: the child a guardian or navigator books, among `students` (those in the user's reach)."""

    student = forms.ModelChoiceField(queryset=Student.objects.none(), required=False)

    def __init__(self, *args, students, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["student"].queryset = students


def class_key(school_id: int, grade: int, letter: str) -> str:
    """The value of a class's checkbox: "<school>:<grade>:<letter>" (the letter may be empty)."""
    return f"{school_id}:{grade}:{letter}"


class ClassKeysField(forms.Field):
    """Whole classes ticked on the class form, as {(school, grade, letter)}; a class of a school that is not in
    `school_ids`, or a value that is not a class, is invalid."""

    widget = forms.MultipleHiddenInput
    default_error_messages = {"invalid_choice": _("There is no such class in your school.")}

    def __init__(self, *, school_ids=(), **kwargs):
        super().__init__(**kwargs)
        self.school_ids = frozenset(school_ids)

    def to_python(self, value) -> set[tuple[int, int, str]]:
        classes = set()
        for item in value or ():
            school, _sep, rest = str(item).partition(":")
            grade, sep, letter = rest.partition(":")
            school_id, grade_number = parse_id(school), parse_id(grade)
            if not (sep and school_id in self.school_ids and grade_number in GRADES):
                raise forms.ValidationError(self.error_messages["invalid_choice"], code="invalid_choice")
            classes.add((school_id, grade_number, letter))
        return classes


class ClassBookingForm(forms.Form):
    """A navigator's class form: ticked `students` (among `students`, those of their schools) and whole `classes`."""

    students = forms.ModelMultipleChoiceField(queryset=Student.objects.none(), required=False)
    classes = ClassKeysField(required=False)

    def __init__(self, *args, students, school_ids, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["students"].queryset = students
        self.fields["classes"].school_ids = frozenset(school_ids)


class ContractForm(forms.Form):
    """A venue's contract for a campaign; the rules (a signed one has a number, dates …) live in the service."""

    contract_number = forms.CharField(label=_("contract number"), max_length=100, required=False)
    contract_status = forms.ChoiceField(label=_("status"), choices=VenueCampaign.ContractStatus.choices)
    contract_signed_on = forms.DateField(label=_("contract signed on"), required=False, widget=DateInput())
    contract_valid_from = forms.DateField(label=_("contract valid from"), required=False, widget=DateInput())
    contract_valid_until = forms.DateField(label=_("contract valid until"), required=False, widget=DateInput())


class ContractDocumentForm(forms.Form):
    title = forms.CharField(label=_("document"), max_length=300, required=False,
                            help_text=_("For example, «signed contract» or «annex 1»."))
    file = forms.FileField(label=_("file"), help_text=_("PDF, DOCX, JPEG or PNG, up to 10 MB"))


class AssignmentForm(forms.Form):
    assigned = forms.TypedChoiceField(choices=[("1", "1"), ("0", "0")], coerce=lambda v: v == "1")


# --- photos and videos (issue 15 §5) --------------------------------------------------------------------------------


class MediaUploadForm(forms.Form):
    """Files and one caption for all of them; each file is judged by venues.services.media. With `regions` (a
    coordinator's upload of the region's own files) the region is chosen too, or fixed when there is one."""

    files = MultipleFileField(label=_("Photos and videos"), required=True,
                              widget=MultipleFileInput(attrs={"accept": MEDIA_ACCEPT}))
    caption = forms.CharField(label=_("Caption"), max_length=300, required=False,
                              help_text=_("What and who is shown; the same caption goes with every file of this "
                                          "upload."))

    def __init__(self, *args, regions=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["files"].help_text = _(
            "Photos: JPEG, PNG or WebP up to %(photo)s; videos: MP4, MOV, WebM or MKV up to %(video)s; at most "
            "%(count)s files at once."
        ) % {"photo": filesizeformat(settings.MEDIA_PHOTO_MAX_BYTES),
             "video": filesizeformat(settings.MEDIA_VIDEO_MAX_BYTES), "count": settings.MEDIA_FILES_PER_UPLOAD}
        if regions is not None:
            field = forms.ModelChoiceField(label=_("Region"), queryset=regions, empty_label=None)
            if len(regions) == 1:
                field.widget = forms.HiddenInput()
                field.initial = regions[0].pk
            self.fields = {"region": field, **self.fields}
