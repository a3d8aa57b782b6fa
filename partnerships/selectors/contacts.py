"""Reads of contacts, and who may see an organisation's page and manage its contacts."""

from __future__ import annotations

from django.db.models import Prefetch, QuerySet
from django.utils import timezone

from partnerships.models import Contact, Interaction, Organisation
from portal.models import Membership, Tenant


def is_own_organisation(membership: Membership, organisation: Organisation) -> bool:
    """A company contact's own company: the one organisation they may see and keep."""
    return (
        membership.can("company.edit_own")
        and membership.organisation_id is not None
        and membership.organisation_id == organisation.pk
    )


def can_view_organisation(membership: Membership, organisation: Organisation) -> bool:
    return membership.can("crm.view") or is_own_organisation(membership, organisation)


def hides_other_organisations(membership: Membership) -> bool:
    """Whether, for this member, other organisations do not exist (404) rather than being
    forbidden (403): a company contact must not learn which other companies are listed."""
    return membership.can("company.edit_own") and not membership.can("crm.view")


def can_manage_contacts(membership: Membership, organisation: Organisation) -> bool:
    """Relationship managers and the programme office keep every organisation's contacts;
    a company contact keeps their own company's."""
    return membership.can("crm.edit") or is_own_organisation(membership, organisation)


def can_handle_personal_data(membership: Membership) -> bool:
    """Export and erasure of a person's data (access and erasure requests)."""
    return membership.can("crm.personal_data")


def contact_list_for_organisation(
    *, tenant: Tenant, organisation: Organisation
) -> QuerySet[Contact]:
    """An organisation's contacts: active people first, erased ones last."""
    return (
        Contact.objects.for_tenant(tenant)
        .filter(organisation=organisation)
        .order_by("erased_at", "-is_active", "name", "pk")
    )


def contact_personal_data(*, tenant: Tenant, contact: Contact) -> dict:
    """Everything the partnership holds about a person, JSON-ready: their own fields and the
    contact moments they took part in (when, what kind, which subject, with whom). Notes are
    the logging school's working text about many people and are not part of it, nor are the
    other people present."""
    interactions = (
        Interaction.objects.for_tenant(tenant)
        .filter(contacts=contact)
        .select_related("logged_by")
        .prefetch_related(
            Prefetch("organisations", queryset=Organisation.objects.for_tenant(tenant))
        )
        .order_by("occurred_on", "pk")
    )
    organisation = contact.organisation
    return {
        "exported_at": timezone.now().isoformat(),
        "partnership": tenant.name,
        "contact": {
            "name": contact.name,
            "function": contact.function,
            "email": contact.email,
            "phone": contact.phone,
            "preferred_language": contact.preferred_language,
            "ambassador": contact.is_ambassador,
            "active": contact.is_active,
            "lawful_basis": contact.lawful_basis,
            "lawful_basis_display": str(contact.get_lawful_basis_display()),
            "organisation": organisation.name,
            "created_at": contact.created_at.isoformat(),
            "updated_at": contact.updated_at.isoformat(),
            "erased_at": contact.erased_at.isoformat() if contact.erased_at else None,
        },
        "interactions": [
            {
                "date": interaction.occurred_on.isoformat(),
                "kind": interaction.kind,
                "kind_display": str(interaction.get_kind_display()),
                "subject": interaction.subject,
                "logged_by": interaction.logged_by.name,
                "organisations": [o.name for o in interaction.organisations.all()],
            }
            for interaction in interactions
        ],
    }
