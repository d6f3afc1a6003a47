from allauth.account.adapter import DefaultAccountAdapter
from django.core.exceptions import ValidationError


class AccountAdapter(DefaultAccountAdapter):
    """Accounts are created by the operator, coordinators and navigators; nobody signs up on their own."""

    def is_open_for_signup(self, request):
        return False

    def pre_authenticate(self, request, **credentials):
        # allauth refuses a rate-limited attempt before Django's authenticate() runs, so no auth signal fires:
        # record it here, or a password-guessing run would vanish from the sign-in log once the limit bites.
        try:
            super().pre_authenticate(request, **credentials)
        except ValidationError:
            from .auth_log import sign_in_attempt_record

            sign_in_attempt_record(
                request=request, email=credentials.get("email", ""), succeeded=False, reason="rate limited"
            )
            raise
