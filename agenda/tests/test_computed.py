"""Computed indicators: one measurement per indicator per month end, recorded from the
portal's own data by the periodic task, idempotently, through a real Celery worker."""

from __future__ import annotations

import datetime
import time
from decimal import Decimal

import pytest

from agenda import tasks
from agenda.models import Indicator, Measurement
from agenda.services.indicators import computed_measurements_record, last_complete_month_end
from agenda.tests.figures_data import indicator_in
from partnerships.models import Interaction
from partnerships.tests.factories import InteractionFactory, SchoolFactory
from portal.celery import app
from portal.models import AuditEvent
from portal.tests.factories import TenantFactory

D = Decimal
MARCH_END = datetime.date(2025, 3, 31)


def visits(tenant, school, *days):
    for day in days:
        InteractionFactory(
            tenant=tenant, logged_by=school, occurred_on=day, kind=Interaction.Kind.COMPANY_VISIT
        )


def computed(tenant, kind, **values):
    values.setdefault("baseline_on", datetime.date(2025, 1, 31))
    values.setdefault("baseline_value", D(5))
    return indicator_in(tenant, metric="company_visits_logged", kind=kind, **values)


def test_last_complete_month_end():
    assert last_complete_month_end(datetime.date(2025, 4, 15)) == MARCH_END
    assert last_complete_month_end(datetime.date(2025, 1, 1)) == datetime.date(2024, 12, 31)


def test_recording_counts_per_period_or_since_the_baseline(tenant_a):
    # given company visits on 10 Feb, 5 and 20 Mar and 2 Apr 2025, and three computed
    # indicators with their baseline (5) at the end of January: cumulative, per period,
    # and one whose baseline lies after March; plus one entered by hand
    tenant = tenant_a.tenant
    visits(
        tenant,
        tenant_a.school,
        datetime.date(2025, 2, 10),
        datetime.date(2025, 3, 5),
        datetime.date(2025, 3, 20),
        datetime.date(2025, 4, 2),
    )
    cumulative = computed(tenant, Indicator.Kind.CUMULATIVE)
    per_period = computed(tenant, Indicator.Kind.PER_PERIOD)
    later = computed(tenant, Indicator.Kind.PER_PERIOD, baseline_on=datetime.date(2025, 6, 1))
    by_hand = indicator_in(tenant)

    # when March is recorded
    recorded = computed_measurements_record(tenant=tenant, period_end=MARCH_END)

    # then cumulative: 5 + the 3 visits since the baseline = 8; per period: March's 2
    values = {m.indicator_id: (m.value, m.measured_on, m.is_computed) for m in recorded}
    assert values == {
        cumulative.pk: (D(8), MARCH_END, True),
        per_period.pk: (D(2), MARCH_END, True),
    }
    assert not Measurement.objects.filter(indicator__in=[later, by_hand]).exists()
    assert AuditEvent.objects.filter(action="measurement.record_computed").count() == 2


def test_recording_twice_records_once(tenant_a):
    tenant = tenant_a.tenant
    indicator = computed(tenant, Indicator.Kind.PER_PERIOD)

    first = computed_measurements_record(tenant=tenant, period_end=MARCH_END)
    second = computed_measurements_record(tenant=tenant, period_end=MARCH_END)

    assert (len(first), len(second)) == (1, 0)
    assert Measurement.objects.filter(indicator=indicator).count() == 1


def test_an_indicator_whose_metric_left_the_registry_is_skipped(tenant_a):
    indicator = computed(tenant_a.tenant, Indicator.Kind.PER_PERIOD)
    Indicator.objects.filter(pk=indicator.pk).update(metric="retired_metric")

    assert computed_measurements_record(tenant=tenant_a.tenant, period_end=MARCH_END) == []


def test_only_month_ends_are_recorded(tenant_a):
    with pytest.raises(ValueError, match="month ends"):
        computed_measurements_record(tenant=tenant_a.tenant, period_end=datetime.date(2025, 3, 30))


def test_the_beat_schedule_names_a_registered_task():
    entry = tasks.BEAT_SCHEDULE["agenda-computed-indicators"]
    assert entry["task"] in app.tasks
    assert entry["task"] == tasks.computed_indicators_record.name


# --- through a real worker ---------------------------------------------------------------------


def wait_for_measurements(count: int, timeout: float = 30) -> list[Measurement]:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        found = list(Measurement.objects.unscoped_all_tenants().order_by("indicator_id"))
        if len(found) >= count:
            return found
        time.sleep(0.2)
    raise AssertionError(f"expected {count} computed measurements, found {len(found)}")


@pytest.mark.django_db(transaction=True)
def test_the_periodic_task_records_every_tenant_through_the_worker(celery_worker_thread):
    # given two tenants with a computed indicator each and company visits in March
    first, second = TenantFactory(), TenantFactory()
    for tenant, count in ((first, 1), (second, 3)):
        school = SchoolFactory(tenant=tenant)
        visits(tenant, school, *[datetime.date(2025, 3, 1 + n) for n in range(count)])
        computed(tenant, Indicator.Kind.PER_PERIOD)

    # when the beat's task runs for March
    fanned_out = tasks.computed_indicators_record.delay(MARCH_END.isoformat()).get(timeout=30)

    # then it sent one task per tenant, and the worker recorded each tenant's figure
    assert fanned_out == 2
    measurements = wait_for_measurements(2)
    assert {(m.tenant_id, m.value, m.measured_on) for m in measurements} == {
        (first.pk, D(1), MARCH_END),
        (second.pk, D(3), MARCH_END),
    }
    assert all(m.is_computed for m in measurements)


@pytest.mark.django_db(transaction=True)
def test_a_redelivered_tenant_task_records_nothing_twice(celery_worker_thread):
    # given a tenant with a computed indicator
    tenant = TenantFactory()
    computed(tenant, Indicator.Kind.CUMULATIVE)

    # when its task is delivered twice
    results = [
        tasks.computed_indicators_record_for_tenant.delay(tenant.pk, MARCH_END.isoformat()).get(
            timeout=30
        )
        for _ in range(2)
    ]

    # then the first records the measurement (5 at the baseline, no visits since) and the
    # second nothing
    assert results == [1, 0]
    measurement = Measurement.objects.for_tenant(tenant).get()
    assert (measurement.value, measurement.is_computed) == (D(5), True)


@pytest.mark.django_db(transaction=True)
def test_a_task_for_a_tenant_that_is_gone_does_nothing(celery_worker_thread):
    result = tasks.computed_indicators_record_for_tenant.delay(987654, MARCH_END.isoformat())
    assert result.get(timeout=30) == 0
