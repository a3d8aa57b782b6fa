"""Actions: the form (owner, organisations by search, partners, health with its reason,
dates), the action page with everything on it in constant queries, and linking contacts and
stage places by search."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from agenda.models import Action
from agenda.tests.factories import (
    ActionFactory,
    ActionLineFactory,
    BudgetEntryFactory,
    BudgetLineFactory,
    IndicatorFactory,
    MeasurementFactory,
    MilestoneFactory,
    ProgressUpdateFactory,
    TargetFactory,
)
from internships.models import Opportunity
from internships.tests.factories import OpportunityFactory
from partnerships.models import Interaction
from partnerships.tests.factories import InteractionFactory, OrganisationFactory
from portal.models import AuditEvent
from portal.roles import Role

TODAY = timezone.localdate()


def english(client: Client) -> Client:
    client.cookies["portal_language"] = "en"
    return client


@pytest.fixture
def line_a(tenant_a):
    return ActionLineFactory(tenant=tenant_a.tenant, theme__tenant=tenant_a.tenant)


def action_values(line, **overrides) -> dict:
    values = {
        "action_line": line.pk,
        "title": "Techniekdagen voor groep 7 en 8",
        "description": "",
        "owner": "",
        "owner_organisation": "",
        "status": "running",
        "health": "on_track",
        "health_reason": "",
        "priority": "1",
        "starts_on": "2026-01-01",
        "ends_on": "2026-12-31",
    }
    values.update(overrides)
    return values


# --- the form ---------------------------------------------------------------------------------


def test_lead_creates_an_action_with_owner_organisation_and_partners(tenant_a, line_a, client_for):
    # given a member to own it and organisations of the tenant
    owner = tenant_a.member(Role.RELATIONS).user
    client = english(client_for(tenant_a.member(Role.LEAD)))

    # when the lead saves the form
    response = client.post(
        reverse("action_create", args=[tenant_a.tenant.slug]),
        {
            **action_values(line_a, owner=owner.pk, owner_organisation=tenant_a.school.pk),
            "partners": [tenant_a.company.pk, tenant_a.school.pk],
        },
    )

    # then the action exists with them, and the page of the new action follows
    action = Action.objects.for_tenant(tenant_a.tenant).get()
    assert response.status_code == 302
    assert response.url == reverse("action_detail", args=[tenant_a.tenant.slug, action.pk])
    assert (action.owner, action.owner_organisation) == (owner, tenant_a.school)
    assert set(action.partners.all()) == {tenant_a.company, tenant_a.school}
    assert action.priority == Action.Priority.HIGH
    assert AuditEvent.objects.for_tenant(tenant_a.tenant).filter(action="action.create").exists()


def test_end_before_start_is_a_field_error_and_nothing_is_saved(tenant_a, line_a, client_for):
    client = english(client_for(tenant_a.member(Role.LEAD)))

    response = client.post(
        reverse("action_create", args=[tenant_a.tenant.slug]),
        action_values(line_a, starts_on="2026-06-01", ends_on="2026-05-01"),
    )

    assert response.status_code == 400
    assert response.context["form"].errors["ends_on"] == [
        "The end date cannot be before the start date."
    ]
    assert not Action.objects.exists()


@pytest.mark.parametrize("health", ["at_risk", "off_track"])
def test_at_risk_or_off_track_needs_a_reason(tenant_a, line_a, client_for, health):
    client = english(client_for(tenant_a.member(Role.LEAD)))
    url = reverse("action_create", args=[tenant_a.tenant.slug])

    refused = client.post(url, action_values(line_a, health=health))
    accepted = client.post(url, action_values(line_a, health=health, health_reason="Geen docenten"))

    assert refused.status_code == 400
    assert "health_reason" in refused.context["form"].errors
    assert accepted.status_code == 302
    assert Action.objects.get().health_reason == "Geen docenten"


def test_owner_must_be_a_member_and_organisations_of_the_tenant(
    tenant_a, tenant_b, line_a, client_for
):
    client = english(client_for(tenant_a.member(Role.LEAD)))

    response = client.post(
        reverse("action_create", args=[tenant_a.tenant.slug]),
        {
            **action_values(
                line_a,
                owner=tenant_b.member(Role.LEAD).user.pk,
                owner_organisation=tenant_b.school.pk,
            ),
            "partners": [tenant_b.company.pk],
        },
    )

    assert response.status_code == 400
    assert set(response.context["form"].errors) == {"owner", "owner_organisation", "partners"}
    assert not Action.objects.exists()


def test_organisation_search_shows_matches_without_saving(tenant_a, line_a, client_for):
    # given an organisation among many, found by part of its name
    OrganisationFactory(tenant=tenant_a.tenant, name="Twentse Hightech Componenten BV")
    OrganisationFactory(name="Twentse Hightech van een ander verband")
    client = english(client_for(tenant_a.member(Role.LEAD)))

    # when the lead searches while filling in the form (the title typed so far is kept)
    response = client.post(
        reverse("action_create", args=[tenant_a.tenant.slug]),
        {
            **action_values(line_a, title="Half ingevuld"),
            "organisation_q": "hightech",
            "find_organisations": "1",
        },
    )

    # then the match is offered as owner and partner, nothing is saved yet, no errors shown
    html = response.content.decode()
    assert response.status_code == 200
    assert "Twentse Hightech Componenten BV" in html
    assert "ander verband" not in html
    assert 'value="Half ingevuld"' in html
    assert not Action.objects.exists()


def test_pressing_enter_without_a_search_term_saves(tenant_a, line_a, client_for):
    client = english(client_for(tenant_a.member(Role.LEAD)))

    response = client.post(
        reverse("action_create", args=[tenant_a.tenant.slug]),
        {**action_values(line_a), "organisation_q": "", "find_organisations": "1"},
    )

    assert response.status_code == 302
    assert Action.objects.count() == 1


def test_editing_keeps_partners_and_audits_the_change(tenant_a, line_a, client_for):
    action = ActionFactory(tenant=tenant_a.tenant, action_line=line_a, title="Oud")
    action.partners.set([tenant_a.company])
    client = english(client_for(tenant_a.member(Role.ADMIN)))
    url = reverse("action_edit", args=[tenant_a.tenant.slug, action.pk])

    form_page = client.get(url)
    client.post(
        url,
        {
            **action_values(line_a, title="Nieuw", status="stopped"),
            "partners": [tenant_a.company.pk],
        },
    )

    assert f'id="partner-{tenant_a.company.pk}" checked' in form_page.content.decode()
    action.refresh_from_db()
    assert (action.title, action.status) == ("Nieuw", Action.Status.STOPPED)
    event = AuditEvent.objects.for_tenant(tenant_a.tenant).get(action="action.update")
    assert event.changes["title"] == ["Oud", "Nieuw"]


@pytest.mark.parametrize("role", [Role.RELATIONS, Role.COMPANY, Role.FUNDER])
def test_only_editors_create_actions(tenant_a, line_a, client_for, role):
    response = client_for(tenant_a.member(role)).post(
        reverse("action_create", args=[tenant_a.tenant.slug]), action_values(line_a)
    )

    assert response.status_code == 403
    assert not Action.objects.exists()


def test_action_with_history_is_not_deleted(tenant_a, line_a, client_for):
    action = ActionFactory(tenant=tenant_a.tenant, action_line=line_a)
    ProgressUpdateFactory(tenant=tenant_a.tenant, action=action)
    fresh = ActionFactory(tenant=tenant_a.tenant, action_line=line_a)
    client = english(client_for(tenant_a.member(Role.ADMIN)))

    refused = client.post(
        reverse("action_delete", args=[tenant_a.tenant.slug, action.pk]), follow=True
    )
    client.post(reverse("action_delete", args=[tenant_a.tenant.slug, fresh.pk]))

    assert Action.objects.filter(pk=action.pk).exists()
    assert "Set its status to stopped" in refused.content.decode()
    assert not Action.objects.filter(pk=fresh.pk).exists()


# --- the action page --------------------------------------------------------------------------


def populate(world, action, size: int, *, offset: int = 0) -> None:
    """``size`` of everything the action page shows."""
    tenant = world.tenant
    for n in range(offset, offset + size):
        MilestoneFactory(
            tenant=tenant,
            action=action,
            title=f"Mijlpaal {n}",
            due_on=TODAY - datetime.timedelta(days=10 + n),
        )
        indicator = IndicatorFactory(tenant=tenant, action=action)
        TargetFactory(tenant=tenant, indicator=indicator)
        MeasurementFactory(tenant=tenant, indicator=indicator)
        line = BudgetLineFactory(tenant=tenant, action=action, year=2020 + n)
        BudgetEntryFactory(tenant=tenant, budget_line=line)
        ProgressUpdateFactory(
            tenant=tenant,
            action=action,
            period_kind="month",
            period_start=datetime.date(2024, n + 1, 1),
            period_end=datetime.date(2024, n + 1, 28),
        )
        interaction = InteractionFactory(
            tenant=tenant, logged_by=world.school, subject=f"Overleg {n}"
        )
        interaction.organisations.set([world.company, world.school])
        action.interactions.add(interaction)
        action.opportunities.add(
            OpportunityFactory(
                tenant=tenant, company=world.company, status=Opportunity.Status.PUBLISHED
            )
        )
        action.partners.add(OrganisationFactory(tenant=tenant))


def page_queries(client, url) -> int:
    client.get(url)
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200
    return len(captured)


def test_action_page_query_count_does_not_grow(tenant_a, line_a, client_for):
    action = ActionFactory(
        tenant=tenant_a.tenant,
        action_line=line_a,
        owner=tenant_a.member(Role.LEAD).user,
        owner_organisation=tenant_a.school,
    )
    url = reverse("action_detail", args=[tenant_a.tenant.slug, action.pk])
    client = client_for(tenant_a.member(Role.LEAD))
    relations = client_for(tenant_a.member(Role.RELATIONS))

    populate(tenant_a, action, 2)
    few, few_relations = page_queries(client, url), page_queries(relations, url)
    populate(tenant_a, action, 4, offset=2)
    many, many_relations = page_queries(client, url), page_queries(relations, url)

    assert action.milestones.count() == 6
    assert (many, many_relations) == (few, few_relations)


def test_action_page_shows_milestones_indicators_budget_updates_and_links(
    tenant_a, line_a, client_for
):
    # given an action with an overdue milestone, an indicator, a budget, an update and links
    action = ActionFactory(
        tenant=tenant_a.tenant,
        action_line=line_a,
        title="Bètapunt",
        owner=tenant_a.member(Role.LEAD).user,
    )
    MilestoneFactory(
        tenant=tenant_a.tenant,
        action=action,
        title="Startbijeenkomst",
        due_on=TODAY - datetime.timedelta(days=3),
    )
    IndicatorFactory(tenant=tenant_a.tenant, action=action, name="Aantal schoolbesturen")
    BudgetLineFactory(tenant=tenant_a.tenant, action=action, planned_amount=Decimal("125000"))
    older = ProgressUpdateFactory(
        tenant=tenant_a.tenant,
        action=action,
        period_start=datetime.date(2026, 1, 1),
        period_end=datetime.date(2026, 3, 31),
        done="Eerste kwartaal",
    )
    newer = ProgressUpdateFactory(
        tenant=tenant_a.tenant, action=action, done="Derde kwartaal afgerond"
    )
    interaction = InteractionFactory(
        tenant=tenant_a.tenant,
        logged_by=tenant_a.school,
        subject="Bedrijfsbezoek met docenten",
        notes="Geheime aantekening",
    )
    interaction.organisations.set([tenant_a.company])
    action.interactions.add(interaction)
    action.opportunities.add(
        OpportunityFactory(
            tenant=tenant_a.tenant,
            company=tenant_a.company,
            title="BBL-plaats monteur",
            status=Opportunity.Status.PUBLISHED,
        )
    )
    client = english(client_for(tenant_a.member(Role.LEAD)))

    # when the lead opens the action page
    response = client.get(reverse("action_detail", args=[tenant_a.tenant.slug, action.pk]))

    # then everything is there, the overdue milestone flagged in words, notes never shown
    html = response.content.decode()
    assert "Startbijeenkomst" in html and "Overdue" in html
    assert "Aantal schoolbesturen" in html
    assert (
        reverse("indicator_detail", args=[tenant_a.tenant.slug, action.indicators.get().pk]) in html
    )
    assert "125.000" in html or "125,000" in html
    assert html.index("Derde kwartaal afgerond") < html.index("Eerste kwartaal")
    assert [u.pk for u in response.context["page"].updates] == [newer.pk, older.pk]
    assert "Bedrijfsbezoek met docenten" in html and tenant_a.company.name in html
    assert "Geheime aantekening" not in html
    assert "BBL-plaats monteur" in html


def test_relations_member_sees_only_contacts_the_contact_log_shows_them(
    tenant_a, line_a, client_for
):
    # given two linked contacts: one another school keeps to itself, one shared
    other_school = OrganisationFactory(tenant=tenant_a.tenant, kind="school")
    action = ActionFactory(tenant=tenant_a.tenant, action_line=line_a)
    private = InteractionFactory(
        tenant=tenant_a.tenant,
        logged_by=other_school,
        subject="Intern gesprek andere school",
        visibility=Interaction.Visibility.OWN,
    )
    shared = InteractionFactory(
        tenant=tenant_a.tenant,
        logged_by=other_school,
        subject="Gedeeld bedrijfsbezoek",
        visibility=Interaction.Visibility.PARTNERSHIP,
    )
    action.interactions.add(private, shared)
    url = reverse("action_detail", args=[tenant_a.tenant.slug, action.pk])

    # when a relations member of the first school and a company member look
    relations_html = english(client_for(tenant_a.member(Role.RELATIONS))).get(url)
    company_html = english(client_for(tenant_a.member(Role.COMPANY))).get(url)

    # then the relations member sees the shared one only; the company member neither
    relations = relations_html.content.decode()
    assert "Gedeeld bedrijfsbezoek" in relations
    assert "Intern gesprek andere school" not in relations
    assert "Gedeeld bedrijfsbezoek" not in company_html.content.decode()
    assert relations_html.context["page"].budget is None


def test_another_tenants_action_page_is_not_found(tenant_a, tenant_b, client_for):
    foreign = ActionFactory(
        tenant=tenant_b.tenant,
        action_line=ActionLineFactory(tenant=tenant_b.tenant, theme__tenant=tenant_b.tenant),
    )

    response = client_for(tenant_a.member(Role.ADMIN)).get(
        reverse("action_detail", args=[tenant_a.tenant.slug, foreign.pk])
    )

    assert response.status_code == 404


# --- linking ----------------------------------------------------------------------------------


def test_lead_finds_and_links_a_contact_and_a_stage_place(tenant_a, line_a, client_for):
    # given a contact moment and a stage place among others
    action = ActionFactory(tenant=tenant_a.tenant, action_line=line_a)
    wanted = InteractionFactory(
        tenant=tenant_a.tenant, logged_by=tenant_a.school, subject="Rondleiding lasafdeling"
    )
    InteractionFactory(tenant=tenant_a.tenant, logged_by=tenant_a.school, subject="Iets anders")
    place = OpportunityFactory(
        tenant=tenant_a.tenant, company=tenant_a.company, title="Snuffelstage lassen"
    )
    client = english(client_for(tenant_a.member(Role.LEAD)))
    url = reverse("action_links", args=[tenant_a.tenant.slug, action.pk])

    # when the lead searches "las" and links both
    found = client.get(url, {"q": "las"})
    client.post(url, {"operation": "link_interaction", "object_id": wanted.pk, "q": "las"})
    client.post(url, {"operation": "link_opportunity", "object_id": place.pk, "q": "las"})

    # then the search offered them (not the other), and they are linked
    assert [i.pk for i in found.context["interaction_results"]] == [wanted.pk]
    assert [o.pk for o in found.context["opportunity_results"]] == [place.pk]
    assert list(action.interactions.all()) == [wanted]
    assert list(action.opportunities.all()) == [place]

    # and unlinking takes one off again
    client.post(url, {"operation": "unlink_interaction", "object_id": wanted.pk})
    assert not action.interactions.exists()


def test_linking_another_tenants_contact_is_not_found(tenant_a, tenant_b, line_a, client_for):
    action = ActionFactory(tenant=tenant_a.tenant, action_line=line_a)
    foreign = InteractionFactory(tenant=tenant_b.tenant, logged_by=tenant_b.school)
    foreign_place = OpportunityFactory(tenant=tenant_b.tenant, company=tenant_b.company)
    client = client_for(tenant_a.member(Role.LEAD))
    url = reverse("action_links", args=[tenant_a.tenant.slug, action.pk])

    first = client.post(url, {"operation": "link_interaction", "object_id": foreign.pk})
    second = client.post(url, {"operation": "link_opportunity", "object_id": foreign_place.pk})

    assert (first.status_code, second.status_code) == (404, 404)
    assert not action.interactions.exists() and not action.opportunities.exists()


def test_a_malformed_link_request_is_a_message_not_an_error(tenant_a, line_a, client_for):
    action = ActionFactory(tenant=tenant_a.tenant, action_line=line_a)
    client = english(client_for(tenant_a.member(Role.LEAD)))

    response = client.post(
        reverse("action_links", args=[tenant_a.tenant.slug, action.pk]),
        {"operation": "drop_table", "object_id": "x"},
        follow=True,
    )

    assert response.status_code == 200
    assert "Choose a contact moment or stage place from the list." in response.content.decode()
