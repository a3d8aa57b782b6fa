"""Writes of report runs: request one, retry a failed one, download a done one, generate the
PDF (the worker's part), and dispatch the runs of due schedules.

A run moves ``queued -> running -> done`` (or ``failed``; a retry puts it back to
``queued``). ``ReportRun`` is unique per (tenant, definition, period), so two requests, two
beats or a redelivered task never make two reports. Generation is safe to run any number of times:

- a done run is never touched again (a redelivered task finds it done and stops);
- while one worker renders a run it holds a PostgreSQL advisory lock on it (session level);
  a second worker that gets the same run finds the lock taken and leaves it alone. The lock
  belongs to the database connection, so a worker that dies releases it at once and the
  redelivered task renders the run again;
- the PDF's file name is reserved on the row before rendering, and the file is written to a
  temporary name beside it and renamed into place (``os.replace`` is atomic); only then
  does the run become done. A failure or a killed worker never leaves a half-written PDF,
  and a re-render after a crash overwrites, rather than orphans, a file written just
  before the crash.
"""

from __future__ import annotations

import contextlib
import datetime
import hashlib
import logging
import os
import tempfile
import time
from collections.abc import Iterator
from typing import NamedTuple

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, OperationalError, connection, transaction
from django.utils import timezone, translation
from django.utils.formats import date_format
from django.utils.text import slugify
from django.utils.translation import gettext as _

from portal.models import Tenant, User
from portal.rls import tenant_scope
from portal.services import audit_record
from reporting.models import (
    ReportDefinition,
    ReportRun,
    ReportSchedule,
    report_storage,
    report_upload_to,
)
from reporting.periods import (
    Period,
    is_finished,
    period_containing,
    period_from_start,
    previous_period,
)

logger = logging.getLogger(__name__)

ADVISORY_LOCK_CLASS = 7302  # pg_advisory locks of report runs: (class, run id)
# A queued or running run that has not finished this long after it was last (re)queued or
# started is sent to the workers again by the periodic dispatch: it covers a task lost by a
# broker that cannot redeliver (the embedded filesystem broker), or one that could not be
# queued at all. Re-sending is harmless (see the module docstring).
STALE_AFTER = datetime.timedelta(minutes=10)
# A done run whose e-mail has not gone out after this long is sent by the periodic dispatch.
NOTIFY_AFTER = datetime.timedelta(minutes=2)
# How far back a report may be requested: older periods predate any partnership's data, and
# a date near year 1 would overflow the figures' previous period in the worker.
MAX_YEARS_BACK = 10


class ReportDownload(NamedTuple):
    content: bytes
    filename: str


# --- request, retry, download ----------------------------------------------------------------


def report_run_request(
    *, tenant: Tenant, actor: User | None, definition: ReportDefinition, period_start: datetime.date
) -> ReportRun:
    """Ask for the report of ``definition`` over the period starting on ``period_start``.

    The period must have finished, start no more than ``MAX_YEARS_BACK`` years ago, and the
    definition must have sections. A run that exists for that period already is returned as
    it is (asking twice makes one report)."""
    if definition.tenant_id != tenant.pk:
        raise _refused("definition", _("Choose a report of this partnership."), "other_tenant")
    if not definition.sections:
        raise _refused(
            "definition",
            _("This report has no sections. Add at least one section first."),
            "no_sections",
        )
    try:
        period = period_from_start(definition.period_kind, period_start)
    except ValueError:
        raise _refused(
            "period_start", _("Choose one of the periods in the list."), "invalid_period"
        ) from None
    today = timezone.localdate()
    earliest = earliest_period_start(today)
    if period.start < earliest:
        raise _refused(
            "period_start",
            _(
                "Reports go back at most %(years)s years: choose a period that starts on or "
                "after %(date)s."
            )
            % {"years": MAX_YEARS_BACK, "date": date_format(earliest, "DATE_FORMAT")},
            "too_old",
        )
    if not is_finished(period, today):
        raise _refused(
            "period_start",
            _("%(period)s has not finished yet. A report covers a finished period only.")
            % {"period": period.label()},
            "unfinished",
        )
    with transaction.atomic():
        run, created = _run_get_or_create(
            tenant=tenant, definition=definition, period=period, requested_by=actor
        )
        if created:
            audit_record(
                tenant=tenant,
                actor=actor,
                action="report_run.request",
                target=run,
                changes={"period": [None, str(period)]},
            )
            _enqueue(run)
    return run


