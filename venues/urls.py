from django.urls import path

from . import views
from .views import attendance as attendance_views
from .views import recommendations as recommendation_views

app_name = "venues"

urlpatterns: list = []

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
