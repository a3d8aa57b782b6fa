"""Which stage places a member may see listed: one rule for the pages and the API."""

from __future__ import annotations

from django.db.models import Q, QuerySet

from internships.models import Opportunity
from portal.models import Membership, Tenant
from portal.roles import Role


def opportunities_visible_to(*, tenant: Tenant, membership: Membership) -> QuerySet[Opportunity]:
    """All for the programme office and leads; for others the published (and filled or
    closed) ones, and their own organisation's drafts."""
    opportunities = Opportunity.objects.for_tenant(tenant).select_related("company")
    if membership.role in (Role.ADMIN, Role.LEAD):
        return opportunities
    shown = ~Q(status=Opportunity.Status.DRAFT)
    if membership.organisation_id:
        shown |= Q(company_id=membership.organisation_id)
    return opportunities.filter(shown)
