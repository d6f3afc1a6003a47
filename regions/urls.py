from django.urls import path

from . import request_views, views, views_appeals, views_records
from .views_records import NEED, PROMOTION, TRAINING

app_name = "regions"


def _record_urls(prefix: str, kind, list_view) -> list:
    """The list, create, edit and delete pages of one kind of the coordinator's records."""
    return [
        path(f"region/{prefix}/", list_view.as_view(), name=f"{kind.slug}_list"),
        path(f"region/{prefix}/new/", views_records.record_create, {"kind": kind}, name=f"{kind.slug}_create"),
        path(f"region/{prefix}/<int:pk>/edit/", views_records.record_edit, {"kind": kind},
             name=f"{kind.slug}_edit"),
        path(f"region/{prefix}/<int:pk>/delete/", views_records.record_delete, {"kind": kind},
             name=f"{kind.slug}_delete"),
    ]


urlpatterns: list = [
    path("municipalities/", views.MunicipalityListView.as_view(), name="municipality_list"),
    path("municipalities/<int:pk>/", views.municipality_detail, name="municipality_detail"),
    path("schools/", views.SchoolListView.as_view(), name="school_list"),
    path("schools/<int:pk>/", views.school_detail, name="school_detail"),
    # The coordinator's records (issue 13 §1); their monitoring indicators' page (§2d) is the reports app's.
    *_record_urls("promotion", PROMOTION, views_records.PromotionListView),
    *_record_urls("training", TRAINING, views_records.TrainingListView),
    *_record_urls("needs", NEED, views_records.NeedListView),
    path("region/training/<int:pk>/certificate/", views_records.training_certificate, name="training_certificate"),
    path("requests/", request_views.request_list_view, name="request_list"),
    path("requests/new/", request_views.request_create_view, name="request_create"),
    path("requests/<int:pk>/", request_views.request_detail_view, name="request_detail"),
    path("requests/<int:pk>/answer/", request_views.request_answer_view, name="request_answer"),
    path("requests/<int:pk>/accept/", request_views.request_accept_view, name="request_accept"),
    path("requests/<int:pk>/return/", request_views.request_return_view, name="request_return"),
    path("requests/<int:pk>/files/<int:attachment_pk>/", request_views.request_attachment_view, name="request_attachment"),
    # Citizens' appeals (issue 15 §4)
    path("region/appeals/", views_appeals.AppealListView.as_view(), name="appeal_list"),
    path("region/appeals/new/", views_appeals.appeal_create, name="appeal_create"),
    path("region/appeals/<int:pk>/", views_appeals.appeal_detail, name="appeal_detail"),
    path("region/appeals/<int:pk>/assign/", views_appeals.appeal_assign_view, name="appeal_assign"),
    path("region/appeals/<int:pk>/answer/", views_appeals.appeal_answer_view, name="appeal_answer"),
]
