"""What a person needs to try the participants' features of the demo (issue 14) that a login alone does not open:
a navigator the coordinator imported who has not accepted the emailed invitation yet, and the guide seed_demo prints
to the states the demo holds — the parents' and the navigators' invitations waiting for an answer, a student halfway
through a stage of the diagnostics, a withdrawn consent waiting for the anonymisation job.

Idempotent like the rest of the demo: a person who accepted the navigator's invitation finds it waiting again, with
the account back to no password, after the next run."""

import datetime as dt

from allauth.account.models import EmailAddress
from django.conf import settings
from django.db.models import Count
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from bilet.models import User
from participants.models import Consent, DiagnosticAttempt, Navigator, NavigatorInvitation
from participants.services.consents import ANONYMISE_AFTER
from regions.models import Region

from .reference_data import person

# A fixed link, printed by seed_demo, so a person can open it and set the navigator's password. Demo data only: a real
# link is a random secret.
DEMO_NAVIGATOR_TOKEN = "demo-navigator-invitation-{code}"
BASE_URL = "http://127.0.0.1:8000"


def invited_navigator_email(code: str, domain: str) -> str:
    return f"navigator{code}-invited@{domain}"


def ensure_invited_navigators(*, regions, domain: str, now: dt.datetime) -> None:
    """In each region's first school, a navigator imported by the coordinator (no password yet) whose invitation
    waits, valid for NAVIGATOR_INVITATION_DAYS from this run."""
    for n, region in enumerate(regions):
        school = Navigator.objects.get(user__email=f"navigator{region.code}@{domain}").school
        coordinator = User.objects.get(email=f"coordinator{region.code}@{domain}")
        last, first, middle = person(60 + n, female=True, adult=True)
        user, _created = User.objects.update_or_create(
            email=invited_navigator_email(region.code, domain),
            defaults={"last_name": last, "first_name": first, "middle_name": middle, "is_active": True},
        )
        if user.has_usable_password():
            user.set_unusable_password()
            user.save(update_fields=["password"])
        EmailAddress.objects.filter(user=user).delete()
        Navigator.objects.update_or_create(
            user=user, school=school,
            defaults={"region": region, "position": "учитель информатики", "training_completed_on": None},
        )
        digest = NavigatorInvitation.digest(DEMO_NAVIGATOR_TOKEN.format(code=region.code))
        NavigatorInvitation.objects.filter(user=user).exclude(token_hash=digest).delete()
        NavigatorInvitation.objects.update_or_create(
            user=user, token_hash=digest,
            defaults={"status": NavigatorInvitation.Status.PENDING, "answered_at": None, "invited_by": coordinator,
                      "sent_at": now, "expires_at": now + dt.timedelta(days=settings.NAVIGATOR_INVITATION_DAYS)},
        )


def participants_guide(*, codes: list[str], domain: str) -> list[str]:
    """Where each state of the participants' demo waits in the regions of `codes`, one line each, read from the
    database as it is now."""
    lines = []
    for code in codes:
        region = Region.objects.get(code=code)
        invitation = NavigatorInvitation.objects.select_related("user").filter(
            user__email=invited_navigator_email(code, domain), status=NavigatorInvitation.Status.PENDING
        ).first()
        if invitation is not None:
            path = reverse("participants:invitation_accept", args=[DEMO_NAVIGATOR_TOKEN.format(code=code)])
            lines.append(_("Navigator's invitation awaiting acceptance (%(email)s): open %(url)s signed out and set "
                           "a password") % {"email": invitation.user.email, "url": BASE_URL + path})
        attempt = (
            DiagnosticAttempt.objects.filter(student__region=region, student__user__email__endswith=f"@{domain}",
                                             completed_at__isnull=True)
            .annotate(answered=Count("answers", distinct=True), total=Count("version__questions", distinct=True))
            .select_related("student__user").order_by("student__user__email", "stage").first()
        )
        if attempt is not None:
            lines.append(_("Student halfway through stage %(stage)s of the diagnostics (%(answered)s of %(total)s "
                           "answered): sign in as %(email)s and open %(url)s")
                         % {"stage": attempt.stage, "answered": attempt.answered, "total": attempt.total,
                            "email": attempt.student.user.email, "url": BASE_URL + reverse("participants:diagnostics_hub")})
        consent = (
            Consent.objects.filter(student__region=region, student__anonymised_at__isnull=True,
                                   withdrawn_at__isnull=False, withdrawn_by__email__endswith=f"@{domain}")
            .select_related("student", "withdrawn_by").order_by("withdrawn_at", "pk").first()
        )
        if consent is not None:
            lines.append(_("Consent withdrawn on %(date)s: the data of %(student)s waits for the anonymisation job "
                           "(due %(due)s). Sign in as the parent %(email)s and open %(url)s")
                         % {"date": date_format(timezone.localtime(consent.withdrawn_at), "j E Y"),
                            "student": consent.student.full_name,
                            "due": date_format(timezone.localtime(consent.withdrawn_at + ANONYMISE_AFTER), "j E Y"),
                            "email": consent.withdrawn_by.email,
                            "url": BASE_URL + reverse("participants:consent_children")})
    return lines
