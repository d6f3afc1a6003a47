from django.urls import path

from . import request_views, views

app_name = "regions"

urlpatterns: list = [
    path("municipalities/", views.MunicipalityListView.as_view(), name="municipality_list"),
    path("municipalities/<int:pk>/", views.municipality_detail, name="municipality_detail"),
    path("schools/", views.SchoolListView.as_view(), name="school_list"),
    path("schools/<int:pk>/", views.school_detail, name="school_detail"),
    path("requests/", request_views.request_list_view, name="request_list"),
    path("requests/new/", request_views.request_create_view, name="request_create"),
    path("requests/<int:pk>/", request_views.request_detail_view, name="request_detail"),
    path("requests/<int:pk>/answer/", request_views.request_answer_view, name="request_answer"),
    path("requests/<int:pk>/accept/", request_views.request_accept_view, name="request_accept"),
    path("requests/<int:pk>/return/", request_views.request_return_view, name="request_return"),
    path("requests/<int:pk>/files/<int:attachment_pk>/", request_views.request_attachment_view, name="request_attachment"),
]
