"""Emails to students and their guardians about their bookings (SPEC §3: "who is told by email").

`notify_students` resolves the addresses now, inside the caller's transaction, and hands one Celery task per address
to `transaction.on_commit`: nobody is told about a change that was rolled back, and a slow or failing mail server
never holds a booking's locks. A person who is both a guardian of two of the students is told once.
"""

from __future__ import annotations

from functools import partial

from django.db import transaction
from django.utils import timezone
from django.utils.formats import date_format

from participants.models import Guardianship, Student

from ..models import Event


def recipient_emails(*, student_ids) -> list[str]:
    """The students' and their guardians' addresses, each once (case-insensitively), in a stable order."""
    ids = list(student_ids)
    addresses = list(
        Student.objects.filter(pk__in=ids, user__isnull=False, anonymised_at__isnull=True, user__is_active=True)
        .values_list("user__email", flat=True)
    )
    addresses += Guardianship.objects.filter(
        student_id__in=ids, student__anonymised_at__isnull=True, guardian__user__is_active=True
    ).values_list("guardian__user__email", flat=True)
    seen: dict[str, str] = {}
    for address in addresses:
        if address and address.lower() not in seen:
            seen[address.lower()] = address
    return sorted(seen.values(), key=str.lower)


def notify_students(*, student_ids, subject: str, template_name: str, context: dict) -> list[str]:
    """Email `students` and their guardians after the current transaction commits. `context` must be JSON-serialisable
    (it travels to the worker); returns the addresses that will be written to."""
    from ..tasks.notifications import send_notification_email

    addresses = recipient_emails(student_ids=student_ids)
    for address in addresses:
        transaction.on_commit(
            partial(
                send_notification_email.delay,
                recipient=address,
                subject=str(subject),
                template_name=template_name,
                context=context,
            )
        )
    return addresses


def event_email_context(event: Event) -> dict:
    """What an email about `event` says about it, as plain strings (dates in Moscow time, Russian format)."""
    return {
        "event_id": event.pk,
        "title": event.title,
        "venue": event.venue.short_name,
        "mode": str(event.get_mode_display()),
        "place": event.address if event.mode == Event.Mode.OFFLINE else event.online_url,
        "starts": date_format(timezone.localtime(event.starts_at), "j E Y, H:i"),
        "ends": date_format(timezone.localtime(event.ends_at), "H:i"),
    }
