"""Consents (issue 14 §4, SPEC §3): the guardian gives and withdraws them and reads who saw the child's data; the
pre-filled form for the paper original; navigators and coordinators mark the original received and follow coverage;
coordinators read the acts of destruction."""

from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext
from django.views.decorators.http import require_POST

from bilet.lists import roles_required
from bilet.models import PersonalDataAccess
from bilet.roles import get_roles
from bilet.services import client_ip, personal_data_access_record
from regions.models import Campaign

from .consent_documents import consent_form_pdf, destruction_act_text
from .forms import ConsentGiveForm, PaperReceivedForm
from .models import DestructionAct, Guardianship, Student
from .pd_log import personal_data_subject_link
from .selectors import (
    child_data_log,
    consent_coverage,
    consent_form_students,
    consent_in_force,
    consent_paper_students,
    destruction_act_list,
    guardian_children,
)
from .services.consents import (
    ConsentError,
    ANONYMISE_AFTER,
    consent_give,
    consent_paper_mark,
    consent_text_current,
    consent_withdraw,
)


def _guardian(roles) -> bool:
    return roles.guardian_id is not None


def _paper_roles(roles) -> bool:
    return roles.operator or bool(roles.coordinator_region_ids) or bool(roles.navigator_school_ids)


def _coordinator(roles) -> bool:
    return roles.operator or bool(roles.coordinator_region_ids)


def _child(request, pk: int) -> Student:
    try:
        return guardian_children(user=request.user).get(pk=pk)
    except Student.DoesNotExist:
        raise Http404 from None


@roles_required(_guardian)
def consent_children(request):
    """The guardian's children, each with their consent's state and what can be done with it."""
    children = list(guardian_children(user=request.user))
    for child in children:
        waiting = child.withdrawn_at is not None and child.consent_id is None and child.anonymised_at is None
        child.anonymise_on = timezone.localdate(child.withdrawn_at + ANONYMISE_AFTER) if waiting else None
    return render(request, "participants/consents/children.html", {"children": children})


@roles_required(_guardian)
def consent_give_view(request, pk: int):
    student = _child(request, pk)
    text = consent_text_current()
    form = ConsentGiveForm(request.POST or None, initial={"text_version": text.version if text else 0})
    if request.method == "POST" and form.is_valid():
        try:
            consent_give(
                actor=request.user, student=student, text_version=form.cleaned_data["text_version"], agreed=True,
                ip=client_ip(request), user_agent=request.headers.get("User-Agent", ""),
            )
        except ConsentError as refusal:
            form.add_error(None, str(refusal))
            text = consent_text_current()
            form.data = form.data.copy()
            form.data["text_version"] = text.version if text else 0
        else:
            messages.success(
                request,
                gettext("The consent for %(name)s is given. Print the form, sign it and hand it to the school.")
                % {"name": student.full_name},
            )
            return redirect("participants:consent_children")
    return render(request, "participants/consents/give.html", {"student": student, "text": text, "form": form})


@roles_required(_guardian)
def consent_withdraw_view(request, pk: int):
    student = _child(request, pk)
    if request.method == "POST":
        try:
            outcome = consent_withdraw(actor=request.user, student=student)
        except ConsentError as refusal:
            messages.error(request, str(refusal))
        else:
            text = gettext("The consent for %(name)s is withdrawn; booking is no longer possible.") % {
                "name": student.full_name
            }
            if outcome.cancelled:
                text += " " + gettext("Cancelled bookings: %(events)s.") % {"events": ", ".join(outcome.cancelled)}
            messages.success(request, text)
            for title, reason in outcome.kept:
                messages.warning(request, f"«{title}»: {reason}")
        return redirect("participants:consent_children")
    return render(request, "participants/consents/withdraw.html", {"student": student})


@roles_required(_guardian)
def child_data_log_view(request, pk: int):
    """Who viewed or exported the child's data: role, organisation, when and what — in plain Russian."""
    student = _child(request, pk)
    return render(
        request, "participants/consents/log.html",
        {"student": student, "lines": child_data_log(user=request.user, student=student)},
    )


@roles_required(lambda roles: _guardian(roles) or _paper_roles(roles))
def consent_form_download(request, pk: int):
    """The pre-filled consent form for the paper original; every download is written to the personal-data log."""
    try:
        student = consent_form_students(user=request.user).get(pk=pk)
    except Student.DoesNotExist:
        raise Http404 from None
    consent = consent_in_force(student=student)
    guardian_id = get_roles(request.user).guardian_id
    link = list(Guardianship.objects.filter(student=student).select_related("guardian__user").order_by("pk"))
    own = next((g for g in link if g.guardian_id == guardian_id), None)
    if own is not None:
        guardian_name = request.user.get_full_name()
    elif consent is not None:
        guardian_name = consent.given_by_name
    else:
        first = next(iter(link), None)
        guardian_name = first.guardian.user.get_full_name() if first else ""
    text = consent.text_version if consent and consent.text_version else consent_text_current()
    pdf = consent_form_pdf(student=student, guardian_name=guardian_name, consent=consent, text=text)
    access = personal_data_access_record(
        user=request.user,
        kind=PersonalDataAccess.Kind.DOWNLOAD,
        what=gettext("Consent form (PDF)"),
        scope=f"{student.full_name}, {student.school.short_name} ({student.region.name})",
        query=request.get_full_path(),
        row_count=1,
        ip=client_ip(request),
    )
    personal_data_subject_link(access=access, student=student)
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="consent-{student.pk}.pdf"'
    return response


@roles_required(_paper_roles)
@require_POST
def consent_paper_view(request, pk: int):
    """Mark the signed paper original received, from the student's page or the class list (`next`)."""
    try:
        student = consent_paper_students(user=request.user).get(pk=pk)
    except Student.DoesNotExist:
        raise Http404 from None
    form = PaperReceivedForm(request.POST)
    consent = consent_in_force(student=student)
    if consent is None:
        messages.error(request, gettext("There is no consent in force for this student."))
    elif not form.is_valid():
        messages.error(request, gettext("Enter the date the original was received."))
    else:
        try:
            consent_paper_mark(actor=request.user, consent=consent, received_on=form.cleaned_data["received_on"])
        except ConsentError as refusal:
            messages.error(request, str(refusal))
        else:
            messages.success(request, gettext("The paper original is marked as received."))
    target = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}, require_https=request.is_secure()):
        target = reverse("participants:student_detail", args=[student.pk])
    return redirect(target)


@roles_required(_coordinator)
def consent_coverage_view(request):
    """Consent coverage per municipality and school, with the campaign's deadline for the paper originals."""
    municipalities, schools = consent_coverage(user=request.user)
    campaign = Campaign.objects.filter(is_active=True).first()
    deadline = campaign.paper_deadline if campaign else None
    overdue = deadline is not None and timezone.localdate() > deadline
    return render(
        request, "participants/consents/coverage.html",
        {"municipalities": municipalities, "schools": schools, "campaign": campaign, "deadline": deadline,
         "overdue": overdue},
    )


@roles_required(_coordinator)
def destruction_acts_view(request):
    acts = destruction_act_list(user=request.user)[:500]
    return render(request, "participants/consents/acts.html", {"acts": acts})


@roles_required(_coordinator)
def destruction_act_download(request, pk: int):
    try:
        act = destruction_act_list(user=request.user).get(pk=pk)
    except DestructionAct.DoesNotExist:
        raise Http404 from None
    response = HttpResponse(destruction_act_text(act), content_type="text/plain; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="act-{act.pk}.txt"'
    return response
