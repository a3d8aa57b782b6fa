"""Reads of the contact log, always through what the member may see
(``InteractionQuerySet.visible_to``) and with other schools' notes left out
(``with_visible_notes``)."""

from __future__ import annotations

from django.db.models import Count, Max, Prefetch, QuerySet

from partnerships.models import Contact, Interaction, Organisation
from portal.models import Membership, Tenant, User
from portal.roles import PERMISSIONS

ORGANISATION_OPTIONS_LIMIT = 10


def interaction_list_visible(*, tenant: Tenant, membership: Membership) -> QuerySet[Interaction]:
    """The log entries the member may see, ready to show: notes only where they are the
    member's to read (``visible_notes``), related rows fetched in a fixed number of queries."""
    return (
        Interaction.objects.for_tenant(tenant)
        .visible_to(membership)
        .with_visible_notes(membership)
        .select_related("logged_by", "follow_up_assignee")
        .prefetch_related(
            Prefetch(
                "organisations",
                queryset=Organisation.objects.for_tenant(tenant).order_by("name"),
            ),
            Prefetch("contacts", queryset=Contact.objects.for_tenant(tenant).order_by("name")),
        )
    )


def interaction_get_visible(
    *, tenant: Tenant, membership: Membership, interaction_id: int
) -> Interaction | None:
    return (
        interaction_list_visible(tenant=tenant, membership=membership)
        .filter(pk=interaction_id)
        .first()
    )


def interaction_timeline(
    *, tenant: Tenant, membership: Membership, organisation: Organisation
) -> QuerySet[Interaction]:
    """An organisation's contact log, newest first, as far as the member may see it."""
    return interaction_list_visible(tenant=tenant, membership=membership).filter(
        organisations=organisation
    )


def follow_up_list_open_for_organisation(
    *, tenant: Tenant, membership: Membership, organisation: Organisation
) -> QuerySet[Interaction]:
    return (
        interaction_timeline(tenant=tenant, membership=membership, organisation=organisation)
        .open_follow_ups()
        .order_by("follow_up_on", "pk")
    )


def partnership_contacts_of(
    *, tenant: Tenant, membership: Membership, organisation: Organisation
) -> list[dict]:
    """Who else in the partnership is in contact with ``organisation``: the organisations
    that logged entries shared with the partnership, with how many and the latest date.
    Only shared entries count, and nothing of their content is read."""
    rows = (
        Interaction.objects.for_tenant(tenant)
        .filter(organisations=organisation, visibility=Interaction.Visibility.PARTNERSHIP)
        .exclude(logged_by_id=membership.organisation_id)
        .order_by()
        .values("logged_by_id", "logged_by__name", "logged_by__kind")
        .annotate(interaction_count=Count("pk", distinct=True), last_on=Max("occurred_on"))
        .order_by("-last_on", "logged_by__name")
    )
    return [
        {
            "id": row["logged_by_id"],
            "name": row["logged_by__name"],
            "kind": Organisation.Kind(row["logged_by__kind"]).label,
            "interaction_count": row["interaction_count"],
            "last_on": row["last_on"],
        }
        for row in rows
    ]


def organisation_options(
    *, tenant: Tenant, query: str, exclude_ids: set[int] = frozenset()
) -> list[Organisation]:
    """Search results for the "with organisations" picker of the contact log dialog: a few
    best matches instead of a select list of every organisation of the partnership."""
    if len(query.strip()) < 2:
        return []
    return list(
        Organisation.objects.for_tenant(tenant)
        .search(query)
        .exclude(pk__in=exclude_ids)
        .order_by("-search_rank", "name")[:ORGANISATION_OPTIONS_LIMIT]
    )


def logging_organisation_choices(*, tenant: Tenant) -> QuerySet[Organisation]:
    """Organisations that keep a contact log: schools and networks/intermediaries."""
    return Organisation.objects.for_tenant(tenant).filter(
        kind__in=[Organisation.Kind.SCHOOL, Organisation.Kind.INTERMEDIARY]
    )


def follow_up_assignee_choices(*, tenant: Tenant) -> QuerySet[User]:
    """The members a follow-up can be for: those who work with the contact log."""
    roles = PERMISSIONS["crm.log"]
    members = Membership.objects.for_tenant(tenant).filter(role__in=roles).values("user_id")
    return User.objects.filter(pk__in=members, is_active=True).order_by("full_name", "email")
