"""Writes of contacts (people at an organisation), including the data subject's rights:
export of their data for an access request and erasure."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from partnerships.models import Contact, Organisation
from partnerships.selectors.contacts import contact_personal_data
from portal.models import AuditEvent, Tenant, User
from portal.services import audit_record, changes_between

# The fields that identify a person. Erasure clears them, and the audit trail forgets them.
PERSONAL_FIELDS = ("name", "function", "email", "phone")


@transaction.atomic
def contact_create(
    *, tenant: Tenant, actor: User, organisation: Organisation, name: str, **values
) -> Contact:
    if organisation.tenant_id != tenant.pk:
        raise ValidationError(_("Choose an organisation of this partnership."))
    contact = Contact(tenant=tenant, organisation=organisation, name=name, **values)
    contact.full_clean()
    contact.save()
    audit_record(
        tenant=tenant,
        actor=actor,
        action="contact.create",
        target=contact,
        changes={"organisation": [None, organisation.name]},
    )
    return contact


@transaction.atomic
def contact_update(*, tenant: Tenant, actor: User, contact: Contact, **values) -> Contact:
    contact = Contact.objects.for_tenant(tenant).select_for_update().get(pk=contact.pk)
    if contact.erased_at is not None:
        raise ValidationError(_("This contact was erased and can no longer be changed."))
    changes = changes_between(contact, values)
    for field, value in values.items():
        setattr(contact, field, value)
    contact.full_clean()
    contact.save()
    if changes:
        audit_record(
            tenant=tenant,
            actor=actor,
            action="contact.update",
            target=contact,
            changes=changes,
        )
    return contact


@transaction.atomic
def contact_export(*, tenant: Tenant, actor: User, contact: Contact) -> dict:
    """What the partnership holds about a person, for an access request (AVG art. 15).

    Audited: handing out a person's data is itself something to account for."""
    contact = Contact.objects.for_tenant(tenant).get(pk=contact.pk)
    data = contact_personal_data(tenant=tenant, contact=contact)
    audit_record(tenant=tenant, actor=actor, action="contact.export", target=contact)
    return data


@transaction.atomic
def contact_erase(*, tenant: Tenant, actor: User, contact: Contact) -> Contact:
    """Anonymise a person (AVG art. 17). The contact moments they took part in stay, so the
    partnership's counts do not change; the person can no longer be identified from them.

    Earlier audit events of this contact lose the personal values they recorded."""
    contact = Contact.objects.for_tenant(tenant).select_for_update().get(pk=contact.pk)
    if contact.erased_at is not None:
        return contact
    with translation.override(tenant.default_language):
        anonymous = _("Erased contact")
    contact.name = anonymous
    contact.function = ""
    contact.email = ""
    contact.phone = ""
    contact.is_active = False
    contact.is_ambassador = False
    contact.erased_at = timezone.now()
    contact.save()
    _forget_in_audit_trail(tenant=tenant, contact=contact, anonymous=anonymous)
    audit_record(tenant=tenant, actor=actor, action="contact.erase", target=contact)
    return contact


def _forget_in_audit_trail(*, tenant: Tenant, contact: Contact, anonymous: str) -> None:
    events = AuditEvent.objects.for_tenant(tenant).filter(
        target_type=contact._meta.label_lower, target_id=str(contact.pk)
    )
    for event in events:
        event.target_repr = anonymous
        event.changes = {
            field: (["…", "…"] if field in PERSONAL_FIELDS else change)
            for field, change in event.changes.items()
        }
        event.save(update_fields=["target_repr", "changes"])
