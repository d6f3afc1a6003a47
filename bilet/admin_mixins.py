"""What every import-export admin of the portal shares: checked uploads, all-or-nothing imports with Russian
row errors, and the personal-data log for exports (152-ФЗ).

Lower apps' admins (regions, participants, venues) build on these; nothing here imports a higher app.
"""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.paginator import Paginator
from django.db import connections
from django.db.models import Q
from django.db.models.functions import Lower
from django.utils.formats import number_format
from django.utils.functional import cached_property
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _
from import_export.admin import ExportMixin, ImportExportMixin
from import_export.formats.base_formats import CSV, XLSX
from import_export.forms import ImportForm

from .models import PersonalDataAccess
from .services import client_ip, personal_data_access_record
from .pd_log import personal_data_view_record
from .uploads import CSV as CSV_KIND
from .uploads import TableFileField, csv_encoding, read_xlsx_table

# An export is built in memory (tablib, openpyxl): a whole country's students is a job for a report, not a click.
EXPORT_MAX_ROWS = getattr(settings, "ADMIN_EXPORT_MAX_ROWS", 100_000)


class CheckedImportForm(ImportForm):
    """The import form: the file passes the upload guard (`bilet.uploads`) and matches the chosen format before
    import-export reads it."""

    import_file = TableFileField(label=_("File to import"))

    def clean_import_file(self):
        upload = self.cleaned_data["import_file"]
        if upload.table_kind == CSV_KIND and csv_encoding(upload) == "cp1251":
            # import-export reads CSV as UTF-8; Russian Excel saves «CSV» in Windows-1251.
            upload = SimpleUploadedFile(upload.name, upload.read().decode("cp1251").encode("utf-8"))
            upload.table_kind = CSV_KIND
        return upload

    def clean(self):
        cleaned = super().clean()
        upload, chosen = cleaned.get("import_file"), cleaned.get("format")
        if upload and chosen not in (None, ""):
            title = str(dict(self.fields["format"].choices).get(chosen, ""))
            if title.lower() != upload.table_kind:
                self.add_error(
                    "format",
                    gettext("The chosen format is %(format)s but the file is .%(extension)s.")
                    % {"format": title, "extension": upload.table_kind},
                )
        return cleaned


class TableXLSX(XLSX):
    """import-export's XLSX import, read within the upload limits whatever the sheet claims (`read_xlsx_table`)."""

    def create_dataset(self, in_stream):
        return read_xlsx_table(in_stream)


def number_rows_as_in_the_file(result) -> None:
    """import-export numbers the data rows from 1; the person fixing the file sees the header as line 1 in Excel.
    Renumber the invalid rows (shown in the preview table too) so the table and the messages agree."""
    for row in result.invalid_rows:
        row.number += 1


def import_row_messages(result, resource) -> list[str]:
    """One Russian sentence per problem, numbered by the line of the file (the header is line 1); the invalid
    rows must already be renumbered by `number_rows_as_in_the_file`."""
    columns = {name: str(field.column_name) for name, field in resource.fields.items()}
    columns.update({field.attribute: str(field.column_name) for field in resource.fields.values() if field.attribute})
    messages = [gettext("The file: %(message)s") % {"message": error.error} for error in result.base_errors]
    problems = []
    for number, errors in result.row_errors():
        for error in errors:
            problems.append((number + 1, str(error.error)))
    for row in result.invalid_rows:
        for field_name, field_errors in row.field_specific_errors.items():
            for message in field_errors:
                column = columns.get(field_name, field_name)
                problems.append((row.number, gettext("«%(column)s» — %(message)s") % {"column": column, "message": message}))
        for message in row.non_field_specific_errors:
            problems.append((row.number, str(message)))
    for number, message in sorted(problems, key=lambda p: p[0]):
        messages.append(gettext("Line %(line)s: %(message)s") % {"line": number, "message": message})
    return messages


class ExportRowLimitMixin:
    """Refuses an export of more than EXPORT_MAX_ROWS rows before reading them, with a message to filter first."""

    def get_data_for_export(self, request, queryset, **kwargs):
        rows = queryset.count()
        if rows > EXPORT_MAX_ROWS:
            # import-export shows a ValueError's message on the export form.
            raise ValueError(
                ngettext(
                    "The list has %(rows)s row; at most %(limit)s can be exported at once. Narrow it with the filters.",
                    "The list has %(rows)s rows; at most %(limit)s can be exported at once. Narrow it with the filters.",
                    rows,
                )
                % {"rows": number_format(rows, force_grouping=True),
                   "limit": number_format(EXPORT_MAX_ROWS, force_grouping=True)}
            )
        return super().get_data_for_export(request, queryset, **kwargs)


