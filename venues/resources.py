"""Spreadsheets of venues and mentors for the admin's import and export: a venue by region and INN, a mentor by
region and full name; competencies by code, venues of a mentor by INN."""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext
from django.utils.translation import pgettext_lazy
from import_export import fields, widgets

from bilet.resources import BooleanWidget, DateWidget, EmailWidget, PortalResource, TextWidget, cell_text, row_text
from participants.resources import COL_FIRST_NAME, COL_LAST_NAME, COL_MIDDLE_NAME
from regions.models import Competency
from regions.resources import (
    COL_ADDRESS,
    COL_EMAIL,
    COL_FULL_NAME,
    COL_INN,
    COL_MUNICIPALITY,
    COL_NAME,
    COL_PHONE,
    COL_REGION_CODE,
    MunicipalityWidget,
    RegionWidget,
    region_codes,
)

from .models import Mentor, Venue

COL_COMPETENCIES = pgettext_lazy("column", "Competency codes")
COL_VENUES = pgettext_lazy("column", "INN of venues")


class StrictManyToManyWidget(widgets.ManyToManyWidget):
    """Several records in one cell, separated by commas; every one must exist (a typo is an error, not a gap)."""

    def __init__(self, model, field, *, row_filter=None):
        super().__init__(model, separator=",", field=field)
        self.row_filter = row_filter or (lambda row: {})

    def clean(self, value, row=None, **kwargs):
        keys = [cell_text(part) for part in cell_text(value).split(self.separator)]
        keys = [key for key in keys if key]
        if not keys:
            return self.model.objects.none()
        found = self.model.objects.filter(**{f"{self.field}__in": keys}, **self.row_filter(row or {}))
        missing = sorted(set(keys) - {str(getattr(obj, self.field)) for obj in found})
        if missing:
            raise ValueError(
                gettext("not found: %(keys)s.") % {"keys": ", ".join(f"«{key}»" for key in missing)}
            )
        return found


class VenueResource(PortalResource):
    region = fields.Field(attribute="region", column_name=COL_REGION_CODE, widget=RegionWidget())
    municipality = fields.Field(attribute="municipality", column_name=COL_MUNICIPALITY, widget=MunicipalityWidget())
    short_name = fields.Field(attribute="short_name", column_name=COL_NAME, widget=TextWidget())
    name = fields.Field(attribute="name", column_name=COL_FULL_NAME, widget=TextWidget())
    inn = fields.Field(attribute="inn", column_name=COL_INN, widget=TextWidget())
    address = fields.Field(attribute="address", column_name=COL_ADDRESS, widget=TextWidget())
    licence_number = fields.Field(
        attribute="licence_number", column_name=pgettext_lazy("column", "Licence number"), widget=TextWidget()
    )
    licence_issued_on = fields.Field(
        attribute="licence_issued_on", column_name=pgettext_lazy("column", "Licence issued on"), widget=DateWidget()
    )
    accessibility_notes = fields.Field(
        attribute="accessibility_notes", column_name=pgettext_lazy("column", "Accessibility"), widget=TextWidget()
    )
    contact_name = fields.Field(
        attribute="contact_name", column_name=pgettext_lazy("column", "Contact person"), widget=TextWidget()
    )
    email = fields.Field(attribute="email", column_name=COL_EMAIL, widget=EmailWidget())
    phone = fields.Field(attribute="phone", column_name=COL_PHONE, widget=TextWidget())
    is_active = fields.Field(
        attribute="is_active", column_name=pgettext_lazy("column", "Active"), widget=BooleanWidget(), default=True
    )

    class Meta(PortalResource.Meta):
        model = Venue
        fields = (
            "region", "municipality", "short_name", "name", "inn", "address", "licence_number", "licence_issued_on",
            "accessibility_notes", "contact_name", "email", "phone", "is_active",
        )
        import_id_fields = ("region", "inn")

    def get_queryset(self):
        return super().get_queryset().select_related("region", "municipality")


class MentorResource(PortalResource):
    region = fields.Field(attribute="region", column_name=COL_REGION_CODE, widget=RegionWidget())
    last_name = fields.Field(attribute="last_name", column_name=COL_LAST_NAME, widget=TextWidget())
    first_name = fields.Field(attribute="first_name", column_name=COL_FIRST_NAME, widget=TextWidget())
    middle_name = fields.Field(attribute="middle_name", column_name=COL_MIDDLE_NAME, widget=TextWidget())
    organisation = fields.Field(
        attribute="organisation", column_name=pgettext_lazy("column", "Organisation"), widget=TextWidget()
    )
    position = fields.Field(attribute="position", column_name=pgettext_lazy("column", "Position"), widget=TextWidget())
    email = fields.Field(attribute="email", column_name=COL_EMAIL, widget=EmailWidget())
    phone = fields.Field(attribute="phone", column_name=COL_PHONE, widget=TextWidget())
    competencies = fields.Field(
        attribute="competencies", column_name=COL_COMPETENCIES, widget=StrictManyToManyWidget(Competency, "code")
    )
    venues = fields.Field(
        attribute="venues", column_name=COL_VENUES,
        # A venue's INN is unique within its region: the mentor's region picks among them.
        widget=StrictManyToManyWidget(
            Venue, "inn", row_filter=lambda row: {"region__code__in": region_codes(row_text(row, COL_REGION_CODE))}
        ),
    )

    class Meta(PortalResource.Meta):
        model = Mentor
        fields = (
            "region", "last_name", "first_name", "middle_name", "organisation", "position", "email", "phone",
            "competencies", "venues",
        )
        import_id_fields = ("region", "last_name", "first_name", "middle_name")

    def get_queryset(self):
        return super().get_queryset().select_related("region").prefetch_related("competencies", "venues")

    def import_instance(self, instance, row, **kwargs):
        super().import_instance(instance, row, **kwargs)
        # Many-to-many cells are saved after the row; check them now so a bad code stops the row like any other cell.
        errors = {}
        for name in ("competencies", "venues"):
            field = self.fields[name]
            if str(field.column_name) in row:
                try:
                    field.clean(row)
                except ValueError as error:
                    errors[name] = str(error)
        if str(COL_COMPETENCIES) in row and "competencies" not in errors and not cell_text(row[str(COL_COMPETENCIES)]):
            errors["competencies"] = gettext("name at least one competency code.")
        if errors:
            raise ValidationError(errors)
