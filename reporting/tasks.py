"""Celery tasks of reporting. They take ids (the tenant's included) and call the services.

``report_run_generate_task`` may run more than once for a run (a redelivery after a lost
worker, a re-send by the periodic dispatch, a retry): ``report_run_generate`` makes that
harmless. It is acknowledged only after it has finished (``acks_late``) and re-queued when
its worker dies (``reject_on_worker_lost``), so a killed render is redone, not lost.
"""

from __future__ import annotations

from celery import shared_task
from django.db import InterfaceError, OperationalError
from django.utils import timezone

from reporting.services.runs import (
    report_run_generate,
    report_runs_notify_pending,
    report_runs_requeue_stale,
    report_schedules_dispatch,
)


@shared_task(
    name="reporting.tasks.report_run_generate_task",
    acks_late=True,
    reject_on_worker_lost=True,
    # Only a database that went away is worth retrying; a report that cannot be rendered
    # is marked failed by the service (and retried by a person), never retried blindly.
    autoretry_for=(OperationalError, InterfaceError),
    retry_backoff=2,
    # Kept below the broker's visibility timeout: a countdown longer than that would have
    # the broker hand the waiting message to a second worker.
    retry_backoff_max=30,
    retry_jitter=True,
    max_retries=5,
)
def report_run_generate_task(tenant_id: int, run_id: int) -> str | None:
    """Render and store one report run (see ``report_run_generate``)."""
    run = report_run_generate(tenant_id=tenant_id, run_id=run_id)
    return run.status if run is not None else None


@shared_task(name="reporting.tasks.report_schedules_dispatch_task", acks_late=True)
def report_schedules_dispatch_task() -> int:
    """Every five minutes (celery beat): queue the runs of due schedules, send runs that
    have waited too long to the workers again, and send the e-mails of done runs that a
    worker could not send. Returns the number of new runs."""
    runs = report_schedules_dispatch(today=timezone.localdate())
    report_runs_requeue_stale()
    report_runs_notify_pending()
    return len(runs)
