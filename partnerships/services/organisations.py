"""Writes of organisations and the tenant's sector list."""

from __future__ import annotations

from collections.abc import Iterable

from django.db import transaction

from partnerships.models import Organisation, PartnershipSettings, Sector
from portal.models import Tenant, User
from portal.services import audit_record, changes_between

DEFAULT_SECTORS = [
    "HTSM",
    "Chemie",
    "Olie en gas",
    "Logistiek",
    "Biobased",
    "Maakindustrie",
    "ICT",
    "Energie",
    "Bouw",
    "Zorg",
    "Agrofood",
]


def setup_tenant(*, tenant: Tenant, actor: User | None) -> None:
    """A new tenant starts with the default sector list and CRM settings."""
    Sector.objects.bulk_create(
        [Sector(tenant=tenant, name=name) for name in DEFAULT_SECTORS], ignore_conflicts=True
    )
    PartnershipSettings.objects.get_or_create(tenant=tenant)


@transaction.atomic
def sector_create(*, tenant: Tenant, actor: User, name: str) -> Sector:
    sector = Sector(tenant=tenant, name=name.strip())
    sector.full_clean()
    sector.save()
    audit_record(tenant=tenant, actor=actor, action="sector.create", target=sector)
    return sector


@transaction.atomic
def organisation_create(
    *,
    tenant: Tenant,
    actor: User | None,
    kind: str,
    name: str,
    sectors: Iterable[Sector] = (),
    **values,
) -> Organisation:
    organisation = Organisation(tenant=tenant, kind=kind, name=name, **values)
    organisation.full_clean()
    organisation.save()
    sectors = list(sectors)
    _check_sectors(tenant, sectors)
    organisation.sectors.set(sectors)
    audit_record(
        tenant=tenant,
        actor=actor,
        action="organisation.create",
        target=organisation,
        changes={"name": [None, name], "kind": [None, kind]},
    )
    return organisation


@transaction.atomic
def organisation_update(
    *,
    tenant: Tenant,
    actor: User,
    organisation: Organisation,
    sectors: Iterable[Sector] | None = None,
    **values,
) -> Organisation:
    organisation = (
        Organisation.objects.for_tenant(tenant).select_for_update().get(pk=organisation.pk)
    )
    changes = changes_between(organisation, values)
    for field, value in values.items():
        setattr(organisation, field, value)
    organisation.full_clean()
    organisation.save()
    if sectors is not None:
        sectors = list(sectors)
        _check_sectors(tenant, sectors)
        before = sorted(s.name for s in organisation.sectors.all())
        after = sorted(s.name for s in sectors)
        if before != after:
            changes["sectors"] = [", ".join(before), ", ".join(after)]
        organisation.sectors.set(sectors)
    if changes:
        audit_record(
            tenant=tenant,
            actor=actor,
            action="organisation.update",
            target=organisation,
            changes=changes,
        )
    return organisation


def _check_sectors(tenant: Tenant, sectors: list[Sector]) -> None:
    if any(sector.tenant_id != tenant.pk for sector in sectors):
        raise ValueError("sectors of another tenant")
