"""Serializer fields of the API that know the request's tenant."""

from __future__ import annotations

from collections.abc import Callable

from django.db.models import QuerySet
from rest_framework import serializers

MAX_ID = 2**63 - 1


class _TenantScoped:
    """Placeholder queryset: the real one is built per request from the tenant."""

    model = None

    def __bool__(self) -> bool:
        return False


class TenantPrimaryKeyRelatedField(serializers.PrimaryKeyRelatedField):
    """An id in a request body, looked up inside the request's tenant.

    ``queryset_of(tenant)`` returns the rows the id may name, e.g.
    ``lambda tenant: Organisation.objects.for_tenant(tenant)``; narrow it further for rules
    such as "only contacts that are not erased". Another tenant's id gets the very same
    "does not exist" error as an id that exists nowhere. Ids are integers (the schema says
    so; a number beyond the id range is refused before it reaches the database).
    """

    queryset = _TenantScoped()

    def __init__(self, *, queryset_of: Callable[[object], QuerySet], **kwargs):
        self.queryset_of = queryset_of
        kwargs.setdefault("pk_field", serializers.IntegerField(min_value=1, max_value=MAX_ID))
        super().__init__(**kwargs)

    def get_queryset(self) -> QuerySet:
        return self.queryset_of(tenant_from_context(self.context))


def tenant_from_context(context: dict):
    """The tenant of the request a serializer works for (``TenantViewSet`` sets it)."""
    tenant = context.get("tenant")
    if tenant is None:
        view = context.get("view")
        tenant = getattr(view, "tenant", None)
    if tenant is None:
        raise RuntimeError("A tenant-scoped field needs the tenant in the serializer context")
    return tenant
