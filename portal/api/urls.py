"""The API's own URLs under ``/api/v1/``: the schema and its documentation page."""

from django.urls import path

from portal.api.docs import DocsView, SchemaView

urlpatterns = [
    path("schema/", SchemaView.as_view(), name="api_schema"),
    path("docs/", DocsView.as_view(), name="api_docs"),
]