class PortalImportExportMixin(ExportRowLimitMixin, ImportExportMixin):
    """Import and export in XLSX and CSV; an import is all-or-nothing and names each bad line in Russian."""

    import_form_class = CheckedImportForm
    import_formats = [TableXLSX, CSV]
    export_formats = [XLSX, CSV]
    import_template_name = "admin/bilet/import.html"

    def get_import_data_kwargs(self, **kwargs):
        kwargs = super().get_import_data_kwargs(**kwargs)
        kwargs.pop("request", None)
        # One bad row rolls back every row of the file, also at the confirmation step.
        return {**kwargs, "use_transactions": True, "rollback_on_validation_errors": True}

    def add_data_read_fail_error_to_form(self, form, e):
        if isinstance(e, ValidationError):  # the reader's own limits, already a Russian sentence
            form.add_error("import_file", e)
        else:
            super().add_data_read_fail_error_to_form(form, e)

    def import_action(self, request, **kwargs):
        response = super().import_action(request, **kwargs)
        context = getattr(response, "context_data", None)
        if context and context.get("result") is not None:
            result = context["result"]
            if result.has_errors() or result.has_validation_errors():
                resource = self.get_import_resource_classes(request)[0](**self.get_import_resource_kwargs(request))
                number_rows_as_in_the_file(result)
                context["row_messages"] = import_row_messages(result, resource)
        if context is not None:
            context["import_max_bytes"] = settings.UPLOAD_MAX_BYTES
        return response


class PortalExportMixin(ExportRowLimitMixin, ExportMixin):
    """Export only, in the two formats the regions use."""

    export_formats = [XLSX, CSV]


class PersonalDataExportMixin:
    """Writes a personal-data log row for every export of the model (who, what, scope, rows, address)."""

    def get_data_for_export(self, request, queryset, **kwargs):
        data = super().get_data_for_export(request, queryset, **kwargs)
        personal_data_access_record(
            user=request.user,
            kind=PersonalDataAccess.Kind.ADMIN_EXPORT,
            what=gettext("Administration: %(records)s") % {"records": self.model._meta.verbose_name_plural},
            scope=gettext("all regions"),
            query=request.GET.urlencode(),
            row_count=len(data),
            ip=client_ip(request),
        )
        return data


class PersonalDataViewMixin:
    """Writes a personal-data log row for every change page of a child's record the admin shows."""

    def change_view(self, request, object_id, form_url="", extra_context=None):
        response = super().change_view(request, object_id, form_url, extra_context)
        what = gettext("Administration: %(records)s") % {"records": self.model._meta.verbose_name}
        personal_data_view_record(request, response, what=what)
        return response


class EstimatedCountPaginator(Paginator):
    """The admin's paginator for tables of millions of rows (students, bookings, users).

    An unfiltered list would COUNT(*) the whole table on every page; PostgreSQL's planner statistics give the
    size within a few per cent at no cost. A filtered or searched list, or a small table, is counted exactly."""

    ESTIMATE_FROM = 50_000

    @cached_property
    def count(self):
        queryset = self.object_list
        query = getattr(queryset, "query", None)
        if query is not None and not query.where and connections[queryset.db].vendor == "postgresql":
            with connections[queryset.db].cursor() as cursor:
                cursor.execute("SELECT reltuples::bigint FROM pg_class WHERE oid = %s::regclass", [query.model._meta.db_table])
                row = cursor.fetchone()
            if row and row[0] >= self.ESTIMATE_FROM:
                return row[0]
        return super().count


class BigTableAdminMixin:
    """For lists of a million rows: estimated page count, no second full count for the "show all" link."""

    paginator = EstimatedCountPaginator
    show_full_result_count = False
    # Rendering a row costs more than fetching it (the action checkbox is a widget): 50 rows keep a page quick.
    list_per_page = 50


class PersonSearchMixin:
    """Search among a million people along the indexes instead of `LIKE '%…%'` over every row.

    The words are the last name, first name and patronymic, in that order, each matched from its start (Russian
    names are written with a capital letter, so «иванов» finds «Иванов»); a word with «@» is an email address,
    matched whole through the index on the lower-cased address."""

    person_name_fields = ("last_name", "first_name", "middle_name")
    person_email_field = "user__email"
    search_help_text = _("Last name, first name and patronymic (from the start of each), or a whole email address.")

    def get_search_results(self, request, queryset, search_term):
        words = search_term.split()
        if not words:
            return queryset, False
        emails = [word.lower() for word in words if "@" in word]
        names = [word for word in words if "@" not in word]
        if emails:
            queryset = queryset.alias(_search_email=Lower(self.person_email_field)).filter(_search_email=emails[0])
        condition = Q()
        for field, word in zip(self.person_name_fields, names):
            condition &= Q(**{f"{field}__startswith": word[:1].upper() + word[1:]})
        return queryset.filter(condition), False


class ReadOnlyAdminMixin:
    """A log: operator staff read it, nobody adds, edits or deletes rows by hand."""

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
