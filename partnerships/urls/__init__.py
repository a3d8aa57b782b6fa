"""URLs of the CRM under ``/<tenant_slug>/``, composed from one module per concern."""

from partnerships.urls import agreements, contacts, imports, logbook, organisations

urlpatterns = [
    *organisations.urlpatterns,
    *contacts.urlpatterns,
    *logbook.urlpatterns,
    *agreements.urlpatterns,
    *imports.urlpatterns,
]
