"""Celery tasks of the stage market. Each takes a tenant id, fetches the tenant and calls the
same service the pages and tests call.

Celery beat calls each task without a tenant id once a day; that run enqueues the task
once per tenant, so one tenant's failure or retry never holds up another's.
"""

from __future__ import annotations

from collections.abc import Callable

from celery import shared_task
from celery.schedules import crontab
from django.db import OperationalError

from internships.services import scheduled
from portal.models import Tenant

TASK_OPTIONS = {
    "acks_late": True,
    "reject_on_worker_lost": True,
    "autoretry_for": (OperationalError,),
    "retry_backoff": True,
    "max_retries": 3,
}

# For portal/settings: CELERY_BEAT_SCHEDULE.update(internships.tasks.BEAT_SCHEDULE).
BEAT_SCHEDULE: dict = {
    # Published ones past their end close before anyone looks for places in the morning.
    "internships-opportunities-close-expired": {
        "task": "internships.tasks.opportunities_close_expired",
        "schedule": crontab(hour=1, minute=10),
    },
    "internships-placements-start-due": {
        "task": "internships.tasks.placements_start_due",
        "schedule": crontab(hour=6, minute=30),
    },
    "internships-opportunity-expiry-reminders": {
        "task": "internships.tasks.opportunity_expiry_reminders_send",
        "schedule": crontab(hour=7, minute=15),
    },
    "internships-student-data-anonymise": {
        "task": "internships.tasks.student_data_anonymise",
        "schedule": crontab(hour=2, minute=40),
    },
}


def _run(task, tenant_id: int | None, service: Callable[..., int]) -> int:
    """With a tenant id: run ``service`` for that tenant and return its count. Without:
    enqueue ``task`` for every tenant and return how many were enqueued."""
    if tenant_id is None:
        tenant_ids = list(Tenant.objects.order_by("pk").values_list("pk", flat=True))
        for each in tenant_ids:
            task.delay(each)
        return len(tenant_ids)
    tenant = Tenant.objects.filter(pk=tenant_id).first()
    if tenant is None:
        return 0
    return service(tenant=tenant)


@shared_task(name="internships.tasks.opportunity_expiry_reminders_send", **TASK_OPTIONS)
def opportunity_expiry_reminders_send(tenant_id: int | None = None) -> int:
    """Daily: e-mail each company once, 14 days before a published opportunity expires."""
    return _run(
        opportunity_expiry_reminders_send, tenant_id, scheduled.opportunity_expiry_reminders_send
    )


@shared_task(name="internships.tasks.opportunities_close_expired", **TASK_OPTIONS)
def opportunities_close_expired(tenant_id: int | None = None) -> int:
    """Daily: published opportunities past their end close themselves."""
    return _run(opportunities_close_expired, tenant_id, scheduled.opportunities_close_expired)


@shared_task(name="internships.tasks.placements_start_due", **TASK_OPTIONS)
def placements_start_due(tenant_id: int | None = None) -> int:
    """Daily: planned placements become active on their start date; both sides are told."""
    return _run(placements_start_due, tenant_id, scheduled.placements_start_due)


@shared_task(name="internships.tasks.student_data_anonymise", **TASK_OPTIONS)
def student_data_anonymise(tenant_id: int | None = None) -> int:
    """Daily: anonymise student data past the tenant's retention period (default 12 months
    after the placement ends)."""
    return _run(student_data_anonymise, tenant_id, scheduled.student_data_anonymise)
