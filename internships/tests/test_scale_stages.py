"""The stage market's scale data (``internships/scale.py``): the sizes asked for, a realistic
and consistent mix, in every scale tenant, the same for the same seed."""

from __future__ import annotations

import hashlib
from io import StringIO

import pytest
from django.core.management import call_command
from django.db.models import Count, F, Q

from internships.models import Application, Opportunity, Placement
from portal.management.commands.seed_scale import size_defaults
from portal.models import Membership, Tenant
from portal.roles import Role
from portal.scale import LARGE_TENANT_SLUG, member_email

pytestmark = pytest.mark.django_db


def seed_scale(**sizes: int) -> None:
    """Every size tiny unless named; enough organisations for companies in several places."""
    sizes = {"organisations": 60, **sizes}
    arguments = ["--small-tenants", "2", "--small-fraction", "0.1", "--force"]
    for name in size_defaults():
        arguments += ["--" + name.replace("_", "-"), str(sizes.get(name, 3))]
    call_command("seed_scale", *arguments, stdout=StringIO())


def test_opportunities_applications_and_placements_in_every_scale_tenant():
    seed_scale(opportunities=400, stage_applications=300)

    large = Tenant.objects.get(slug=LARGE_TENANT_SLUG)
    small = Tenant.objects.get(slug="schaal-klein-01")
    assert Opportunity.objects.for_tenant(large).count() == 400
    assert Opportunity.objects.for_tenant(small).count() == 40
    assert Application.objects.for_tenant(large).count() == 300
    opportunities = Opportunity.objects.for_tenant(large)
    statuses = dict(opportunities.values_list("status").annotate(n=Count("pk")))
    # mostly published; drafts, filled and closed ones beside them
    assert statuses["published"] > 0.6 * 400
    assert all(statuses.get(status, 0) > 0 for status in ("draft", "filled", "closed"))
    assert len(set(opportunities.values_list("kind", flat=True))) >= 8
    assert opportunities.exclude(sectors=None).count() == 400
    assert opportunities.filter(education_levels=[]).count() == 0
    assert opportunities.values("municipality").distinct().count() > 5


def test_the_rows_are_consistent():
    seed_scale(opportunities=300, stage_applications=400)

    # a place is taken by an accepted application, and given back when its placement is
    # cancelled (as the services do)
    taking = Q(applications__status="accepted") & ~Q(applications__placement__status="cancelled")
    opportunities = Opportunity.objects.annotate(accepted=Count("applications", filter=taking))
    assert opportunities.exclude(places_taken=F("accepted")).count() == 0
    assert opportunities.filter(accepted__gt=0).count() > 10
    # a published opportunity with every place taken is filled; drafts have no applications
    assert opportunities.filter(status="published", places_taken=F("places")).count() == 0
    assert opportunities.filter(status="filled").exclude(places_taken=F("places")).count() == 0
    assert not Application.objects.filter(opportunity__status="draft").exists()
    assert not opportunities.filter(status="draft", published_at__isnull=False).exists()
    # every row in its own tenant; every accepted application has its placement
    assert not Opportunity.objects.exclude(company__tenant=F("tenant")).exists()
    assert not Application.objects.exclude(school__tenant=F("tenant")).exists()
    assert not Application.objects.exclude(school__kind="school").exists()
    accepted = Application.objects.filter(status="accepted")
    assert Placement.objects.count() == accepted.count()
    assert not Placement.objects.exclude(application__status="accepted").exists()
    assert not Placement.objects.exclude(company=F("opportunity__company")).exists()
    completed = Placement.objects.filter(status="completed")
    assert completed.exists()
    assert completed.exclude(school_rating=None).exists()


def test_company_and_relations_members_act_for_an_organisation():
    seed_scale(opportunities=50, stage_applications=20)

    for slug in (LARGE_TENANT_SLUG, "schaal-klein-01"):
        tenant = Tenant.objects.get(slug=slug)
        members = Membership.objects.for_tenant(tenant).select_related("organisation")
        company = members.get(user__email=member_email(slug, Role.COMPANY)).organisation
        school = members.get(user__email=member_email(slug, Role.RELATIONS)).organisation
        assert (company.kind, company.tenant_id) == ("company", tenant.pk)
        assert (school.kind, school.tenant_id) == ("school", tenant.pk)
        # the company member's company offers some of them, the school applied for some,
        # so their pages show data
        assert Opportunity.objects.for_tenant(tenant).filter(company=company).exists()
        assert Application.objects.for_tenant(tenant).filter(school=school).exists()


def _digest() -> str:
    rows = list(
        Opportunity.objects.filter(tenant__slug__startswith="schaal-")
        .order_by("tenant__slug", "title", "kind", "municipality", "places", "status", "starts_on")
        .values_list(
            "tenant__slug", "title", "kind", "municipality", "places", "places_taken", "status"
        )
    )
    rows += list(
        Application.objects.order_by(
            "tenant__slug", "student_first_name", "status", "created_at"
        ).values_list("tenant__slug", "student_first_name", "student_level", "status")
    )
    return hashlib.sha256(repr(rows).encode()).hexdigest()


def test_the_same_seed_makes_the_same_rows():
    seed_scale(opportunities=60, stage_applications=40)
    first = _digest()

    seed_scale(opportunities=60, stage_applications=40)

    assert _digest() == first


def test_without_the_crms_organisations_it_makes_its_own_companies_and_schools():
    seed_scale(organisations=0, opportunities=100, stage_applications=50)

    large = Tenant.objects.get(slug=LARGE_TENANT_SLUG)
    opportunities = Opportunity.objects.for_tenant(large)
    assert opportunities.count() == 100
    assert opportunities.values("company").distinct().count() == 4  # one per 25
    assert set(opportunities.values_list("company__kind", flat=True)) == {"company"}
    assert Application.objects.for_tenant(large).count() == 50
