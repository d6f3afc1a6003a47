from django.urls import include, path

from . import monitoring_views, views

app_name = "reports"

urlpatterns: list = [
    path("reports/", views.report_list, name="report_list"),
    path("reports/new/", views.report_new, name="report_new"),
    path("reports/deadlines/", views.deadline_list, name="deadline_list"),
    path("reports/<int:pk>/", views.report_detail, name="report_detail"),
    path("reports/<int:pk>/download/<str:kind>/", views.report_download, name="report_download"),
    path("reports/<int:pk>/rebuild/", views.report_rebuild, name="report_rebuild"),
    path("reports/<int:pk>/send/", views.report_send, name="report_send"),
    path("reports/<int:pk>/review/", views.report_review, name="report_review"),
    # The monitoring indicators (issue 13 §2d) at the address of the region's other records (regions/urls.py).
    path("region/monitoring/", monitoring_views.monitoring, name="monitoring"),
]
urlpatterns += [path("", include("reports.urls_figures"))]  # the figures' pages: reports/urls_figures.py
