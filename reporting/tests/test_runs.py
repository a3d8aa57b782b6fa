"""Report runs: request (validated, idempotent), generate (PDF stored atomically, done once,
recipients told once), failure (no file, a readable error), retry, download (same bytes,
audited), and two workers on one run."""

from __future__ import annotations

import datetime
import hashlib
import logging
import os
from pathlib import Path

import pytest
from django.conf import settings
from django.core import mail
from django.core.exceptions import ValidationError
from django.core.mail.backends.base import BaseEmailBackend
from django.db import IntegrityError, connection, transaction
from django.utils import timezone, translation

from portal.models import AuditEvent
from portal.roles import Role
from portal.tests.factories import MembershipFactory
from reporting.models import ReportRun, report_storage
from reporting.periods import period_containing, previous_period
from reporting.services import runs as services
from reporting.tests.factories import ReportDefinitionFactory, ReportRunFactory
from reporting.tests.known_dataset import Q1, known_dataset


def _files() -> list[Path]:
    root = Path(settings.REPORTS_ROOT)
    return sorted(path for path in root.rglob("*") if path.is_file())


def _run_of(data, **fields) -> ReportRun:
    return ReportRunFactory(
        tenant=data.tenant,
        definition=data.definition,
        period_start=Q1.start,
        period_end=Q1.end,
        **fields,
    )


# --- request -------------------------------------------------------------------------------


