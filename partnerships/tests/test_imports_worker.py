"""Large imports through a real Celery worker: 10,000 rows checked and committed by
``partnerships.tasks.import_run``, with progress on the job row while the all-or-nothing
transaction is still open."""

from __future__ import annotations

import time

import pytest
from django.db import connection, transaction

from partnerships.models import Contact, ImportJob, Organisation
from partnerships.services import imports as services
from partnerships.tasks import import_run
from partnerships.tests.factories import OrganisationFactory
from portal.models import AuditEvent
from portal.roles import Role
from portal.tests.factories import MembershipFactory, TenantFactory

LARGE = 10_000
DEADLINE = 60  # seconds, for checking and committing together


def large_file(rows: int) -> bytes:
    """As Dutch Excel writes it: semicolons, Windows-1252, CRLF; one contact per row."""
    lines = ["Naam;KvK-nummer;Plaats;Contactpersoon;Functie;E-mailadres"]
    lines += [
        f"Bedrijf {n} Drenthe BV;{30_000_000 + n};Emmen;Persoon {n};Stagebegeleider;"
        f"persoon{n}@bedrijf{n}.example.nl"
        for n in range(rows)
    ]
    return ("\r\n".join(lines) + "\r\n").encode("cp1252")


def wait_for(job: ImportJob, statuses: set[str], timeout: float) -> ImportJob:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        # Only the progress fields: the rows themselves are megabytes of JSON.
        job.refresh_from_db(fields=["status", "processed_rows", "error"])
        if job.status in statuses:
            job.refresh_from_db()
            return job
        time.sleep(0.2)
    raise AssertionError(f"job stayed {job.status} ({job.processed_rows}/{job.total_rows})")


@pytest.mark.django_db(transaction=True)
def test_ten_thousand_rows_are_checked_and_imported_by_the_worker(celery_worker_thread, capsys):
    # given a tenant with some organisations already, and an admin
    tenant = TenantFactory()
    admin = MembershipFactory(tenant=tenant, role=Role.ADMIN).user
    OrganisationFactory.create_batch(50, tenant=tenant)
    OrganisationFactory(tenant=tenant, name="Al Bekend BV", kvk_number=f"{30_000_000 + 7}")

    # when a file of 10,000 rows is uploaded, checked by the worker, and committed
    started = time.monotonic()
    job = services.import_job_create(
        tenant=tenant, actor=admin, file_name="relaties.csv", content=large_file(LARGE)
    )
    assert job.status == ImportJob.Status.UPLOADED  # the request does not check 10,000 rows
    job = wait_for(job, {ImportJob.Status.PREVIEWED, ImportJob.Status.FAILED}, DEADLINE)
    checked = time.monotonic()
    assert job.status == ImportJob.Status.PREVIEWED
    assert (job.total_rows, job.error_rows, job.duplicate_rows) == (LARGE, 0, 1)
    job = services.import_job_commit(tenant=tenant, actor=admin, job=job)
    assert job.status == ImportJob.Status.QUEUED
    job = wait_for(job, {ImportJob.Status.DONE, ImportJob.Status.FAILED}, DEADLINE)
    finished = time.monotonic()

    # then everything is there, well within the deadline
    with capsys.disabled():
        print(
            f"\n10,000-row import: upload+check {checked - started:.1f} s, "
            f"commit {finished - checked:.1f} s, total {finished - started:.1f} s"
        )
    assert job.status == ImportJob.Status.DONE, job.error
    assert finished - started < DEADLINE
    assert job.processed_rows == LARGE
    assert job.counts == {
        "organisations_created": LARGE - 1,
        "organisations_merged": 1,
        "contacts_created": LARGE,
        "contacts_updated": 0,
        "rows_skipped": 0,
    }
    assert Organisation.objects.for_tenant(tenant).count() == 51 + LARGE - 1
    assert Contact.objects.for_tenant(tenant).count() == LARGE
    assert AuditEvent.objects.for_tenant(tenant).filter(action="import.commit").count() == 1
    assert (
        AuditEvent.objects.for_tenant(tenant).filter(action="organisation.create").count()
        == LARGE - 1
    )

    # and a redelivered message for the finished job changes nothing
    assert import_run.delay(tenant.pk, job.pk).get(timeout=20) == ImportJob.Status.DONE
    assert Organisation.objects.for_tenant(tenant).count() == 51 + LARGE - 1


@pytest.mark.django_db(transaction=True)
def test_progress_is_visible_while_the_import_transaction_is_open():
    # given a job, and an open transaction as the import holds one
    tenant = TenantFactory()
    job = ImportJob.objects.create(
        tenant=tenant, file_name="x.csv", status=ImportJob.Status.QUEUED, total_rows=3000
    )
    reporter = services.ProgressReporter(tenant=tenant, importjob_id=job.pk)
    observer = connection.copy()
    try:
        with transaction.atomic():
            Organisation.objects.create(tenant=tenant, kind="company", name="Nog niet zichtbaar")

            # when the import reports progress
            reporter(1000, status=ImportJob.Status.RUNNING)

            # then another connection (the polling page) sees it, but not the import's rows
            with observer.cursor() as cursor:
                cursor.execute(
                    "SELECT status, processed_rows FROM partnerships_importjob WHERE id = %s",
                    [job.pk],
                )
                assert cursor.fetchone() == ("running", 1000)
                cursor.execute(
                    "SELECT count(*) FROM partnerships_organisation WHERE tenant_id = %s",
                    [tenant.pk],
                )
                assert cursor.fetchone() == (0,)
    finally:
        reporter.close()
        observer.close()
