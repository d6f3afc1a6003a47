"""Every user's notifications (issue 15 §6): the list, mark one or all read (HTMX, or a plain form without
JavaScript), and the email settings per kind."""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from .ids import parse_id
from .models import Notification, NotificationKind
from .notifications import (
    NotificationError,
    email_preferences,
    email_preferences_set,
    notification_list,
    notification_mark_read,
    notifications_mark_all_read,
    unread_count,
)

PAGE_SIZE = 30


@login_required
def notification_list_view(request):
    page = Paginator(notification_list(user=request.user), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "bilet/notifications/list.html", {"page": page, "notifications": page.object_list})


def _back(request):
    target = request.POST.get("next") or ""
    if target and url_has_allowed_host_and_scheme(target, {request.get_host()}, require_https=request.is_secure()):
        return redirect(target)
    return redirect("bilet:notification_list")


@login_required
@require_POST
def notification_read_view(request, pk: int):
    try:
        notification = notification_mark_read(user=request.user, notification_id=parse_id(pk) or 0)
    except Notification.DoesNotExist:
        raise Http404 from None
    if request.htmx:
        return render(
            request, "bilet/notifications/item.html",
            {"notification": notification, "oob_count": unread_count(user=request.user)},
        )
    return _back(request)


@login_required
@require_POST
def notification_read_all_view(request):
    notifications_mark_all_read(user=request.user)
    messages.success(request, _("All notifications are marked read."))
    return _back(request)


class PreferencesForm(forms.Form):
    email_kinds = forms.MultipleChoiceField(
        label=gettext_lazy("Send me an email when"),
        choices=NotificationKind.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=gettext_lazy("Every notification also appears in the list on the portal."),
    )


@login_required
def notification_preferences_view(request):
    current = email_preferences(user=request.user)
    initial = {"email_kinds": [kind for kind, on in current.items() if on]}
    form = PreferencesForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            email_preferences_set(user=request.user, email_kinds=form.cleaned_data["email_kinds"])
        except NotificationError as error:
            form.add_error("email_kinds", error.message)
        else:
            messages.success(request, _("Your notification settings are saved."))
            return redirect("bilet:notification_preferences")
    return render(request, "bilet/notifications/preferences.html", {"form": form})
