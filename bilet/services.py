"""Writes of the project package that carry a rule."""

from django.core.exceptions import ImproperlyConfigured, PermissionDenied
from django.db import transaction
from django.utils.translation import gettext_lazy as _

from .models import PersonalDataAccess


class PersonalDataAccessError(Exception):
    """A personal-data access that cannot be recorded; the message is a sentence for the user."""


def _clip(value: str, field: str) -> str:
    limit = PersonalDataAccess._meta.get_field(field).max_length
    value = value or ""
    return value if len(value) <= limit else value[: limit - 1] + "…"


@transaction.atomic
def personal_data_access_record(
    *,
    user,
    kind: str,
    what: str,
    scope: str = "",
    query: str = "",
    row_count: int = 0,
    ip: str | None = None,
) -> PersonalDataAccess:
    """Record one export or download of students' personal data (152-ФЗ: who, what, which scope, when).

    Call it in the same transaction that reads the data, before the response leaves: an export that cannot be
    logged must not be served.
    """
    if user is None or not user.is_authenticated:
        raise PersonalDataAccessError(_("Only a signed-in user can receive personal data."))
    if kind not in PersonalDataAccess.Kind.values:
        raise PersonalDataAccessError(_("Unknown kind of personal data access."))
    if not what:
        raise PersonalDataAccessError(_("Say what personal data was accessed."))
    if row_count < 0:
        raise PersonalDataAccessError(_("The number of rows cannot be negative."))
    return PersonalDataAccess.objects.create(
        user=user,
        kind=kind,
        what=_clip(str(what), "what"),
        scope=_clip(str(scope), "scope"),
        query=_clip(str(query), "query"),
        row_count=row_count,
        ip_address=ip or None,
    )


def client_ip(request) -> str | None:
    """The client's address, by the rule the sign-in rate limits use: behind TRUSTED_PROXY_COUNT proxies
    (ALLAUTH_TRUSTED_PROXY_COUNT) the client named in X-Forwarded-For, not the proxy in REMOTE_ADDR.

    The one function for "who is this" in the personal-data log and the sign-in log alike.
    """
    if request is None:
        return None
    from allauth.account.adapter import get_adapter

    try:
        return get_adapter(request).get_client_ip(request)
    except (PermissionDenied, ImproperlyConfigured):  # no address (a unix socket); fewer proxies than configured
        return request.META.get("REMOTE_ADDR") or None
