"""URLs of the CRM: an organisation's page and its contacts."""

from django.urls import path

from partnerships.views import contacts, detail

urlpatterns = [
    path(
        "organisations/<int:organisation_id>/",
        detail.organisation_detail,
        name="organisation_detail",
    ),
    path(
        "organisations/<int:organisation_id>/contacts/new/",
        contacts.contact_create,
        name="contact_create",
    ),
    path("contacts/<int:contact_id>/edit/", contacts.contact_edit, name="contact_edit"),
    path("contacts/<int:contact_id>/export/", contacts.contact_export, name="contact_export"),
    path("contacts/<int:contact_id>/erase/", contacts.contact_erase, name="contact_erase"),
]
