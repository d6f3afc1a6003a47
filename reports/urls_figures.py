"""The report pages of the figures (issue 13 §2, §9): a report before it is built, and the records behind a figure.
Included by reports/urls.py into the `reports` namespace."""

from django.urls import path

from . import figure_views

# After the stored reports' own paths (reports/new/, reports/<int:pk>/ …): an unknown type answers 404 in the view.
urlpatterns = [
    path("reports/<str:report_type>/", figure_views.report_preview, name="report_preview"),
    path("reports/<str:report_type>/figures/<str:key>/", figure_views.figure_list, name="figure_list"),
]
