from django.urls import path

from . import diagnostic_views, views

app_name = "participants"

urlpatterns: list = [
    path("navigators/", views.NavigatorListView.as_view(), name="navigator_list"),
    path("navigators/<int:pk>/", views.navigator_detail, name="navigator_detail"),
    path("students/", views.StudentListView.as_view(), name="student_list"),
    path("students/export.xlsx", views.student_export, {"fmt": "xlsx"}, name="student_export_xlsx"),
    path("students/export.csv", views.student_export, {"fmt": "csv"}, name="student_export_csv"),
    path("students/<int:pk>/", views.student_detail, name="student_detail"),
    # The online diagnostics (issue 14 §5)
    path("students/<int:pk>/diagnostics/", diagnostic_views.diagnostic_results, name="diagnostic_results"),
    path("diagnostics/", diagnostic_views.diagnostics_hub, name="diagnostics_hub"),
    path("diagnostics/<int:stage>/", diagnostic_views.diagnostic_stage, name="diagnostic_stage"),
    path("diagnostics/<int:stage>/answer/", diagnostic_views.diagnostic_answer, name="diagnostic_answer"),
]