@pytest.mark.django_db
def test_request_refuses_a_period_that_has_not_finished(tenant_a):
    # given a quarterly report and the quarter running today
    definition = ReportDefinitionFactory(tenant=tenant_a.tenant)
    today = timezone.localdate()
    start = datetime.date(today.year, (today.month - 1) // 3 * 3 + 1, 1)

    # when it is requested for the running quarter
    with pytest.raises(ValidationError) as refused:
        services.report_run_request(
            tenant=tenant_a.tenant,
            actor=tenant_a.member(Role.ADMIN).user,
            definition=definition,
            period_start=start,
        )

    # then it is refused on the period, and nothing is made
    assert "period_start" in refused.value.message_dict
    assert not ReportRun.objects.exists()


@pytest.mark.django_db
def test_request_refuses_a_day_that_does_not_start_a_period(tenant_a):
    definition = ReportDefinitionFactory(tenant=tenant_a.tenant)
    with pytest.raises(ValidationError) as refused:
        services.report_run_request(
            tenant=tenant_a.tenant,
            actor=None,
            definition=definition,
            period_start=datetime.date(2026, 2, 1),
        )
    assert "period_start" in refused.value.message_dict
    assert not ReportRun.objects.exists()


@pytest.mark.django_db
def test_request_refuses_a_definition_without_sections(tenant_a):
    # given a definition whose sections were all removed
    definition = ReportDefinitionFactory(tenant=tenant_a.tenant, sections=[])

    # when a report is requested
    with pytest.raises(ValidationError) as refused:
        services.report_run_request(
            tenant=tenant_a.tenant, actor=None, definition=definition, period_start=Q1.start
        )

    # then it is refused on the definition
    assert "definition" in refused.value.message_dict
    assert not ReportRun.objects.exists()


@pytest.mark.django_db
def test_request_refuses_another_tenants_definition(tenant_a, tenant_b):
    definition = ReportDefinitionFactory(tenant=tenant_b.tenant)
    with pytest.raises(ValidationError):
        services.report_run_request(
            tenant=tenant_a.tenant, actor=None, definition=definition, period_start=Q1.start
        )
    assert not ReportRun.objects.exists()


@pytest.mark.django_db
def test_requesting_twice_makes_one_run_and_queues_it_once(
    tenant_a, django_capture_on_commit_callbacks
):
    # given a finished quarter and an admin
    definition = ReportDefinitionFactory(tenant=tenant_a.tenant)
    admin = tenant_a.member(Role.ADMIN).user

    # when the admin asks for its report twice
    with django_capture_on_commit_callbacks() as first_callbacks:
        first = services.report_run_request(
            tenant=tenant_a.tenant, actor=admin, definition=definition, period_start=Q1.start
        )
    with django_capture_on_commit_callbacks() as second_callbacks:
        second = services.report_run_request(
            tenant=tenant_a.tenant, actor=admin, definition=definition, period_start=Q1.start
        )

    # then there is one queued run, queued once, requested once in the audit trail
    assert first.pk == second.pk
    assert (first.status, first.period_end, first.requested_by) == ("queued", Q1.end, admin)
    assert ReportRun.objects.count() == 1
    assert len(first_callbacks) == 1
    assert len(second_callbacks) == 0
    assert AuditEvent.objects.filter(action="report_run.request").count() == 1


@pytest.mark.django_db
@pytest.mark.parametrize("kind", ["month", "quarter", "year"])
def test_request_refuses_a_period_in_the_distant_past(tenant_a, kind):
    # given a report of the kind, and the first day of year 1 (a period start of every kind)
    definition = ReportDefinitionFactory(tenant=tenant_a.tenant, period_kind=kind)

    # when its report is asked for
    with translation.override("en"), pytest.raises(ValidationError) as refused:
        services.report_run_request(
            tenant=tenant_a.tenant,
            actor=None,
            definition=definition,
            period_start=datetime.date(1, 1, 1),
        )

    # then it is refused on the period with a message that says how far back one may go,
    # and no run is made (the worker would have failed on it)
    assert refused.value.error_dict["period_start"][0].code == "too_old"
    assert "Reports go back at most 10 years" in refused.value.message_dict["period_start"][0]
    assert not ReportRun.objects.exists()


@pytest.mark.django_db
def test_request_accepts_periods_up_to_ten_years_back(tenant_a):
    # given a quarterly report, the first quarter that starts at most 10 years ago and the
    # quarter before it
    definition = ReportDefinitionFactory(tenant=tenant_a.tenant)
    earliest = services.earliest_period_start(timezone.localdate())
    oldest_allowed = period_containing("quarter", earliest)
    if oldest_allowed.start < earliest:
        oldest_allowed = period_containing("quarter", oldest_allowed.end + datetime.timedelta(1))
    too_old = previous_period("quarter", oldest_allowed)

    # when both are requested
    run = services.report_run_request(
        tenant=tenant_a.tenant, actor=None, definition=definition, period_start=oldest_allowed.start
    )
    with pytest.raises(ValidationError) as refused:
        services.report_run_request(
            tenant=tenant_a.tenant, actor=None, definition=definition, period_start=too_old.start
        )

    # then the first is made and the second refused
    assert (run.period_start, run.period_end) == (oldest_allowed.start, oldest_allowed.end)
    assert refused.value.error_dict["period_start"][0].code == "too_old"
    assert ReportRun.objects.count() == 1


def test_the_earliest_start_is_ten_years_back_also_from_a_leap_day():
    assert services.earliest_period_start(datetime.date(2026, 5, 17)) == datetime.date(2016, 5, 17)
    assert services.earliest_period_start(datetime.date(2028, 2, 29)) == datetime.date(2018, 2, 28)


@pytest.mark.django_db
def test_one_run_per_period_is_a_constraint_that_leads_with_the_tenant(tenant_a):
    # given a run of Q1
    run = ReportRunFactory(tenant=tenant_a.tenant, period_start=Q1.start, period_end=Q1.end)

    # when the database's unique constraint is read, and a second run of Q1 is inserted
    with connection.cursor() as cursor:
        constraints = connection.introspection.get_constraints(cursor, ReportRun._meta.db_table)
    with pytest.raises(IntegrityError), transaction.atomic():
        ReportRunFactory(
            tenant=tenant_a.tenant,
            definition=run.definition,
            period_start=Q1.start,
            period_end=Q1.end,
        )

    # then the constraint is on (tenant, definition, period) and refuses the second run
    assert constraints["report_run_one_per_period"]["columns"] == [
        "tenant_id",
        "definition_id",
        "period_start",
        "period_end",
    ]
    assert constraints["report_run_one_per_period"]["unique"]
    assert ReportRun.objects.count() == 1


# --- generate ------------------------------------------------------------------------------


@pytest.mark.django_db
def test_generate_stores_the_pdf_and_tells_the_recipients_once(
    tenant_a, django_capture_on_commit_callbacks
):
    # given a known dataset, a funder member and an outside address as recipients
    data = known_dataset(tenant_a.tenant, language="en")
    funder = tenant_a.member(Role.FUNDER)
    data.definition.recipient_memberships.set([funder])
    data.definition.recipient_emails = ["provincie@example.org"]
    data.definition.save()
    run = _run_of(data)
    before = set(_files())

    # when a worker generates the run
    with django_capture_on_commit_callbacks(execute=True):
        result = services.report_run_generate(tenant_id=data.tenant.pk, run_id=run.pk)

    # then the run is done, its PDF stored with its checksum, size and pages
    run.refresh_from_db()
    assert result.pk == run.pk
    assert run.status == ReportRun.Status.DONE
    assert run.attempts == 1
    content = Path(report_storage.path(run.pdf.name)).read_bytes()
    assert content.startswith(b"%PDF-")
    assert run.sha256 == hashlib.sha256(content).hexdigest()
    assert run.size == len(content)
    assert run.pages >= 3
    assert run.figures["summary"]["rows"]
    assert set(_files()) - before == {Path(report_storage.path(run.pdf.name))}
    # and each recipient got one e-mail, in English, with a link and no attachment
    assert sorted(message.to[0] for message in mail.outbox) == [
        funder.user.email,
        "provincie@example.org",
    ]
    message = mail.outbox[0]
    assert message.subject.startswith("Report ready: Voortgang Q1, Q1 2026")
    assert settings.SITE_URL in message.body
    assert not message.attachments
    assert run.notified_at is not None
    assert AuditEvent.objects.filter(action="report_run.done", target_id=str(run.pk)).count() == 1

    # when the task is delivered again
    with django_capture_on_commit_callbacks(execute=True):
        again = services.report_run_generate(tenant_id=data.tenant.pk, run_id=run.pk)

    # then nothing changes: the same file, the same checksum, no second e-mail
    again_run = ReportRun.objects.get(pk=run.pk)
    assert again.status == ReportRun.Status.DONE
    assert (again_run.pdf.name, again_run.sha256, again_run.attempts) == (
        run.pdf.name,
        run.sha256,
        1,
    )
    assert len(mail.outbox) == 2
    assert set(_files()) - before == {Path(report_storage.path(run.pdf.name))}


@pytest.mark.django_db
def test_a_run_whose_worker_died_is_rendered_again(tenant_a):
    # given a run left "running" by a worker that died (no one holds its render lock)
    data = known_dataset(tenant_a.tenant)
    run = _run_of(
        data,
        status=ReportRun.Status.RUNNING,
        attempts=1,
        started_at=timezone.now() - datetime.timedelta(minutes=3),
    )

    # when the redelivered task runs
    services.report_run_generate(tenant_id=data.tenant.pk, run_id=run.pk)

    # then the run is rendered and done, on its second attempt
    run.refresh_from_db()
    assert (run.status, run.attempts) == (ReportRun.Status.DONE, 2)
    assert Path(report_storage.path(run.pdf.name)).is_file()


@pytest.mark.django_db
def test_a_run_another_worker_is_rendering_is_left_alone(tenant_a):
    # given another database session holding the run's render lock (a live worker)
    data = known_dataset(tenant_a.tenant)
    run = _run_of(data)
    other = connection.copy()
    try:
        with other.cursor() as cursor:
            cursor.execute(
                "SELECT pg_advisory_lock(%s, %s)", [services.ADVISORY_LOCK_CLASS, run.pk]
            )

        # when a second delivery of the task runs
        result = services.report_run_generate(tenant_id=data.tenant.pk, run_id=run.pk)
    finally:
        other.close()

    # then it does nothing
    run.refresh_from_db()
    assert result is None
    assert (run.status, run.attempts, run.pdf.name) == (ReportRun.Status.QUEUED, 0, "")


@pytest.mark.django_db
def test_a_failed_render_leaves_no_file_and_a_readable_error(tenant_a, monkeypatch, caplog):
    # given a run whose PDF fails while it is being written to disk (after WeasyPrint)
    data = known_dataset(tenant_a.tenant, language="en")
    run = _run_of(data)
    before = set(_files())

    def disk_full(descriptor):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "fsync", disk_full)

    # when it is generated
    with caplog.at_level(logging.ERROR, logger="reporting.services.runs"):
        result = services.report_run_generate(tenant_id=data.tenant.pk, run_id=run.pk)

    # then it failed with a message for people, the detail is in the log, and no file is left
    run.refresh_from_db()
    assert result.status == run.status == ReportRun.Status.FAILED
    assert run.error.startswith("The report could not be made.")
    assert "No space left" not in run.error
    assert "No space left on device" in caplog.text
    assert (run.pdf.name, run.sha256, run.figures) == ("", "", {})
    assert set(_files()) == before
    assert not mail.outbox


