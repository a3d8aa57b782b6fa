"""Celery tasks of the CRM. They take ids (the tenant's included), fetch inside the tenant
and call the same services the pages call."""

from __future__ import annotations

from celery import shared_task
from django.db import OperationalError
from django.utils import timezone

from partnerships.selectors.agreements import tenants_with_agreement_reminders_due
from partnerships.services.agreements import agreement_reminders_send as reminders_send_for
from partnerships.services.imports import import_job_run
from portal.models import Tenant


@shared_task(
    name="partnerships.tasks.import_run",
    acks_late=True,
    reject_on_worker_lost=True,
    autoretry_for=(OperationalError,),
    retry_backoff=True,
    max_retries=3,
)
def import_run(tenant_id: int, importjob_id: int) -> str | None:
    """Check an uploaded import file, or commit a queued one (``import_job_run`` decides
    which, and does nothing for a job that is not due, so a redelivery is harmless)."""
    tenant = Tenant.objects.filter(pk=tenant_id).first()
    if tenant is None:
        return None
    job = import_job_run(tenant=tenant, importjob_id=importjob_id)
    return job.status if job is not None else None


@shared_task(name="partnerships.tasks.agreement_reminders_send", acks_late=True)
def agreement_reminders_send() -> int:
    """Daily (celery beat): e-mail the reminders of agreements that end soon, per tenant."""
    today = timezone.localdate()
    sent = 0
    tenant_ids = tenants_with_agreement_reminders_due(today=today)
    for tenant in Tenant.objects.filter(pk__in=list(tenant_ids)).order_by("pk"):
        sent += reminders_send_for(tenant=tenant, today=today)
    return sent
