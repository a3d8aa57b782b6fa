"""Writes of imports: upload, check, decide about duplicates, commit.

A file is read once, on upload (``partnerships.importers``). Checking puts every row's
values, errors and likely duplicates into ``ImportRow``s; the preview shows them and
takes a decision per duplicate (merge into an existing organisation, skip, or create
anyway where that cannot clash). The commit writes everything in one transaction or
nothing. Files of more than ``SYNC_ROW_LIMIT`` rows are checked and committed by the
Celery task ``partnerships.tasks.import_run``, which reports its progress on the job.

Writing is done in bulk (``bulk_create``/``bulk_update``), not through
``organisation_create`` per row: that service's ``full_clean`` asks the database about
uniqueness for every row, which for 10,000 rows takes minutes, and everything it checks
has been checked here for the whole file at once. The audit trail stays complete: every
created or changed organisation and contact gets its own event (written in bulk), and the
import one summary event with the counts.
"""

from __future__ import annotations

import logging
from collections.abc import Callable

from django.core.exceptions import ValidationError
from django.db import IntegrityError, OperationalError, connection, transaction
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from partnerships.importers import (
    FIELDS_BY_NAME,
    ImportFileError,
    RowCleaner,
    column_label,
    map_columns,
    read_table,
    rows_as_values,
)
from partnerships.models import Contact, ImportJob, ImportRow, Organisation, Sector
from partnerships.selectors.imports import HARD_REASONS, import_duplicate_index
from portal.models import AuditEvent, Tenant, User
from portal.services import audit_record

logger = logging.getLogger(__name__)

SYNC_ROW_LIMIT = 500
CHUNK_SIZE = 1000
ADVISORY_LOCK_CLASS = 7301  # pg_advisory locks of import jobs: (class, job id)

# Why a job failed, put into words when shown (the job may fail in a worker, where no
# person's language is active).
FAILURES = {
    "conflict": gettext_lazy(
        "An organisation with the same name, KvK number or BRIN code was added while the "
        "import ran. Nothing was imported; upload the file again to check it afresh."
    ),
    "target_gone": gettext_lazy(
        "An organisation that rows were to be merged into no longer exists. Nothing was "
        "imported; upload the file again to check it afresh."
    ),
    "row_errors": gettext_lazy(
        "Some rows have errors. Nothing was imported; correct the file and upload it again."
    ),
    "unexpected": gettext_lazy(
        "Something went wrong while the file was processed. Nothing was imported; try again "
        "later or ask the programme office."
    ),
}

ORGANISATION_FIELDS = (
    "name",
    "kind",
    "kvk_number",
    "brin_code",
    "status",
    "street_address",
    "postal_code",
    "municipality",
    "province",
    "website",
    "recognised_training_company",
    "sbb_number",
)
# What a merge may fill in on an existing organisation: only fields that are still empty.
FILLABLE_FIELDS = (
    "kvk_number",
    "brin_code",
    "street_address",
    "postal_code",
    "municipality",
    "province",
    "website",
    "sbb_number",
)


class ImportStopped(Exception):
    """The commit cannot go on; nothing is written. ``code`` is a key of ``FAILURES``."""

    def __init__(self, code: str):
        super().__init__(code)
        self.code = code


def import_failure_message(job: ImportJob) -> str:
    return str(FAILURES.get(job.error, FAILURES["unexpected"])) if job.error else ""


# --- upload -----------------------------------------------------------------------------------


