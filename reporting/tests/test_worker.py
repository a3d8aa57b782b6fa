"""A worker killed in the middle of a render does not lose the report, nor make it twice:
a real Celery worker (a separate process, on the configured broker and the test database)
is killed with SIGKILL while the run is ``running``; a new worker gets the task again
(Redis: after the visibility timeout, 10 s in the test settings; the embedded filesystem
broker cannot redeliver, so there the periodic dispatch re-sends it) and the report is
produced exactly once."""

from __future__ import annotations

import hashlib
import os
import signal
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection
from django.utils import timezone

from portal.roles import Role
from portal.tests.factories import MembershipFactory, TenantFactory
from reporting.models import ReportRun, report_storage
from reporting.services import runs as services
from reporting.tests.known_dataset import Q1, known_dataset

DEADLINE = 60  # seconds for each wait below; the whole test takes about 30 s


def _database_url() -> str:
    db = connection.settings_dict
    password = f":{db['PASSWORD']}" if db.get("PASSWORD") else ""
    host = db.get("HOST") or "127.0.0.1"
    port = db.get("PORT") or 5432
    if host.startswith("/"):  # a Unix socket (the embedded PostgreSQL)
        return f"postgres://{db['USER']}{password}@/{db['NAME']}?host={host}&port={port}"
    return f"postgres://{db['USER']}{password}@{host}:{port}/{db['NAME']}"


def _start_worker(*, render_delay: int, log: Path) -> subprocess.Popen:
    """``celery -A portal worker`` on the tests' queue, one process (solo pool), so that
    SIGKILL kills the very process that renders."""
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "portal.settings.test",
        "DATABASE_URL": _database_url(),
        "REPORTS_ROOT": str(settings.REPORTS_ROOT),
        "REPORTING_RENDER_DELAY_SECONDS": str(render_delay),
    }
    return subprocess.Popen(  # noqa: S603 - our own interpreter and arguments
        [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "portal",
            "worker",
            "--pool=solo",
            "--concurrency=1",
            "--without-gossip",
            "--without-mingle",
            "--without-heartbeat",
            "-Q",
            settings.CELERY_TASK_DEFAULT_QUEUE,
            "-n",
            f"report-kill-test-{uuid.uuid4().hex[:8]}@%h",
            "--loglevel=INFO",
        ],
        cwd=settings.BASE_DIR,
        env=env,
        stdout=log.open("w"),
        stderr=subprocess.STDOUT,
    )


def _wait_for(run: ReportRun, status: str, worker: subprocess.Popen, log: Path) -> ReportRun:
    deadline = time.monotonic() + DEADLINE
    while time.monotonic() < deadline:
        run.refresh_from_db()
        if run.status == status:
            return run
        if worker.poll() is not None:
            break
        time.sleep(0.2)
    raise AssertionError(f"run stayed {run.status}; worker log:\n{log.read_text()[-4000:]}")


def _pdf_files(tenant_id: int) -> list[Path]:
    root = Path(settings.REPORTS_ROOT) / str(tenant_id)
    return sorted(path for path in root.rglob("*") if path.is_file()) if root.exists() else []


def _stop(worker: subprocess.Popen) -> None:
    if worker.poll() is None:
        worker.send_signal(signal.SIGTERM)
        try:
            worker.wait(timeout=20)
        except subprocess.TimeoutExpired:
            worker.kill()
            worker.wait()


@pytest.mark.timeout(150)
@pytest.mark.django_db(transaction=True)
def test_a_worker_killed_mid_render_produces_the_report_exactly_once(tmp_path):
    # given a requested report, queued on the broker
    tenant = TenantFactory()
    admin = MembershipFactory(tenant=tenant, role=Role.ADMIN).user
    data = known_dataset(tenant)
    run = services.report_run_request(
        tenant=tenant, actor=admin, definition=data.definition, period_start=Q1.start
    )
    assert run.status == ReportRun.Status.QUEUED
    started = time.monotonic()

    # and a worker whose renders are slow, so it can be caught in the middle of one
    first_log = tmp_path / "first-worker.log"
    first = _start_worker(render_delay=120, log=first_log)
    try:
        run = _wait_for(run, ReportRun.Status.RUNNING, first, first_log)

        # when that worker is killed outright in the middle of the render
        first.send_signal(signal.SIGKILL)
        first.wait(timeout=20)
    finally:
        _stop(first)
    assert first.returncode == -signal.SIGKILL
    run.refresh_from_db()
    assert (run.status, run.attempts) == (ReportRun.Status.RUNNING, 1)
    assert _pdf_files(tenant.pk) == []

    # and a new worker starts
    second_log = tmp_path / "second-worker.log"
    second = _start_worker(render_delay=0, log=second_log)
    try:
        if settings.CELERY_BROKER_URL.startswith("filesystem://"):
            # This broker deleted the message when the killed worker took it; the periodic
            # dispatch re-sends runs that waited too long (here: as if 10 minutes passed).
            services.report_runs_requeue_stale(now=timezone.now() + services.STALE_AFTER)
        run = _wait_for(run, ReportRun.Status.DONE, second, second_log)
        finished = time.monotonic()
        # give a (wrongly) duplicated delivery the time to show itself
        time.sleep(2)
    finally:
        _stop(second)

    # then the report was produced exactly once: one run, done on its second attempt, one
    # PDF file (no partial one left), whose checksum is the run's
    assert ReportRun.objects.filter(definition=data.definition).count() == 1
    run.refresh_from_db()
    assert (run.status, run.attempts) == (ReportRun.Status.DONE, 2)
    files = _pdf_files(tenant.pk)
    assert files == [Path(report_storage.path(run.pdf.name))]
    content = files[0].read_bytes()
    assert hashlib.sha256(content).hexdigest() == run.sha256
    assert run.size == len(content)
    assert "succeeded" in second_log.read_text()
    assert finished - started < 90
