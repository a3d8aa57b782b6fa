"""The figures of a report: right numbers for a known dataset, the period's own data only,
aggregates without people, small cells suppressed, and a constant number of queries."""

from __future__ import annotations

import datetime
import itertools
import json
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from hypothesis import given
from hypothesis import strategies as st

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
from reporting.figures import HIDDEN, SUPPRESSED, report_figures, suppress, suppress_breakdown
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
    assert interactions[Interaction.Kind.PHONE] == SUPPRESSED
    assert interactions[Interaction.Kind.MEETING] == HIDDEN  # else 9 - 7 gives the 2 away
    assert figures["partnership"]["interactions_total"] == 9
    assert figures["partnership"]["agreements_total"] == 1
    line = figures["action_lines"]["rows"][0]
    assert (line["title"], line["actions"], line["health"]) == ("Gastlessen", 3, "at_risk")
    assert [row["done"] for row in figures["updates"]["rows"]] == [UPDATE_TEXT]
    summary = _summary(figures)
    assert summary["milestones_reached"]["change"] == 1
    assert summary["spent"]["change"] == "5000.00"
    assert figures["period"]["label"] == "Q1 2026"
    assert figures["previous_period"]["label"] == "Q4 2025"
    # and it records the sections, in the definition's order, and the language
    assert figures["sections"] == data.definition.sections
    assert figures["language"] == "en"


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


@pytest.mark.django_db
def test_only_the_chosen_sections_are_stored(tenant_a):
    # given the known dataset, whose approved update has a narrative text, and a definition
    # of only the summary
    data = known_dataset(tenant_a.tenant, language="en", sections=["summary"])

    # when the figures are built
    figures = report_figures(tenant=data.tenant, definition=data.definition, period=data.period)

    # then they hold the summary's key figures (read from the other sections) and what the
    # cover needs, but none of the other sections, and not the narrative
    assert figures["sections"] == ["summary"]
    assert figures["language"] == "en"
    assert set(figures) == {
        "version",
        "language",
        "sections",
        "title",
        "period",
        "previous_period",
        "scope",
        "summary",
    }
    for section in ("updates", "milestones", "budget", "indicators", "stages", "partnership"):
        assert section not in figures
    text = json.dumps(figures)
    assert UPDATE_TEXT not in text
    assert "Uitbreiden naar Emmen" not in text
    assert "Leerlingen bereikt" not in text
    summary = _summary(figures)
    assert summary["milestones_reached"]["value"] == 2
    assert summary["spent"]["value"] == "7500.00"
    assert summary["contacts_logged"]["value"] == 9


@pytest.mark.django_db
def test_sections_are_stored_in_the_definitions_order(tenant_a):
    # given a definition of progress updates, then milestones, without a summary
    data = known_dataset(tenant_a.tenant, sections=["updates", "milestones"])

    # when the figures are built
    figures = report_figures(tenant=data.tenant, definition=data.definition, period=data.period)

    # then just those two are stored, in that order
    assert figures["sections"] == ["updates", "milestones"]
    assert "summary" not in figures
    assert "budget" not in figures
    assert [row["done"] for row in figures["updates"]["rows"]] == [UPDATE_TEXT]
    assert figures["milestones"]["counts"]["reached"] == 2


@pytest.mark.django_db
def test_a_single_small_cell_cannot_be_worked_out_from_the_total(tenant_a):
    # given the known dataset: 7 meetings and 2 phone calls in Q1, 9 contacts in all
    data = known_dataset(tenant_a.tenant, language="en")

    # when the figures are built
    figures = report_figures(tenant=data.tenant, definition=data.definition, period=data.period)

    # then the phone calls read "<5" and the meetings are hidden as well, so that the total
    # (shown in the section and in the key figures) minus the cells shown is not the 2 calls
    activity = figures["partnership"]
    counts = {row["kind"]: row["count"] for row in activity["interactions"]}
    assert counts["phone"] == SUPPRESSED
    assert counts["meeting"] == HIDDEN
    total = activity["interactions_total"]
    assert total == _summary(figures)["contacts_logged"]["value"] == 9
    shown = sum(count for count in counts.values() if isinstance(count, int))
    assert total - shown != 2
    assert "7" not in json.dumps(activity["interactions"])


