"""URLs of the CRM: imports, and merging organisations."""

from django.urls import path

from partnerships.views import imports, merge

urlpatterns = [
    path("imports/new/", imports.import_start, name="import_start"),
    path("imports/<int:importjob_id>/", imports.import_detail, name="import_detail"),
    path(
        "organisations/<int:organisation_id>/merge/",
        merge.organisation_merge,
        name="organisation_merge",
    ),
]
