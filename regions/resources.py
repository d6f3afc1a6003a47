"""Spreadsheets of the region's lists for the admin's import and export, keyed by what a coordinator knows:
a region by its code, a municipality by region and name, a school by municipality and short name."""

from django.utils.translation import gettext
from django.utils.translation import pgettext_lazy
from import_export import fields

from bilet.resources import CodeWidget, EmailWidget, NaturalKeyWidget, PortalResource, TextWidget, row_text

from .models import Competency, Municipality, Nosology, Region, School

# Column headers of the spreadsheets (the same in every resource, so one file's columns work for the next list).
COL_REGION_CODE = pgettext_lazy("column", "Region code")
COL_REGION = pgettext_lazy("column", "Region")
COL_MUNICIPALITY = pgettext_lazy("column", "Municipality")
COL_SCHOOL = pgettext_lazy("column", "School (short name)")
COL_NAME = pgettext_lazy("column", "Name")
COL_FULL_NAME = pgettext_lazy("column", "Full name")
COL_CODE = pgettext_lazy("column", "Code")
COL_INN = pgettext_lazy("column", "INN")
COL_ADDRESS = pgettext_lazy("column", "Address")
COL_EMAIL = pgettext_lazy("column", "Email")
COL_PHONE = pgettext_lazy("column", "Phone")


def region_codes(text: str) -> set[str]:
    """Excel drops the leading zero of «05»: accept both spellings."""
    return {text, text.zfill(2)}


class RegionWidget(NaturalKeyWidget):
    def __init__(self):
        super().__init__(Region, field="code")

    def get_lookup_kwargs(self, value, row, **kwargs):
        return {"code__in": region_codes(value)}

    def not_found(self, value, row):
        return gettext("there is no region with the code «%(code)s».") % {"code": value}


class MunicipalityWidget(NaturalKeyWidget):
    """A municipality by its name within the region named in the row's region code column."""

    def __init__(self):
        super().__init__(Municipality, field="name")

    def get_lookup_kwargs(self, value, row, **kwargs):
        return {"name__iexact": value, "region__code__in": region_codes(row_text(row, COL_REGION_CODE))}

    def not_found(self, value, row):
        return gettext("the region with the code «%(code)s» has no municipality «%(name)s».") % {
            "code": row_text(row, COL_REGION_CODE), "name": value,
        }


class SchoolWidget(NaturalKeyWidget):
    """A school by its short name within the row's municipality and region."""

    def __init__(self):
        super().__init__(School, field="short_name")

    def get_queryset(self, value, row, *args, **kwargs):
        return School.objects.select_related("region", "municipality")

    def get_lookup_kwargs(self, value, row, **kwargs):
        return {
            "short_name__iexact": value,
            "municipality__name__iexact": row_text(row, COL_MUNICIPALITY),
            "region__code__in": region_codes(row_text(row, COL_REGION_CODE)),
        }

    def not_found(self, value, row):
        return gettext("there is no school «%(school)s» in the municipality «%(municipality)s» of region %(code)s.") % {
            "school": value, "municipality": row_text(row, COL_MUNICIPALITY), "code": row_text(row, COL_REGION_CODE),
        }


class NosologyWidget(NaturalKeyWidget):
    """A disability group by its code («hearing») or its Russian name («нарушения слуха»)."""

    def __init__(self):
        super().__init__(Nosology, field="code")

    def get_lookup_kwargs(self, value, row, **kwargs):
        by_label = {str(label).lower(): code for code, label in Nosology.Code.choices}
        return {"code": by_label.get(value.lower(), value.lower())}

    def not_found(self, value, row):
        names = ", ".join(f"«{label}»" for label in Nosology.Code.labels)
        return gettext("«%(value)s» is not a disability group; use one of %(names)s.") % {"value": value, "names": names}

    def render(self, value, obj=None, **kwargs):
        return "" if value is None else str(value)


class RegionResource(PortalResource):
    code = fields.Field(attribute="code", column_name=COL_CODE, widget=CodeWidget())
    name = fields.Field(attribute="name", column_name=COL_NAME, widget=TextWidget())

    class Meta(PortalResource.Meta):
        model = Region
        fields = ("code", "name")
        import_id_fields = ("code",)


class MunicipalityResource(PortalResource):
    region = fields.Field(attribute="region", column_name=COL_REGION_CODE, widget=RegionWidget())
    name = fields.Field(attribute="name", column_name=COL_MUNICIPALITY, widget=TextWidget())
    responsible_name = fields.Field(
        attribute="responsible_name", column_name=pgettext_lazy("column", "Person responsible"), widget=TextWidget()
    )
    responsible_email = fields.Field(attribute="responsible_email", column_name=COL_EMAIL, widget=EmailWidget())
    responsible_phone = fields.Field(attribute="responsible_phone", column_name=COL_PHONE, widget=TextWidget())

    class Meta(PortalResource.Meta):
        model = Municipality
        fields = ("region", "name", "responsible_name", "responsible_email", "responsible_phone")
        import_id_fields = ("region", "name")

    def get_queryset(self):
        return super().get_queryset().select_related("region")


class SchoolResource(PortalResource):
    region = fields.Field(attribute="region__code", column_name=COL_REGION_CODE, readonly=True)
    municipality = fields.Field(attribute="municipality", column_name=COL_MUNICIPALITY, widget=MunicipalityWidget())
    short_name = fields.Field(attribute="short_name", column_name=COL_SCHOOL, widget=TextWidget())
    name = fields.Field(attribute="name", column_name=COL_FULL_NAME, widget=TextWidget())
    inn = fields.Field(attribute="inn", column_name=COL_INN, widget=TextWidget())
    address = fields.Field(attribute="address", column_name=COL_ADDRESS, widget=TextWidget())
    director_name = fields.Field(
        attribute="director_name", column_name=pgettext_lazy("column", "Head teacher"), widget=TextWidget()
    )
    email = fields.Field(attribute="email", column_name=COL_EMAIL, widget=EmailWidget())
    phone = fields.Field(attribute="phone", column_name=COL_PHONE, widget=TextWidget())

    class Meta(PortalResource.Meta):
        model = School
        fields = ("region", "municipality", "short_name", "name", "inn", "address", "director_name", "email", "phone")
        import_id_fields = ("municipality", "short_name")

    def get_queryset(self):
        return super().get_queryset().select_related("region", "municipality")

    derived_fields = ("region",)

    def fill_derived_fields(self, instance):
        if instance.municipality_id:
            # The school's region is its municipality's (stored for filtering).
            instance.region_id = instance.municipality.region_id


class CompetencyResource(PortalResource):
    code = fields.Field(attribute="code", column_name=COL_CODE, widget=TextWidget())
    name = fields.Field(attribute="name", column_name=COL_NAME, widget=TextWidget())
    sphere = fields.Field(
        attribute="sphere", column_name=pgettext_lazy("column", "Professional sphere"), widget=TextWidget()
    )

    class Meta(PortalResource.Meta):
        model = Competency
        fields = ("code", "name", "sphere")
        import_id_fields = ("code",)