@given(st.lists(st.integers(min_value=0, max_value=30), min_size=1, max_size=8))
def test_no_hidden_cell_of_a_breakdown_is_its_total_minus_the_shown_cells(cells):
    # given any breakdown of counts whose total is shown
    # when it is suppressed for a report
    shown, total = suppress_breakdown(cells, total=sum(cells))

    # then every cell of 1 to 4 is hidden, and a total of 1 to 4 too
    assert all(
        value == SUPPRESSED for count, value in zip(cells, shown, strict=True) if 0 < count < 5
    )
    if 0 < sum(cells) < 5:
        assert total == SUPPRESSED
    # and when the total is shown, no hidden cell can be worked out from it and the others
    hidden = [count for count, value in zip(cells, shown, strict=True) if isinstance(value, str)]
    if isinstance(total, int):
        assert total == sum(cells)
        assert len(hidden) != 1
        remainder = total - sum(value for value in shown if isinstance(value, int))
        assert all(count != remainder for count in hidden)
    # and a cell shown is the cell itself
    assert all(
        value == count for count, value in zip(cells, shown, strict=True) if isinstance(value, int)
    )


@given(st.lists(st.integers(min_value=0, max_value=12), min_size=1, max_size=5))
def test_no_hidden_cell_can_be_pinned_down_by_someone_who_knows_the_rule(cells):
    # given any breakdown whose total is shown, suppressed for a report
    shown, total = suppress_breakdown(cells, total=sum(cells))
    hidden = [index for index, value in enumerate(shown) if isinstance(value, str)]
    if not hidden or not isinstance(total, int):
        return

    # when a reader tries every value the hidden cells could have ("<5": 1 to 4, "x": 5 or
    # more) that makes the total with the cells shown
    remainder = total - sum(value for value in shown if isinstance(value, int))
    ranges = [
        range(1, 5) if shown[index] == SUPPRESSED else range(5, remainder + 1) for index in hidden
    ]
    possible = [set() for _index in hidden]
    for values in itertools.product(*ranges):
        if sum(values) == remainder:
            for seen, value in zip(possible, values, strict=True):
                seen.add(value)

    # then every hidden cell could still be at least two things
    assert all(len(seen) >= 2 for seen in possible), (cells, shown, total)


def test_a_cell_pinned_by_the_bounds_hides_the_total():
    # given 5 meetings and 1 phone call: "x" and "<5" making 6 could only be 5 and 1
    shown, total = suppress_breakdown([5, 1], total=6)

    # then the total is hidden too
    assert (shown, total) == ([HIDDEN, SUPPRESSED], HIDDEN)


def test_a_pinned_pair_of_small_cells_hides_another_cell():
    # given two cells of 1 and a total of 12: two "<5" making 2 could only be 1 and 1
    shown, total = suppress_breakdown([1, 1, 10], total=12)

    # then the third cell is hidden as well, and the total stays
    assert (shown, total) == ([SUPPRESSED, SUPPRESSED, HIDDEN], 12)


def test_a_breakdown_without_a_shown_total_only_hides_small_cells():
    # when placements (no total shown beside them) are suppressed
    shown, total = suppress_breakdown([7, 2, 0], total=None)

    # then only the small cell is hidden
    assert (shown, total) == ([7, SUPPRESSED, 0], None)


def test_the_smallest_other_cell_is_hidden_with_a_single_small_one():
    shown, total = suppress_breakdown([12, 3, 6, 0], total=21)
    assert (shown, total) == ([12, SUPPRESSED, HIDDEN, 0], 21)


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
