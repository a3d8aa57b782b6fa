"""``seed_demo`` gives every demo partnership a stage market: opportunities in every status,
applications from its schools with a conversation, placements (one completed and evaluated),
with ``places_taken`` matching the accepted applications; running it again changes nothing."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import call_command
from django.db.models import Count, Q
from django.test import Client
from django.urls import reverse

from internships.demo import OFFERS
from internships.models import Application, ApplicationMessage, Opportunity, Placement
from partnerships.models import Organisation
from portal.models import Membership, Tenant

pytestmark = pytest.mark.django_db


def seed_demo() -> None:
    call_command("seed_demo", "--quiet-logins", stdout=StringIO())


def counts() -> dict[str, int]:
    return {
        model.__name__: model.objects.count()
        for model in (Opportunity, Application, ApplicationMessage, Placement)
    }


def test_every_demo_partnership_gets_a_stage_market():
    # seed_demo takes a while (the CRM's year of contact log): one run, checked on all sides
    seed_demo()

    for slug in OFFERS:
        tenant = Tenant.objects.get(slug=slug)
        opportunities = Opportunity.objects.for_tenant(tenant)
        statuses = set(opportunities.values_list("status", flat=True))
        assert {Opportunity.Status.PUBLISHED, Opportunity.Status.DRAFT} <= statuses, slug
        assert Opportunity.Status.FILLED in statuses, slug
        # offered by companies, applied for by schools, all of this tenant
        assert set(opportunities.values_list("company__kind", flat=True)) == {"company"}
        applications = Application.objects.for_tenant(tenant)
        assert applications.exists(), slug
        assert set(applications.values_list("school__kind", flat=True)) == {"school"}
        assert set(applications.values_list("school__tenant", flat=True)) == {tenant.pk}
        assert Placement.objects.for_tenant(tenant).exists(), slug
    _places_taken_match_the_accepted_applications()
    _the_demo_users_see_their_own_side()
    _the_public_listing_shows_the_demo()


def _places_taken_match_the_accepted_applications():
    opportunities = Opportunity.objects.annotate(
        accepted=Count("applications", filter=Q(applications__status="accepted"))
    )
    assert opportunities.count() > 20
    for opportunity in opportunities:
        assert opportunity.places_taken == opportunity.accepted, opportunity.title
        assert opportunity.places_taken <= opportunity.places
        if opportunity.status == Opportunity.Status.FILLED:
            assert opportunity.places_taken == opportunity.places, opportunity.title
        if opportunity.status == Opportunity.Status.DRAFT:
            assert opportunity.published_at is None
        else:
            assert opportunity.published_at is not None
    # a placement for accepted applications only, at the opportunity's company
    for placement in Placement.objects.select_related("application", "opportunity"):
        assert placement.application.status == Application.Status.ACCEPTED
        assert placement.company_id == placement.opportunity.company_id
        assert placement.ends_on >= placement.starts_on


def _the_demo_users_see_their_own_side():
    tenant = Tenant.objects.get(slug="vierkant-voor-werk")
    school = Membership.objects.for_tenant(tenant).get(user__email="relatiebeheer@example.org")
    company = Membership.objects.for_tenant(tenant).get(user__email="bedrijf@example.org")

    # the relationship manager's Alfa College applied, talked and has placements
    from_school = Application.objects.for_tenant(tenant).filter(school=school.organisation)
    assert school.organisation.name == "Alfa College"
    assert from_school.count() >= 3
    assert ApplicationMessage.objects.for_tenant(tenant).filter(
        application__in=from_school, author_organisation=school.organisation
    )
    # the company user's company has opportunities with applications, and a completed,
    # evaluated placement from Alfa College
    completed = Placement.objects.for_tenant(tenant).get(
        company=company.organisation, status=Placement.Status.COMPLETED
    )
    assert completed.school == school.organisation
    assert completed.school_rating and completed.company_rating
    assert completed.school_evaluation and completed.company_evaluation


def _the_public_listing_shows_the_demo():
    tenant = Tenant.objects.get(slug="vierkant-voor-werk")
    published = Opportunity.objects.for_tenant(tenant).filter(status="published").count()

    response = Client().get(reverse("stage_list", args=[tenant.slug]))

    assert response.status_code == 200
    assert response.context["page"].paginator.count == published > 3
    assert Organisation.objects.for_tenant(tenant).filter(kind="company").exists()


def test_a_second_run_changes_nothing():
    seed_demo()
    before = counts()

    seed_demo()

    assert counts() == before
