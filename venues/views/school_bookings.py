"""A navigator's list of the bookings of their school's students (issue 12 §17): filtered by class, event and status,
paginated, each with its cancel button while cancelling is still possible."""

from django.utils.translation import gettext_lazy as _

from bilet.lists import DirectoryListView

from ..filters import SchoolBookingFilter
from ..selectors.bookings import school_booking_list, with_queue_position
from .bookings import with_actions


class SchoolBookingListView(DirectoryListView):
    title = _("Bookings of my students")
    intro = _("The bookings of your school's students on practicums, whoever made them: you can cancel a booking here "
              "until the cancellation period ends.")
    caption = _("Bookings of the school's students")
    table_template = "venues/bookings/school_booking_table.html"
    table_class = "stack-on-phone"
    filterset_class = SchoolBookingFilter
    sort_keys = {
        "event": ("-event__starts_at", "event__title"),
        "student": ("student__last_name", "student__first_name"),
        "class": ("student__grade", "student__class_letter", "student__last_name", "student__first_name"),
        "status": ("status", "-event__starts_at"),
    }
    default_sort = "event"

    def allowed(self, roles):
        return bool(roles.navigator_school_ids)

    def get_queryset(self):
        return with_queue_position(school_booking_list(user=self.request.user))

    def decorate(self, rows):
        with_actions(rows)