@pytest.mark.django_db
def test_a_weasyprint_failure_fails_the_run(tenant_a, monkeypatch):
    # given WeasyPrint raising while it lays out the report
    import weasyprint

    data = known_dataset(tenant_a.tenant)
    run = _run_of(data)
    before = set(_files())

    def broken(self, *args, **kwargs):
        raise ValueError("layout exploded")

    monkeypatch.setattr(weasyprint.HTML, "render", broken)

    # when the run is generated
    services.report_run_generate(tenant_id=data.tenant.pk, run_id=run.pk)

    # then it failed (in the definition's language: Dutch) and nothing was stored
    run.refresh_from_db()
    assert run.status == ReportRun.Status.FAILED
    assert run.error
    assert "exploded" not in run.error
    assert set(_files()) == before


# --- retry ---------------------------------------------------------------------------------


@pytest.mark.django_db
def test_retry_queues_a_failed_run_again(tenant_a, django_capture_on_commit_callbacks):
    # given a failed run
    data = known_dataset(tenant_a.tenant)
    run = _run_of(data, status=ReportRun.Status.FAILED, error="Mislukt", attempts=1)
    admin = tenant_a.member(Role.ADMIN).user

    # when an admin retries it
    with django_capture_on_commit_callbacks() as callbacks:
        retried = services.report_run_retry(tenant=data.tenant, actor=admin, run=run)

    # then it is queued again, without its error, sent to the workers and audited
    assert (retried.status, retried.error) == (ReportRun.Status.QUEUED, "")
    assert len(callbacks) == 1
    assert AuditEvent.objects.filter(action="report_run.retry", actor=admin).count() == 1

    # and once generated, it is done
    services.report_run_generate(tenant_id=data.tenant.pk, run_id=run.pk)
    run.refresh_from_db()
    assert (run.status, run.attempts) == (ReportRun.Status.DONE, 2)


