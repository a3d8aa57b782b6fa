"""Writes of the partnerships app."""

from __future__ import annotations

from django.db import transaction

from partnerships.models import Organisation
from portal.models import Tenant, User
from portal.services import audit_record


@transaction.atomic
def organisation_create(
    *, tenant: Tenant, actor: User | None, kind: str, name: str, municipality: str = ""
) -> Organisation:
    organisation = Organisation(tenant=tenant, kind=kind, name=name, municipality=municipality)
    organisation.full_clean()
    organisation.save()
    audit_record(
        tenant=tenant,
        actor=actor,
        action="organisation.create",
        target=organisation,
        changes={"name": [None, name], "kind": [None, kind]},
    )
    return organisation
