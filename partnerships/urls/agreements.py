"""URLs of the CRM: agreements."""

from django.urls import path

from partnerships.views import agreements

urlpatterns = [
    path("agreements/", agreements.agreement_list_view, name="agreement_list"),
    path("agreements/new/", agreements.agreement_create, name="agreement_create"),
    path("agreements/<int:agreement_id>/", agreements.agreement_detail, name="agreement_detail"),
    path("agreements/<int:agreement_id>/edit/", agreements.agreement_edit, name="agreement_edit"),
    path(
        "agreements/<int:agreement_id>/document/",
        agreements.agreement_document,
        name="agreement_document",
    ),
]
