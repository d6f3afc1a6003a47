from django.urls import path

from . import views
from .views import attendance as attendance_views
from .views import bookings as booking_views
from .views import directory as directory_views
from .views import recommendations as recommendation_views

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

# Booking, the waiting list and "my bookings" (issue 4 §4)
urlpatterns += [
    path("events/<int:pk>/book/", booking_views.event_book, name="event_book"),
    path("events/<int:pk>/book-students/", booking_views.event_book_students, name="event_book_students"),
    path("bookings/<int:pk>/cancel/", booking_views.booking_cancel_view, name="booking_cancel"),
    path("my/bookings/", booking_views.my_bookings, name="my_bookings"),
    path("my/bookings.ics", booking_views.my_bookings_ics, name="my_bookings_ics"),
]
