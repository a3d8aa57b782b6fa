"""factory_boy factories of the reporting app."""

import datetime

import factory

from portal.tests.factories import TenantFactory
from reporting.models import ReportDefinition, ReportRun, ReportSchedule


class ReportDefinitionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ReportDefinition

    tenant = factory.SubFactory(TenantFactory)
    title = factory.Sequence(lambda n: f"Voortgangsrapportage {n}")
    audience = ReportDefinition.Audience.FUNDER
    sections = factory.LazyFunction(lambda: [section.value for section in ReportDefinition.Section])
    period_kind = ReportDefinition.PeriodKind.QUARTER
    language = "nl"


class ReportScheduleFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ReportSchedule

    tenant = factory.SubFactory(TenantFactory)
    definition = factory.SubFactory(
        ReportDefinitionFactory, tenant=factory.SelfAttribute("..tenant")
    )
    enabled = True
    days_after_period_end = 10


class ReportRunFactory(factory.django.DjangoModelFactory):
    """A queued run; a finished one with a PDF is made through the reporting services."""

    class Meta:
        model = ReportRun

    tenant = factory.SubFactory(TenantFactory)
    definition = factory.SubFactory(
        ReportDefinitionFactory, tenant=factory.SelfAttribute("..tenant")
    )
    period_start = datetime.date(2026, 1, 1)
    period_end = datetime.date(2026, 3, 31)
    status = ReportRun.Status.QUEUED
