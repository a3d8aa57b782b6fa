"""Shared helpers of the members' side tests: a tenant world seen as a stage market (its
company member, its school member), English clients, and service calls in few words."""

from __future__ import annotations

import datetime

from django.test import Client
from django.utils import timezone

from internships.models import Application, Opportunity, Placement
from internships.services import applications as application_services
from internships.services import opportunities as opportunity_services
from internships.tests.factories import OpportunityFactory
from portal.models import Membership
from portal.roles import Role
from tests.conftest import TenantWorld


def today() -> datetime.date:
    return timezone.localdate()


def days(n: int) -> datetime.date:
    return today() + datetime.timedelta(days=n)


def english(client: Client) -> Client:
    client.cookies["portal_language"] = "en"
    return client


def company_member(world: TenantWorld) -> Membership:
    return world.member(Role.COMPANY)


def school_member(world: TenantWorld) -> Membership:
    return world.member(Role.RELATIONS)


def opportunity_values(**overrides) -> dict:
    """Valid input of ``opportunity_create``."""
    values = {
        "kind": Opportunity.Kind.BPV,
        "title": "BPV-plaats elektrotechniek",
        "description": "Meewerken aan installaties bij klanten in de regio.",
        "education_levels": ["mbo3", "mbo4"],
        "starts_on": days(30),
        "ends_on": days(150),
        "places": 2,
        "municipality": "Emmen",
        "application_deadline": days(20),
    }
    values.update(overrides)
    return values


def published(world: TenantWorld, **fields) -> Opportunity:
    """A published opportunity of the world's own company."""
    fields.setdefault("company", world.company)
    fields.setdefault("tenant", world.tenant)
    return OpportunityFactory(**fields)


def submit(world: TenantWorld, opportunity: Opportunity, **values) -> Application:
    """An application of the world's school, by its member, for one student."""
    values = {
        "student_first_name": "Sem",
        "student_last_initial": "B",
        "student_level": "mbo3",
        "student_programme": "Mechatronica",
        **values,
    }
    return application_services.application_submit(
        tenant=world.tenant,
        actor=school_member(world).user,
        opportunity=opportunity,
        school=world.school,
        **values,
    )


def accept(world: TenantWorld, application: Application, **values) -> Placement:
    return application_services.application_accept(
        tenant=world.tenant, actor=company_member(world).user, application=application, **values
    )


def create(world: TenantWorld, **overrides) -> Opportunity:
    return opportunity_services.opportunity_create(
        tenant=world.tenant,
        actor=company_member(world).user,
        company=world.company,
        **opportunity_values(**overrides),
    )
