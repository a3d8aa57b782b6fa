"""Reads of the public side of the stage market: the listing, the page per opportunity, the
Atom feed and the JSON endpoint for school websites.

Only published opportunities, and of them only what the company chose to publish: the
public contact fields, never the supervisor (a CRM contact) or other CRM data.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.db.models import Prefetch, QuerySet

from internships.models import Opportunity
from partnerships.models import EducationLevel, Organisation, Sector
from portal.models import Tenant


def opportunity_public_list(*, tenant: Tenant) -> QuerySet[Opportunity]:
    """The tenant's published opportunities with their company's name, newest first.

    Drafts, filled and closed ones never appear, whatever filter is added to this. The
    companies come in a second query by primary key for the page's rows only: joined,
    PostgreSQL may hash all of the tenant's organisations before a search's sort.
    """
    companies = Organisation.objects.for_tenant(tenant).only("pk", "tenant_id", "name")
    return (
        Opportunity.objects.for_tenant(tenant)
        .filter(status=Opportunity.Status.PUBLISHED)
        .defer("search_vector")  # only ever filtered on
        .prefetch_related(Prefetch("company", queryset=companies))
        .order_by("-published_at", "-pk")
    )


def opportunity_public_get(*, tenant: Tenant, opportunity_id: int) -> Opportunity:
    """One published opportunity of the tenant, with its sectors; raises
    ``Opportunity.DoesNotExist`` for a draft, filled or closed one, or another tenant's."""
    opportunity = (
        opportunity_public_list(tenant=tenant)
        .prefetch_related(
            Prefetch("sectors", queryset=Sector.objects.for_tenant(tenant).order_by("name"))
        )
        .get(pk=opportunity_id)
    )
    opportunity_display([opportunity])
    return opportunity


def opportunity_public_municipalities(*, tenant: Tenant) -> list[str]:
    """The municipalities of the published opportunities, for the filter's choices.

    Served by the index ``opportunity_municipality_idx`` (tenant, status, municipality)."""
    return list(
        Opportunity.objects.for_tenant(tenant)
        .filter(status=Opportunity.Status.PUBLISHED)
        .exclude(municipality="")
        .order_by("municipality")
        .values_list("municipality", flat=True)
        .distinct()
    )


def opportunity_display(opportunities: Iterable[Opportunity]) -> None:
    """Give each opportunity ``kind_label`` and ``level_labels`` for the templates, the feed
    and the JSON (arrays have no ``get_FOO_display``; Django's re-reads the choices on every
    call, which a page of results notices). Runs no query."""
    kinds = {code: str(label) for code, label in Opportunity.Kind.choices}
    levels = {code: str(label) for code, label in EducationLevel.choices}
    for opportunity in opportunities:
        opportunity.kind_label = kinds.get(opportunity.kind, opportunity.kind)
        opportunity.level_labels = [
            levels[code] for code in opportunity.education_levels if code in levels
        ]
