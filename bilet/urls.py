from allauth.account.decorators import secure_admin_login
from django.conf import settings
from django.contrib import admin
from django.urls import include, path

from participants.registration_views import StudentSignupView
from reports import views as reports_views

from . import notification_views, views
from .ids import checked_admin_actions

# The admin signs in through allauth, so its login has the same rate limits and the same sign-in log.
admin.site.login = secure_admin_login(admin.site.login)
# A bulk action whose ticked ids are not keys goes back to the list with a message (Django would answer 500).
admin.site.admin_view = checked_admin_actions(admin.site.admin_view)
admin.site.site_header = "«Билет в будущее»"
admin.site.site_title = "«Билет в будущее»"
# allauth answers a rate-limited request with the root URLconf's handler429 (the portal's page, and a log line).
handler429 = views.too_many_requests

urlpatterns = [
    path("", reports_views.home, name="home"),
    path("healthz", views.healthz, name="healthz"),
    path("whoami", views.whoami, name="whoami"),
    # allauth's email management is not offered (issue 12 §6): an account's email is its login, set by whoever created
    # the account, and unique; a second address would be a second login, and making another account's address
    # primary was a 500. Matched before allauth's own pattern, so that pattern is never reached.
    path("accounts/email/", views.not_offered),
    # allauth's signup with the student's form; «Show the schools» re-displays it without JavaScript (issue 14 §1).
    path("accounts/signup/", StudentSignupView.as_view(), name="account_signup"),
    path("accounts/", include("allauth.urls")),
    path("admin/", admin.site.urls),
    path("", include(([
        path("personal-data-log/", views.PersonalDataLogView.as_view(), name="pd_log"),
        path("notifications/", notification_views.notification_list_view, name="notification_list"),
        path("notifications/<int:pk>/read/", notification_views.notification_read_view, name="notification_read"),
        path("notifications/read-all/", notification_views.notification_read_all_view, name="notification_read_all"),
        path("notifications/settings/", notification_views.notification_preferences_view,
             name="notification_preferences"),
    ], "bilet"))),
    # venues first: the catalog and booking are the busiest pages, and Django tries the patterns in order.
    path("", include("venues.urls")),
    path("", include("regions.urls")),
    path("", include("participants.urls")),
    path("", include("reports.urls")),
]

if settings.DEBUG:
    from django.conf.urls.static import static

    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)
