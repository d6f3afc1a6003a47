"""Spreadsheets of navigators, students and parents' links for the admin's import and export.

A school is named as in the region's lists (region code, municipality, short name); a person by email, a student
by school, full name and birth date. A student's region and municipality are always the school's."""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext
from django.utils.translation import pgettext_lazy
from import_export import fields, widgets

from bilet.resources import (
    ChoiceWidget,
    DateWidget,
    EmailWidget,
    NaturalKeyWidget,
    PortalResource,
    TextWidget,
    UserByEmailWidget,
    cell_text,
    row_text,
    user_for_row,
)
from regions.models import GRADE_MAX, GRADE_MIN
from regions.resources import (
    COL_EMAIL,
    COL_MUNICIPALITY,
    COL_PHONE,
    COL_REGION_CODE,
    COL_SCHOOL,
    NosologyWidget,
    SchoolWidget,
    region_codes,
)

from .models import Guardian, Guardianship, Navigator, Student

COL_LAST_NAME = pgettext_lazy("column", "Last name")
COL_FIRST_NAME = pgettext_lazy("column", "First name")
COL_MIDDLE_NAME = pgettext_lazy("column", "Patronymic")
COL_BIRTH_DATE = pgettext_lazy("column", "Birth date")
COL_GRADE = pgettext_lazy("column", "Grade")
COL_GUARDIAN_EMAIL = pgettext_lazy("column", "Parent's email")
COL_GUARDIAN_LAST_NAME = pgettext_lazy("column", "Parent's last name")
COL_GUARDIAN_FIRST_NAME = pgettext_lazy("column", "Parent's first name")
COL_GUARDIAN_MIDDLE_NAME = pgettext_lazy("column", "Parent's patronymic")


def _email_cell(row, column, attribute) -> str:
    """The row's email before an account is made for it; a bad one is the row's error under its column."""
    try:
        return EmailWidget().clean(row.get(str(column)))
    except ValueError as error:
        raise ValidationError({attribute: str(error)}) from None


class GradeWidget(widgets.IntegerWidget):
    def clean(self, value, row=None, **kwargs):
        text = cell_text(value)
        try:
            # A grade is a whole number: read it without the locale's separators (costly, and of no use here).
            grade = int(text) if text.isascii() and text.isdigit() else super().clean(value, row, **kwargs)
        except (ValueError, ArithmeticError):
            grade = -1
        if grade is None or not GRADE_MIN <= grade <= GRADE_MAX:
            raise ValueError(
                gettext("the grade must be from %(min)s to %(max)s.") % {"min": GRADE_MIN, "max": GRADE_MAX}
            )
        return grade


class StudentWidget(NaturalKeyWidget):
    """A student by the school's columns, full name and birth date — what a parents' list names."""

    def __init__(self):
        super().__init__(Student, field="last_name")

    def get_lookup_kwargs(self, value, row, **kwargs):
        return {
            "region__code__in": region_codes(row_text(row, COL_REGION_CODE)),
            "municipality__name__iexact": row_text(row, COL_MUNICIPALITY),
            "school__short_name__iexact": row_text(row, COL_SCHOOL),
            "last_name__iexact": value,
            "first_name__iexact": row_text(row, COL_FIRST_NAME),
            "middle_name__iexact": row_text(row, COL_MIDDLE_NAME),
            "birth_date": DateWidget().clean(row.get(str(COL_BIRTH_DATE))),
        }

    def not_found(self, value, row):
        name = " ".join(p for p in (value, row_text(row, COL_FIRST_NAME), row_text(row, COL_MIDDLE_NAME)) if p)
        return gettext("there is no student «%(name)s» born %(birth)s in «%(school)s».") % {
            "name": name, "birth": row_text(row, COL_BIRTH_DATE), "school": row_text(row, COL_SCHOOL),
        }


class StudentResource(PortalResource):
    region_code = fields.Field(attribute="region__code", column_name=COL_REGION_CODE, readonly=True)
    municipality_name = fields.Field(attribute="municipality__name", column_name=COL_MUNICIPALITY, readonly=True)
    school = fields.Field(attribute="school", column_name=COL_SCHOOL, widget=SchoolWidget())
    last_name = fields.Field(attribute="last_name", column_name=COL_LAST_NAME, widget=TextWidget())
    first_name = fields.Field(attribute="first_name", column_name=COL_FIRST_NAME, widget=TextWidget())
    middle_name = fields.Field(attribute="middle_name", column_name=COL_MIDDLE_NAME, widget=TextWidget())
    birth_date = fields.Field(attribute="birth_date", column_name=COL_BIRTH_DATE, widget=DateWidget())
    grade = fields.Field(attribute="grade", column_name=COL_GRADE, widget=GradeWidget())
    class_letter = fields.Field(
        attribute="class_letter", column_name=pgettext_lazy("column", "Class letter"), widget=TextWidget()
    )
    nosology = fields.Field(
        attribute="nosology", column_name=pgettext_lazy("column", "Disability group"), widget=NosologyWidget()
    )

    derived_fields = ("region", "municipality")

    class Meta(PortalResource.Meta):
        model = Student
        fields = (
            "region_code", "municipality_name", "school", "last_name", "first_name", "middle_name", "birth_date",
            "grade", "class_letter", "nosology",
        )
        # A re-imported list updates its students instead of doubling them.
        import_id_fields = ("school", "last_name", "first_name", "middle_name", "birth_date")

    def get_queryset(self):
        return super().get_queryset().select_related("region", "municipality", "school", "nosology")

    def fill_derived_fields(self, instance):
        if instance.school_id:
            # Stored beside the school for one-column filtering; always the school's own.
            instance.region_id = instance.school.region_id
            instance.municipality_id = instance.school.municipality_id


