"""Imports of every kind (students, navigators, venues: `participants.services.imports.kinds`), the navigator's form for
one student, and navigators' invitations (issue 14 §2–3). Thin views: the checks and writes are in the services."""

import io
from functools import partial

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login
from django.db import transaction
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext
from django.views.decorators.http import require_POST
from openpyxl import Workbook
from openpyxl.styles import Font

from bilet.lists import roles_required
from bilet.pd_log import personal_data_view_record
from bilet.roles import get_roles

from . import tasks
from .forms import ImportUploadForm, InvitationAcceptForm, StudentRegisterForm
from .models import ImportJob
from .selectors import import_job_list, invitable_navigators, registering_schools
from .services import import_jobs, imports, navigators

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _kind_or_404(request, name: str) -> imports.ImportKind:
    kind = imports.import_kind(name)
    if kind is None or not kind.allowed(get_roles(request.user)):
        raise Http404
    return kind


def _invitation_url(request) -> str:
    return request.build_absolute_uri(reverse("participants:invitation_accept", args=["__token__"]))


@roles_required(imports.may_import)
def import_upload(request, kind: str):
    kind = _kind_or_404(request, kind)
    form = ImportUploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        job = import_jobs.import_job_create(actor=request.user, kind=kind.name, upload=form.cleaned_data["file"])
        if job.is_async:
            transaction.on_commit(partial(tasks.check_import_job.delay, job.pk))
        else:
            import_jobs.import_job_check(job_id=job.pk)
        return redirect("participants:import_job", pk=job.pk)
    context = {
        "kind": kind, "title": kind.title, "form": form,
        "jobs": import_job_list(user=request.user).filter(kind=kind.name)[:10],
        "async_rows": settings.IMPORT_ASYNC_ROWS,
    }
    return render(request, "participants/imports/upload.html", context, status=400 if form.errors else 200)


@roles_required(imports.may_import)
def import_template(request, kind: str):
    """The XLSX template: the columns and one example row, with the user's own school or region in it."""
    kind = _kind_or_404(request, kind)
    spec = kind.template(user=request.user)
    book = Workbook()
    sheet = book.active
    sheet.title = str(kind.title)[:31]
    sheet.append(spec.header)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    sheet.append(spec.example)
    for row in sheet.iter_rows(min_row=2):
        for cell in row:
            if hasattr(cell.value, "year"):
                cell.number_format = "DD.MM.YYYY"
    for column in sheet.columns:
        sheet.column_dimensions[column[0].column_letter].width = max(14, len(str(column[0].value)) + 2)
    out = io.BytesIO()
    book.save(out)
    out.seek(0)
    return FileResponse(out, as_attachment=True, filename=f"{kind.name}-template.xlsx", content_type=XLSX_TYPE)


@roles_required(imports.may_import)
def import_job_detail(request, pk: int):
    job = get_object_or_404(import_job_list(user=request.user), pk=pk)
    kind = imports.import_kind(job.kind)
    context = {"job": job, "kind": kind, "title": kind.title, "poll_seconds": 1}
    if request.htmx:
        return render(request, "participants/imports/job_status.html", context)
    response = render(request, "participants/imports/job.html", context)
    if job.errors and kind.personal_data:
        # The error rows name the file's children: a page view of their personal data.
        personal_data_view_record(request, response, what=gettext("Import errors"))
    return response


@roles_required(imports.may_import)
@require_POST
def import_job_confirm(request, pk: int):
    job = get_object_or_404(import_job_list(user=request.user), pk=pk)
    try:
        job = import_jobs.import_job_confirm(actor=request.user, job=job)
    except import_jobs.ImportJobError as error:
        messages.error(request, error.message)
        return redirect("participants:import_job", pk=job.pk)
    if job.is_async:
        transaction.on_commit(partial(tasks.run_import_job.delay, job.pk, _invitation_url(request)))
    else:
        job = import_jobs.import_job_run(job_id=job.pk, invitation_url=_invitation_url(request))
        if job.state == ImportJob.State.DONE:
            messages.success(request, gettext("Imported: %(count)s.") % {"count": job.created_count})
    return redirect("participants:import_job", pk=job.pk)


# --- One student at a time ---------------------------------------------------------------------------------------


@roles_required(lambda r: r.operator or bool(r.coordinator_region_ids or r.navigator_school_ids))
def student_register(request):
    schools = registering_schools(user=request.user)
    form = StudentRegisterForm(request.POST or None, schools=schools)
    if request.method == "POST" and form.is_valid():
        try:
            student = imports.student_register(
                actor=request.user, school=form.cleaned_data["school"], data=form.service_data()
            )
        except imports.StudentImportRefused as error:
            for message in error.messages:
                form.add_error(None, message)
        else:
            messages.success(request, gettext("%(name)s is registered.") % {"name": student.full_name})
            return redirect("participants:student_register")
    return render(request, "participants/student_register.html", {"form": form}, status=400 if form.errors else 200)


# --- Navigators' invitations ---------------------------------------------------------------------------------------


@roles_required(lambda r: r.operator or bool(r.coordinator_region_ids))
@require_POST
def navigator_invite(request, pk: int):
    navigator = get_object_or_404(invitable_navigators(user=request.user), pk=pk)
    try:
        navigators.navigator_invite(actor=request.user, user=navigator.user, accept_url=_invitation_url(request))
    except navigators.InvitationError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, gettext("The invitation is sent to %(email)s.") % {"email": navigator.user.email})
    return redirect("participants:navigator_detail", pk=navigator.pk)


def invitation_accept(request, token: str):
    invitation = navigators.invitation_for_token(token)
    if invitation is None:
        context = {"refusal": navigators.invitation_refusal(token)}
        return render(request, "participants/invitation_accept.html", context, status=410)
    form = InvitationAcceptForm(request.POST or None, user=invitation.user)
    if request.method == "POST" and form.is_valid():
        try:
            user = navigators.navigator_invitation_accept(token=token, password=form.cleaned_data["password1"])
        except navigators.InvitationError as error:
            return render(request, "participants/invitation_accept.html", {"refusal": error.message}, status=410)
        login(request, user, backend="django.contrib.auth.backends.ModelBackend")
        messages.success(request, gettext("Your password is set. Welcome!"))
        return redirect("home")
    context = {"form": form, "invitation": invitation}
    return render(request, "participants/invitation_accept.html", context, status=400 if form.errors else 200)
