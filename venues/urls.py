from django.urls import path

from . import views
from .views import attendance as attendance_views
from .views import bookings as booking_views
from .views import catalog as catalog_views
from .views import directory as directory_views
from .views import recommendations as recommendation_views
from .views import scheduling as scheduling_views

app_name = "venues"

urlpatterns: list = []

# Directories of venues and mentors (issue 3 §6)
urlpatterns += [
    path("venues/", directory_views.VenueListView.as_view(), name="venue_list"),
    path("venues/<int:pk>/", directory_views.venue_detail, name="venue_detail"),
    path("mentors/", directory_views.MentorListView.as_view(), name="mentor_list"),
    path("mentors/<int:pk>/", directory_views.mentor_detail, name="mentor_detail"),
    path("mentors/<int:pk>/documents/<int:document_pk>/", directory_views.mentor_document, name="mentor_document"),
]

# Attendance and mentors' recommendations (issue 4 §5, §6)
urlpatterns += [
    path("manage/events/<int:pk>/attendance/", attendance_views.event_attendance, name="event_attendance"),
    path("manage/attendance/overdue/", attendance_views.attendance_overdue, name="attendance_overdue"),
    path("mentor/", recommendation_views.mentor_recommendations, name="mentor_recommendations"),
    path("mentor/bookings/<int:pk>/recommendation/", recommendation_views.recommendation_write,
         name="recommendation_write"),
    path("manage/recommendations/overdue/", recommendation_views.recommendations_overdue,
         name="recommendations_overdue"),
    path("recommendations/<int:pk>/", recommendation_views.recommendation_detail, name="recommendation_detail"),
]

# Events workflow and the catalog (issue 4 §1–§3)
urlpatterns += [
    path("manage/events/", scheduling_views.event_manage_list, name="event_manage_list"),
    path("manage/events/new/", scheduling_views.event_create_view, name="event_create"),
    path("manage/events/queue/", scheduling_views.event_queue, name="event_queue"),
    path("manage/events/calendar/", scheduling_views.event_calendar, name="event_calendar"),
    path("manage/events/<int:pk>/", scheduling_views.event_manage_detail, name="event_manage_detail"),
    path("manage/events/<int:pk>/edit/", scheduling_views.event_edit, name="event_edit"),
    path("manage/events/<int:pk>/submit/", scheduling_views.event_submit_view, name="event_submit"),
    path("manage/events/<int:pk>/copy/", scheduling_views.event_copy_view, name="event_copy"),
    path("manage/events/<int:pk>/approve/", scheduling_views.event_approve_view, name="event_approve"),
    path("manage/events/<int:pk>/return/", scheduling_views.event_return_view, name="event_return"),
    path("manage/events/<int:pk>/cancel/", scheduling_views.event_cancel_view, name="event_cancel"),
    path("events/", catalog_views.catalog, name="catalog"),
    path("events/<int:pk>/", catalog_views.event_detail, name="event_detail"),
]

# Booking, the waiting list and "my bookings" (issue 4 §4)
urlpatterns += [
    path("events/<int:pk>/book/", booking_views.event_book, name="event_book"),
    path("events/<int:pk>/book-students/", booking_views.event_book_students, name="event_book_students"),
    path("bookings/<int:pk>/cancel/", booking_views.booking_cancel_view, name="booking_cancel"),
    path("my/bookings/", booking_views.my_bookings, name="my_bookings"),
    path("my/bookings.ics", booking_views.my_bookings_ics, name="my_bookings_ics"),
]
