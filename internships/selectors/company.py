"""Reads of the company side: the own company's opportunities, the applications to them
and the placements at the company. Everything is narrowed to ``company``, so another
company's records are not found (a 404 in the pages)."""

from __future__ import annotations

from django.db.models import Count, Prefetch, Q, QuerySet

from internships.models import Application, Opportunity, Placement
from partnerships.models import Contact, Organisation, Sector
from portal.models import Tenant

OPEN_APPLICATION_STATUSES = (Application.Status.SUBMITTED, Application.Status.IN_CONVERSATION)


def _with_sectors(tenant: Tenant) -> Prefetch:
    return Prefetch("sectors", queryset=Sector.objects.for_tenant(tenant).order_by("name"))


def company_opportunity_list(
    *, tenant: Tenant, company: Organisation, status: str = ""
) -> QuerySet[Opportunity]:
    """The company's opportunities, newest first, with ``application_count`` and
    ``open_application_count`` (submitted or in conversation)."""
    opportunities = (
        Opportunity.objects.for_tenant(tenant)
        .filter(company=company)
        .annotate(
            application_count=Count("applications"),
            open_application_count=Count(
                "applications", filter=Q(applications__status__in=OPEN_APPLICATION_STATUSES)
            ),
        )
        .order_by("-created_at", "-pk")
    )
    if status:
        opportunities = opportunities.filter(status=status)
    return opportunities


def company_opportunity_status_counts(*, tenant: Tenant, company: Organisation) -> dict[str, int]:
    rows = (
        Opportunity.objects.for_tenant(tenant)
        .filter(company=company)
        .values_list("status")
        .annotate(count=Count("pk"))
        .order_by()
    )
    return dict(rows)


def company_opportunity_get(
    *, tenant: Tenant, company: Organisation, opportunity_id: int
) -> Opportunity | None:
    return (
        company_opportunity_list(tenant=tenant, company=company)
        .select_related("company", "supervisor")
        .prefetch_related(_with_sectors(tenant))
        .filter(pk=opportunity_id)
        .first()
    )


def company_application_list(
    *,
    tenant: Tenant,
    company: Organisation,
    opportunity: Opportunity | None = None,
    status: str = "",
) -> QuerySet[Application]:
    """Applications to the company's opportunities (or to one of them), newest first, with
    ``message_count``."""
    applications = (
        Application.objects.for_tenant(tenant)
        .filter(opportunity__company=company)
        .select_related("opportunity", "school")
        .annotate(message_count=Count("messages"))
        .order_by("-created_at", "-pk")
    )
    if opportunity is not None:
        applications = applications.filter(opportunity=opportunity)
    if status:
        applications = applications.filter(status=status)
    return applications


def company_application_get(
    *, tenant: Tenant, company: Organisation, application_id: int
) -> Application | None:
    return (
        Application.objects.for_tenant(tenant)
        .filter(opportunity__company=company, pk=application_id)
        .select_related("opportunity__company", "opportunity__supervisor", "school", "placement")
        .first()
    )


def company_placement_list(
    *, tenant: Tenant, company: Organisation, status: str = ""
) -> QuerySet[Placement]:
    placements = (
        Placement.objects.for_tenant(tenant)
        .filter(company=company)
        .select_related("application", "opportunity", "school", "company", "company_supervisor")
        .order_by("-starts_on", "-pk")
    )
    if status:
        placements = placements.filter(status=status)
    return placements


def company_placement_get(
    *, tenant: Tenant, company: Organisation, placement_id: int
) -> Placement | None:
    return (
        company_placement_list(tenant=tenant, company=company)
        .select_related("school_supervisor")
        .filter(pk=placement_id)
        .first()
    )


def company_supervisor_choices(*, tenant: Tenant, company: Organisation) -> QuerySet[Contact]:
    """The contact people a company may name as supervisor: its own, not erased."""
    return (
        Contact.objects.for_tenant(tenant)
        .filter(organisation=company, erased_at__isnull=True)
        .order_by("name")
    )
