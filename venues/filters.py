"""Filters of the lists: the staff's /manage/events/, the public catalog /events/, a navigator's list of their
students' bookings (/school/bookings/), the venue and mentor directories and the gallery of photos and videos."""

import django_filters
from django import forms
from django.db.models import Exists, F
from django.utils.formats import date_format
from django.utils.timezone import localtime
from django.utils.translation import gettext_lazy as _

from bilet.ids import parse_id
from bilet.lists import ALL_LABEL, DirectoryFilterSet
from bilet.widgets import DateInput
from regions.filters import PlaceFilterSet, municipality_filter, region_filter
from regions.models import Campaign, Competency, Municipality, Nosology, Region

from .forms import GRADE_CHOICES, class_key
from .models import Booking, Event, MediaFile, Mentor, Venue, VenueCampaign
from .selectors import current_assignment, venue_list
from .selectors.bookings import school_booked_event_list, school_class_list

YES_NO = [("yes", _("yes")), ("no", _("no"))]


class _EventFilters(DirectoryFilterSet):
    competency = django_filters.ModelChoiceFilter(label=_("competency"), queryset=Competency.objects.all())
    level = django_filters.ChoiceFilter(label=_("level"), choices=Event.Level.choices, empty_label=ALL_LABEL)
    mode = django_filters.ChoiceFilter(label=_("mode"), choices=Event.Mode.choices, empty_label=ALL_LABEL)
    date_from = django_filters.DateFilter(
        label=_("from date"), field_name="starts_at", lookup_expr="date__gte", widget=DateInput()
    )
    date_to = django_filters.DateFilter(
        label=_("to date"), field_name="starts_at", lookup_expr="date__lte", widget=DateInput()
    )


class EventManageFilter(_EventFilters):
    """Filters of /manage/events/; the venue choice is the venues the user may see."""

    search_fields = ("title", "venue__short_name")
    status = django_filters.ChoiceFilter(label=_("status"), choices=Event.Status.choices, empty_label=ALL_LABEL)
    venue = django_filters.ModelChoiceFilter(label=_("venue"), queryset=Venue.objects.none())

    class Meta:
        model = Event
        fields: list = []

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.filters["venue"].queryset = venue_list(user=self.user).order_by("short_name")


class CatalogFilter(_EventFilters):
    """Filters of the public catalog /events/ (issue 4 §3)."""

    search_fields = ("title", "competency__name", "venue__short_name")
    FIELD_ORDER = ("region", "municipality", "competency", "level", "mode", "date_from", "date_to", "grade",
                   "nosology", "free_seats", "q")

    region = django_filters.ModelChoiceFilter(label=_("region"), queryset=Region.objects.all())
    municipality = django_filters.ModelChoiceFilter(
        label=_("municipality"), queryset=Municipality.objects.none(), field_name="venue__municipality"
    )
    grade = django_filters.ChoiceFilter(label=_("grade"), choices=GRADE_CHOICES, method="for_grade", empty_label=ALL_LABEL)
    nosology = django_filters.ModelChoiceFilter(
        label=_("accessible for"), queryset=Nosology.objects.all(), field_name="accessible_for"
    )
    free_seats = django_filters.BooleanFilter(
        label=_("only with free seats"), method="with_free_seats", widget=forms.CheckboxInput
    )

    class Meta:
        model = Event
        fields: list = []

    def __init__(self, data=None, *args, **kwargs):
        region_id = parse_id((data or {}).get("region"))
        municipality_id = parse_id((data or {}).get("municipality"))
        if (data or {}).get("municipality") and not (
            region_id and municipality_id
            and Municipality.objects.filter(pk=municipality_id, region_id=region_id).exists()
        ):
            # A municipality left over from another region is dropped, not reported: the region changed under it.
            data = data.copy()
            data.pop("municipality")
        super().__init__(data, *args, **kwargs)
        self.filters = {name: self.filters[name] for name in self.FIELD_ORDER}
        self.filters["municipality"].queryset = (
            Municipality.objects.filter(region_id=region_id) if region_id else Municipality.objects.none()
        )

    def for_grade(self, queryset, name, value):
        grade = int(value)
        return queryset.filter(grade_min__lte=grade, grade_max__gte=grade)

    def with_free_seats(self, queryset, name, value):
        return queryset.filter(seats_taken__lt=F("capacity")) if value else queryset


class EventChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return f"{obj.title} — {date_format(localtime(obj.starts_at), 'j E Y')}"


class EventChoiceFilter(django_filters.ModelChoiceFilter):
    field_class = EventChoiceField


def _booked_events(request):
    return school_booked_event_list(user=request.user) if request is not None else Event.objects.none()


class SchoolBookingFilter(DirectoryFilterSet):
    """Filters of a navigator's list of their students' bookings: by class, by event, by status, by name."""

    search_fields = ("student__last_name", "student__first_name", "event__title")
    school_class = django_filters.ChoiceFilter(label=_("class"), method="in_class", empty_label=ALL_LABEL)
    event = EventChoiceFilter(label=_("event"), queryset=_booked_events)
    status = django_filters.ChoiceFilter(label=_("status"), choices=Booking.Status.choices, empty_label=ALL_LABEL)

    class Meta:
        model = Booking
        fields: list = []

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        classes = school_class_list(user=self.user) if self.user is not None else []
        several_schools = len({school_id for school_id, *_rest in classes}) > 1
        self.filters["school_class"].extra["choices"] = [
            (class_key(school_id, grade, letter), f"{grade}{letter}" + (f" — {school}" if several_schools else ""))
            for school_id, school, grade, letter in classes
        ]

    def in_class(self, queryset, name, value):
        # `value` is one of the offered choices, so it parses.
        school_id, grade, letter = value.split(":", 2)
        return queryset.filter(student__school_id=school_id, student__grade=grade, student__class_letter=letter)


# --- directories ----------------------------------------------------------------------------------------------------


class VenueFilterSet(PlaceFilterSet):
    search_fields = ("short_name", "name", "inn", "address")
    region = region_filter()
    municipality = municipality_filter()
    contract = django_filters.ChoiceFilter(
        field_name="contract_status",
        choices=VenueCampaign.ContractStatus.choices,
        label=_("Contract for the current campaign"),
    )
    assigned = django_filters.ChoiceFilter(
        choices=YES_NO, method="filter_assigned", label=_("Current campaign assigned")
    )
    nosology = django_filters.ModelChoiceFilter(
        field_name="accessible_for", queryset=Nosology.objects.all(), label=_("Accessible for")
    )

    class Meta:
        model = Venue
        fields = ["q", "region", "municipality", "contract", "assigned", "nosology"]

    def filter_assigned(self, queryset, name, value):
        assigned = Exists(current_assignment())
        return queryset.filter(assigned) if value == "yes" else queryset.exclude(assigned)


def _venues(request):
    return venue_list(user=request.user) if request is not None else Venue.objects.none()


class MentorFilterSet(PlaceFilterSet):
    search_fields = ("last_name", "first_name", "middle_name", "organisation")
    region = region_filter()
    competency = django_filters.ModelChoiceFilter(
        field_name="competencies", queryset=Competency.objects.all(), label=_("Competency")
    )
    venue = django_filters.ModelChoiceFilter(field_name="venues", queryset=_venues, label=_("Venue"))

    class Meta:
        model = Mentor
        fields = ["q", "region", "competency", "venue"]


# --- photos and videos (issue 15 §5) --------------------------------------------------------------------------------

MEDIA_OF = [("events", _("events")), ("region", _("the region's work"))]


class MediaFilterSet(PlaceFilterSet):
    search_fields = ("caption", "original_name", "event__title")
    region = region_filter()
    campaign = django_filters.ModelChoiceFilter(queryset=Campaign.objects.all(), label=_("Campaign"))
    kind = django_filters.ChoiceFilter(choices=MediaFile.Kind.choices, label=_("Kind"), empty_label=ALL_LABEL)
    of = django_filters.ChoiceFilter(choices=MEDIA_OF, method="filter_of", label=_("Of"), empty_label=ALL_LABEL)

    class Meta:
        model = MediaFile
        fields = ["q", "region", "campaign", "kind", "of"]

    def filter_of(self, queryset, name, value):
        return queryset.filter(event__isnull=value == "region")