def _refused(field: str, message: str, code: str) -> ValidationError:
    """A refusal keyed by the field it is about, its code kept (a dict's own code is lost)."""
    return ValidationError({field: ValidationError(message, code=code)})


def earliest_period_start(today: datetime.date) -> datetime.date:
    """The earliest day a requested period may start: ``MAX_YEARS_BACK`` years before today
    (28 February for 29 February)."""
    year = today.year - MAX_YEARS_BACK
    try:
        return today.replace(year=year)
    except ValueError:
        return today.replace(year=year, day=28)


def report_run_retry(*, tenant: Tenant, actor: User | None, run: ReportRun) -> ReportRun:
    """Queue a failed run again. Only a failed run can be retried."""
    with transaction.atomic():
        run = ReportRun.objects.for_tenant(tenant).select_for_update().get(pk=run.pk)
        if run.status != ReportRun.Status.FAILED:
            raise ValidationError(
                _("Only a report that failed can be tried again."), code="not_failed"
            )
        previous_error = run.error
        run.status = ReportRun.Status.QUEUED
        run.error = ""
        run.started_at = None
        run.finished_at = None
        run.requested_at = timezone.now()
        run.save(update_fields=["status", "error", "started_at", "finished_at", "requested_at"])
        audit_record(
            tenant=tenant,
            actor=actor,
            action="report_run.retry",
            target=run,
            changes={
                "status": [ReportRun.Status.FAILED, run.status],
                "error": [previous_error, ""],
            },
        )
        _enqueue(run)
    return run


def report_run_download(*, tenant: Tenant, actor: User | None, run: ReportRun) -> ReportDownload:
    """The stored PDF of a done run and a file name for it; the download is audited.

    The bytes are checked against the stored checksum, so what is handed out is exactly
    what was generated."""
    run = ReportRun.objects.for_tenant(tenant).select_related("definition").get(pk=run.pk)
    if run.status != ReportRun.Status.DONE:
        raise ValidationError(_("This report is not ready yet."), code="not_done")
    with report_storage.open(run.pdf.name, "rb") as stored:
        content = stored.read()
    if hashlib.sha256(content).hexdigest() != run.sha256:
        logger.error("Report run %s: the stored PDF does not match its checksum", run.pk)
        raise ValidationError(
            _("The stored report is damaged. Ask the programme office to look into it."),
            code="damaged",
        )
    audit_record(tenant=tenant, actor=actor, action="report_run.download", target=run)
    return ReportDownload(content=content, filename=report_run_filename(run, extension="pdf"))


def report_run_filename(run: ReportRun, *, extension: str) -> str:
    """``<title>-<period start>-<period end>.<extension>``, ASCII only."""
    title = slugify(run.definition.title) or "report"
    return f"{title}-{run.period_start:%Y-%m-%d}-{run.period_end:%Y-%m-%d}.{extension}"


# --- dispatch ------------------------------------------------------------------------------------


def report_schedule_due_period(schedule: ReportSchedule, *, today: datetime.date) -> Period | None:
    """The period a schedule should have a run for today, or None.

    That is the newest period whose ``days_after_period_end`` days have passed since it
    ended: with a wait longer than the period itself (a month and 45 days) it is not the
    latest finished period but an earlier one, and each period still gets its turn when the
    dispatch runs every day. Older periods are never made up for, and periods ending before
    ``starts_on`` are not reported."""
    kind = schedule.definition.period_kind
    last_day = today - datetime.timedelta(days=schedule.days_after_period_end)
    period = period_containing(kind, last_day)
    if period.end > last_day:
        period = previous_period(kind, period)
    if schedule.starts_on is not None and period.end < schedule.starts_on:
        return None
    return period


