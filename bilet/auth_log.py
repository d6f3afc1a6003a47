"""The sign-in log (issue 3 §8): every attempt, successful or not, as a `SignInAttempt` row and a line on the
`bilet.auth` logger. The password never reaches this module: Django's `user_login_failed` hands over credentials
already cleansed, and only the email is read from them.

Connected to Django's auth signals in `BiletConfig.ready()`; logging is a side record, not a business rule."""

import logging

from django.contrib.auth import get_user_model

from .models import SignInAttempt
from .services import client_ip

logger = logging.getLogger("bilet.auth")

_USER_AGENT_MAX = SignInAttempt._meta.get_field("user_agent").max_length
_EMAIL_MAX = SignInAttempt._meta.get_field("email").max_length


def sign_in_attempt_record(*, request, email: str, user=None, succeeded: bool, reason: str = "") -> SignInAttempt:
    email = (email or "").strip().lower()[:_EMAIL_MAX]
    if user is None and email:
        # A failure names the account it was aimed at, so guessing on one account shows in its history.
        user = get_user_model().objects.filter(email__iexact=email).first()
    ip = client_ip(request)
    user_agent = request.META.get("HTTP_USER_AGENT", "")[:_USER_AGENT_MAX] if request is not None else ""
    attempt = SignInAttempt.objects.create(
        email=email, user=user, succeeded=succeeded, ip_address=ip, user_agent=user_agent
    )
    logger.log(
        logging.INFO if succeeded else logging.WARNING,
        "sign-in %s email=%s user_id=%s ip=%s user_agent=%r%s",
        "succeeded" if succeeded else "failed",
        email or "-",
        user.pk if user is not None else "-",
        ip or "-",
        user_agent,
        f" reason={reason}" if reason else "",
    )
    return attempt


def on_user_logged_in(sender, request, user, **kwargs):
    sign_in_attempt_record(request=request, email=user.email, user=user, succeeded=True)


def on_user_login_failed(sender, credentials, request=None, **kwargs):
    email = credentials.get("email") or credentials.get("username") or ""
    sign_in_attempt_record(request=request, email=email, succeeded=False, reason="wrong credentials")
