"""The computed metrics count the portal's own data of one tenant over a period."""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.utils import timezone, translation

from agenda.metrics import METRICS, metric_choices, metric_label
from internships.models import Opportunity, Placement
from internships.tests.factories import ApplicationFactory, OpportunityFactory, PlacementFactory
from partnerships.models import Interaction, Organisation
from partnerships.tests.factories import InteractionFactory, OrganisationFactory, SchoolFactory

MARCH = (datetime.date(2025, 3, 1), datetime.date(2025, 3, 31))


def value(name: str, tenant, period=MARCH) -> Decimal:
    return METRICS[name].fn(tenant, *period)


def test_the_registry_offers_the_five_metrics_with_labels():
    names = [name for name, _label in metric_choices()]
    assert names == [
        "active_partner_companies",
        "stage_places_offered",
        "placements_completed",
        "company_visits_logged",
        "schools_taking_part",
    ]
    with translation.override("en"):
        assert metric_label("placements_completed") == "Placements completed"
    assert metric_label("gone") == "gone"


def test_active_partner_companies_counts_active_companies_only(tenant_a, tenant_b):
    # given: the world's own company (active), two more active ones, a prospect, an active
    # school, and an active company of another tenant
    tenant = tenant_a.tenant
    OrganisationFactory.create_batch(2, tenant=tenant, status=Organisation.Status.ACTIVE)
    OrganisationFactory(tenant=tenant, status=Organisation.Status.PROSPECT)
    SchoolFactory(tenant=tenant, status=Organisation.Status.ACTIVE)
    OrganisationFactory(tenant=tenant_b.tenant, status=Organisation.Status.ACTIVE)
    today = timezone.localdate()

    # then three companies count now, none before they were in the CRM
    assert value("active_partner_companies", tenant, (today, today)) == 3
    assert value("active_partner_companies", tenant, MARCH) == 0


def test_company_visits_logged_counts_the_visits_in_the_period(tenant_a, tenant_b):
    tenant = tenant_a.tenant
    school = tenant_a.school
    for day in (datetime.date(2025, 3, 1), datetime.date(2025, 3, 31)):
        InteractionFactory(
            tenant=tenant, logged_by=school, occurred_on=day, kind=Interaction.Kind.COMPANY_VISIT
        )
    InteractionFactory(
        tenant=tenant,
        logged_by=school,
        occurred_on=datetime.date(2025, 4, 1),
        kind=Interaction.Kind.COMPANY_VISIT,
    )
    InteractionFactory(
        tenant=tenant,
        logged_by=school,
        occurred_on=datetime.date(2025, 3, 5),
        kind=Interaction.Kind.MEETING,
    )
    InteractionFactory(
        tenant=tenant_b.tenant,
        logged_by=tenant_b.school,
        occurred_on=datetime.date(2025, 3, 5),
        kind=Interaction.Kind.COMPANY_VISIT,
    )

    assert value("company_visits_logged", tenant) == 2


def test_stage_places_offered_sums_the_places_published_in_the_period(tenant_a, tenant_b):
    tenant = tenant_a.tenant
    march = datetime.datetime(2025, 3, 10, 12, tzinfo=datetime.UTC)
    april = datetime.datetime(2025, 4, 2, 12, tzinfo=datetime.UTC)
    OpportunityFactory(company=tenant_a.company, places=3, published_at=march)
    OpportunityFactory(
        company=tenant_a.company, places=2, published_at=march, status=Opportunity.Status.FILLED
    )
    OpportunityFactory(company=tenant_a.company, places=4, published_at=april)
    OpportunityFactory(company=tenant_b.company, places=9, published_at=march)

    assert value("stage_places_offered", tenant) == 5


def test_placements_completed_counts_those_ending_in_the_period(tenant_a):
    tenant = tenant_a.tenant
    opportunity = OpportunityFactory(company=tenant_a.company, places=5)

    def placement(status, ends_on):
        return PlacementFactory(
            application__opportunity=opportunity,
            application__school=tenant_a.school,
            status=status,
            starts_on=datetime.date(2025, 1, 6),
            ends_on=ends_on,
        )

    placement(Placement.Status.COMPLETED, datetime.date(2025, 3, 14))
    placement(Placement.Status.COMPLETED, datetime.date(2025, 3, 28))
    placement(Placement.Status.COMPLETED, datetime.date(2025, 4, 4))
    placement(Placement.Status.CANCELLED, datetime.date(2025, 3, 20))

    assert value("placements_completed", tenant) == 2


def test_schools_taking_part_counts_each_school_once(tenant_a):
    # given: school A with a placement running in March and an application in March,
    # school B with only a placement in 2024, school C with a cancelled placement in March
    tenant = tenant_a.tenant
    school_a, school_b, school_c = (SchoolFactory(tenant=tenant) for _ in range(3))
    opportunity = OpportunityFactory(company=tenant_a.company, places=9)

    def placement(school, starts_on, ends_on, status=Placement.Status.ACTIVE):
        return PlacementFactory(
            application__opportunity=opportunity,
            application__school=school,
            starts_on=starts_on,
            ends_on=ends_on,
            status=status,
        )

    placement(school_a, datetime.date(2025, 2, 1), datetime.date(2025, 6, 30))
    ApplicationFactory(
        opportunity=opportunity,
        school=school_a,
        created_at=datetime.datetime(2025, 3, 3, 9, tzinfo=datetime.UTC),
    )
    placement(school_b, datetime.date(2024, 2, 1), datetime.date(2024, 6, 30))
    placement(
        school_c, datetime.date(2025, 3, 1), datetime.date(2025, 5, 1), Placement.Status.CANCELLED
    )
    # The factories' own applications were sent today, outside March 2025.

    assert value("schools_taking_part", tenant) == 1
