"""Writes of the contact log: logging an interaction, completing its follow-up."""

from __future__ import annotations

import datetime
from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F, Q
from django.db.models.functions import Greatest
from django.utils import timezone
from django.utils.translation import gettext as _

from partnerships.models import Contact, Interaction, Organisation
from portal.models import Membership, Tenant, User
from portal.roles import Role
from portal.services import audit_record


@transaction.atomic
def interaction_log(
    *,
    tenant: Tenant,
    actor: User,
    logged_by: Organisation,
    organisations: Iterable[Organisation],
    occurred_on: datetime.date,
    kind: str,
    subject: str,
    contacts: Iterable[Contact] = (),
    notes: str = "",
    outcome: str = "",
    visibility: str = Interaction.Visibility.PARTNERSHIP,
    follow_up_on: datetime.date | None = None,
    follow_up_assignee: User | None = None,
) -> Interaction:
    """Log a contact moment and keep each counterpart's "last contact" date current."""
    organisations = list(organisations)
    contacts = list(contacts)
    if not organisations:
        raise ValidationError({"organisations": _("Choose at least one organisation.")})
    foreign = [o for o in [logged_by, *organisations, *contacts] if o.tenant_id != tenant.pk]
    if foreign:
        raise ValidationError(_("Choose organisations and contacts of this partnership."))
    if any(c.organisation_id not in {o.pk for o in organisations} for c in contacts):
        raise ValidationError({"contacts": _("Choose contacts of the chosen organisations.")})
    if follow_up_on is not None and follow_up_assignee is None:
        follow_up_assignee = actor
    if follow_up_assignee is not None and follow_up_on is None:
        raise ValidationError({"follow_up_on": _("Give the follow-up a date.")})
    interaction = Interaction(
        tenant=tenant,
        logged_by=logged_by,
        occurred_on=occurred_on,
        kind=kind,
        subject=subject,
        notes=notes,
        outcome=outcome,
        visibility=visibility,
        follow_up_on=follow_up_on,
        follow_up_assignee=follow_up_assignee,
        created_by=actor,
    )
    interaction.full_clean()
    interaction.save()
    interaction.organisations.set(organisations)
    interaction.contacts.set(contacts)
    if occurred_on <= timezone.localdate():
        Organisation.objects.for_tenant(tenant).filter(pk__in=[o.pk for o in organisations]).filter(
            Q(last_contact_on__isnull=True) | Q(last_contact_on__lt=occurred_on)
        ).update(last_contact_on=Greatest(F("last_contact_on"), occurred_on))
    audit_record(
        tenant=tenant,
        actor=actor,
        action="interaction.log",
        target=interaction,
        changes={"subject": [None, subject], "occurred_on": [None, occurred_on.isoformat()]},
    )
    return interaction


def can_edit_interaction(membership: Membership, interaction: Interaction) -> bool:
    """Programme office edits all; a relationship manager only their own organisation's."""
    if membership.role == Role.ADMIN:
        return True
    return (
        membership.role == Role.RELATIONS
        and membership.organisation_id is not None
        and interaction.logged_by_id == membership.organisation_id
    )


@transaction.atomic
def follow_up_complete(*, tenant: Tenant, actor: User, interaction: Interaction) -> Interaction:
    interaction = Interaction.objects.for_tenant(tenant).select_for_update().get(pk=interaction.pk)
    if interaction.follow_up_on is None or interaction.follow_up_done_at is not None:
        return interaction
    interaction.follow_up_done_at = timezone.now()
    interaction.save(update_fields=["follow_up_done_at"])
    audit_record(
        tenant=tenant, actor=actor, action="interaction.follow_up_done", target=interaction
    )
    return interaction
