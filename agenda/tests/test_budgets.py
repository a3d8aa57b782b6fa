"""Budgets: planned vs committed vs spent per theme, action line, action and funding source,
burn rate and co-financing (worked out by hand), in constant queries; the pages and the
services that refuse negative amounts with nothing written."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from agenda.models import BudgetEntry, BudgetLine, FundingSource
from agenda.selectors.budgets import budget_figures, year_elapsed
from agenda.services import budgets as services
from agenda.tests.factories import ActionLineFactory, BudgetEntryFactory, ThemeFactory
from agenda.tests.figures_data import action_in, budget_line_in, english, source_in
from portal.models import AuditEvent
from portal.roles import Role

D = Decimal
TODAY = datetime.date(2026, 7, 2)  # day 183 of 365


def queries_of(callable_) -> int:
    with CaptureQueriesContext(connection) as captured:
        callable_()
    return len(captured)


@pytest.fixture
def techoost(tenant_a):
    """Two themes, three actions, a growth fund and in-kind company co-financing.

    Lines: A1 fund 2025 100,000 and companies 2025 50,000; A2 fund 2026 200,000;
    A3 companies 2026 50,000. Entries: A1 fund spent 40,000 and committed 30,000;
    A1 companies spent 10,000 in kind; A2 fund committed 20,000; A3 companies spent 5,000.
    """
    tenant = tenant_a.tenant
    talent = ThemeFactory(tenant=tenant, title="Talent", position=1)
    innovation = ThemeFactory(tenant=tenant, title="Innovatie", position=2)
    education = ActionLineFactory(theme=talent, title="Onderwijs")
    practice = ActionLineFactory(theme=innovation, title="Praktijk")
    a1 = action_in(tenant, action_line=education, title="A1")
    a2 = action_in(tenant, action_line=education, title="A2")
    a3 = action_in(tenant, action_line=practice, title="A3")
    fund = source_in(tenant, name="Nationaal Groeifonds", kind=FundingSource.Kind.GROWTH_FUND)
    companies = source_in(
        tenant,
        name="Bedrijven in natura",
        kind=FundingSource.Kind.COMPANY_IN_KIND,
        is_cofinancing=True,
    )
    a1_fund = budget_line_in(
        tenant, action=a1, funding_source=fund, year=2025, planned_amount=D(100_000)
    )
    a1_companies = budget_line_in(
        tenant, action=a1, funding_source=companies, year=2025, planned_amount=D(50_000)
    )
    a2_fund = budget_line_in(
        tenant, action=a2, funding_source=fund, year=2026, planned_amount=D(200_000)
    )
    a3_companies = budget_line_in(
        tenant, action=a3, funding_source=companies, year=2026, planned_amount=D(50_000)
    )
    spending, commitment = BudgetEntry.Kind.SPENDING, BudgetEntry.Kind.COMMITMENT
    BudgetEntryFactory(budget_line=a1_fund, kind=spending, amount=D(40_000))
    BudgetEntryFactory(budget_line=a1_fund, kind=commitment, amount=D(30_000))
    BudgetEntryFactory(budget_line=a1_companies, kind=spending, amount=D(10_000), in_kind=True)
    BudgetEntryFactory(budget_line=a2_fund, kind=commitment, amount=D(20_000))
    BudgetEntryFactory(budget_line=a3_companies, kind=spending, amount=D(5_000))
    return {"a1": a1, "a2": a2, "a3": a3, "fund": fund, "a1_fund": a1_fund}


def test_year_elapsed():
    assert year_elapsed(2025, TODAY) == 1
    assert year_elapsed(2027, TODAY) == 0
    assert year_elapsed(2026, TODAY) == D(183) / D(365)


def test_budget_figures_worked_out_by_hand(tenant_a, techoost):
    budget = budget_figures(tenant=tenant_a.tenant, today=TODAY)
    total = budget.total

    # planned 100 + 50 + 200 + 50 = 400k; committed 30 + 20 = 50k; spent 40 + 10 + 5 = 55k
    assert (total.planned, total.committed, total.spent) == (D(400_000), D(50_000), D(55_000))
    assert total.available == D(295_000)
    assert total.spent_in_kind == D(10_000)
    # burn rate 55 / 400 = 0.1375
    assert total.burn_rate == D("0.1375")
    # time elapsed: 150k of 2025 fully, 250k of 2026 for 183/365:
    # (150,000 + 250,000 * 183 / 365) / 400,000 = 275,342.47 / 400,000 = 0.6884
    assert total.time_elapsed == D("0.6884")
    # pace: 0.1375 / 0.6884 = 0.1997 (spending at a fifth of the calendar's speed)
    assert total.pace == D("0.1997")
    # co-financing: 50 + 50 = 100k of 400k planned = 0.25; 10 + 5 = 15k of 55k spent = 0.2727
    assert total.cofinancing_ratio == D("0.25")
    assert total.cofinancing_ratio_spent == D("0.2727")
    assert total.burn_percent == D("13.8") and total.cofinancing_percent == D("25.0")


def test_budget_figures_per_theme_line_action_and_source(tenant_a, techoost):
    budget = budget_figures(tenant=tenant_a.tenant, today=TODAY)

    # per theme: Talent (A1 + A2) 350k planned, 50k committed, 50k spent; Innovatie 50/0/5
    themes = {row.label: (row.planned, row.committed, row.spent) for row in budget.themes}
    assert themes == {
        "Talent": (D(350_000), D(50_000), D(50_000)),
        "Innovatie": (D(50_000), D(0), D(5_000)),
    }
    assert [row.label for row in budget.themes] == ["Talent", "Innovatie"]
    education = budget.themes[0].children[0]
    assert [a.label for a in education.children] == ["A1", "A2"]
    assert budget.actions[techoost["a1"].pk].planned == D(150_000)
    assert budget.actions[techoost["a1"].pk].burn_rate == D("0.3333")

    # per source: the fund 300k / 50k / 40k; the companies 100k / 0 / 15k (10k in kind)
    sources = {row.label: (row.planned, row.committed, row.spent) for row in budget.funding_sources}
    assert sources == {
        "Bedrijven in natura": (D(100_000), D(0), D(15_000)),
        "Nationaal Groeifonds": (D(300_000), D(50_000), D(40_000)),
    }
    assert budget.funding_sources[0].spent_in_kind == D(10_000)


def test_budget_figures_of_some_actions_or_one_year(tenant_a, techoost):
    of_a1 = budget_figures(tenant=tenant_a.tenant, actions=[techoost["a1"]], today=TODAY)
    of_2026 = budget_figures(tenant=tenant_a.tenant, year=2026, today=TODAY)

    assert (of_a1.total.planned, of_a1.total.spent) == (D(150_000), D(50_000))
    assert of_a1.single_action
    assert (of_2026.total.planned, of_2026.total.committed) == (D(250_000), D(20_000))
    assert of_2026.years == [2026]


def test_budget_figures_of_an_action_without_lines_are_zero(tenant_a):
    action = action_in(tenant_a.tenant)
    budget = budget_figures(tenant=tenant_a.tenant, actions=[action])
    assert budget.actions[action.pk].planned == 0
    assert budget.total.burn_rate is None


def test_budget_figures_take_four_queries_for_any_number_of_actions(tenant_a):
    tenant = tenant_a.tenant

    def make(count):
        for _ in range(count):
            line = budget_line_in(tenant)
            BudgetEntryFactory(budget_line=line)
            BudgetEntryFactory(budget_line=line, kind=BudgetEntry.Kind.COMMITMENT)

    make(3)
    few = queries_of(lambda: budget_figures(tenant=tenant))
    make(6)
    many = queries_of(lambda: budget_figures(tenant=tenant))

    assert few == many == 4
    assert len(budget_figures(tenant=tenant).actions) == 9


def test_another_tenants_money_is_not_counted(tenant_a, tenant_b, techoost):
    budget_line_in(tenant_b.tenant, planned_amount=D(999_999))
    assert budget_figures(tenant=tenant_a.tenant).total.planned == D(400_000)


# --- the pages -------------------------------------------------------------------------------


@pytest.mark.parametrize("role", [Role.FUNDER, Role.LEAD, Role.RELATIONS])
def test_budget_overview_shows_the_figures(role, tenant_a, techoost, client_for):
    client = english(client_for(tenant_a.member(role)))
    response = client.get(reverse("budget_overview", args=[tenant_a.tenant.slug]))
    page = response.content.decode()

    assert response.status_code == 200
    assert "By theme, action line and action" in page and "By funding source" in page
    assert "400,000.00" in page and "295,000.00" in page
    assert "13.8% of the planned money spent" in page
    assert "25.0% of the planned money" in page


def test_budget_overview_of_one_year(tenant_a, techoost, client_for):
    client = english(client_for(tenant_a.member(Role.LEAD)))
    page = client.get(
        reverse("budget_overview", args=[tenant_a.tenant.slug]), {"year": "2026"}
    ).content.decode()
    assert "250,000.00" in page and "400,000.00" not in page


def test_budget_overview_query_count_does_not_grow_with_actions(tenant_a, client_for):
    tenant = tenant_a.tenant
    client = client_for(tenant_a.member(Role.FUNDER))
    url = reverse("budget_overview", args=[tenant.slug])

    def make(count):
        for _ in range(count):
            BudgetEntryFactory(budget_line=budget_line_in(tenant))

    make(3)
    client.get(url)
    few = queries_of(lambda: client.get(url))
    make(6)
    many = queries_of(lambda: client.get(url))
    assert few == many


def test_lead_adds_a_budget_line_and_an_entry(tenant_a, client_for):
    # given an action and a funding source
    tenant = tenant_a.tenant
    action = action_in(tenant)
    source = source_in(tenant)
    lead = tenant_a.member(Role.LEAD)
    client = english(client_for(lead))

    # when the lead plans 12,500.50 for 2026 and enters spending of 1,250 against it
    response = client.post(
        reverse("budget_line_create", args=[tenant.slug]),
        {
            "line-action": action.pk,
            "line-funding_source": source.pk,
            "line-year": "2026",
            "line-planned_amount": "12500.50",
        },
    )
    line = BudgetLine.objects.get(action=action)
    client.post(
        reverse("budget_entry_create", args=[tenant.slug, line.pk]),
        {
            "entry-kind": "spending",
            "entry-amount": "1250",
            "entry-booked_on": "2026-03-01",
            "entry-description": "Inhuur projectleider",
        },
    )

    # then both are saved and audited, and the line's page shows what is left
    assert response.status_code == 302
    assert line.planned_amount == D("12500.50")
    entry = BudgetEntry.objects.get(budget_line=line)
    assert (entry.amount, entry.entered_by) == (D(1250), lead.user)
    actions = set(AuditEvent.objects.values_list("action", flat=True))
    assert {"budget_line.create", "budget_entry.create"} <= actions
    page = client.get(reverse("budget_line_detail", args=[tenant.slug, line.pk])).content.decode()
    assert "11,250.50" in page and "Inhuur projectleider" in page


def test_a_negative_amount_is_a_form_error_and_nothing_is_written(tenant_a, client_for):
    tenant = tenant_a.tenant
    line = budget_line_in(tenant)
    client = english(client_for(tenant_a.member(Role.LEAD)))

    entry = client.post(
        reverse("budget_entry_create", args=[tenant.slug, line.pk]),
        {
            "entry-kind": "spending",
            "entry-amount": "-250",
            "entry-booked_on": "2026-03-01",
            "entry-description": "Terugbetaling",
        },
    )
    plan = client.post(
        reverse("budget_line_update", args=[tenant.slug, line.pk]),
        {"plan-planned_amount": "-1"},
    )

    for response in (entry, plan):
        assert response.status_code == 400
        assert "Enter an amount of zero or more." in response.content.decode()
    assert not BudgetEntry.objects.exists()
    line.refresh_from_db()
    assert line.planned_amount == D("100000.00")


def test_services_refuse_negative_amounts_too(tenant_a):
    line = budget_line_in(tenant_a.tenant)
    with pytest.raises(ValidationError) as raised:
        services.budget_entry_create(
            tenant=tenant_a.tenant,
            actor=None,
            budget_line=line,
            kind="spending",
            amount=D(-1),
            booked_on=datetime.date(2026, 1, 1),
            description="x",
        )
    assert "amount" in raised.value.message_dict
    assert not BudgetEntry.objects.exists()


def test_a_second_line_for_the_same_action_source_and_year_is_refused(tenant_a, client_for):
    tenant = tenant_a.tenant
    line = budget_line_in(tenant, year=2026)
    client = english(client_for(tenant_a.member(Role.LEAD)))

    response = client.post(
        reverse("budget_line_create", args=[tenant.slug]),
        {
            "line-action": line.action_id,
            "line-funding_source": line.funding_source_id,
            "line-year": "2026",
            "line-planned_amount": "5",
        },
    )

    assert response.status_code == 400
    assert "already has a budget line from this funding source for 2026" in (
        response.content.decode()
    )
    assert BudgetLine.objects.count() == 1


def test_a_budget_line_for_another_tenants_action_is_refused(tenant_a, tenant_b):
    theirs = action_in(tenant_b.tenant)
    with pytest.raises(ValidationError) as raised:
        services.budget_line_create(
            tenant=tenant_a.tenant,
            actor=None,
            action=theirs,
            funding_source=source_in(tenant_a.tenant),
            year=2026,
            planned_amount=D(1),
        )
    assert "action" in raised.value.message_dict
    assert not BudgetLine.objects.exists()


def test_funder_sees_entries_but_not_who_entered_them(tenant_a, client_for):
    lead = tenant_a.member(Role.LEAD)
    line = budget_line_in(tenant_a.tenant)
    BudgetEntryFactory(budget_line=line, entered_by=lead.user, description="Zaalhuur")
    url = reverse("budget_line_detail", args=[tenant_a.tenant.slug, line.pk])

    funder_page = english(client_for(tenant_a.member(Role.FUNDER))).get(url).content.decode()
    lead_page = english(client_for(lead)).get(url).content.decode()

    assert "Zaalhuur" in funder_page and str(lead.user) not in funder_page
    assert str(lead.user) in lead_page
    assert 'name="entry-amount"' in lead_page and 'name="entry-amount"' not in funder_page


def test_funder_may_not_add_money(tenant_a, client_for):
    line = budget_line_in(tenant_a.tenant)
    client = client_for(tenant_a.member(Role.FUNDER))
    response = client.post(
        reverse("budget_entry_create", args=[tenant_a.tenant.slug, line.pk]),
        {
            "entry-kind": "spending",
            "entry-amount": "1",
            "entry-booked_on": "2026-03-01",
            "entry-description": "x",
        },
    )
    assert response.status_code == 403
    assert not BudgetEntry.objects.exists()


def test_removing_a_commitment_once_paid(tenant_a, client_for):
    line = budget_line_in(tenant_a.tenant)
    commitment = BudgetEntryFactory(budget_line=line, kind=BudgetEntry.Kind.COMMITMENT)
    client = client_for(tenant_a.member(Role.LEAD))

    client.post(reverse("budget_entry_delete", args=[tenant_a.tenant.slug, commitment.pk]))

    assert not BudgetEntry.objects.exists()
    event = AuditEvent.objects.get(action="budget_entry.delete")
    assert event.changes["amount"] == ["2500.00", None]


def test_funding_sources_are_added_with_unique_names(tenant_a, client_for):
    client = english(client_for(tenant_a.member(Role.LEAD)))
    url = reverse("funding_source_list", args=[tenant_a.tenant.slug])
    data = {"name": "Provincie Overijssel", "kind": "province"}

    first = client.post(url, data)
    second = client.post(url, {**data, "name": "provincie overijssel"})

    assert first.status_code == 302
    assert second.status_code == 400
    assert "already a funding source with this name" in second.content.decode()
    assert FundingSource.objects.filter(tenant=tenant_a.tenant).count() == 1
