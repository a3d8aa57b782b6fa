"""The 10,000-row import of ``make bench`` (see ``bench/jobs.py``): a CSV of organisations
with a contact person each, as a programme office uploads it, checked and imported by the
CRM's import services into the large scale tenant.

Every tenth row names an organisation the tenant already has, so the duplicate check has
matches to find and merges to do. The worker's steps (check, then commit) are called
directly, as the Celery task would, so the time is the work's and not the queue's. The whole
import runs in one transaction that is rolled back at the end: the scale data stays as
``seed_scale`` made it, and the next run imports into the same tenant again.
"""

from __future__ import annotations

import csv
import io
import random
from pathlib import Path

from django.db import transaction

from portal.scale import FIRST_NAMES, SURNAMES, member_email

ROWS = 10_000
FILE_NAME = "organisaties.csv"
HEADER = ("naam", "plaats", "adres", "postcode", "contactpersoon", "functie", "e-mail", "telefoon")
WORDS = ("Techniek", "Metaal", "Installatie", "Machinebouw", "Kunststof", "Elektro", "Logistiek")
PLACES = ("Emmen", "Zwolle", "Enschede", "Assen", "Groningen", "Leeuwarden", "Apeldoorn")
FUNCTIONS = ("HR-adviseur", "Praktijkopleider", "Directeur", "Teamleider")


def import_file_write(*, tenant, workdir: Path) -> None:
    """Write the file the import reads (not measured)."""
    from partnerships.models import Organisation

    rng = random.Random(ROWS)  # noqa: S311 - test data
    known = list(
        Organisation.objects.for_tenant(tenant)
        .order_by("pk")
        .values_list("name", "municipality")[: ROWS // 10]
    )
    output = io.StringIO()
    writer = csv.writer(output, delimiter=";")
    writer.writerow(HEADER)
    for number in range(1, ROWS + 1):
        if number % 10 == 0 and known:
            name, place = known[(number // 10 - 1) % len(known)]
        else:
            name = f"{rng.choice(SURNAMES)} {rng.choice(WORDS)} {number:05d} BV"
            place = rng.choice(PLACES)
        writer.writerow(
            (
                name,
                place or rng.choice(PLACES),
                f"Industrieweg {rng.randrange(1, 300)}",
                f"{rng.randrange(1000, 9999)} {rng.choice('ABCDEFGHJK')}{rng.choice('LMNPRSTVXZ')}",
                f"{rng.choice(FIRST_NAMES)} {rng.choice(SURNAMES)}",
                rng.choice(FUNCTIONS),
                f"contact{number:05d}@importproef.example.org",
                f"06-{rng.randrange(10**7, 10**8)}",
            )
        )
    (workdir / FILE_NAME).write_text(output.getvalue(), encoding="utf-8")


def import_run(*, tenant, workdir: Path) -> None:
    """Upload, check and import the file as the tenant's programme office (measured)."""
    from partnerships.models import ImportJob
    from partnerships.services.imports import (
        import_job_commit,
        import_job_create,
        import_job_run,
    )
    from portal.models import User

    actor = User.objects.get(email=member_email(tenant.slug, "admin"))
    content = (workdir / FILE_NAME).read_bytes()
    with transaction.atomic():
        # A file this large is checked and imported by the worker, sent when the upload
        # commits; inside this transaction nothing is sent, and the worker's step runs here.
        job = import_job_create(tenant=tenant, actor=actor, file_name=FILE_NAME, content=content)
        job = import_job_run(tenant=tenant, importjob_id=job.pk)
        if job.status != ImportJob.Status.PREVIEWED or job.error_rows:
            raise RuntimeError(f"the check ended {job.status} with {job.error_rows} row errors")
        job = import_job_commit(tenant=tenant, actor=actor, job=job)
        job = import_job_run(tenant=tenant, importjob_id=job.pk)
        job.refresh_from_db()
        if job.status != ImportJob.Status.DONE:
            raise RuntimeError(f"the import ended {job.status}: {job.error}")
        print(  # noqa: T201 - the job's report, read by a person
            f"imported {job.total_rows} rows, {job.duplicate_rows} likely duplicates merged"
        )
        transaction.set_rollback(True)
