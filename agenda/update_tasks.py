"""Celery tasks of progress updates: the daily reminder to owners before a period ends.

Celery's autodiscovery finds ``agenda.tasks`` only; this module is imported from there (or
named in ``CELERY_IMPORTS``), and :data:`BEAT_SCHEDULE` is merged into the project's
``CELERY_BEAT_SCHEDULE``.
"""

from __future__ import annotations

import datetime

from celery import shared_task
from celery.schedules import crontab
from django.db import OperationalError
from django.utils import timezone

from portal.models import Tenant
from portal.rls import tenant_scope

REMINDERS_TASK = "agenda.update_tasks.progress_update_reminders_send"
REMINDERS_TENANT_TASK = "agenda.update_tasks.progress_update_reminders_send_for_tenant"

BEAT_SCHEDULE = {
    # Owners whose action's period ends within a week and who have not submitted an update.
    "agenda-progress-update-reminders": {
        "task": REMINDERS_TASK,
        "schedule": crontab(hour=7, minute=15),
    },
}


def tenants_with_reporting_actions() -> list[int]:
    """Ids of the tenants with an owned, planned or running action: the daily work list.
    Across all tenants, so named loudly."""
    from agenda.models import Action
    from agenda.selectors.updates import REPORTING_STATUSES

    return list(
        Action.objects.unscoped_all_tenants()
        .filter(status__in=REPORTING_STATUSES, owner__isnull=False)
        .order_by("tenant_id")
        .values_list("tenant_id", flat=True)
        .distinct()
    )


@shared_task(name=REMINDERS_TASK, acks_late=True)
def progress_update_reminders_send(today: str | None = None) -> int:
    """Daily (celery beat): one task per tenant with reporting actions. ``today`` (an ISO
    date) is for making up a missed day."""
    day = today or timezone.localdate().isoformat()
    tenant_ids = tenants_with_reporting_actions()
    for tenant_id in tenant_ids:
        progress_update_reminders_send_for_tenant.delay(tenant_id, day)
    return len(tenant_ids)


@shared_task(
    name=REMINDERS_TENANT_TASK,
    acks_late=True,
    reject_on_worker_lost=True,
    autoretry_for=(OperationalError,),
    retry_backoff=True,
    max_retries=3,
)
def progress_update_reminders_send_for_tenant(tenant_id: int, today: str | None = None) -> int:
    """Send one tenant's due reminders; returns how many. A redelivery sends none twice
    (the service marks each reminder on its draft update)."""
    from agenda.services.updates import progress_update_reminders_send as send_for

    tenant = Tenant.objects.filter(pk=tenant_id).first()
    if tenant is None:
        return 0
    day = datetime.date.fromisoformat(today) if today else timezone.localdate()
    with tenant_scope(tenant.pk):
        return send_for(tenant=tenant, today=day)