def import_job_create(
    *,
    tenant: Tenant,
    actor: User,
    file_name: str,
    content: bytes,
    ignore_unknown_columns: bool = False,
) -> ImportJob:
    """Read an uploaded file and start checking it: at once for a small file, in a Celery
    task for a large one. A file that cannot be read, lacks the name column, has a column
    twice, or has columns nobody recognises (unless the person chose to ignore them) is
    refused with a ValidationError on ``file`` and leaves nothing behind."""
    try:
        table = read_table(content)
    except ImportFileError as error:
        raise ValidationError({"file": error.message}) from error
    column_map = map_columns(table)
    problems = []
    if column_map.missing:
        problems.append(
            _(
                "The file has no column with the organisation's name. Give that column a "
                "name such as “naam”, “bedrijfsnaam” or “name”."
            )
        )
    for field_name, headers in column_map.doubled:
        problems.append(
            _("The columns %(columns)s all mean “%(field)s”; keep one of them.")
            % {
                "columns": ", ".join(f"“{header}”" for header in headers),
                "field": FIELDS_BY_NAME[field_name].label,
            }
        )
    if column_map.unknown and not ignore_unknown_columns:
        problems.append(
            _(
                "These columns are not recognised: %(columns)s. Rename them to one of the "
                "accepted names listed below, remove them from the file, or choose to "
                "ignore unrecognised columns."
            )
            % {"columns": ", ".join(f"“{header}”" for header in column_map.unknown)}
        )
    if problems:
        raise ValidationError({"file": problems})
    rows = rows_as_values(table, column_map)
    if not rows:
        raise ValidationError({"file": _("The file has no rows with values in known columns.")})
    columns = [
        {"header": column_label(header, index), "field": column_map.fields.get(index)}
        for index, header in enumerate(table.header)
        if index in column_map.fields
    ]
    with transaction.atomic():
        job = ImportJob.objects.create(
            tenant=tenant,
            created_by=actor,
            file_name=file_name[:255],
            file_format=table.file_format,
            columns=columns,
            ignored_columns=column_map.unknown,
            raw_rows=rows,
            total_rows=len(rows),
        )
        audit_record(
            tenant=tenant,
            actor=actor,
            action="import.upload",
            target=job,
            changes={"file_name": [None, job.file_name], "rows": [None, len(rows)]},
        )
        if len(rows) <= SYNC_ROW_LIMIT:
            _check(tenant=tenant, job=job)
        else:
            _enqueue(tenant=tenant, job=job)
    return job


def _enqueue(*, tenant: Tenant, job: ImportJob) -> None:
    """Send the job to the worker once it is committed. If the broker cannot be reached,
    the job is marked failed (the person is told to try later) instead of waiting forever."""
    from partnerships.tasks import import_run

    def send() -> None:
        try:
            import_run.delay(tenant.pk, job.pk)
        except Exception:
            logger.exception("Import %s could not be queued", job.pk)
            _fail(tenant=tenant, job=job, code="unexpected", actor=None)

    transaction.on_commit(send)


# --- check ------------------------------------------------------------------------------------


Progress = Callable[..., None]


def _no_progress(processed: int | None = None, *, status: str | None = None) -> None:
    return None


def _check(*, tenant: Tenant, job: ImportJob, progress: Progress = _no_progress) -> None:
    """Check every row of the file: values, repeats inside the file, likely duplicates."""
    sectors = dict(Sector.objects.for_tenant(tenant).values_list("name", "pk"))
    cleaner = RowCleaner(sectors=sectors)
    raw_rows = job.raw_rows
    checks = [cleaner.clean(raw["values"]) for raw in raw_rows]
    index = import_duplicate_index(
        tenant=tenant,
        names=[check.organisation["name"] for check in checks],
        emails=[check.contact.get("email", "") for check in checks],
    )
    first_row_of: dict[tuple[str, str], ImportRow] = {}
    email_row: dict[str, int] = {}
    rows = []
    for position, (raw, check) in enumerate(zip(raw_rows, checks, strict=True), start=1):
        number = raw["number"]
        organisation = check.organisation
        name, kvk, brin = (
            organisation["name"],
            organisation["kvk_number"],
            organisation["brin_code"],
        )
        keys = [("kvk", kvk), ("brin", brin), ("name", name.lower())]
        keys = [(kind, value) for kind, value in keys if value]
        leader = next((first_row_of[key] for key in keys if key in first_row_of), None)
        same_as = None
        if leader is not None:
            theirs = leader.cleaned["organisation"]
            if kvk and theirs["kvk_number"] and kvk != theirs["kvk_number"]:
                check.error(
                    "kvk_number", "kvk_clash_in_file", row=leader.number, value=theirs["kvk_number"]
                )
            elif brin and theirs["brin_code"] and brin != theirs["brin_code"]:
                check.error(
                    "brin_code", "brin_clash_in_file", row=leader.number, value=theirs["brin_code"]
                )
            else:
                same_as = leader.number
        email = check.contact.get("email", "").lower()
        if email:
            if email in email_row:
                check.error(
                    "contact_email", "email_twice_in_file", row=email_row[email], value=email
                )
            else:
                email_row[email] = number
        candidates = []
        if same_as is None:
            candidates = index.candidates(name=name, kvk=kvk, brin=brin, email=email)
        row = ImportRow(
            tenant=tenant,
            job=job,
            number=number,
            values=raw["values"],
            cleaned={"organisation": organisation, "contact": check.contact},
            errors=check.errors,
            candidates=candidates,
            same_as_number=same_as,
            has_errors=bool(check.errors),
            is_duplicate=bool(candidates),
            decision=ImportRow.Decision.MERGE if candidates else ImportRow.Decision.CREATE,
            merge_into_id=candidates[0]["id"] if candidates else None,
        )
        if same_as is None:
            for key in keys:
                first_row_of.setdefault(key, row)
        rows.append(row)
        if position % CHUNK_SIZE == 0:
            progress(position)
    ImportRow.objects.bulk_create(rows, batch_size=CHUNK_SIZE)
    job.raw_rows = []
    job.status = ImportJob.Status.PREVIEWED
    job.processed_rows = 0
    job.error_rows = sum(row.has_errors for row in rows)
    job.duplicate_rows = sum(row.is_duplicate for row in rows)
    job.save(update_fields=["raw_rows", "status", "processed_rows", "error_rows", "duplicate_rows"])


