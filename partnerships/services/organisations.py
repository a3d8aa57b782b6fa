"""Writes of organisations, the tenant's sector list and the CRM settings."""

from __future__ import annotations

from collections.abc import Iterable

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from partnerships.models import Organisation, PartnershipSettings, Sector
from portal.models import Membership, Tenant, User
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

MIN_DORMANT_MONTHS = 1
MAX_DORMANT_MONTHS = 120

# The unique constraints of Organisation and the field each one is about, so that a
# duplicate that slips past the check (two people saving at once) is still a field error.
UNIQUE_CONSTRAINT_FIELDS = {
    "organisation_name_per_tenant": "name",
    "organisation_kvk_per_tenant": "kvk_number",
    "organisation_brin_per_tenant": "brin_code",
}


def setup_tenant(*, tenant: Tenant, actor: User | None) -> None:
    """A new tenant starts with the default sector list and CRM settings."""
    Sector.objects.bulk_create(
        [Sector(tenant=tenant, name=name) for name in DEFAULT_SECTORS], ignore_conflicts=True
    )
    PartnershipSettings.objects.get_or_create(tenant=tenant)


# --- permissions ---------------------------------------------------------------------------


def can_edit_organisation(membership: Membership, organisation: Organisation) -> bool:
    """Programme office and relationship managers edit every organisation; a company
    contact only their own company's profile."""
    if membership.can("crm.edit"):
        return True
    return membership.can("company.edit_own") and membership.organisation_id == organisation.pk


# --- sectors -------------------------------------------------------------------------------


def _check_sector_name(tenant: Tenant, name: str, *, exclude_id: int | None = None) -> None:
    if not name:
        raise ValidationError({"name": _("Give the sector a name.")})
    others = Sector.objects.for_tenant(tenant).filter(name__iexact=name)
    if exclude_id is not None:
        others = others.exclude(pk=exclude_id)
    if others.exists():
        raise ValidationError(
            {"name": _("There is already a sector called %(name)s.") % {"name": name}}
        )


@transaction.atomic
def sector_create(*, tenant: Tenant, actor: User, name: str) -> Sector:
    name = " ".join(name.split())
    _check_sector_name(tenant, name)
    sector = Sector(tenant=tenant, name=name)
    sector.full_clean(validate_constraints=False)
    sector.save()
    audit_record(
        tenant=tenant,
        actor=actor,
        action="sector.create",
        target=sector,
        changes={"name": [None, name]},
    )
    return sector


@transaction.atomic
def sector_rename(*, tenant: Tenant, actor: User, sector: Sector, name: str) -> Sector:
    sector = Sector.objects.for_tenant(tenant).select_for_update().get(pk=sector.pk)
    name = " ".join(name.split())
    _check_sector_name(tenant, name, exclude_id=sector.pk)
    changes = changes_between(sector, {"name": name})
    sector.name = name
    sector.full_clean(validate_constraints=False)
    sector.save()
    if changes:
        audit_record(
            tenant=tenant, actor=actor, action="sector.rename", target=sector, changes=changes
        )
    return sector


@transaction.atomic
def sector_delete(*, tenant: Tenant, actor: User, sector: Sector) -> int:
    """Remove a sector from the tenant's list (and so from the organisations that had it).
    Returns how many organisations had it."""
    sector = Sector.objects.for_tenant(tenant).select_for_update().get(pk=sector.pk)
    in_use = sector.organisations.count()
    audit_record(
        tenant=tenant,
        actor=actor,
        action="sector.delete",
        target=sector,
        changes={"name": [sector.name, None], "organisations": [in_use, 0]},
    )
    sector.delete()
    return in_use


# --- CRM settings ---------------------------------------------------------------------------


