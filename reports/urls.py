from django.urls import include, path

app_name = "reports"

urlpatterns: list = []
urlpatterns += [path("", include("reports.urls_figures"))]  # the figures' pages: reports/urls_figures.py