def report_schedules_dispatch(*, today: datetime.date) -> list[ReportRun]:
    """Create (and queue) the run of each enabled schedule whose period is due. Returns the
    runs this call created; running it again, or twice at once, creates none."""
    created_runs = []
    schedules = (
        ReportSchedule.objects.unscoped_all_tenants()
        .filter(enabled=True)
        .select_related("definition", "tenant")
        .order_by("pk")
    )
    for schedule in schedules:
        period = report_schedule_due_period(schedule, today=today)
        if period is None:
            continue
        definition = schedule.definition
        if not definition.sections:
            logger.warning("Report definition %s has no sections; not dispatched", definition.pk)
            continue
        with transaction.atomic():
            run, created = _run_get_or_create(
                tenant=schedule.tenant, definition=definition, period=period, requested_by=None
            )
            if not created:
                continue
            audit_record(
                tenant=schedule.tenant,
                actor=None,
                action="report_run.schedule",
                target=run,
                changes={"period": [None, str(period)]},
            )
            ReportSchedule.objects.for_tenant(schedule.tenant).filter(pk=schedule.pk).update(
                last_dispatched_at=timezone.now()
            )
            _enqueue(run)
        created_runs.append(run)
    return created_runs


def report_runs_requeue_stale(*, now: datetime.datetime | None = None) -> list[int]:
    """Send runs that are queued or running for longer than ``STALE_AFTER`` to the workers
    again (a lost task). Returns their ids."""
    cutoff = (now or timezone.now()) - STALE_AFTER
    stale = list(
        ReportRun.objects.unscoped_all_tenants()
        .filter(status__in=[ReportRun.Status.QUEUED, ReportRun.Status.RUNNING])
        .filter(requested_at__lt=cutoff)
        .exclude(started_at__gte=cutoff)
        .values_list("tenant_id", "pk")
    )
    for tenant_id, run_id in stale:
        _send(tenant_id, run_id)
    return [run_id for _tenant_id, run_id in stale]


def report_run_notify(*, tenant_id: int, run_id: int) -> int:
    """Tell a done run's recipients that it is ready, once. The row is locked while the
    mail goes out and marked ``notified_at`` in the same transaction, so a second caller
    sends nothing; a mail server that refuses raises and leaves the run unsent for the
    next dispatch. Returns the number of messages sent."""
    from reporting.notifications import report_run_done_send

    tenant = Tenant.objects.filter(pk=tenant_id).first()
    if tenant is None:
        return 0
    with transaction.atomic():
        run = (
            ReportRun.objects.for_tenant(tenant)
            .select_for_update(skip_locked=True)
            .select_related("definition")
            .filter(pk=run_id, status=ReportRun.Status.DONE, notified_at__isnull=True)
            .first()
        )
        if run is None:
            return 0
        sent = report_run_done_send(tenant=tenant, run=run)
        run.notified_at = timezone.now()
        run.save(update_fields=["notified_at"])
        return sent


def report_runs_notify_pending(*, now: datetime.datetime | None = None) -> list[int]:
    """Send the e-mail of done runs that have waited more than ``NOTIFY_AFTER`` for it (a
    worker that died after finishing, a mail server that was down). Returns their ids."""
    cutoff = (now or timezone.now()) - NOTIFY_AFTER
    pending = list(
        ReportRun.objects.unscoped_all_tenants()
        .filter(status=ReportRun.Status.DONE, notified_at__isnull=True, finished_at__lt=cutoff)
        .values_list("tenant_id", "pk")
    )
    for tenant_id, run_id in pending:
        _notify_logged(tenant_id=tenant_id, run_id=run_id)
    return [run_id for _tenant_id, run_id in pending]


