"""A student's registration and the family links (issue 14 §1): the signup's place fields, the parent's invitation
page, the parent's "my children" and the student's "my parents" pages."""

from allauth.account.views import SignupView
from django.contrib import messages
from django.contrib.auth import login
from django.db import transaction
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST

from bilet.lists import roles_required

from .forms import PLACE_FIELDS, GuardianAccountForm, GuardianNameForm, StudentSignupForm
from .models import GuardianInvitation
from .selectors import (
    guardian_children_links,
    guardian_invitation_answerable,
    guardian_invitation_from_token,
    guardian_pending_invitations,
    invitation_account,
    student_guardian_links,
    student_invitation_get,
)
from .services.registration import (
    RegistrationError,
    guardian_invitation_accept,
    guardian_invitation_accept_new,
    guardian_invitation_create,
    guardian_invitation_refuse,
    guardian_invitation_resend_check,
    invitation_days,
)
from .tasks import send_guardian_invitation

PASSWORD_FIELDS = ("password1", "password2")


def _send_after_commit(request, invitation) -> None:
    base_url = request.build_absolute_uri("/")
    transaction.on_commit(
        lambda: send_guardian_invitation.delay(invitation_id=invitation.pk, base_url=base_url), robust=True
    )


# --- the student's signup -----------------------------------------------------------------------------------------


class StudentSignupView(SignupView):
    """allauth's signup; «Show the schools» (the no-JavaScript way to narrow the place fields) shows the form again
    with what was typed, without checking it yet."""

    def post(self, request, *args, **kwargs):
        if "show_schools" in request.POST:
            initial = {k: v for k, v in request.POST.items() if k not in PASSWORD_FIELDS and k != "csrfmiddlewaretoken"}
            form = StudentSignupForm(initial=initial)
            return self.render_to_response(self.get_context_data(form=form))
        return super().post(request, *args, **kwargs)


@require_GET
def signup_places(request):
    """The place fields of the signup form narrowed to what is chosen so far (htmx swaps them in)."""
    initial = {name: request.GET.get(name, "") for name in PLACE_FIELDS}
    return render(request, "participants/registration/places.html", {"form": StudentSignupForm(initial=initial)})


# --- the parent's invitation ------------------------------------------------------------------------------------------


def _invitation_state(invitation) -> str:
    if invitation.status != GuardianInvitation.Status.PENDING:
        return "answered"
    if invitation.is_expired():
        return "expired"
    return "open"


@never_cache
def guardian_invitation(request, token: str):
    """The page the emailed link opens: the child who named this address, and the answer. A parent with no account
    sets their name and password here; one with an account signs in first. Refusing needs only the link."""
    invitation = guardian_invitation_from_token(token)
    if invitation is None:
        raise Http404
    account = invitation_account(invitation=invitation)
    user = request.user if request.user.is_authenticated else None
    state = _invitation_state(invitation)
    form = None
    if state == "open" and account is None and user is None:
        form = GuardianAccountForm(
            request.POST if request.method == "POST" and request.POST.get("answer") == "accept" else None,
            email=invitation.email,
            initial={"last_name": invitation.last_name, "first_name": invitation.first_name,
                     "middle_name": invitation.middle_name},
        )
    if request.method == "POST" and state == "open":
        answer = request.POST.get("answer")
        try:
            if answer == "refuse":
                guardian_invitation_refuse(invitation=invitation, user=user)
                messages.info(request, gettext("You have refused the link. The student will see it on their page."))
                return redirect("home" if user else "account_login")
            if answer == "accept" and account is not None and user is not None and user.pk == account.pk:
                guardian_invitation_accept(invitation=invitation, user=user, by_link=True)
                messages.success(request, gettext("The link is confirmed: %(name)s is on your page.")
                                 % {"name": invitation.student.full_name})
                return redirect("participants:my_children")
            if answer == "accept" and form is not None and form.is_valid():
                data = form.cleaned_data
                new_user = guardian_invitation_accept_new(
                    invitation=invitation, last_name=data["last_name"], first_name=data["first_name"],
                    middle_name=data["middle_name"], password=data["password1"],
                )
                login(request, new_user, backend="django.contrib.auth.backends.ModelBackend")
                messages.success(request, gettext("Your account is created and the link is confirmed."))
                return redirect("participants:my_children")
        except RegistrationError as error:
            messages.error(request, str(error))
            return redirect(request.path)
    context = {
        "invitation": invitation,
        "student": invitation.student,
        "state": state,
        "form": form,
        "has_account": account is not None,
        "signed_in_as_invited": user is not None and account is not None and user.pk == account.pk,
        "signed_in_as_other": user is not None and (account is None or user.pk != account.pk),
    }
    return render(request, "participants/registration/invitation.html", context)


# --- the parent's page ------------------------------------------------------------------------------------------------


def _guardian(roles) -> bool:
    return roles.guardian_id is not None


@roles_required(_guardian)
def my_children(request):
    """The parent's confirmed children and the invitations waiting for their answer."""
    context = {
        "links": guardian_children_links(user=request.user),
        "pending": list(guardian_pending_invitations(user=request.user)),
    }
    return render(request, "participants/registration/my_children.html", context)


@roles_required(_guardian)
@require_POST
def my_children_answer(request, pk: int, answer: str):
    try:
        invitation = guardian_invitation_answerable(user=request.user, pk=pk)
    except GuardianInvitation.DoesNotExist:
        raise Http404 from None
    try:
        if answer == "accept":
            guardian_invitation_accept(invitation=invitation, user=request.user, by_link=False)
            messages.success(request, gettext("The link is confirmed: %(name)s is on your page.")
                             % {"name": invitation.student.full_name})
        else:
            guardian_invitation_refuse(invitation=invitation, user=request.user)
            messages.info(request, gettext("You have refused the link. The student will see it on their page."))
    except RegistrationError as error:
        messages.error(request, str(error))
    return redirect("participants:my_children")


# --- the student's page -----------------------------------------------------------------------------------------------


def _student(roles) -> bool:
    return roles.student_id is not None


@roles_required(_student)
def my_guardians(request):
    """The student's parents: confirmed links, the invitation's state (resend), and naming a parent (again)."""
    student, links, invitations = student_guardian_links(user=request.user)
    form = GuardianNameForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            invitation = guardian_invitation_create(student=student, guardian=form.guardian_named())
        except RegistrationError as error:
            for field, errors in error.errors.items():
                for message in errors:
                    form.add_error(f"guardian_{field}" if field else None, message)
        else:
            _send_after_commit(request, invitation)
            messages.success(request, gettext("The invitation is sent to %(email)s.") % {"email": invitation.email})
            return redirect("participants:my_guardians")
    context = {
        "student": student,
        "links": links,
        "invitations": invitations,
        "pending": next((i for i in invitations if i.status == GuardianInvitation.Status.PENDING), None),
        "form": form,
        "days": invitation_days(),
    }
    return render(request, "participants/registration/my_guardians.html", context)


@roles_required(_student)
@require_POST
def my_guardians_resend(request, pk: int):
    try:
        invitation = student_invitation_get(user=request.user, pk=pk)
    except GuardianInvitation.DoesNotExist:
        raise Http404 from None
    student, _links, _invitations = student_guardian_links(user=request.user)
    try:
        guardian_invitation_resend_check(student=student, invitation=invitation)
    except RegistrationError as error:
        messages.error(request, str(error))
    else:
        _send_after_commit(request, invitation)
        messages.success(request, gettext("The invitation is sent again to %(email)s: the earlier link no longer works.")
                         % {"email": invitation.email})
    return redirect(reverse("participants:my_guardians"))

