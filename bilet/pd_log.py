"""Page views of children's personal data in the personal-data log (issue 12 §5; 152-ФЗ: who saw whose data, when).

One row per page served, not per child on it: the page's path and query string (which student, which search, which
class) say what was shown, and a row costs one INSERT.
"""

from functools import wraps
from urllib.parse import unquote

from .models import PersonalDataAccess
from .services import client_ip, personal_data_access_record


def personal_data_view_record(request, response, *, what) -> PersonalDataAccess | None:
    """Log `response` if it shows the page (200): a redirect, a refusal or a 404 showed nobody's data."""
    if response.status_code != 200:
        return None
    return personal_data_access_record(
        user=request.user,
        kind=PersonalDataAccess.Kind.VIEW,
        what=what,
        query=unquote(request.get_full_path()),  # a search for «Иванова» reads as such in the log
        ip=client_ip(request),
    )


def logs_personal_data_view(what):
    """A view whose page shows children's personal data: every page it serves writes one log row saying `what`."""

    def decorator(view):
        @wraps(view)
        def wrapped(request, *args, **kwargs):
            response = view(request, *args, **kwargs)
            personal_data_view_record(request, response, what=what)
            return response

        return wrapped

    return decorator