def _notify_logged(*, tenant_id: int, run_id: int) -> None:
    try:
        report_run_notify(tenant_id=tenant_id, run_id=run_id)
    except Exception:
        # The run is done and stays so; the periodic dispatch tries the e-mail again.
        logger.exception("The e-mail about report run %s could not be sent", run_id)


def _run_get_or_create(
    *, tenant: Tenant, definition: ReportDefinition, period: Period, requested_by: User | None
) -> tuple[ReportRun, bool]:
    """The run of (definition, period), created if there is none. Two concurrent callers:
    the unique constraint lets one insert; the other waits for it, then finds its row."""
    lookup = {"definition": definition, "period_start": period.start, "period_end": period.end}
    existing = ReportRun.objects.for_tenant(tenant).filter(**lookup).first()
    if existing is not None:
        return existing, False
    try:
        with transaction.atomic():
            run = ReportRun.objects.create(
                tenant=tenant,
                requested_by=requested_by
                if requested_by and requested_by.is_authenticated
                else None,
                **lookup,
            )
    except IntegrityError:
        return ReportRun.objects.for_tenant(tenant).get(**lookup), False
    return run, True


def _enqueue(run: ReportRun) -> None:
    """Send the run to the workers once the transaction has committed."""
    tenant_id, run_id = run.tenant_id, run.pk
    transaction.on_commit(lambda: _send(tenant_id, run_id))


def _send(tenant_id: int, run_id: int) -> None:
    from reporting.tasks import report_run_generate_task

    try:
        report_run_generate_task.delay(tenant_id, run_id)
    except Exception:
        # The run stays queued; the periodic dispatch sends it again (report_runs_requeue_stale).
        logger.exception("Report run %s could not be queued", run_id)


# --- generate ------------------------------------------------------------------------------------


def report_run_generate(*, tenant_id: int, run_id: int) -> ReportRun | None:
    """The worker's part: figures -> HTML -> PDF -> stored -> done -> e-mail.

    Returns the run, or None when there is nothing to do here (no such run, or another
    worker is rendering it right now). A done run is returned untouched. Anything that goes
    wrong while building the report marks the run failed with a readable message (the
    details go to the log) and removes whatever file was written; a database that goes away
    raises, so that the task retries."""
    tenant = Tenant.objects.filter(pk=tenant_id).first()
    if tenant is None:
        return None
    with tenant_scope(tenant.pk), _render_lock(run_id) as locked:
        if not locked:
            logger.info("Report run %s is being rendered by another worker", run_id)
            return None
        run = _claim(tenant=tenant, run_id=run_id)
        if run is None or run.status != ReportRun.Status.RUNNING:
            return run
        try:
            rendered = _render(tenant=tenant, run=run)
            _store(run, rendered.content)
        except OperationalError:
            raise
        except Exception:
            logger.exception("Report run %s failed", run.pk)
            return _fail(tenant=tenant, run=run)
        return _finish(tenant=tenant, run=run, rendered=rendered)


@contextlib.contextmanager
def _render_lock(run_id: int) -> Iterator[bool]:
    """A session-level advisory lock on the run: held while rendering (outside any
    transaction, so the page sees ``running``), released by the database if the worker dies."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_try_advisory_lock(%s, %s)", [ADVISORY_LOCK_CLASS, run_id % 2**31])
        locked = cursor.fetchone()[0]
    try:
        yield locked
    finally:
        if locked and connection.connection is not None:
            with connection.cursor() as cursor:
                cursor.execute(
                    "SELECT pg_advisory_unlock(%s, %s)", [ADVISORY_LOCK_CLASS, run_id % 2**31]
                )


def _claim(*, tenant: Tenant, run_id: int) -> ReportRun | None:
    """Mark a queued (or abandoned running) run as running and reserve its PDF's name."""
    with transaction.atomic():
        run = (
            ReportRun.objects.for_tenant(tenant)
            .select_for_update()
            .select_related("definition")
            .filter(pk=run_id)
            .first()
        )
        if run is None or run.status in (ReportRun.Status.DONE, ReportRun.Status.FAILED):
            return run
        run.status = ReportRun.Status.RUNNING
        run.started_at = timezone.now()
        run.attempts += 1
        run.error = ""
        if not run.pdf:
            run.pdf.name = report_upload_to(run, "report.pdf")
        run.save(update_fields=["status", "started_at", "attempts", "error", "pdf"])
    return run


