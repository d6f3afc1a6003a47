"""allauth's adapter: signup for students only (issue 14 §1), and the sign-in limits of issue 12 §1–2.

Failed sign-ins are counted twice, with allauth's own counters (`allauth.core.internal.ratelimit`: the same cache,
windows and rollback on success):

- per account *and* client address (`login_failed`, e.g. 5 in 5 minutes): the guesser is stopped, and nobody can lock
  the owner out from somewhere else;
- per account from any address (`login_failed_account`, looser): a slow guess spread over many addresses. When it is
  exhausted the owner is not locked out either: a password is still accepted from an address this account has
  signed in from before, and from anywhere else the answer points to the emailed reset link («Забыли свой пароль?»),
  whose new password clears the count.
"""

from allauth.account.adapter import DefaultAccountAdapter
from allauth.core import context
from allauth.core.internal import ratelimit
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from .auth_log import sign_in_attempt_record
from .models import SignInAttempt
from .services import client_ip

APP = "allauth.account"
LOGIN_FAILED_PAIR = "login_failed"  # allauth's action name, so ACCOUNT_RATE_LIMITS["login_failed"] keeps its meaning
LOGIN_FAILED_ACCOUNT = "login_failed_account"


def login_key(email: str) -> str:
    """The account a typed email names, as the database compares it.

    Only the address: allauth's key also held the current site's domain, which without django.contrib.sites is the
    request's Host header, so every allowed host name gave a fresh count. Upper- then lower-cased because PostgreSQL
    finds the account with UPPER(email) = UPPER(typed), which also matches «ı» or «ſ» to «i» or «s».
    """
    return (email or "").strip().upper().lower()


def _pair_key(account: str, request) -> str:
    # allauth's own notion of the address: the client behind ALLAUTH_TRUSTED_PROXY_COUNT proxies, an IPv6 /64 as one.
    return f"{account} {ratelimit.get_ip(request)}"


def _signed_in_from_here_before(account: str, request) -> bool:
    ip = client_ip(request)
    return bool(ip) and SignInAttempt.objects.filter(email=account, succeeded=True, ip_address=ip).exists()


class AccountAdapter(DefaultAccountAdapter):
    """Students sign up on their own, with the student's form (settings.ACCOUNT_FORMS), which creates a student and
    nothing else; every other role's account is created by the operator, coordinators, navigators, or by a parent
    accepting a child's invitation."""

    error_messages = {
        **DefaultAccountAdapter.error_messages,
        "account_guessed_from_many_addresses": _(
            "This account has had too many failed sign-in attempts from different addresses, so its password is "
            "accepted now only where you have signed in before. Signing in from elsewhere? Use «Forgot your "
            "password?»: with the link from the email you set a new password and can sign in."
        ),
    }

    def is_open_for_signup(self, request):
        return True

    def _get_login_attempts_cache_key(self, request, **credentials) -> str:
        return login_key(credentials.get("email") or credentials.get("username") or "")

    def pre_authenticate(self, request, **credentials):
        try:
            self._login_failed_consume(request, self._get_login_attempts_cache_key(request, **credentials))
        except ValidationError as refusal:
            # allauth refuses a rate-limited attempt before Django's authenticate() runs, so no auth signal fires:
            # record it here, or a password-guessing run would vanish from the sign-in log once the limit bites.
            sign_in_attempt_record(
                request=request, email=credentials.get("email", ""), succeeded=False,
                reason="account rate limited" if refusal.code == "account_guessed_from_many_addresses"
                else "rate limited",
            )
            raise

    def _login_failed_consume(self, request, account: str) -> None:
        """Count this attempt as a failure in both counters (allauth rolls both back when the password is right)."""
        pair = ratelimit.consume(request, app=APP, action=LOGIN_FAILED_PAIR, key=_pair_key(account, request))
        if pair is None:
            raise self.validation_error("too_many_login_attempts")
        on_account = ratelimit.consume(request, app=APP, action=LOGIN_FAILED_ACCOUNT, key=account)
        if on_account is None:
            if not _signed_in_from_here_before(account, request):
                raise self.validation_error("account_guessed_from_many_addresses")
            on_account = ratelimit.RateLimitUsage(usage=[])
        self._login_failed_rl_usage = ratelimit.RateLimitUsage(usage=pair.usage + on_account.usage)

    def set_password(self, user, password, *args, **kwargs) -> None:
        super().set_password(user, password, *args, **kwargs)
        # A password the owner set (the emailed reset link, or the change form while signed in) ends a guessing run's
        # hold on the account: the guesses were about a password that no longer exists.
        request = context.request
        if request is not None:
            account = login_key(user.email)
            ratelimit.clear(request, app=APP, action=LOGIN_FAILED_ACCOUNT, key=account)
            ratelimit.clear(request, app=APP, action=LOGIN_FAILED_PAIR, key=_pair_key(account, request))