# --- decisions --------------------------------------------------------------------------------


def _allowed_choices(row: ImportRow) -> set[str]:
    choices = {f"merge:{candidate['id']}" for candidate in row.candidates} | {"skip"}
    if not any(HARD_REASONS & set(candidate["reasons"]) for candidate in row.candidates):
        choices.add("create")
    return choices


@transaction.atomic
def import_job_decide(
    *, tenant: Tenant, actor: User, job: ImportJob, decisions: dict[int, str]
) -> ImportJob:
    """Record what to do with likely duplicates: ``{row number: "merge:<organisation id>" |
    "skip" | "create"}``. Only the choices the preview offers are taken."""
    job = ImportJob.objects.for_tenant(tenant).select_for_update().get(pk=job.pk)
    if job.status != ImportJob.Status.PREVIEWED:
        raise ValidationError(_("The choices of this import can no longer be changed."))
    rows = ImportRow.objects.for_tenant(tenant).filter(
        job=job, number__in=list(decisions), is_duplicate=True, same_as_number__isnull=True
    )
    changed = []
    for row in rows:
        choice = decisions[row.number]
        if choice not in _allowed_choices(row):
            raise ValidationError(
                _("Row %(row)s: choose one of the options offered.") % {"row": row.number}
            )
        decision, _sep, target = choice.partition(":")
        row.decision = decision
        row.merge_into_id = int(target) if target else None
        changed.append(row)
    ImportRow.objects.bulk_update(changed, ["decision", "merge_into"], batch_size=CHUNK_SIZE)
    return job


@transaction.atomic
def import_job_decide_all(*, tenant: Tenant, actor: User, job: ImportJob, decision: str) -> int:
    """One decision for every likely duplicate: merge each into its best match, or skip all."""
    job = ImportJob.objects.for_tenant(tenant).select_for_update().get(pk=job.pk)
    if job.status != ImportJob.Status.PREVIEWED:
        raise ValidationError(_("The choices of this import can no longer be changed."))
    rows = list(
        ImportRow.objects.for_tenant(tenant)
        .filter(job=job, is_duplicate=True, same_as_number__isnull=True)
        .only("pk", "candidates")
    )
    for row in rows:
        if decision == ImportRow.Decision.SKIP:
            row.decision, row.merge_into_id = ImportRow.Decision.SKIP, None
        else:
            row.decision, row.merge_into_id = ImportRow.Decision.MERGE, row.candidates[0]["id"]
    ImportRow.objects.bulk_update(rows, ["decision", "merge_into"], batch_size=CHUNK_SIZE)
    return len(rows)


# --- commit -----------------------------------------------------------------------------------


def import_job_commit(*, tenant: Tenant, actor: User, job: ImportJob) -> ImportJob:
    """Import a checked file: everything in one transaction, or nothing.

    A large file is queued for the worker (``import_run``); a small one is written now. A
    job that cannot be committed (still being checked, rows with errors, already done)
    raises a ValidationError and stays as it is. A commit that fails on the way (an
    organisation added meanwhile with the same KvK number) rolls back completely and
    leaves the job "failed" with the reason.
    """
    try:
        with transaction.atomic():
            job = ImportJob.objects.for_tenant(tenant).select_for_update().get(pk=job.pk)
            if job.status != ImportJob.Status.PREVIEWED:
                raise ValidationError(
                    _("This import cannot be started now: it is “%(status)s”.")
                    % {"status": job.get_status_display()}
                )
            if job.error_rows:
                raise ValidationError(
                    _(
                        "%(count)s rows have errors. Correct them in the file and upload it "
                        "again; nothing has been imported."
                    )
                    % {"count": job.error_rows}
                )
            job.committed_by = actor
            if job.total_rows > SYNC_ROW_LIMIT:
                job.status = ImportJob.Status.QUEUED
                job.save(update_fields=["committed_by", "status"])
                _enqueue(tenant=tenant, job=job)
                return job
            _commit_rows(tenant=tenant, job=job, actor=actor)
            return job
    except ImportStopped as stopped:
        return _fail(tenant=tenant, job=job, code=stopped.code, actor=actor)
    except IntegrityError:
        logger.warning("Import %s clashed with existing organisations", job.pk, exc_info=True)
        return _fail(tenant=tenant, job=job, code="conflict", actor=actor)


