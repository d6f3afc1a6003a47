"""Shared pieces of the spreadsheet resources: cells read the way Excel writes them, records found by natural keys
(codes and names, never database ids), and a Russian sentence for every value that does not fit."""

import datetime as dt
from abc import ABC, abstractmethod

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.utils.translation import gettext
from import_export import fields, resources, widgets

from .exports import safe_cell, unescaped_cell


def cell_text(value) -> str:
    """A cell as text. Excel stores «71» as the number 71 (and CSV readers give «71.0» back)."""
    if type(value) is str:  # most cells, read a million times in a large import
        return value.strip()
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


def row_text(row, column) -> str:
    return cell_text((row or {}).get(str(column)))


class SpreadsheetResource(resources.ModelResource):
    """A resource whose exported cells a spreadsheet never runs as formulas (`bilet.exports.safe_cell`).

    import-export's own IMPORT_EXPORT_ESCAPE_FORMULAE_ON_EXPORT is left off: it only strips a leading «=» (so
    «+…», «-…», «@…» still run in a CSV, and «=1+1» silently becomes «1+1»), and it turns every cell of an XLSX into
    text, numbers and dates included."""

    def export_field(self, field, instance, **kwargs):
        value = super().export_field(field, instance, **kwargs)
        if isinstance(field.widget, widgets.NumberWidget):
            return value  # a CSV receives «-5» as text; it is a number, not a formula
        return safe_cell(value)


class PortalResource(SpreadsheetResource):
    """A resource of the portal: all-or-nothing, model validation on, the diff shown before confirming."""

    # Fields filled from another one (a school's region from its municipality): when the source cell is wrong,
    # the row's message names the source, not the empty consequence.
    derived_fields: tuple[str, ...] = ()

    class Meta:
        use_transactions = True
        skip_diff = False
        clean_model_instances = True
        skip_unchanged = False

    def import_row(self, row, instance_loader, **kwargs):
        for column, value in row.items():
            row[column] = unescaped_cell(value)
        return super().import_row(row, instance_loader, **kwargs)

    def import_instance(self, instance, row, **kwargs):
        try:
            super().import_instance(instance, row, **kwargs)
        finally:
            self.fill_derived_fields(instance)

    def fill_derived_fields(self, instance):
        """Set the `derived_fields` from their source; they are never typed in the file."""

    def get_instance(self, instance_loader, row):
        # The loader cleans the key cells outside the per-field error handling; clean them here first so a wrong
        # key cell is reported against its column like any other cell.
        errors = {}
        for name in self.get_import_id_fields():
            field = self.fields[name]
            if str(field.column_name) in row:
                try:
                    field.clean(row)
                except ValueError as error:
                    errors[field.attribute] = ValidationError(str(error), code="invalid")
        if errors:
            raise ValidationError(errors)
        return super().get_instance(instance_loader, row)

    def validate_instance(self, instance, import_validation_errors=None, validate_unique=True):
        try:
            super().validate_instance(instance, import_validation_errors, validate_unique)
        except ValidationError as error:
            if import_validation_errors and hasattr(error, "error_dict"):
                for name in self.derived_fields:
                    error.error_dict.pop(name, None)
            raise


class CodeWidget(widgets.CharWidget):
    """A region's code: Excel drops the leading zero of «05», the code keeps it."""

    def clean(self, value, row=None, **kwargs):
        text = cell_text(value)
        return text.zfill(2) if text.isdigit() else text


class TextWidget(widgets.CharWidget):
    """Text as typed, numbers without Excel's «.0»."""

    def clean(self, value, row=None, **kwargs):
        return cell_text(value)


class NaturalKeyWidget(widgets.ForeignKeyWidget, ABC):
    """A foreign key found by a natural key (a code, or a name within its parent); a miss is a Russian sentence."""

    @abstractmethod
    def not_found(self, value: str, row) -> str:
        """The Russian sentence for a value that matches no record."""

    def clean(self, value, row=None, **kwargs):
        value = cell_text(value)
        if not value:
            return None
        try:
            return self.get_queryset(value, row, **kwargs).get(**self.get_lookup_kwargs(value, row or {}, **kwargs))
        except self.model.DoesNotExist:
            raise ValueError(self.not_found(value, row or {})) from None
        except self.model.MultipleObjectsReturned:
            raise ValueError(
                gettext("«%(value)s» matches more than one record; make the name exact.") % {"value": value}
            ) from None


