"""Reads of organisations."""

from __future__ import annotations

import re

from django.contrib.postgres.search import TrigramSimilarity
from django.db.models import Q, QuerySet

from partnerships.models import Organisation
from partnerships.querysets import trigram_available
from portal.models import Tenant

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
