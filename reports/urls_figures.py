"""The report pages of the figures (issue 13 §2, §9): a report before it is built, and the records behind a figure.
Included by reports/urls.py into the `reports` namespace."""

from django.urls import re_path

from . import figure_views

TYPES = r"(?P<report_type>monthly|campaign|national|monitoring)"

urlpatterns = [
    re_path(rf"^reports/{TYPES}/$", figure_views.report_preview, name="report_preview"),
    re_path(rf"^reports/{TYPES}/figures/(?P<key>[a-z_]+(?:\.[a-z_]+\.[a-z_]+)?)/$", figure_views.figure_list,
            name="figure_list"),
]