class DateWidget(widgets.DateWidget):
    """A date as Excel stores it or typed as 31.12.2012 or 2012-12-31."""

    def __init__(self):
        super().__init__(format="%d.%m.%Y")

    def clean(self, value, row=None, **kwargs):
        if value in (None, ""):
            return None
        if isinstance(value, dt.datetime):
            return value.date()
        if isinstance(value, dt.date):
            return value
        text = cell_text(value)
        day, _, rest = text.partition(".")
        month, _, year = rest.partition(".")
        if len(year) == 4 and (day + month + year).isascii() and (day + month + year).isdigit():
            # 31.12.2012, as the import's rows CSV holds every date: read without strptime, the costly part of a cell.
            try:
                return dt.date(int(year), int(month), int(day))
            except ValueError:
                pass  # the formats below say why, in the same words
        for fmt in ("%d.%m.%Y", "%Y-%m-%d", "%d.%m.%y"):
            try:
                return dt.datetime.strptime(text, fmt).date()
            except ValueError:
                continue
        raise ValueError(gettext("«%(value)s» is not a date; write it as 31.12.2012.") % {"value": text})


class BooleanWidget(widgets.BooleanWidget):
    """Да/нет as well as 1/0 and TRUE/FALSE."""

    TRUE = {"1", "true", "да", "yes", "+"}
    FALSE = {"0", "false", "нет", "no", "-"}

    def clean(self, value, row=None, **kwargs):
        if isinstance(value, bool):
            return value
        text = cell_text(value).lower()
        if text in self.TRUE:
            return True
        if text in self.FALSE:
            return False
        if not text:
            return None
        raise ValueError(gettext("«%(value)s» is not yes or no; write «да» or «нет».") % {"value": text})

    def render(self, value, obj=None, **kwargs):
        if value is None:
            return ""
        return gettext("yes") if value else gettext("no")


class EmailWidget(widgets.CharWidget):
    def clean(self, value, row=None, **kwargs):
        text = cell_text(value).lower()
        if text:
            try:
                validate_email(text)
            except ValidationError:
                raise ValueError(gettext("«%(value)s» is not an email address.") % {"value": text}) from None
        return text


def user_for_row(*, email: str, last_name: str = "", first_name: str = "", middle_name: str = "", phone: str = ""):
    """The account with this email, created without a password if new: the person sets one by password reset.

    Used by imports of navigators and parents, where the coordinator's spreadsheet names people by email."""
    User = get_user_model()
    user = User.objects.filter(email__iexact=email).first()
    if user is None:
        user = User(email=email.lower(), last_name=last_name, first_name=first_name, middle_name=middle_name, phone=phone)
        user.set_unusable_password()
        user.save()
    return user


class UserByEmailWidget(NaturalKeyWidget):
    """A user account by its email address (see `user_for_row` for creating it first)."""

    def __init__(self):
        super().__init__(get_user_model(), field="email")

    def get_lookup_kwargs(self, value, row, **kwargs):
        return {"email__iexact": value}

    def not_found(self, value, row):
        return gettext("there is no account with the email «%(email)s».") % {"email": value}


class ChoiceWidget(widgets.Widget):
    """A choice by its Russian label («мать») or its stored value («mother»); exported as the label."""

    def __init__(self, choices):
        super().__init__()
        self.choices = choices

    def clean(self, value, row=None, **kwargs):
        text = cell_text(value)
        if not text:
            return None
        for stored, label in self.choices:
            if text.lower() in (str(stored).lower(), str(label).lower()):
                return stored
        names = ", ".join(f"«{label}»" for _stored, label in self.choices)
        raise ValueError(gettext("«%(value)s» is not one of %(names)s.") % {"value": text, "names": names})

    def render(self, value, obj=None, **kwargs):
        return str(dict(self.choices).get(value, value or ""))


class ObjectWidget(widgets.ForeignKeyWidget):
    """A related record exported as people read it (its name), for export-only resources."""

    def render(self, value, obj=None, **kwargs):
        return "" if value is None else str(value)


class ExportResource(SpreadsheetResource):
    """An export-only resource whose columns carry the model's Russian verbose names and related records' names."""

    @classmethod
    def field_from_django_field(cls, field_name, django_field, readonly):
        field = super().field_from_django_field(field_name, django_field, readonly)
        field.column_name = str(django_field.verbose_name)
        if django_field.many_to_one or django_field.one_to_one:
            field.widget = ObjectWidget(django_field.related_model)
        elif django_field.choices:
            field.widget = ChoiceWidget(django_field.choices)
        return field


def export_resource(model, field_names, related=None):
    """An `ExportResource` of these fields of the model, plus `related` columns: {name: (attribute, header)}."""
    related = related or {}
    names = (*field_names, *related)
    attrs = {
        name: fields.Field(attribute=attribute, column_name=header, readonly=True)
        for name, (attribute, header) in related.items()
    }
    attrs["Meta"] = type("Meta", (), {"model": model, "fields": names, "export_order": names})
    return type(f"{model.__name__}ExportResource", (ExportResource,), attrs)