@pytest.mark.django_db
@pytest.mark.parametrize("status", ["queued", "running"])
def test_only_a_failed_run_can_be_retried(tenant_a, status):
    run = ReportRunFactory(tenant=tenant_a.tenant, status=status)
    with pytest.raises(ValidationError):
        services.report_run_retry(tenant=tenant_a.tenant, actor=None, run=run)
    run.refresh_from_db()
    assert run.status == status


# --- download ------------------------------------------------------------------------------


@pytest.mark.django_db
def test_download_gives_the_same_bytes_every_time_and_is_audited(tenant_a):
    # given a done run
    data = known_dataset(tenant_a.tenant)
    run = _run_of(data)
    services.report_run_generate(tenant_id=data.tenant.pk, run_id=run.pk)
    run.refresh_from_db()
    funder = tenant_a.member(Role.FUNDER).user

    # when a funder downloads it twice
    first = services.report_run_download(tenant=data.tenant, actor=funder, run=run)
    second = services.report_run_download(tenant=data.tenant, actor=funder, run=run)

    # then both are the stored bytes, named after the report and its period, and both audited
    assert first.content == second.content
    assert hashlib.sha256(first.content).hexdigest() == run.sha256
    assert first.filename == "voortgang-q1-2026-01-01-2026-03-31.pdf"
    assert AuditEvent.objects.filter(action="report_run.download", actor=funder).count() == 2


