from django.urls import include, path

from .views import attendance as attendance_views
from .views import bookings as booking_views
from .views import catalog as catalog_views
from .views import contracts as contract_views
from .views import directory as directory_views
from .views import media as media_views
from .views import recommendations as recommendation_views
from .views import scheduling as scheduling_views
from .views import school_bookings as school_booking_views

app_name = "venues"

# Grouped by their first path segment, the families' pages first: Django tries the patterns in order, so a request
# for /events/<id>/book/ (the busiest POST) is matched after a handful of prefixes instead of every pattern above it.
urlpatterns = [
    # The catalog and booking (issue 4 §3, §4)
    path("events/", include([
        path("", catalog_views.catalog, name="catalog"),
        path("<int:pk>/", catalog_views.event_detail, name="event_detail"),
        path("<int:pk>/book/", booking_views.event_book, name="event_book"),
        path("<int:pk>/book-students/", booking_views.event_book_students, name="event_book_students"),
    ])),
    path("bookings/<int:pk>/cancel/", booking_views.booking_cancel_view, name="booking_cancel"),
    path("school/bookings/", school_booking_views.SchoolBookingListView.as_view(), name="school_bookings"),
    path("my/", include([
        path("bookings/", booking_views.my_bookings, name="my_bookings"),
        path("bookings.ics", booking_views.my_bookings_ics, name="my_bookings_ics"),
    ])),
    path("recommendations/<int:pk>/", recommendation_views.recommendation_detail, name="recommendation_detail"),
    # Events workflow: venue staff schedule, the coordinator approves (issue 4 §1, §2); attendance and overdue
    # recommendations (§5, §6)
    path("manage/", include([
        path("events/", scheduling_views.event_manage_list, name="event_manage_list"),
        path("events/new/", scheduling_views.event_create_view, name="event_create"),
        path("events/queue/", scheduling_views.event_queue, name="event_queue"),
        path("events/calendar/", scheduling_views.event_calendar, name="event_calendar"),
        path("events/<int:pk>/", scheduling_views.event_manage_detail, name="event_manage_detail"),
        path("events/<int:pk>/edit/", scheduling_views.event_edit, name="event_edit"),
        path("events/<int:pk>/submit/", scheduling_views.event_submit_view, name="event_submit"),
        path("events/<int:pk>/copy/", scheduling_views.event_copy_view, name="event_copy"),
        path("events/<int:pk>/approve/", scheduling_views.event_approve_view, name="event_approve"),
        path("events/<int:pk>/return/", scheduling_views.event_return_view, name="event_return"),
        path("events/<int:pk>/cancel/", scheduling_views.event_cancel_view, name="event_cancel"),
        path("events/<int:pk>/attendance/", attendance_views.event_attendance, name="event_attendance"),
        path("events/<int:pk>/gallery/", media_views.event_gallery, name="event_gallery"),
        path("attendance/overdue/", attendance_views.attendance_overdue, name="attendance_overdue"),
        path("recommendations/overdue/", recommendation_views.recommendations_overdue,
             name="recommendations_overdue"),
        # Campaign assignment and venues' contracts (issue 15 §3, seed 000 §5.4)
        path("contracts/", contract_views.contract_list, name="contract_list"),
        path("contracts/<int:pk>/", contract_views.contract_detail, name="contract_detail"),
        path("contracts/<int:pk>/assign/", contract_views.contract_assign, name="contract_assign"),
        path("contracts/<int:pk>/documents/", contract_views.contract_document_upload,
             name="contract_document_upload"),
        path("contracts/documents/<int:pk>/", contract_views.contract_document, name="contract_document"),
        path("contracts/documents/<int:pk>/delete/", contract_views.contract_document_delete,
             name="contract_document_delete"),
    ])),
    # Mentors' recommendations (issue 4 §6)
    path("mentor/", include([
        path("", recommendation_views.mentor_recommendations, name="mentor_recommendations"),
        path("bookings/<int:pk>/recommendation/", recommendation_views.recommendation_write,
             name="recommendation_write"),
    ])),
    # Photos and videos of events and regions (issue 15 §5): served only here, after the reader's scope is checked
    path("gallery/", include([
        path("", media_views.gallery, name="gallery"),
        path("<int:pk>/", media_views.media_file, name="media_file"),
        path("<int:pk>/thumbnail/", media_views.media_thumbnail, name="media_thumbnail"),
        path("<int:pk>/delete/", media_views.media_delete_view, name="media_delete"),
    ])),
    # Directories of venues and mentors (issue 3 §6)
    path("venues/", include([
        path("", directory_views.VenueListView.as_view(), name="venue_list"),
        path("<int:pk>/", directory_views.venue_detail, name="venue_detail"),
    ])),
    path("mentors/", include([
        path("", directory_views.MentorListView.as_view(), name="mentor_list"),
        path("<int:pk>/", directory_views.mentor_detail, name="mentor_detail"),
        path("<int:pk>/documents/<int:document_pk>/", directory_views.mentor_document, name="mentor_document"),
    ])),
]
