"""Reads of the school side: what fits the school, its applications and its placements.
Everything is narrowed to ``school``: another school's records are not found."""

from __future__ import annotations

import datetime

from django.contrib.postgres.fields import ArrayField
from django.db.models import (
    Case,
    CharField,
    Count,
    Exists,
    F,
    Func,
    IntegerField,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.db.models.functions import Coalesce
from django.utils import timezone

from internships.models import Application, Opportunity, Placement
from partnerships.models import Organisation, Sector
from portal.models import Tenant


class SharedElementCount(Func):
    """How many elements two arrays share: ``cardinality(ARRAY(SELECT unnest(a)
    INTERSECT SELECT unnest(b)))``."""

    template = "cardinality(ARRAY(SELECT unnest(%(expressions)s)))"
    arg_joiner = ") INTERSECT SELECT unnest("
    output_field = IntegerField()


def open_opportunities(*, tenant: Tenant, today: datetime.date) -> QuerySet[Opportunity]:
    """Published, with a place left, its deadline and end not passed."""
    return (
        Opportunity.objects.for_tenant(tenant)
        .filter(status=Opportunity.Status.PUBLISHED, places_taken__lt=F("places"))
        .filter(Q(application_deadline__isnull=True) | Q(application_deadline__gte=today))
        .filter(Q(ends_on__isnull=True) | Q(ends_on__gte=today))
    )


def school_opportunity_matches(
    *, tenant: Tenant, school: Organisation, today: datetime.date | None = None
) -> QuerySet[Opportunity]:
    """ "Fits your school": open opportunities that share a level or a sector with the
    school, best fit first.

    ``fit_score`` = the number of education levels both have + the number of sectors both
    have + 1 when the opportunity is in the school's municipality. Ties: the nearest
    deadline first, then the newest. A school that names no levels and no sectors sees
    every open opportunity (score 0 or 1), so the page is never empty for lack of a profile.
    Annotated too: ``level_overlap``, ``sector_overlap``, ``same_municipality`` (to say
    why it fits) and ``already_applied`` (an application of this school that is not
    withdrawn).
    """
    today = today or timezone.localdate()
    levels = list(school.education_levels)
    sector_ids = list(school.sectors.values_list("pk", flat=True))
    level_overlap = SharedElementCount(
        F("education_levels"),
        Value(levels, output_field=ArrayField(CharField(max_length=10))),
    )
    shared_sectors = (
        Opportunity.sectors.through.objects.filter(
            opportunity_id=OuterRef("pk"), sector_id__in=sector_ids
        )
        .order_by()
        .values("opportunity_id")
        .annotate(shared=Count("sector_id"))
        .values("shared")
    )
    municipality = school.municipality.strip()
    same_municipality = (
        Case(When(municipality__iexact=municipality, then=Value(1)), default=Value(0))
        if municipality
        else Value(0)
    )
    applied = (
        Application.objects.for_tenant(tenant)
        .filter(opportunity=OuterRef("pk"), school=school)
        .exclude(status=Application.Status.WITHDRAWN)
    )
    opportunities = (
        open_opportunities(tenant=tenant, today=today)
        .select_related("company")
        .prefetch_related(
            Prefetch("sectors", queryset=Sector.objects.for_tenant(tenant).order_by("name"))
        )
        .annotate(
            level_overlap=level_overlap if levels else Value(0, output_field=IntegerField()),
            sector_overlap=Coalesce(
                Subquery(shared_sectors, output_field=IntegerField()), Value(0)
            ),
            same_municipality=same_municipality,
            already_applied=Exists(applied),
        )
        .annotate(fit_score=F("level_overlap") + F("sector_overlap") + F("same_municipality"))
    )
    if levels or sector_ids:
        opportunities = opportunities.filter(Q(level_overlap__gt=0) | Q(sector_overlap__gt=0))
    return opportunities.order_by(
        "-fit_score",
        F("application_deadline").asc(nulls_last=True),
        F("published_at").desc(nulls_last=True),
        "-pk",
    )


def school_opportunity_get(*, tenant: Tenant, opportunity_id: int) -> Opportunity | None:
    """An opportunity a school may look at to apply: anything but a draft."""
    return (
        Opportunity.objects.for_tenant(tenant)
        .exclude(status=Opportunity.Status.DRAFT)
        .select_related("company")
        .prefetch_related(
            Prefetch("sectors", queryset=Sector.objects.for_tenant(tenant).order_by("name"))
        )
        .filter(pk=opportunity_id)
        .first()
    )


def school_application_list(
    *, tenant: Tenant, school: Organisation, status: str = ""
) -> QuerySet[Application]:
    """The school's applications, newest first, with ``message_count`` and the placement."""
    applications = (
        Application.objects.for_tenant(tenant)
        .filter(school=school)
        .select_related("opportunity__company", "placement")
        .annotate(message_count=Count("messages"))
        .order_by("-created_at", "-pk")
    )
    if status:
        applications = applications.filter(status=status)
    return applications


def school_application_get(
    *, tenant: Tenant, school: Organisation, application_id: int
) -> Application | None:
    return (
        Application.objects.for_tenant(tenant)
        .filter(school=school, pk=application_id)
        .select_related("opportunity__company", "school", "placement", "submitted_by")
        .first()
    )


def school_placement_list(
    *, tenant: Tenant, school: Organisation, status: str = ""
) -> QuerySet[Placement]:
    placements = (
        Placement.objects.for_tenant(tenant)
        .filter(school=school)
        .select_related("application", "opportunity", "company", "school", "school_supervisor")
        .order_by("-starts_on", "-pk")
    )
    if status:
        placements = placements.filter(status=status)
    return placements


def school_placement_get(
    *, tenant: Tenant, school: Organisation, placement_id: int
) -> Placement | None:
    return (
        school_placement_list(tenant=tenant, school=school)
        .select_related("company_supervisor")
        .filter(pk=placement_id)
        .first()
    )
