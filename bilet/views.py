import django_filters
from django import forms
from django.conf import settings
from django.db import connection
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from .auth_log import sign_in_attempt_record
from .lists import DirectoryFilterSet, DirectoryListView
from .models import PersonalDataAccess


def not_offered(request):
    """A page a library brings that the portal does not offer: the same 404 as any page that does not exist."""
    raise Http404


@require_GET
@never_cache
def healthz(request):
    """SPEC §6: the state of the database and the broker; 200 when the database answers."""
    checks = {}
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
        checks["database"] = "ok"
    except Exception as exc:  # any driver error means "down"
        checks["database"] = f"error: {exc.__class__.__name__}"

    if settings.CELERY_TASK_ALWAYS_EAGER:
        checks["broker"] = "eager"
    else:
        checks["broker"] = _broker_state()

    status = 200 if checks["database"] == "ok" else 503
    return JsonResponse({"status": "ok" if status == 200 else "error", **checks}, status=status)


def _broker_state() -> str:
    from bilet.celery import app

    try:
        with app.connection_for_write() as conn:
            conn.ensure_connection(max_retries=1, timeout=2)
        return "ok"
    except Exception as exc:
        return f"error: {exc.__class__.__name__}"


@require_GET
@never_cache
def whoami(request):
    """The signed-in user's name as plain text: a cheap page behind the full middleware stack and login, which the
    booking benchmark (benchmarks/booking_load.py) measures side by side with booking."""
    if not request.user.is_authenticated:
        return HttpResponse(status=401)
    return HttpResponse(request.user.get_full_name() or request.user.email, content_type="text/plain; charset=utf-8")


# --- Personal-data access log (issue 3 §5) ------------------------------------------------------------------------


class PersonalDataAccessFilterSet(DirectoryFilterSet):
    search_fields = ("what", "scope", "query")
    email = django_filters.CharFilter(
        field_name="user__email", lookup_expr="icontains", label=_("User's email"), max_length=254
    )
    kind = django_filters.ChoiceFilter(choices=PersonalDataAccess.Kind.choices, label=_("Kind"))
    date_from = django_filters.DateFilter(
        field_name="created_at", lookup_expr="date__gte", label=_("Date from"),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    date_to = django_filters.DateFilter(
        field_name="created_at", lookup_expr="date__lte", label=_("Date to"),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )

    class Meta:
        model = PersonalDataAccess
        fields = ["q", "email", "kind", "date_from", "date_to"]


class PersonalDataLogView(DirectoryListView):
    """Every page view, export or download of students' personal data: who, what, which scope, when (operator staff
    only)."""

    title = _("Personal data log")
    intro = _(
        "Every page view, export or download of students' personal data: who received it, what, from which scope "
        "and when (152-FZ)."
    )
    caption = _("Page views, exports and downloads of personal data")
    table_template = "bilet/pd_log_table.html"
    filterset_class = PersonalDataAccessFilterSet
    sort_keys = {"when": ("created_at",), "user": ("user__email", "-created_at"), "rows": ("row_count",)}
    default_sort = "-when"

    def allowed(self, roles):
        return roles.operator

    def get_queryset(self):
        return PersonalDataAccess.objects.select_related("user")


def too_many_requests(request, exception=None):
    """allauth's answer when an address exceeds a rate limit (it looks up `handler429` in the root URLconf).

    A sign-in refused here never reaches the form, so it is logged here: the sign-in log must show a flood too."""
    if request.method == "POST" and request.path == reverse("account_login"):
        sign_in_attempt_record(
            request=request, email=request.POST.get("login", ""), succeeded=False, reason="address rate limited"
        )
    return render(request, "429.html", status=429)