@pytest.mark.django_db
def test_a_run_that_is_not_done_cannot_be_downloaded(tenant_a):
    run = ReportRunFactory(tenant=tenant_a.tenant)
    with pytest.raises(ValidationError):
        services.report_run_download(tenant=tenant_a.tenant, actor=None, run=run)
    assert not AuditEvent.objects.filter(action="report_run.download").exists()


@pytest.mark.django_db
def test_a_damaged_pdf_is_not_handed_out(tenant_a):
    # given a done run whose file was changed on disk
    data = known_dataset(tenant_a.tenant)
    run = _run_of(data)
    services.report_run_generate(tenant_id=data.tenant.pk, run_id=run.pk)
    run.refresh_from_db()
    Path(report_storage.path(run.pdf.name)).write_bytes(b"%PDF-1.7 tampered")

    # when it is downloaded, it is refused
    with pytest.raises(ValidationError):
        services.report_run_download(tenant=data.tenant, actor=None, run=run)


@pytest.mark.django_db
def test_another_tenants_run_is_not_found(tenant_a, tenant_b):
    run = ReportRunFactory(tenant=tenant_b.tenant)
    with pytest.raises(ReportRun.DoesNotExist):
        services.report_run_download(tenant=tenant_a.tenant, actor=None, run=run)


class RefusingEmailBackend(BaseEmailBackend):
    """A mail server that is down: what leaves the machine is the only thing faked here."""

    def send_messages(self, email_messages):
        raise ConnectionRefusedError("mail server down")


@pytest.mark.django_db
def test_an_email_the_mail_server_refused_is_sent_by_a_later_dispatch(
    tenant_a, django_capture_on_commit_callbacks, settings
):
    # given a run with an outside recipient, finished while the mail server is down
    data = known_dataset(tenant_a.tenant, language="en")
    data.definition.recipient_emails = ["provincie@example.org"]
    data.definition.save()
    run = _run_of(data)
    settings.EMAIL_BACKEND = f"{__name__}.RefusingEmailBackend"
    with django_capture_on_commit_callbacks(execute=True):
        services.report_run_generate(tenant_id=data.tenant.pk, run_id=run.pk)
    run.refresh_from_db()
    assert run.status == ReportRun.Status.DONE
    assert run.notified_at is None
    assert not mail.outbox

    # when the mail server is back and the periodic dispatch looks, soon and later
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    soon = services.report_runs_notify_pending(now=run.finished_at + datetime.timedelta(minutes=1))
    later = services.report_runs_notify_pending(now=run.finished_at + datetime.timedelta(minutes=3))
    again = services.report_runs_notify_pending(now=run.finished_at + datetime.timedelta(minutes=8))

    # then the e-mail goes out once, after the grace period, and the run is marked notified
    assert (soon, later, again) == ([], [run.pk], [])
    assert [message.to for message in mail.outbox] == [["provincie@example.org"]]
    run.refresh_from_db()
    assert run.notified_at is not None


@pytest.mark.django_db
def test_recipients_who_left_the_tenant_get_no_email(tenant_a, django_capture_on_commit_callbacks):
    # given a recipient member who has since been made inactive
    data = known_dataset(tenant_a.tenant)
    gone = MembershipFactory(tenant=data.tenant, role=Role.FUNDER, user__is_active=False)
    data.definition.recipient_memberships.set([gone])
    run = _run_of(data)

    # when the run is done
    with django_capture_on_commit_callbacks(execute=True):
        services.report_run_generate(tenant_id=data.tenant.pk, run_id=run.pk)

    # then nobody is e-mailed
    assert ReportRun.objects.get(pk=run.pk).status == ReportRun.Status.DONE
    assert not mail.outbox