def _render(*, tenant: Tenant, run: ReportRun):
    from reporting.figures import report_figures
    from reporting.rendering import report_html, report_pdf

    period = Period(run.period_start, run.period_end)
    figures = report_figures(tenant=tenant, definition=run.definition, period=period)
    run.figures = figures
    html = report_html(tenant=tenant, run=run, figures=figures)
    delay = getattr(settings, "REPORTING_RENDER_DELAY_SECONDS", 0)
    if delay:  # test-only hook: lets the worker test kill a worker in the middle of a render
        time.sleep(delay)
    return report_pdf(html)


def _store(run: ReportRun, content: bytes) -> None:
    """Write the PDF under its reserved name atomically: a temporary file in the same
    directory, flushed to disk, then renamed over the final name."""
    path = report_storage.path(run.pdf.name)
    directory = os.path.dirname(path)
    os.makedirs(directory, exist_ok=True)
    descriptor, temporary = tempfile.mkstemp(dir=directory, prefix=".partial-", suffix=".pdf")
    try:
        with os.fdopen(descriptor, "wb") as partial:
            partial.write(content)
            partial.flush()
            os.fsync(partial.fileno())
        os.replace(temporary, path)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(temporary)
        raise


def _remove_file(run: ReportRun) -> None:
    if run.pdf:
        with contextlib.suppress(FileNotFoundError):
            report_storage.delete(run.pdf.name)


def _finish(*, tenant: Tenant, run: ReportRun, rendered) -> ReportRun:
    with transaction.atomic():
        current = ReportRun.objects.for_tenant(tenant).select_for_update().get(pk=run.pk)
        if current.status != ReportRun.Status.RUNNING or current.pdf.name != run.pdf.name:
            # Cannot happen while we hold the render lock; never overwrite another outcome.
            return current
        run.status = ReportRun.Status.DONE
        run.sha256 = hashlib.sha256(rendered.content).hexdigest()
        run.pages = rendered.pages
        run.size = len(rendered.content)
        run.finished_at = timezone.now()
        run.error = ""
        run.save(
            update_fields=["status", "sha256", "pages", "size", "finished_at", "error", "figures"]
        )
        audit_record(
            tenant=tenant,
            actor=None,
            action="report_run.done",
            target=run,
            changes={"status": [ReportRun.Status.RUNNING, run.status]},
        )
        # The worker that made the run done sends the e-mail; report_run_notify makes sure
        # it goes out once, and the periodic dispatch sends it if this worker cannot.
        transaction.on_commit(lambda: _notify_logged(tenant_id=tenant.pk, run_id=run.pk))
    return run


def _fail(*, tenant: Tenant, run: ReportRun) -> ReportRun:
    _remove_file(run)
    with translation.override(run.definition.language):
        message = _(
            "The report could not be made. Try again; if it fails again, ask the programme "
            "office to look into it."
        )
    with transaction.atomic():
        current = ReportRun.objects.for_tenant(tenant).select_for_update().get(pk=run.pk)
        if current.status != ReportRun.Status.RUNNING:
            return current
        current.status = ReportRun.Status.FAILED
        current.error = message
        current.finished_at = timezone.now()
        current.pdf.name = ""
        current.figures = {}
        current.save(update_fields=["status", "error", "finished_at", "pdf", "figures"])
        audit_record(
            tenant=tenant,
            actor=None,
            action="report_run.fail",
            target=current,
            changes={"status": [ReportRun.Status.RUNNING, current.status]},
        )
    return current
