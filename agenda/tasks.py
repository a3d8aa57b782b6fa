"""Celery tasks of the agenda. They take ids (the tenant's included), fetch inside the tenant
and call the same services the pages call."""

from __future__ import annotations

import datetime

from celery import shared_task
from celery.schedules import crontab
from django.db import OperationalError
from django.utils import timezone

from agenda.selectors.indicators import tenants_with_computed_indicators
from agenda.services.indicators import computed_measurements_record, last_complete_month_end
from portal.models import Tenant
from portal.rls import tenant_scope

# Wired into CELERY_BEAT_SCHEDULE by the settings. Daily, although the figures are monthly:
# a run records the month that ended last and does nothing when that is done already, so
# a day on which beat or the workers were down is made up the next day.
BEAT_SCHEDULE = {
    "agenda-computed-indicators": {
        "task": "agenda.tasks.computed_indicators_record",
        "schedule": crontab(hour=2, minute=30),
    },
}


@shared_task(name="agenda.tasks.computed_indicators_record", acks_late=True)
def computed_indicators_record(period_end: str | None = None) -> int:
    """Daily (celery beat): one task per tenant with computed indicators, each recording the
    measurements of the last complete month (or of ``period_end``, an ISO date)."""
    end = period_end or last_complete_month_end(timezone.localdate()).isoformat()
    tenant_ids = tenants_with_computed_indicators()
    for tenant_id in tenant_ids:
        computed_indicators_record_for_tenant.delay(tenant_id, end)
    return len(tenant_ids)


@shared_task(
    name="agenda.tasks.computed_indicators_record_for_tenant",
    acks_late=True,
    reject_on_worker_lost=True,
    autoretry_for=(OperationalError,),
    retry_backoff=True,
    max_retries=3,
)
def computed_indicators_record_for_tenant(tenant_id: int, period_end: str | None = None) -> int:
    """Record one tenant's computed measurements for the month ending on ``period_end``
    (default: the last complete month). A redelivery records nothing twice."""
    tenant = Tenant.objects.filter(pk=tenant_id).first()
    if tenant is None:
        return 0
    end = (
        datetime.date.fromisoformat(period_end)
        if period_end
        else last_complete_month_end(timezone.localdate())
    )
    with tenant_scope(tenant.pk):
        return len(computed_measurements_record(tenant=tenant, period_end=end))


# The progress-update reminders live beside the updates; importing them here registers them
# with the worker, which discovers ``agenda.tasks`` only.
from agenda import update_tasks  # noqa: E402, F401
