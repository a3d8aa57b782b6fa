"""URLs of the CRM: the organisation list, its export, create and edit; the CRM settings."""

from django.urls import path

from partnerships.views import organisations, settings

urlpatterns = [
    path("organisations/", organisations.organisation_list, name="organisation_list"),
    path("organisations/new/", organisations.organisation_create, name="organisation_create"),
    path("organisations/export/", organisations.organisation_export, name="organisation_export"),
    path(
        "organisations/<int:organisation_id>/edit/",
        organisations.organisation_edit,
        name="organisation_edit",
    ),
    path("crm/settings/", settings.crm_settings, name="crm_settings"),
]
