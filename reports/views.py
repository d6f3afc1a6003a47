from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.utils import timezone

from bilet.roles import get_roles
from regions.selectors import appeal_counts, current_campaign

from . import dashboards


@login_required
def home(request):
    """Where every role lands after signing in: a section of figures for each role the user holds."""
    user = request.user
    roles = get_roles(user)
    campaign = current_campaign()
    context = {"campaign": campaign, "links": _links()}
    if roles.operator:
        rows = dashboards.region_figures(user=user, campaign=campaign)
        context["operator"] = {
            "totals": dashboards.region_totals(rows),
            "rows": rows,
            "chart": dashboards.regions_chart(rows),
        }
    if roles.curator_region_ids:
        rows = dashboards.region_figures(user=user, region_ids=roles.curator_region_ids, campaign=campaign)
        context["curator"] = {"rows": rows, "chart": dashboards.regions_chart(rows)}
    if roles.coordinator_region_ids:
        rows = dashboards.region_figures(user=user, region_ids=roles.coordinator_region_ids, campaign=campaign)
        for row in rows:
            row.chart = dashboards.plan_chart(row)
        context["coordinator"] = rows
        context["contracts_flagged"] = dashboards.coordinator_contracts_flagged(user=user, campaign=campaign)
        context["counts"] = appeal_counts(user=user, today=timezone.localdate())
    if roles.navigator_school_ids:
        context["navigator"] = dashboards.navigator_schools(user=user, campaign=campaign)
    if roles.venue_ids:
        context["venue_staff"] = {
            "venues": dashboards.staff_venues(user=user, campaign=campaign),
            "events": dashboards.staff_upcoming_events(user=user),
        }
    if roles.mentor_id is not None:
        pending_count, pending = dashboards.mentor_pending_recommendations(user=user)
        context["mentor"] = {
            "events": dashboards.mentor_upcoming_events(user=user),
            "pending_count": pending_count,
            "pending": pending,
        }
    if roles.guardian_id is not None:
        context["guardian"] = dashboards.family(user=user, campaign=campaign, roles_filter="guardian")
    if roles.student_id is not None:
        context["student"] = dashboards.family(user=user, campaign=campaign, roles_filter="student")
    return render(request, "reports/home.html", context)


def _links() -> dict:
    names = {
        "catalog": "venues:catalog",
        "my_bookings": "venues:my_bookings",
        "school_bookings": "venues:school_bookings",
        "event_manage_list": "venues:event_manage_list",
        "mentor_recommendations": "venues:mentor_recommendations",
        "student_list": "participants:student_list",
        "event_create": "venues:event_create",
    }
    return {key: dashboards.url_or_none(name) for key, name in names.items()}
