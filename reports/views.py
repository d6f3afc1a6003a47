from django.contrib.auth.decorators import login_required
from django.shortcuts import render

from bilet.roles import get_roles


@login_required
def home(request):
    """Where every role lands after signing in: a section of figures for each role the user holds."""
    roles = get_roles(request.user)
    return render(request, "reports/home.html", {"roles": roles})