def import_job_run(*, tenant: Tenant, importjob_id: int) -> ImportJob | None:
    """The worker's part: check an uploaded file or commit a queued one, whichever is due.

    Safe to run twice (a redelivered message after a lost worker): an advisory lock keeps
    a second run out while the first is busy, and a job that is no longer due is left
    alone. Progress goes to the job row through a connection of its own, because the
    import's transaction stays open, and invisible, until the very end.
    """
    progress = ProgressReporter(tenant=tenant, importjob_id=importjob_id)
    job = None
    try:
        with transaction.atomic():
            with connection.cursor() as cursor:
                cursor.execute(
                    "SELECT pg_try_advisory_xact_lock(%s, %s)",
                    [ADVISORY_LOCK_CLASS, importjob_id % 2**31],
                )
                if not cursor.fetchone()[0]:
                    return None
            job = ImportJob.objects.for_tenant(tenant).filter(pk=importjob_id).first()
            if job is None:
                return None
            if job.status == ImportJob.Status.UPLOADED:
                _check(tenant=tenant, job=job, progress=progress)
            elif job.status in (ImportJob.Status.QUEUED, ImportJob.Status.RUNNING):
                progress(0, status=ImportJob.Status.RUNNING)
                _commit_rows(tenant=tenant, job=job, actor=job.committed_by, progress=progress)
            return job
    except ImportStopped as stopped:
        return _fail(tenant=tenant, job=job, code=stopped.code, actor=job.committed_by)
    except IntegrityError:
        logger.warning("Import %s clashed with existing organisations", importjob_id, exc_info=True)
        if job is None:
            raise
        return _fail(tenant=tenant, job=job, code="conflict", actor=job.committed_by)
    except OperationalError:
        raise  # the database went away: the task retries
    except Exception:
        logger.exception("Import %s failed", importjob_id)
        if job is None:
            raise
        return _fail(tenant=tenant, job=job, code="unexpected", actor=job.committed_by)
    finally:
        progress.close()


def _fail(*, tenant: Tenant, job: ImportJob, code: str, actor: User | None) -> ImportJob:
    with transaction.atomic():
        job = ImportJob.objects.for_tenant(tenant).select_for_update().get(pk=job.pk)
        _forget_rows(tenant=tenant, job=job)
        job.status = ImportJob.Status.FAILED
        job.error = code
        job.finished_at = timezone.now()
        job.save(update_fields=["status", "error", "finished_at", "raw_rows"])
        audit_record(
            tenant=tenant,
            actor=actor,
            action="import.fail",
            target=job,
            changes={"error": [None, code]},
        )
    return job


class ProgressReporter:
    """Writes a running job's progress to its row through a database connection of its
    own, in autocommit, so the page that polls sees it while the import's transaction is
    still open. It never touches the row in the import's own transaction, so neither
    waits for the other (the import's rows only take a key-share lock on the job)."""

    def __init__(self, *, tenant: Tenant, importjob_id: int):
        self.tenant_id = tenant.pk
        self.importjob_id = importjob_id
        self._connection = None

    def __call__(self, processed: int | None = None, *, status: str | None = None) -> None:
        if self._connection is None:
            self._connection = connection.copy()
        table = ImportJob._meta.db_table
        with self._connection.cursor() as cursor:
            cursor.execute(
                f"UPDATE {table} SET processed_rows = COALESCE(%s, processed_rows), "  # noqa: S608
                f"status = COALESCE(%s, status) WHERE id = %s AND tenant_id = %s",
                [processed, status, self.importjob_id, self.tenant_id],
            )

    def close(self) -> None:
        if self._connection is not None:
            self._connection.close()
            self._connection = None


