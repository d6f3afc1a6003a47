from django.urls import path

from . import consent_views, diagnostic_views, import_views, registration_views, views

app_name = "participants"

urlpatterns: list = [
    path("navigators/", views.NavigatorListView.as_view(), name="navigator_list"),
    path("navigators/<int:pk>/", views.navigator_detail, name="navigator_detail"),
    path("navigators/<int:pk>/invite/", import_views.navigator_invite, name="navigator_invite"),
    path("navigators/invitations/<str:token>/", import_views.invitation_accept, name="invitation_accept"),
    path("students/", views.StudentListView.as_view(), name="student_list"),
    path("students/new/", import_views.student_register, name="student_register"),
    # Imports of students, navigators and venues (issue 14 §3; the venues' kind is registered by the venues app)
    path("imports/students/", import_views.import_upload, {"kind": "students"}, name="import_students"),
    path("imports/navigators/", import_views.import_upload, {"kind": "navigators"}, name="import_navigators"),
    path("imports/venues/", import_views.import_upload, {"kind": "venues"}, name="import_venues"),
    path("imports/<str:kind>/template.xlsx", import_views.import_template, name="import_template"),
    path("imports/jobs/<int:pk>/", import_views.import_job_detail, name="import_job"),
    path("imports/jobs/<int:pk>/confirm/", import_views.import_job_confirm, name="import_job_confirm"),
    path("students/export.xlsx", views.student_export, {"fmt": "xlsx"}, name="student_export_xlsx"),
    path("students/export.csv", views.student_export, {"fmt": "csv"}, name="student_export_csv"),
    path("students/<int:pk>/", views.student_detail, name="student_detail"),
    # The online diagnostics (issue 14 §5)
    path("students/<int:pk>/diagnostics/", diagnostic_views.diagnostic_results, name="diagnostic_results"),
    path("diagnostics/", diagnostic_views.diagnostics_hub, name="diagnostics_hub"),
    path("diagnostics/<int:stage>/", diagnostic_views.diagnostic_stage, name="diagnostic_stage"),
    path("diagnostics/<int:stage>/answer/", diagnostic_views.diagnostic_answer, name="diagnostic_answer"),
    # Consents (issue 14 §4)
    path("consents/", consent_views.consent_children, name="consent_children"),
    path("consents/<int:pk>/give/", consent_views.consent_give_view, name="consent_give"),
    path("consents/<int:pk>/withdraw/", consent_views.consent_withdraw_view, name="consent_withdraw"),
    path("consents/<int:pk>/log/", consent_views.child_data_log_view, name="child_data_log"),
    path("consents/coverage/", consent_views.consent_coverage_view, name="consent_coverage"),
    path("consents/acts/", consent_views.destruction_acts_view, name="destruction_acts"),
    path("consents/acts/<int:pk>/", consent_views.destruction_act_download, name="destruction_act"),
    path("students/<int:pk>/consent.pdf", consent_views.consent_form_download, name="consent_form"),
    path("students/<int:pk>/consent/paper/", consent_views.consent_paper_view, name="consent_paper"),
]

# A student's registration and the family links (issue 14 §1)
urlpatterns += [
    path("signup/places/", registration_views.signup_places, name="signup_places"),
    path("invitations/<str:token>/", registration_views.guardian_invitation, name="guardian_invitation"),
    path("my/children/", registration_views.my_children, name="my_children"),
    path("my/children/invitations/<int:pk>/accept/", registration_views.my_children_answer, {"answer": "accept"},
         name="my_children_accept"),
    path("my/children/invitations/<int:pk>/refuse/", registration_views.my_children_answer, {"answer": "refuse"},
         name="my_children_refuse"),
    path("my/parents/", registration_views.my_guardians, name="my_guardians"),
    path("my/parents/invitations/<int:pk>/resend/", registration_views.my_guardians_resend, name="my_guardians_resend"),
]
