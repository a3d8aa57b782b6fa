"""The API's schema and its documentation page (Swagger UI, served from our static files)."""

from __future__ import annotations

from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView
from rest_framework.permissions import AllowAny


class SchemaView(SpectacularAPIView):
    """``/api/v1/schema/``: the OpenAPI 3 document (YAML; ``?format=json`` for JSON)."""

    permission_classes = [AllowAny]
    throttle_classes: list = []


class DocsView(SpectacularSwaggerSplitView):
    """``/api/v1/docs/``: Swagger UI. Its start-up script is a separate file
    (``?script``), so the page works under the portal's CSP without inline scripts; the
    template adds the CSP nonce to Swagger UI's few lines of inline style."""

    permission_classes = [AllowAny]
    throttle_classes: list = []
    template_name = "portal/api_docs.html"
    url_name = "api_schema"
    title = "Partnership portal API"
