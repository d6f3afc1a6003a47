"""Ids that come from a request (issue 12 §8): a number too big for the database, negative or not a number at all is
a bad request of the user's, never a 500.

Views read ids through form fields (`ModelChoiceField`, `ModelMultipleChoiceField`, `IdField`) or `parse_id`.
Two gaps of Django itself are closed here as well, for every form and the admin:
- an `in` lookup on an integer column sends a number past the column's range to the database (OverflowError on
  SQLite, "out of range" on PostgreSQL), although `exact`, `gt` and the like answer "no rows" since Django 5.0 — and a
  `ModelMultipleChoiceField` validates its choices with `pk__in`. `IntegerFieldIn` leaves such numbers out, as
  `exact` does;
- the admin's bulk actions put the ticked ids (`_selected_action`) into `pk__in` unchecked: `checked_admin_actions`
  answers a non-number there with a message instead.
"""

from functools import wraps

from django import forms
from django.contrib import messages
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.db.models import IntegerField
from django.db.models.lookups import In
from django.shortcuts import redirect
from django.utils.translation import gettext as _

# Every key of the portal is a bigint (DEFAULT_AUTO_FIELD = BigAutoField).
MAX_ID = 2**63 - 1


def parse_id(value) -> int | None:
    """`value` as a key (1 … MAX_ID), or None when it cannot be one."""
    text = str(value).strip() if value is not None else ""
    if not (text.isascii() and text.isdigit()) or len(text) > len(str(MAX_ID)):
        return None
    number = int(text)
    return number if 1 <= number <= MAX_ID else None


class IdField(forms.IntegerField):
    """A key typed into a form or sent by one: a positive bigint."""

    def __init__(self, **kwargs):
        kwargs.setdefault("min_value", 1)
        kwargs.setdefault("max_value", MAX_ID)
        super().__init__(**kwargs)


@IntegerField.register_lookup
class IntegerFieldIn(In):
    """`in` on an integer column, without the values the column cannot hold (they match no row)."""

    def process_rhs(self, compiler, connection):
        if self.rhs_is_direct_value():
            low, high = connection.ops.integer_field_range(self.lhs.output_field.get_internal_type())
            self.rhs = [
                value for value in self.rhs
                if not isinstance(value, int)
                or ((low is None or value >= low) and (high is None or value <= high))
            ]
        return super().process_rhs(compiler, connection)


def checked_admin_actions(admin_view):
    """Wrap `AdminSite.admin_view`: a bulk action whose ticked ids are not keys goes back to the list with a message."""

    @wraps(admin_view)
    def wrapper(view, cacheable=False):
        protected = admin_view(view, cacheable)

        @wraps(protected)
        def checked(request, *args, **kwargs):
            if request.method == "POST" and not all(
                parse_id(value) for value in request.POST.getlist(ACTION_CHECKBOX_NAME)
            ):
                messages.error(request, _("The ticked rows could not be read: tick them again."))
                return redirect(request.get_full_path())
            return protected(request, *args, **kwargs)

        return checked

    return wrapper
