"""The figures of a report: right numbers for a known dataset, the period's own data only,
aggregates without people, small cells suppressed, and a constant number of queries."""

from __future__ import annotations

import datetime
import json
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from agenda.models import BudgetEntry, BudgetLine, ProgressUpdate
from agenda.tests.factories import (
    ActionFactory,
    ActionLineFactory,
    BudgetEntryFactory,
    IndicatorFactory,
    MeasurementFactory,
    MilestoneFactory,
    ProgressUpdateFactory,
    TargetFactory,
    ThemeFactory,
)
from internships.tests.factories import OpportunityFactory
from partnerships.models import Interaction
from partnerships.tests.factories import InteractionFactory, OrganisationFactory
from reporting.figures import SUPPRESSED, report_figures, suppress
from reporting.tests.factories import ReportDefinitionFactory
from reporting.tests.known_dataset import (
    AUTHOR_EMAIL,
    AUTHOR_NAME,
    Q1,
    UPDATE_TEXT,
    known_dataset,
)


def _summary(figures: dict) -> dict:
    return {row["key"]: row for row in figures["summary"]["rows"]}


@pytest.mark.django_db
def test_figures_of_a_known_dataset(tenant_a):
    # given a tenant with known figures for Q1 2026
    data = known_dataset(tenant_a.tenant, language="en")

    # when the figures of Q1 are built
    figures = report_figures(tenant=data.tenant, definition=data.definition, period=data.period)

    # then each section holds the known numbers
    indicator = figures["indicators"]["rows"][0]
    assert indicator["name"] == "Leerlingen bereikt"
    assert indicator["latest"] == "380"  # the 999 of May is after the period
    assert indicator["latest_on"] == "2026-03-15"
    assert indicator["next_target"] == "500"
    assert figures["milestones"]["counts"] == {"reached": 2, "missed": 1}
    assert figures["milestones"]["previous_counts"] == {"reached": 1, "missed": 0}
    assert figures["budget"]["total"]["planned"] == "160000.00"
    assert figures["budget"]["cofinancing_percent"] == "25"
    assert figures["budget"]["spent_in_period"] == "7500.00"
    assert figures["budget"]["spent_in_previous_period"] == "2500.00"
    assert figures["stages"]["totals"]["places_offered"] == 12
    assert figures["stages"]["totals"]["places_filled"] == 6
    interactions = {row["kind"]: row["count"] for row in figures["partnership"]["interactions"]}
    assert interactions[Interaction.Kind.MEETING] == 7
    assert interactions[Interaction.Kind.PHONE] == SUPPRESSED
    assert figures["partnership"]["agreements_total"] == 1
    line = figures["action_lines"]["rows"][0]
    assert (line["title"], line["actions"], line["health"]) == ("Gastlessen", 3, "at_risk")
    assert [row["done"] for row in figures["updates"]["rows"]] == [UPDATE_TEXT]
    summary = _summary(figures)
    assert summary["milestones_reached"]["change"] == 1
    assert summary["spent"]["change"] == "5000.00"
    assert figures["period"]["label"] == "Q1 2026"
    assert figures["previous_period"]["label"] == "Q4 2025"


@pytest.mark.django_db
def test_figures_hold_no_personal_data_and_no_drafts(tenant_a):
    # given a dataset whose progress update was written and approved by a named person
    data = known_dataset(tenant_a.tenant)

    # when the figures are built and stored as JSON
    text = json.dumps(
        report_figures(tenant=data.tenant, definition=data.definition, period=data.period)
    )

    # then the person's name and address are nowhere, nor the draft update's text
    assert UPDATE_TEXT in text
    assert AUTHOR_NAME not in text
    assert AUTHOR_EMAIL not in text
    assert "Concepttekst" not in text
    assert "@" not in text


def test_suppress_hides_counts_of_one_to_four():
    # then 0 and 5 or more are shown, 1 to 4 are not
    assert [suppress(n) for n in (0, 1, 4, 5, 12)] == [0, "<5", "<5", 5, 12]


@pytest.mark.django_db
def test_small_breakdown_cells_are_shown_as_less_than_five(tenant_a):
    # given three placements-worth of places filled and four contacts by phone in Q1
    tenant = tenant_a.tenant
    company = OrganisationFactory(tenant=tenant)
    OpportunityFactory(
        tenant=tenant,
        company=company,
        places=5,
        places_taken=3,
        published_at=datetime.datetime(2026, 2, 1, 12, tzinfo=datetime.UTC),
    )
    for _n in range(4):
        InteractionFactory(
            tenant=tenant,
            kind=Interaction.Kind.PHONE,
            occurred_on=datetime.date(2026, 2, 2),
            logged_by=company,
            organisations=[company],
        )
    definition = ReportDefinitionFactory(tenant=tenant)

    # when the figures are built
    figures = report_figures(tenant=tenant, definition=definition, period=Q1)

    # then those cells read "<5", everywhere they appear, and no change is computed from them
    assert figures["stages"]["totals"]["places_filled"] == "<5"
    assert figures["stages"]["by_kind"][0]["places_filled"] == "<5"
    assert figures["stages"]["totals"]["places_offered"] == 5
    phone = next(r for r in figures["partnership"]["interactions"] if r["kind"] == "phone")
    assert phone["count"] == "<5"
    summary = _summary(figures)
    assert summary["places_filled"]["value"] == "<5"
    assert summary["places_filled"]["change"] is None
    assert "3" not in json.dumps(figures["stages"]["by_kind"])


