"""Work past its date on the coordinator's and the curator's home pages: monthly reports past the curator's deadline
(issue 13 §6) and curators' requests past their date (issue 15 §1)."""

import datetime as dt

from django.utils import timezone

from regions.selectors import request_overdue_list

from ..selectors import overdue_deadlines
from .links import UPCOMING_LIMIT


def overdue_reports(*, user, region_ids) -> list:
    """The region's (or the curator's regions') monthly reports past the curator's deadline, neither sent nor
    accepted, the longest overdue first; each with the link to the region's reports."""
    return list(overdue_deadlines(user=user, region_ids=region_ids)[:UPCOMING_LIMIT])


OVERDUE_REQUESTS_LIMIT = 10


def overdue_requests(*, user, today: dt.date | None = None) -> list:
    """Requests past their date and still awaiting an answer, oldest date first: the curator's regions' and the
    coordinator's region's (regions.selectors.request_list scopes them)."""
    return list(request_overdue_list(user=user, today=today or timezone.localdate())[:OVERDUE_REQUESTS_LIMIT])
