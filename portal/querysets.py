"""The tenant-owned base: every query of a tenant's data starts from its tenant."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db import models

if TYPE_CHECKING:
    from portal.models import Tenant


class TenantOwnedQuerySet(models.QuerySet):
    def for_tenant(self, tenant: Tenant) -> TenantOwnedQuerySet:
        """Rows of ``tenant`` only. Objects looked up by id are looked up in here."""
        if tenant is None or tenant.pk is None:
            raise ValueError("for_tenant() needs a saved tenant")
        return self.filter(tenant=tenant)

    def unscoped_all_tenants(self) -> TenantOwnedQuerySet:
        """Every tenant's rows. The loud escape hatch for platform-wide jobs."""
        return self.all()


TenantOwnedManager = models.Manager.from_queryset(TenantOwnedQuerySet)


class TenantOwned(models.Model):
    """Abstract base of every tenant-owned table: a non-null, indexed tenant."""

    tenant = models.ForeignKey(
        "portal.Tenant", on_delete=models.CASCADE, related_name="+", db_index=True
    )

    objects = TenantOwnedManager()

    class Meta:
        abstract = True
