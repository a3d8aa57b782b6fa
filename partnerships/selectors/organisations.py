"""Reads of organisations."""

from __future__ import annotations

import datetime
import re

from django.contrib.postgres.search import TrigramSimilarity
from django.db.models import Count, F, Func, Prefetch, Q, QuerySet
from django.utils.translation import gettext_lazy as _

from partnerships.models import Organisation, Sector
from partnerships.querysets import OrganisationQuerySet, trigram_available
from portal.models import Tenant

DORMANT = "dormant"

LEGAL_FORMS = re.compile(r"\b(b\.?v\.?|n\.?v\.?|v\.?o\.?f\.?|holding|groep)\b", re.IGNORECASE)
NAME_SIMILARITY = 0.6


def normalised_name(name: str) -> str:
    """A name without legal form, punctuation and case: "Hondsrug B.V." -> "hondsrug"."""
    name = LEGAL_FORMS.sub(" ", name.lower())
    return " ".join(re.sub(r"[^\w\s]", " ", name).split())


def organisation_likely_duplicates(
    *,
    tenant: Tenant,
    name: str = "",
    kvk_number: str = "",
    brin_code: str = "",
    exclude_id: int | None = None,
) -> QuerySet[Organisation]:
    """Organisations that are probably the same as the one described: the same KvK number
    or BRIN code, or a (near-)identical name."""
    match = Q(pk__in=[])
    if kvk_number:
        match |= Q(kvk_number=kvk_number)
    if brin_code:
        match |= Q(brin_code__iexact=brin_code)
    organisations = Organisation.objects.for_tenant(tenant)
    if name.strip():
        match |= Q(name__iexact=name.strip())
        normalised = normalised_name(name)
        if len(normalised) >= 4:
            match |= Q(name__icontains=normalised)
        if trigram_available(organisations.db):
            organisations = organisations.annotate(name_similarity=TrigramSimilarity("name", name))
            match |= Q(name_similarity__gte=NAME_SIMILARITY)
    if exclude_id is not None:
        organisations = organisations.exclude(pk=exclude_id)
    return organisations.filter(match).order_by("name")[:5]


def relationship_status_choices() -> list[tuple[str, str]]:
    """The relationship statuses as people see them: the ones they set plus derived "dormant"."""
    statuses = dict(Organisation.Status.choices)
    return [
        (Organisation.Status.PROSPECT, statuses[Organisation.Status.PROSPECT]),
        (Organisation.Status.ACTIVE, statuses[Organisation.Status.ACTIVE]),
        (DORMANT, _("Dormant")),
        (Organisation.Status.FORMER, statuses[Organisation.Status.FORMER]),
    ]


def relationship_status_label(status: str) -> str:
    return str(dict(relationship_status_choices()).get(status, status))


def organisation_list(*, tenant: Tenant, dormant_before: datetime.date) -> OrganisationQuerySet:
    """The tenant's organisations as the list and its export show them: the derived
    relationship status annotated and the sectors prefetched, so the query count does
    not grow with the number of rows."""
    return (
        Organisation.objects.for_tenant(tenant)
        .with_relationship_status(dormant_before=dormant_before)
        .prefetch_related(
            Prefetch("sectors", queryset=Sector.objects.for_tenant(tenant).order_by("name"))
        )
    )


def organisation_municipalities(*, tenant: Tenant) -> list[str]:
    """The municipalities the tenant's organisations are in, for the list's filter."""
    return list(
        Organisation.objects.for_tenant(tenant)
        .exclude(municipality="")
        .order_by("municipality")
        .values_list("municipality", flat=True)
        .distinct()
    )


def organisation_tags(*, tenant: Tenant) -> list[str]:
    """Every tag used in the tenant, for the list's filter."""
    tags = (
        Organisation.objects.for_tenant(tenant)
        .annotate(tag=Func(F("tags"), function="unnest"))
        .order_by()
        .values_list("tag", flat=True)
        .distinct()
    )
    return sorted(tags, key=str.casefold)


def sector_list(*, tenant: Tenant) -> QuerySet[Sector]:
    """The tenant's sectors with how many organisations each has (``organisation_count``)."""
    return (
        Sector.objects.for_tenant(tenant)
        .annotate(organisation_count=Count("organisations"))
        .order_by("name")
    )
