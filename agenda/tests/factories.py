"""factory_boy factories of the agenda app."""

import datetime
from decimal import Decimal

import factory

from agenda.models import (
    Action,
    ActionLine,
    BudgetEntry,
    BudgetLine,
    FundingSource,
    Indicator,
    Measurement,
    Milestone,
    ProgressUpdate,
    Review,
    ReviewDecision,
    Target,
    Theme,
)
from portal.tests.factories import TenantFactory


class ThemeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Theme

    tenant = factory.SubFactory(TenantFactory)
    title = factory.Sequence(lambda n: f"Speerpunt {n}")


class ActionLineFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ActionLine

    tenant = factory.SelfAttribute("theme.tenant")
    theme = factory.SubFactory(ThemeFactory)
    title = factory.Sequence(lambda n: f"Actielijn {n}")


class ActionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Action

    tenant = factory.SelfAttribute("action_line.tenant")
    action_line = factory.SubFactory(ActionLineFactory)
    title = factory.Sequence(lambda n: f"Doe-voorstel {n}")
    status = Action.Status.RUNNING
    starts_on = datetime.date(2025, 1, 1)
    ends_on = datetime.date(2027, 12, 31)


class MilestoneFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Milestone

    tenant = factory.SelfAttribute("action.tenant")
    action = factory.SubFactory(ActionFactory)
    title = factory.Sequence(lambda n: f"Mijlpaal {n}")
    due_on = datetime.date(2026, 6, 30)


class IndicatorFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Indicator

    tenant = factory.SelfAttribute("action.tenant")
    action = factory.SubFactory(ActionFactory)
    name = factory.Sequence(lambda n: f"Aantal deelnemende schoolbesturen {n}")
    unit = "schoolbesturen"
    baseline_value = Decimal("10")
    baseline_on = datetime.date(2014, 1, 1)


class TargetFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Target

    tenant = factory.SelfAttribute("indicator.tenant")
    indicator = factory.SubFactory(IndicatorFactory)
    due_on = datetime.date(2020, 12, 31)
    value = Decimal("77")


class MeasurementFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Measurement

    tenant = factory.SelfAttribute("indicator.tenant")
    indicator = factory.SubFactory(IndicatorFactory)
    measured_on = datetime.date(2016, 12, 31)
    value = Decimal("30")


class FundingSourceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = FundingSource

    tenant = factory.SubFactory(TenantFactory)
    name = factory.Sequence(lambda n: f"Financier {n}")
    kind = FundingSource.Kind.PROVINCE


class BudgetLineFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = BudgetLine

    tenant = factory.SelfAttribute("action.tenant")
    action = factory.SubFactory(ActionFactory)
    funding_source = factory.SubFactory(
        FundingSourceFactory, tenant=factory.SelfAttribute("..tenant")
    )
    year = 2026
    planned_amount = Decimal("100000.00")


class BudgetEntryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = BudgetEntry

    tenant = factory.SelfAttribute("budget_line.tenant")
    budget_line = factory.SubFactory(BudgetLineFactory)
    kind = BudgetEntry.Kind.SPENDING
    amount = Decimal("2500.00")
    booked_on = datetime.date(2026, 3, 1)
    description = "Inhuur projectleider"


class ProgressUpdateFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ProgressUpdate

    tenant = factory.SelfAttribute("action.tenant")
    action = factory.SubFactory(ActionFactory)
    period_kind = ProgressUpdate.PeriodKind.QUARTER
    period_start = datetime.date(2026, 7, 1)
    period_end = datetime.date(2026, 9, 30)
    health = Action.Health.ON_TRACK


class ReviewFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Review

    tenant = factory.SubFactory(TenantFactory)
    held_on = datetime.date(2026, 6, 1)
    title = factory.Sequence(lambda n: f"Herijking {n}")


class ReviewDecisionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ReviewDecision

    tenant = factory.SelfAttribute("review.tenant")
    review = factory.SubFactory(ReviewFactory)
    kind = ReviewDecision.Kind.OTHER
    description = "Prioriteit verschoven naar leven lang ontwikkelen."