@transaction.atomic
def crm_settings_update(
    *, tenant: Tenant, actor: User, dormant_after_months: int
) -> PartnershipSettings:
    """Change the tenant's CRM settings, creating their row if the tenant has none yet."""
    if not MIN_DORMANT_MONTHS <= dormant_after_months <= MAX_DORMANT_MONTHS:
        raise ValidationError(
            {
                "dormant_after_months": _("Give a number of months from %(min)s to %(max)s.")
                % {"min": MIN_DORMANT_MONTHS, "max": MAX_DORMANT_MONTHS}
            }
        )
    crm_settings, _created = (
        PartnershipSettings.objects.for_tenant(tenant)
        .select_for_update()
        .get_or_create(tenant=tenant)
    )
    values = {"dormant_after_months": dormant_after_months}
    changes = changes_between(crm_settings, values)
    for field, value in values.items():
        setattr(crm_settings, field, value)
    crm_settings.full_clean(validate_constraints=False)
    crm_settings.save()
    if changes:
        audit_record(
            tenant=tenant,
            actor=actor,
            action="crm_settings.update",
            target=crm_settings,
            changes=changes,
        )
    return crm_settings


# --- organisations ------------------------------------------------------------------------


def organisation_validate(*, tenant: Tenant, organisation: Organisation) -> None:
    """Field validation plus the rules a ModelForm cannot see: BRIN codes are for schools,
    and KvK number, BRIN code and name are unique in the tenant (a clear field error
    instead of a constraint violation)."""
    errors: dict = {}
    try:
        organisation.full_clean(validate_constraints=False)
    except ValidationError as error:
        errors = error.update_error_dict(errors)
    if organisation.brin_code and organisation.kind != Organisation.Kind.SCHOOL:
        errors.setdefault("brin_code", []).append(
            ValidationError(_("Only schools have a BRIN code."), code="brin_not_school")
        )
    others = Organisation.objects.for_tenant(tenant).exclude(pk=organisation.pk)
    if organisation.name and others.filter(name__iexact=organisation.name).exists():
        errors.setdefault("name", []).append(
            ValidationError(
                _("There is already an organisation called %(name)s.")
                % {"name": organisation.name},
                code="duplicate_name",
            )
        )
    if (
        organisation.kvk_number
        and "kvk_number" not in errors
        and others.filter(kvk_number=organisation.kvk_number).exists()
    ):
        errors.setdefault("kvk_number", []).append(
            ValidationError(
                _("Another organisation in this partnership has KvK number %(number)s.")
                % {"number": organisation.kvk_number},
                code="duplicate_kvk",
            )
        )
    if (
        organisation.brin_code
        and "brin_code" not in errors
        and others.filter(brin_code__iexact=organisation.brin_code).exists()
    ):
        errors.setdefault("brin_code", []).append(
            ValidationError(
                _("Another organisation in this partnership has BRIN code %(code)s.")
                % {"code": organisation.brin_code},
                code="duplicate_brin",
            )
        )
    if errors:
        raise ValidationError(errors)


def _save_organisation(organisation: Organisation) -> None:
    """Save; a unique constraint that another request won in the meantime is a field error."""
    try:
        with transaction.atomic():
            organisation.save()
    except IntegrityError as error:
        constraint = getattr(getattr(error.__cause__, "diag", None), "constraint_name", None)
        field = UNIQUE_CONSTRAINT_FIELDS.get(constraint, NON_FIELD_ERRORS)
        raise ValidationError(
            {field: _("Another organisation in this partnership has this value.")}
        ) from error


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
    organisation_validate(tenant=tenant, organisation=organisation)
    sectors = list(sectors)
    _check_sectors(tenant, sectors)
    _save_organisation(organisation)
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
    organisation_validate(tenant=tenant, organisation=organisation)
    _save_organisation(organisation)
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


def organisation_export_record(
    *, tenant: Tenant, actor: User, file_format: str, row_count: int, query: str
) -> None:
    """Record who exported how many organisations with which filters. Personal data is not
    in the organisation export, but a list of the network leaving the portal is audited."""
    audit_record(
        tenant=tenant,
        actor=actor,
        action="organisation.export",
        target=tenant,
        changes={
            "format": [None, file_format],
            "rows": [None, row_count],
            "filters": [None, query],
        },
    )


def _check_sectors(tenant: Tenant, sectors: list[Sector]) -> None:
    if any(sector.tenant_id != tenant.pk for sector in sectors):
        raise ValueError("sectors of another tenant")
