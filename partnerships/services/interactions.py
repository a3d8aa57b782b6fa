"""Writes of the contact log: logging and changing an interaction, completing its follow-up,
and the rules of who may do so."""

from __future__ import annotations

import datetime
from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F, Max, OuterRef, Q, Subquery
from django.db.models.functions import Greatest
from django.utils import timezone
from django.utils.translation import gettext as _

from partnerships.models import Contact, Interaction, Organisation
from portal.models import Membership, Tenant, User
from portal.roles import Role
from portal.services import audit_record, changes_between


def _check_counterparts(
    *,
    tenant: Tenant,
    logged_by: Organisation,
    organisations: list[Organisation],
    contacts: list[Contact],
) -> None:
    if not organisations:
        raise ValidationError({"organisations": _("Choose at least one organisation.")})
    foreign = [o for o in [logged_by, *organisations, *contacts] if o.tenant_id != tenant.pk]
    if foreign:
        raise ValidationError(_("Choose organisations and contacts of this partnership."))
    if any(c.organisation_id not in {o.pk for o in organisations} for c in contacts):
        raise ValidationError({"contacts": _("Choose contacts of the chosen organisations.")})


def _check_assignee(*, tenant: Tenant, actor: User, interaction: Interaction) -> None:
    """Someone else a follow-up is for must be a member who works with the contact log and
    may see this entry; otherwise it would sit on nobody's dashboard. Whoever logs or edits
    an entry may always take its follow-up themselves."""
    assignee_id = interaction.follow_up_assignee_id
    if assignee_id is None or assignee_id == actor.pk:
        return
    membership = Membership.objects.for_tenant(tenant).filter(user_id=assignee_id).first()
    sees_it = (
        membership is not None
        and membership.can("crm.log")
        and Interaction.objects.for_tenant(tenant)
        .filter(pk=interaction.pk)
        .visible_to(membership)
        .exists()
    )
    if not sees_it:
        raise ValidationError(
            {
                "follow_up_assignee": _(
                    "Choose a member of this partnership who can see this contact moment."
                )
            }
        )


def _refresh_last_contact(*, tenant: Tenant, organisation_ids: Iterable[int]) -> None:
    """Recompute "last contact" from the log, for when an entry moved or lost a counterpart."""
    today = timezone.localdate()
    newest = (
        Interaction.objects.for_tenant(tenant)
        .filter(organisations=OuterRef("pk"), occurred_on__lte=today)
        .order_by()
        .values("organisations")
        .annotate(newest=Max("occurred_on"))
        .values("newest")
    )
    Organisation.objects.for_tenant(tenant).filter(pk__in=list(organisation_ids)).update(
        last_contact_on=Subquery(newest)
    )


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
    _check_counterparts(
        tenant=tenant, logged_by=logged_by, organisations=organisations, contacts=contacts
    )
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
    _check_assignee(tenant=tenant, actor=actor, interaction=interaction)
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


@transaction.atomic
def interaction_update(
    *,
    tenant: Tenant,
    actor: User,
    interaction: Interaction,
    organisations: Iterable[Organisation],
    contacts: Iterable[Contact] = (),
    **values,
) -> Interaction:
    """Change a log entry. ``values`` are its own fields (date, kind, subject, notes, outcome,
    visibility, follow-up date and assignee); the organisation that logged it stays."""
    interaction = Interaction.objects.for_tenant(tenant).select_for_update().get(pk=interaction.pk)
    organisations = list(organisations)
    contacts = list(contacts)
    _check_counterparts(
        tenant=tenant,
        logged_by=interaction.logged_by,
        organisations=organisations,
        contacts=contacts,
    )
    if values.get("follow_up_on") is not None and values.get("follow_up_assignee") is None:
        values["follow_up_assignee"] = interaction.follow_up_assignee or actor
    if values.get("follow_up_assignee") is not None and values.get("follow_up_on") is None:
        raise ValidationError({"follow_up_on": _("Give the follow-up a date.")})
    changes = changes_between(interaction, values)
    # Notes are the logging school's private text: the trail says that they changed, not how.
    if "notes" in changes:
        changes["notes"] = ["…", "…"]
    for field, value in values.items():
        setattr(interaction, field, value)
    # Entries imported or seeded without an author stay valid: who logged it is not edited here.
    interaction.full_clean(exclude=["created_by"])
    interaction.save()
    before = set(interaction.organisations.values_list("pk", flat=True))
    after = {o.pk for o in organisations}
    if before != after:
        names = dict(
            Organisation.objects.for_tenant(tenant)
            .filter(pk__in=before | after)
            .values_list("pk", "name")
        )
        changes["organisations"] = [
            ", ".join(sorted(names[pk] for pk in before)),
            ", ".join(sorted(names[pk] for pk in after)),
        ]
    interaction.organisations.set(organisations)
    interaction.contacts.set(contacts)
    _check_assignee(tenant=tenant, actor=actor, interaction=interaction)
    _refresh_last_contact(tenant=tenant, organisation_ids=before | after)
    if changes:
        audit_record(
            tenant=tenant,
            actor=actor,
            action="interaction.update",
            target=interaction,
            changes=changes,
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


def can_complete_follow_up(membership: Membership, interaction: Interaction) -> bool:
    """The person the follow-up is for, the logging organisation's relationship managers
    and the programme office may tick it off."""
    return interaction.follow_up_assignee_id == membership.user_id or can_edit_interaction(
        membership, interaction
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