@pytest.mark.django_db
def test_scope_limits_the_agenda_sections_to_chosen_themes(tenant_a):
    # given two themes, each with an action line, an indicator and a milestone reached in Q1
    tenant = tenant_a.tenant
    chosen, other = ThemeFactory(tenant=tenant), ThemeFactory(tenant=tenant)
    for theme, name in ((chosen, "Gekozen"), (other, "Ander")):
        line = ActionLineFactory(tenant=tenant, theme=theme, title=f"Lijn {name}")
        action = ActionFactory(tenant=tenant, action_line=line)
        IndicatorFactory(tenant=tenant, action=action, name=f"Indicator {name}")
        MilestoneFactory(action=action, due_on=Q1.start, done_on=Q1.start)
    definition = ReportDefinitionFactory(tenant=tenant)
    definition.themes.set([chosen])

    # when the figures are built
    figures = report_figures(tenant=tenant, definition=definition, period=Q1)

    # then only the chosen theme's records count
    assert [row["name"] for row in figures["indicators"]["rows"]] == ["Indicator Gekozen"]
    assert [row["title"] for row in figures["action_lines"]["rows"]] == ["Lijn Gekozen"]
    assert figures["milestones"]["counts"]["reached"] == 1
    assert figures["scope"] == {
        "whole_agenda": False,
        "themes": [chosen.title],
        "action_lines": [],
    }


def _rows(tenant, n: int) -> None:
    """``n`` of everything the figures read, in Q1 2026."""
    theme = ThemeFactory(tenant=tenant)
    company = OrganisationFactory(tenant=tenant)
    for index in range(n):
        line = ActionLineFactory(tenant=tenant, theme=theme)
        action = ActionFactory(tenant=tenant, action_line=line)
        indicator = IndicatorFactory(tenant=tenant, action=action)
        TargetFactory(indicator=indicator, due_on=datetime.date(2027, 1, 1))
        MeasurementFactory(indicator=indicator, measured_on=datetime.date(2026, 2, 1))
        MilestoneFactory(action=action, due_on=datetime.date(2026, 2, 1))
        ProgressUpdateFactory(
            action=action,
            period_start=Q1.start,
            period_end=Q1.end,
            status=ProgressUpdate.Status.SUBMITTED,
            done=f"Gedaan {index}",
        )
        OpportunityFactory(
            tenant=tenant,
            company=company,
            published_at=datetime.datetime(2026, 2, 1, 12, tzinfo=datetime.UTC),
        )
        InteractionFactory(
            tenant=tenant, occurred_on=datetime.date(2026, 2, 1), organisations=[company]
        )


def _count_queries(tenant, definition) -> int:
    with CaptureQueriesContext(connection) as queries:
        report_figures(tenant=tenant, definition=definition, period=Q1)
    return len(queries)


@pytest.mark.django_db
def test_figures_take_a_constant_number_of_queries(tenant_a, tenant_b):
    # given one tenant with N and one with 3N of everything
    _rows(tenant_a.tenant, 2)
    _rows(tenant_b.tenant, 6)
    few = ReportDefinitionFactory(tenant=tenant_a.tenant)
    many = ReportDefinitionFactory(tenant=tenant_b.tenant)

    # when the figures of each are built
    few_queries = _count_queries(tenant_a.tenant, few)
    many_queries = _count_queries(tenant_b.tenant, many)

    # then both take the same, small number of queries
    assert few_queries == many_queries
    assert many_queries <= 30
    assert (
        Decimal(
            len(
                report_figures(tenant=tenant_b.tenant, definition=many, period=Q1)["indicators"][
                    "rows"
                ]
            )
        )
        == 6
    )


@pytest.mark.django_db
def test_budget_stands_as_at_the_end_of_the_period(tenant_a):
    # given the known dataset (EUR 10,000 spent up to the end of Q1 2026) and spending booked
    # in May, after the quarter
    data = known_dataset(tenant_a.tenant, language="en")
    line = BudgetLine.objects.for_tenant(data.tenant).order_by("-planned_amount").first()
    BudgetEntryFactory(
        budget_line=line,
        kind=BudgetEntry.Kind.SPENDING,
        amount=Decimal("50000.00"),
        booked_on=datetime.date(2026, 5, 10),
    )

    # when the figures of Q1 are built
    figures = report_figures(tenant=data.tenant, definition=data.definition, period=data.period)

    # then May's spending is not in the quarter's budget
    assert figures["budget"]["total"]["spent"] == "10000.00"