class NavigatorResource(PortalResource):
    """Navigators by email and school; an account that does not exist yet is created without a password."""

    user = fields.Field(attribute="user", column_name=COL_EMAIL, widget=UserByEmailWidget())
    last_name = fields.Field(attribute="user__last_name", column_name=COL_LAST_NAME, readonly=True)
    first_name = fields.Field(attribute="user__first_name", column_name=COL_FIRST_NAME, readonly=True)
    middle_name = fields.Field(attribute="user__middle_name", column_name=COL_MIDDLE_NAME, readonly=True)
    phone = fields.Field(attribute="user__phone", column_name=COL_PHONE, readonly=True)
    region_code = fields.Field(attribute="region__code", column_name=COL_REGION_CODE, readonly=True)
    municipality_name = fields.Field(
        attribute="school__municipality__name", column_name=COL_MUNICIPALITY, readonly=True
    )
    school = fields.Field(attribute="school", column_name=COL_SCHOOL, widget=SchoolWidget())
    position = fields.Field(attribute="position", column_name=pgettext_lazy("column", "Position"), widget=TextWidget())
    training_completed_on = fields.Field(
        attribute="training_completed_on", column_name=pgettext_lazy("column", "Training completed on"),
        widget=DateWidget(),
    )

    derived_fields = ("region",)

    class Meta(PortalResource.Meta):
        model = Navigator
        fields = (
            "user", "last_name", "first_name", "middle_name", "phone", "region_code", "municipality_name", "school",
            "position", "training_completed_on",
        )
        import_id_fields = ("user", "school")

    def get_queryset(self):
        return super().get_queryset().select_related("user", "region", "school__municipality")

    def before_import_row(self, row, **kwargs):
        email = _email_cell(row, COL_EMAIL, "user")
        if email:
            user_for_row(
                email=email, last_name=row_text(row, COL_LAST_NAME), first_name=row_text(row, COL_FIRST_NAME),
                middle_name=row_text(row, COL_MIDDLE_NAME), phone=row_text(row, COL_PHONE),
            )

    def fill_derived_fields(self, instance):
        if instance.school_id:
            instance.region_id = instance.school.region_id


class GuardianWidget(NaturalKeyWidget):
    def __init__(self):
        super().__init__(Guardian, field="user__email")

    def get_lookup_kwargs(self, value, row, **kwargs):
        return {"user__email__iexact": value}

    def not_found(self, value, row):
        return gettext("there is no parent with the email «%(email)s».") % {"email": value}


class GuardianshipResource(PortalResource):
    """Links of parents to their children. A parent's account is created (without a password) if it is new."""

    guardian = fields.Field(attribute="guardian", column_name=COL_GUARDIAN_EMAIL, widget=GuardianWidget())
    guardian_last_name = fields.Field(
        attribute="guardian__user__last_name", column_name=COL_GUARDIAN_LAST_NAME, readonly=True
    )
    guardian_first_name = fields.Field(
        attribute="guardian__user__first_name", column_name=COL_GUARDIAN_FIRST_NAME, readonly=True
    )
    guardian_middle_name = fields.Field(
        attribute="guardian__user__middle_name", column_name=COL_GUARDIAN_MIDDLE_NAME, readonly=True
    )
    relation = fields.Field(
        attribute="relation", column_name=pgettext_lazy("column", "Relation"),
        widget=ChoiceWidget(Guardianship.Relation.choices), default=Guardianship.Relation.OTHER,
    )
    region_code = fields.Field(attribute="student__region__code", column_name=COL_REGION_CODE, readonly=True)
    municipality_name = fields.Field(
        attribute="student__municipality__name", column_name=COL_MUNICIPALITY, readonly=True
    )
    school_name = fields.Field(attribute="student__school__short_name", column_name=COL_SCHOOL, readonly=True)
    student = fields.Field(attribute="student", column_name=COL_LAST_NAME, widget=StudentWidget())
    first_name = fields.Field(attribute="student__first_name", column_name=COL_FIRST_NAME, readonly=True)
    middle_name = fields.Field(attribute="student__middle_name", column_name=COL_MIDDLE_NAME, readonly=True)
    birth_date = fields.Field(
        attribute="student__birth_date", column_name=COL_BIRTH_DATE, readonly=True, widget=DateWidget()
    )

    class Meta(PortalResource.Meta):
        model = Guardianship
        fields = (
            "guardian", "guardian_last_name", "guardian_first_name", "guardian_middle_name", "relation",
            "region_code", "municipality_name", "school_name", "student", "first_name", "middle_name", "birth_date",
        )
        import_id_fields = ("guardian", "student")

    def get_queryset(self):
        return super().get_queryset().select_related(
            "guardian__user", "student__region", "student__municipality", "student__school"
        )

    def before_import_row(self, row, **kwargs):
        email = _email_cell(row, COL_GUARDIAN_EMAIL, "guardian")
        if email:
            user = user_for_row(
                email=email, last_name=row_text(row, COL_GUARDIAN_LAST_NAME),
                first_name=row_text(row, COL_GUARDIAN_FIRST_NAME),
                middle_name=row_text(row, COL_GUARDIAN_MIDDLE_NAME),
            )
            Guardian.objects.get_or_create(user=user)
