"""The router of every app's API urls (``<app>/urls/api.py``)."""

from __future__ import annotations

from rest_framework.routers import SimpleRouter


class TenantRouter(SimpleRouter):
    """DRF's SimpleRouter with a trailing slash and numeric ids only.

    Mounted under ``api/v1/<slug:tenant_slug>/`` by ``portal/urls.py``. Viewsets name their
    id kwarg ``<model_name>_id`` (``lookup_url_kwarg``), so the generic isolation test can
    give them another tenant's object.
    """

    def __init__(self):
        super().__init__(trailing_slash=True, use_regex_path=True)

    def get_lookup_regex(self, viewset, lookup_prefix=""):
        lookup_field = getattr(viewset, "lookup_field", "pk")
        lookup_url_kwarg = getattr(viewset, "lookup_url_kwarg", None) or lookup_field
        lookup_value = getattr(viewset, "lookup_value_regex", None) or "[0-9]+"
        return f"(?P<{lookup_prefix}{lookup_url_kwarg}>{lookup_value})"