def _audit_event(*, tenant: Tenant, actor: User | None, action: str, target, changes: dict):
    """An unsaved AuditEvent shaped as ``portal.services.audit_record`` shapes it, for
    writing thousands at once."""
    return AuditEvent(
        tenant=tenant,
        actor=actor if actor is not None and actor.is_authenticated else None,
        action=action,
        target_type=target._meta.label_lower,
        target_id=str(target.pk),
        target_repr=str(target)[:200],
        changes=changes,
    )


def _commit_rows(
    *, tenant: Tenant, job: ImportJob, actor: User | None, progress: Progress = _no_progress
) -> None:
    """Write the rows of a checked job; the caller holds the transaction."""
    rows = list(
        ImportRow.objects.for_tenant(tenant)
        .filter(job=job)
        .order_by("number")
        .only("number", "cleaned", "same_as_number", "decision", "merge_into_id", "has_errors")
    )
    if any(row.has_errors for row in rows):
        raise ImportStopped("row_errors")
    leaders = {row.number: row for row in rows if row.same_as_number is None}
    merges = [row for row in leaders.values() if row.decision == ImportRow.Decision.MERGE]
    if any(row.merge_into_id is None for row in merges):
        raise ImportStopped("target_gone")
    target_ids = {row.merge_into_id for row in merges}
    targets = (
        Organisation.objects.for_tenant(tenant).select_for_update().in_bulk(target_ids)
        if target_ids
        else {}
    )
    if len(targets) != len(target_ids):
        raise ImportStopped("target_gone")

    organisations_of = Organisation.objects.for_tenant(tenant)
    taken_kvk = set(organisations_of.exclude(kvk_number="").values_list("kvk_number", flat=True))
    taken_brin = set(organisations_of.exclude(brin_code="").values_list("brin_code", flat=True))
    existing_contacts = {}
    if targets:
        emails = {
            row.cleaned["contact"].get("email", "").lower()
            for row in rows
            if row.cleaned["contact"].get("email")
        }
        for contact in (
            Contact.objects.for_tenant(tenant)
            .annotate(email_lower=Lower("email"))
            .filter(organisation_id__in=target_ids, email_lower__in=emails)
        ):
            existing_contacts.setdefault((contact.organisation_id, contact.email_lower), contact)

    now = timezone.now()
    SectorLink = Organisation.sectors.through
    organisation_of_row: dict[int, Organisation] = {}
    created_organisations: list[Organisation] = []
    target_changes: dict[int, dict] = {}
    sector_links: set[tuple[int, int]] = set()
    created_contacts: list[Contact] = []
    updated_contacts: dict[int, Contact] = {}
    contact_changes: dict[int, dict] = {}
    skipped = 0

    for start in range(0, len(rows), CHUNK_SIZE):
        chunk = rows[start : start + CHUNK_SIZE]
        new_organisations = []
        for row in chunk:
            if row.same_as_number is not None:
                continue
            values = row.cleaned["organisation"]
            if row.decision == ImportRow.Decision.CREATE:
                organisation = Organisation(
                    tenant=tenant, **{f: values[f] for f in ORGANISATION_FIELDS if f in values}
                )
                new_organisations.append((row, organisation))
            elif row.decision == ImportRow.Decision.MERGE:
                target = targets[row.merge_into_id]
                changes = target_changes.setdefault(target.pk, {})
                _fill_blanks(target, values, changes, taken_kvk=taken_kvk, taken_brin=taken_brin)
                organisation_of_row[row.number] = target
                sector_links.update((target.pk, sector) for sector in values["sectors"])
        Organisation.objects.bulk_create([org for _row, org in new_organisations])
        for row, organisation in new_organisations:
            organisation_of_row[row.number] = organisation
            created_organisations.append(organisation)
            sector_links.update(
                (organisation.pk, sector) for sector in row.cleaned["organisation"]["sectors"]
            )
        for row in chunk:
            leader = leaders[row.same_as_number or row.number]
            organisation = organisation_of_row.get(leader.number)
            if organisation is None:
                skipped += 1
                continue
            contact_values = row.cleaned["contact"]
            if not contact_values:
                continue
            email = contact_values.get("email", "").lower()
            existing = existing_contacts.get((organisation.pk, email)) if email else None
            if existing is not None:
                changes = contact_changes.setdefault(existing.pk, {})
                for field_name in ("function", "phone"):
                    if contact_values.get(field_name) and not getattr(existing, field_name):
                        changes[field_name] = [None, contact_values[field_name]]
                        setattr(existing, field_name, contact_values[field_name])
                if changes:
                    updated_contacts[existing.pk] = existing
                continue
            contact = Contact(tenant=tenant, organisation=organisation, **contact_values)
            created_contacts.append(contact)
            if email:
                existing_contacts[(organisation.pk, email)] = contact
        progress(min(start + CHUNK_SIZE, len(rows)))

    Contact.objects.bulk_create(created_contacts, batch_size=CHUNK_SIZE)
    SectorLink.objects.bulk_create(
        [SectorLink(organisation_id=org, sector_id=sector) for org, sector in sector_links],
        batch_size=CHUNK_SIZE,
        ignore_conflicts=True,
    )
    changed_targets = [targets[pk] for pk, changes in target_changes.items() if changes]
    for target in changed_targets:
        target.updated_at = now
    fill_fields = [*FILLABLE_FIELDS, "recognised_training_company", "updated_at"]
    Organisation.objects.bulk_update(changed_targets, fill_fields, batch_size=CHUNK_SIZE)
    contacts = [c for pk, c in updated_contacts.items() if contact_changes.get(pk)]
    for contact in contacts:
        contact.updated_at = now
    Contact.objects.bulk_update(
        contacts, ["function", "phone", "updated_at"], batch_size=CHUNK_SIZE
    )

    source = {"import": [None, job.pk]}
    events = [
        _audit_event(
            tenant=tenant,
            actor=actor,
            action="organisation.create",
            target=organisation,
            changes={"name": [None, organisation.name], "kind": [None, organisation.kind]} | source,
        )
        for organisation in created_organisations
    ]
    events += [
        _audit_event(
            tenant=tenant,
            actor=actor,
            action="organisation.update",
            target=target,
            changes=target_changes[target.pk] | source,
        )
        for target in changed_targets
    ]
    events += [
        _audit_event(
            tenant=tenant,
            actor=actor,
            action="contact.create",
            target=contact,
            changes={"organisation": [None, str(contact.organisation)]} | source,
        )
        for contact in created_contacts
    ]
    events += [
        _audit_event(
            tenant=tenant,
            actor=actor,
            action="contact.update",
            target=contact,
            changes=contact_changes[contact.pk] | source,
        )
        for contact in contacts
    ]
    AuditEvent.objects.bulk_create(events, batch_size=CHUNK_SIZE)

    counts = {
        "organisations_created": len(created_organisations),
        "organisations_merged": len(targets),
        "contacts_created": len(created_contacts),
        "contacts_updated": len(contacts),
        "rows_skipped": skipped,
    }
    audit_record(
        tenant=tenant,
        actor=actor,
        action="import.commit",
        target=job,
        changes={name: [None, count] for name, count in counts.items()},
    )
    _forget_rows(tenant=tenant, job=job)
    job.status = ImportJob.Status.DONE
    job.counts = counts
    job.processed_rows = len(rows)
    job.finished_at = timezone.now()
    job.save(
        update_fields=[
            "status",
            "counts",
            "processed_rows",
            "finished_at",
            "committed_by",
            "raw_rows",
        ]
    )


def _forget_rows(*, tenant: Tenant, job: ImportJob) -> None:
    """Once a job is done or failed its rows are of no more use, and they hold personal data
    (names, e-mail addresses) that would otherwise outlive an erasure of the contact: they
    go. The counts, the audit trail and the organisations and contacts themselves remain."""
    ImportRow.objects.for_tenant(tenant).filter(job=job).delete()
    job.raw_rows = []


def _fill_blanks(
    target: Organisation, values: dict, changes: dict, *, taken_kvk: set, taken_brin: set
) -> None:
    """Fill the target's empty fields from a row; never overwrite what is there. A KvK
    number or BRIN code that another organisation has is left out (it would clash)."""
    for field_name in FILLABLE_FIELDS:
        value = values.get(field_name)
        if not value or getattr(target, field_name):
            continue
        if field_name == "kvk_number":
            if value in taken_kvk:
                continue
            taken_kvk.add(value)
        if field_name == "brin_code":
            if value in taken_brin:
                continue
            taken_brin.add(value)
        changes[field_name] = [None, value]
        setattr(target, field_name, value)
    if values.get("recognised_training_company") and not target.recognised_training_company:
        changes["recognised_training_company"] = [False, True]
        target.recognised_training_company = True
