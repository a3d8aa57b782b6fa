"""Helpers of the figures' tests (indicators, budgets): objects made inside one tenant."""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.test import Client

from agenda.models import Indicator
from agenda.tests.factories import (
    ActionFactory,
    BudgetLineFactory,
    FundingSourceFactory,
    IndicatorFactory,
    MeasurementFactory,
    TargetFactory,
)

D = Decimal


def english(client: Client) -> Client:
    client.cookies["portal_language"] = "en"
    return client


def action_in(tenant, **values):
    return ActionFactory(action_line__theme__tenant=tenant, **values)


def indicator_in(tenant, *, action=None, **values) -> Indicator:
    return IndicatorFactory(action=action or action_in(tenant), **values)


def betapunt(tenant, *, action=None, **values) -> Indicator:
    """Bètapunt Noord's schools: baseline 10 (1 Jan 2014), 30 by the end of 2016 and 77 by
    the end of 2020; measured 12, 31 and 55 at the ends of 2014, 2016 and 2018."""
    values.setdefault("name", "Deelnemende scholen Bètapunt Noord")
    values.setdefault("kind", Indicator.Kind.CUMULATIVE)
    indicator = indicator_in(
        tenant,
        action=action,
        baseline_value=D(10),
        baseline_on=datetime.date(2014, 1, 1),
        **values,
    )
    TargetFactory(indicator=indicator, due_on=datetime.date(2016, 12, 31), value=D(30))
    TargetFactory(indicator=indicator, due_on=datetime.date(2020, 12, 31), value=D(77))
    for year, value in ((2014, 12), (2016, 31), (2018, 55)):
        MeasurementFactory(
            indicator=indicator, measured_on=datetime.date(year, 12, 31), value=D(value)
        )
    return indicator


def source_in(tenant, **values):
    return FundingSourceFactory(tenant=tenant, **values)


def budget_line_in(tenant, *, action=None, funding_source=None, **values):
    return BudgetLineFactory(
        action=action or action_in(tenant),
        funding_source=funding_source or source_in(tenant),
        **values,
    )
