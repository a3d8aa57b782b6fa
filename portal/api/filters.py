"""django-filter for tenant resources: ids in filters are looked up inside the tenant.

A filter on a related object (``?theme=12``, ``?definition=7``) is a ``ModelChoiceFilter``
whose choices default to every row of the model, so another tenant's id would be a valid,
empty filter (200) while an id that exists nowhere is a 400: an answer that tells the two
apart. ``TenantFilterBackend`` narrows each such filter to the request's tenant (users to
the tenant's members), so both are the same 400 "not one of the available choices".
"""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.db.models import QuerySet
from django_filters import ModelChoiceFilter, ModelMultipleChoiceFilter
from django_filters.rest_framework import DjangoFilterBackend

from portal.models import Tenant


def tenant_choices(model, tenant: Tenant) -> QuerySet | None:
    """The rows of ``model`` a filter of ``tenant`` may name; None for a model that belongs
    to no tenant and is not a user (left as it is)."""
    if any(field.name == "tenant" for field in model._meta.fields):
        return model._default_manager.filter(tenant=tenant)
    if model is get_user_model():
        return model._default_manager.filter(memberships__tenant=tenant).distinct()
    return None


class TenantFilterBackend(DjangoFilterBackend):
    def get_filterset(self, request, queryset, view):
        filterset = super().get_filterset(request, queryset, view)
        tenant = getattr(view, "tenant", None)
        if filterset is None or not isinstance(tenant, Tenant):
            return filterset
        for model_filter in filterset.filters.values():
            if not isinstance(model_filter, ModelChoiceFilter | ModelMultipleChoiceFilter):
                continue
            # The filter's ``queryset`` (a QuerySet, or a callable of the request that
            # already knows its tenant) becomes the form field's choices.
            choices = model_filter.queryset
            if not isinstance(choices, QuerySet):
                continue
            narrowed = tenant_choices(choices.model, tenant)
            if narrowed is not None:
                model_filter.queryset = narrowed
        return filterset
