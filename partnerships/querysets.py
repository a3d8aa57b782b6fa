"""Tenant-owned querysets of the CRM: search, derived relationship status, visibility per role."""

from __future__ import annotations

from datetime import date
from functools import lru_cache
from typing import TYPE_CHECKING

from django.contrib.postgres.search import SearchQuery, SearchRank, TrigramWordSimilarity
from django.db import connections
from django.db.models import Case, CharField, F, FloatField, Q, Value, When
from django.db.models.functions import Coalesce

from portal.querysets import TenantOwnedQuerySet
from portal.roles import Role

if TYPE_CHECKING:
    from portal.models import Membership


@lru_cache(maxsize=8)
def trigram_available(alias: str = "default") -> bool:
    """Whether pg_trgm is installed. The embedded PostgreSQL (pgserver) ships without it;
    search then relies on full text and substring matching alone."""
    with connections[alias].cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_extension WHERE extname = 'pg_trgm'")
        return cursor.fetchone() is not None


class OrganisationQuerySet(TenantOwnedQuerySet):
    def with_relationship_status(self, *, dormant_before: date) -> OrganisationQuerySet:
        """Annotate ``relationship_status``: an active partner without contact since
        ``dormant_before`` is dormant; otherwise the status a person set."""
        from partnerships.models import Organisation

        return self.annotate(
            relationship_status=Case(
                When(
                    Q(status=Organisation.Status.ACTIVE)
                    & (Q(last_contact_on__lt=dormant_before) | Q(last_contact_on__isnull=True)),
                    then=Value("dormant"),
                ),
                default=F("status"),
                output_field=CharField(),
            )
        )

    def filter_relationship_status(self, status: str, *, dormant_before: date):
        from partnerships.models import Organisation

        dormant = Q(status=Organisation.Status.ACTIVE) & (
            Q(last_contact_on__lt=dormant_before) | Q(last_contact_on__isnull=True)
        )
        if status == "dormant":
            return self.filter(dormant)
        if status == Organisation.Status.ACTIVE:
            return self.filter(status=status).exclude(dormant)
        return self.filter(status=status)

    def search(self, term: str) -> OrganisationQuerySet:
        """Full text with the Dutch configuration (word forms), plus trigram similarity
        (typos) where pg_trgm is installed, plus plain substring; best match first."""
        term = term.strip()
        if not term:
            return self
        query = SearchQuery(term, config="dutch", search_type="websearch")
        match = Q(search_vector=query) | Q(name__icontains=term)
        rank = SearchRank(F("search_vector"), query)
        if trigram_available(self.db):
            match |= Q(name__trigram_word_similar=term)
            rank = rank + TrigramWordSimilarity(term, "name")
        return self.filter(match).annotate(
            search_rank=Coalesce(rank, Value(0.0), output_field=FloatField())
        )


class InteractionQuerySet(TenantOwnedQuerySet):
    def visible_to(self, membership: Membership) -> InteractionQuerySet:
        """What a member may see of the contact log.

        Programme office and leads: everything. Relationship managers: their own
        organisation's entries and those shared with the partnership. Others: nothing.
        """
        if membership.role in (Role.ADMIN, Role.LEAD):
            return self
        if membership.role == Role.RELATIONS and membership.organisation_id:
            from partnerships.models import Interaction

            return self.filter(
                Q(logged_by_id=membership.organisation_id)
                | Q(visibility=Interaction.Visibility.PARTNERSHIP)
            )
        return self.none()

    def with_visible_notes(self, membership: Membership) -> InteractionQuerySet:
        """Annotate ``visible_notes``: the notes, but only for the organisation that wrote
        them (and the programme office and leads). Another school's notes stay private."""
        if membership.role in (Role.ADMIN, Role.LEAD):
            return self.annotate(visible_notes=F("notes"))
        return self.annotate(
            visible_notes=Case(
                When(logged_by_id=membership.organisation_id, then=F("notes")),
                default=Value(""),
                output_field=CharField(),
            )
        )

    def open_follow_ups(self) -> InteractionQuerySet:
        return self.filter(follow_up_on__isnull=False, follow_up_done_at__isnull=True)
