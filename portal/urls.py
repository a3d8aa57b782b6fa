"""Root URLs. Tenant pages live under ``/<tenant_slug>/``; each app adds its own there."""

from allauth.account.decorators import secure_admin_login
from django.conf import settings
from django.contrib import admin
from django.urls import include, path

from portal import token_views, views

admin.autodiscover()
admin.site.login = secure_admin_login(admin.site.login)

# Under /api/ a 404 or 500 is a problem document (portal.api.problems); pages keep theirs.
handler404 = "portal.api.problems.handler404"
handler500 = "portal.api.problems.handler500"

tenant_patterns = [
    path("", views.tenant_public_page, name="tenant_public"),
    path("dashboard/", views.tenant_dashboard, name="tenant_dashboard"),
    path("members/", views.member_list, name="member_list"),
    path("members/<int:membership_id>/", views.member_edit, name="member_edit"),
    path("members/<int:membership_id>/remove/", views.member_remove, name="member_remove"),
    path(
        "invitations/<int:invitation_id>/revoke/",
        views.invitation_revoke,
        name="invitation_revoke",
    ),
    path("audit/", views.audit_log, name="audit_log"),
    path("settings/", views.tenant_settings, name="tenant_settings"),
]

urlpatterns = [
    path("", views.home, name="home"),
    path("health/", views.health, name="health"),
    path("accounts/", include("allauth.urls")),
    path("admin/", admin.site.urls),
    path("i18n/", include("django.conf.urls.i18n")),
    path("invitations/<str:token>/", views.invitation_accept, name="invitation_accept"),
    path("me/api-tokens/", token_views.token_list, name="api_token_list"),
    path(
        "me/api-tokens/<int:personaltoken_id>/revoke/",
        token_views.token_revoke,
        name="api_token_revoke",
    ),
    # The REST API (portal/api): its schema and docs, then each app's resources, before the
    # tenant pages (whose "<tenant_slug>/" would otherwise take "api").
    path("api/v1/", include("portal.api.urls")),
    path("api/v1/<slug:tenant_slug>/", include("partnerships.urls.api")),
    path("api/v1/<slug:tenant_slug>/", include("internships.urls.api")),
    path("api/v1/<slug:tenant_slug>/", include("agenda.urls.api")),
    path("api/v1/<slug:tenant_slug>/", include("reporting.urls.api")),
    path("reports/", include("reporting.urls.funder")),
    path("<slug:tenant_slug>/", include(tenant_patterns)),
    path("<slug:tenant_slug>/", include("partnerships.urls")),
    path("<slug:tenant_slug>/", include("internships.urls")),
    path("<slug:tenant_slug>/", include("agenda.urls")),
    path("<slug:tenant_slug>/", include("reporting.urls")),
]

if settings.DEBUG:
    from django.conf.urls.static import static

    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)
