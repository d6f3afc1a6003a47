"""Mentors' recommendations (issue 4 §6): the mentor's to-do list and form, the reader's page, the coordinator's
list of overdue ones."""

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods

from bilet.roles import get_roles
from regions.models import Competency

from ..selectors.followup import (
    can_follow_up_recommendations,
    mentor_booking_list,
    mentor_pending_list,
    mentor_written_list,
    recommendation_list,
    recommendation_overdue_bookings,
    recommendation_overdue_summary,
)
from ..models import Recommendation
from .attendance import render_list
from ..services.recommendations import (
    TEXT_MAX_LENGTH,
    RecommendationError,
    recommendation_due_at,
    recommendation_overdue,
    recommendation_write as write_service,
)


class RecommendationForm(forms.Form):
    competency = forms.ModelChoiceField(
        Competency.objects.all(), label=gettext_lazy("Professional direction"),
        help_text=gettext_lazy("The direction in which you recommend the student to develop."),
    )
    text = forms.CharField(
        label=gettext_lazy("Recommendation"), max_length=TEXT_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 10}),
        help_text=gettext_lazy("What the student did well, what to study next, which subjects and clubs to choose."),
    )


@login_required
def mentor_recommendations(request):
    if get_roles(request.user).mentor_id is None:
        raise Http404
    now = timezone.now()
    pending = list(mentor_pending_list(user=request.user))
    for booking in pending:
        booking.due_at = recommendation_due_at(booking.event)
        booking.overdue = recommendation_overdue(booking.event, now)
    written = Paginator(mentor_written_list(user=request.user), settings.PAGINATE_BY).get_page(request.GET.get("page"))
    for recommendation in written:
        recommendation.late = recommendation.created_at > recommendation_due_at(recommendation.booking.event)
    return render_list(request, "venues/followup/mentor_recommendations.html", {
        "pending": pending,
        "overdue_count": sum(b.overdue for b in pending),
        "written": written,
    })


@login_required
@require_http_methods(["GET", "POST"])
def recommendation_write(request, pk: int):
    booking = get_object_or_404(mentor_booking_list(user=request.user), pk=pk)
    existing = Recommendation.objects.filter(booking=booking).select_related("mentor").first()
    if request.method == "POST":
        form = RecommendationForm(request.POST)
        if form.is_valid():
            try:
                write_service(
                    actor=request.user, booking=booking,
                    competency=form.cleaned_data["competency"], text=form.cleaned_data["text"],
                )
            except RecommendationError as exc:
                form.add_error(None, str(exc))
            else:
                messages.success(request, _("The recommendation is saved."))
                return redirect("venues:mentor_recommendations")
    elif existing is not None:
        form = RecommendationForm(initial={"competency": existing.competency_id, "text": existing.text})
    else:
        form = RecommendationForm(initial={"competency": booking.event.competency_id})
    due_at = recommendation_due_at(booking.event)
    return render(request, "venues/followup/recommendation_form.html", {
        "booking": booking,
        "form": form,
        "existing": existing,
        "due_at": due_at,
        "overdue": due_at < timezone.now(),
        "mentor_id": get_roles(request.user).mentor_id,
    }, status=400 if form.errors else 200)


@login_required
def recommendations_overdue(request):
    if not can_follow_up_recommendations(get_roles(request.user)):
        raise Http404
    return render(request, "venues/followup/recommendations_overdue.html", {
        "rows": recommendation_overdue_summary(user=request.user),
        "total": recommendation_overdue_bookings(user=request.user).count(),
    })


@login_required
def recommendation_detail(request, pk: int):
    recommendation = get_object_or_404(recommendation_list(user=request.user), pk=pk)
    return render(request, "venues/followup/recommendation_detail.html", {"recommendation": recommendation})
