"""The daily tasks of the stage market: called directly for their effect, and the expiry
and retention tasks once through a real Celery worker on the broker."""

from __future__ import annotations

import datetime
import time

import pytest
from django.core import mail
from django.utils import timezone, translation
from django.utils.formats import date_format

from internships import tasks
from internships.models import Application, ApplicationMessage, Opportunity, Placement
from internships.services import scheduled
from internships.tests.factories import (
    ApplicationFactory,
    ApplicationMessageFactory,
    InternshipSettingsFactory,
    PlacementFactory,
)
from internships.tests.stage_world import company_member, days, published, today
from portal.celery import app
from portal.models import AuditEvent
from portal.services import audit_record


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


# --- expiry reminders -------------------------------------------------------------------------


def test_the_company_is_reminded_once_fourteen_days_before_expiry(
    tenant_a, mailoutbox, django_capture_on_commit_callbacks
):
    # given published opportunities expiring in 14 days (by deadline), in 10 (by end), in 15,
    # and a draft expiring in 5
    by_deadline = published(tenant_a, application_deadline=days(14), ends_on=days(100))
    by_end = published(tenant_a, application_deadline=None, starts_on=days(-30), ends_on=days(10))
    later = published(tenant_a, application_deadline=days(15), ends_on=days(100))
    published(tenant_a, status=Opportunity.Status.DRAFT, application_deadline=days(5))

    # when the daily task runs, twice
    with django_capture_on_commit_callbacks(execute=True):
        first = tasks.opportunity_expiry_reminders_send(tenant_a.tenant.pk)
    with django_capture_on_commit_callbacks(execute=True):
        second = tasks.opportunity_expiry_reminders_send(tenant_a.tenant.pk)

    # then the two due ones are reminded once, by e-mail to the company's member
    assert (first, second) == (2, 0)
    reminded = Opportunity.objects.filter(expiry_reminder_sent_at__isnull=False)
    assert set(reminded) == {by_deadline, by_end}
    later.refresh_from_db()
    assert later.expiry_reminder_sent_at is None
    assert len(mailoutbox) == 2
    assert {tuple(message.to) for message in mailoutbox} == {(company_member(tenant_a).user.email,)}
    assert any(by_end.title in message.subject for message in mailoutbox)


def test_the_reminder_is_written_in_the_tenants_language(
    tenant_a, mailoutbox, django_capture_on_commit_callbacks
):
    # given a Dutch tenant and an opportunity whose deadline is in 14 days
    tenant_a.tenant.default_language = "nl"
    tenant_a.tenant.save()
    opportunity = published(tenant_a, application_deadline=days(14))

    # when the task runs while English is active
    with django_capture_on_commit_callbacks(execute=True):
        scheduled.opportunity_expiry_reminders_send(tenant=tenant_a.tenant)

    # then the date is in Dutch
    with translation.override("nl"):
        dutch = date_format(opportunity.application_deadline, "j F Y")
    with translation.override("en"):
        english = date_format(opportunity.application_deadline, "j F Y")
    assert dutch in mailoutbox[0].subject
    assert english not in mailoutbox[0].subject


# --- closing expired ones ----------------------------------------------------------------------


def test_published_opportunities_past_their_end_close_themselves(tenant_a):
    # given one published that ended yesterday, one that ends today, a filled one that ended
    ended = published(tenant_a, starts_on=days(-60), ends_on=days(-1), application_deadline=None)
    current = published(tenant_a, starts_on=days(-60), ends_on=today(), application_deadline=None)
    filled = published(
        tenant_a,
        status=Opportunity.Status.FILLED,
        starts_on=days(-60),
        ends_on=days(-1),
        application_deadline=None,
    )

    # when the task runs
    closed = tasks.opportunities_close_expired(tenant_a.tenant.pk)

    # then only the published one that ended is closed, by nobody, audited
    for opportunity in (ended, current, filled):
        opportunity.refresh_from_db()
    assert closed == 1
    assert ended.status == Opportunity.Status.CLOSED and ended.closed_at
    assert current.status == Opportunity.Status.PUBLISHED
    assert filled.status == Opportunity.Status.FILLED
    event = AuditEvent.objects.get(action="opportunity.expire")
    assert event.actor is None and event.target_id == str(ended.pk)


# --- placements start on their date ------------------------------------------------------------


def test_planned_placements_become_active_on_their_start_date(
    tenant_a, mailoutbox, django_capture_on_commit_callbacks
):
    tenant_a.tenant.default_language = "en"  # mail goes out in the tenant's language
    tenant_a.tenant.save(update_fields=["default_language"])
    # given a planned placement starting today, one starting tomorrow, one already active
    opportunity = published(tenant_a, places=5)
    due = PlacementFactory(
        application__opportunity=opportunity, application__school=tenant_a.school, starts_on=today()
    )
    tomorrow = PlacementFactory(
        application__opportunity=opportunity,
        application__school=tenant_a.school,
        starts_on=days(1),
    )

    # when the task runs
    with django_capture_on_commit_callbacks(execute=True):
        started = tasks.placements_start_due(tenant_a.tenant.pk)

    # then only today's is active, and the company's member heard of it
    due.refresh_from_db()
    tomorrow.refresh_from_db()
    assert started == 1
    assert (due.status, tomorrow.status) == (Placement.Status.ACTIVE, Placement.Status.PLANNED)
    assert [message.to for message in mailoutbox] == [[company_member(tenant_a).user.email]]
    assert "has started" in mailoutbox[0].subject


# --- anonymising student data ------------------------------------------------------------------


def ended_placement(world, *, ended_days_ago: int) -> Placement:
    ends_on = today() - datetime.timedelta(days=ended_days_ago)
    placement = PlacementFactory(
        application__opportunity=published(world, places=5),
        application__school=world.school,
        application__note="Heeft dyslexie.",
        starts_on=ends_on - datetime.timedelta(days=90),
        ends_on=ends_on,
        status=Placement.Status.COMPLETED,
        school_rating=4,
        school_evaluation="Sem deed het goed.",
    )
    ApplicationMessageFactory(application=placement.application, body="Sem komt maandag.")
    audit_record(
        tenant=world.tenant,
        actor=None,
        action="application.accept",
        target=placement.application,
    )
    return placement


def test_student_data_is_anonymised_after_the_default_twelve_months(tenant_a):
    # given a placement that ended 13 months ago, and one that ended 11 months ago
    old = ended_placement(tenant_a, ended_days_ago=400)
    recent = ended_placement(tenant_a, ended_days_ago=330)
    messages_before = ApplicationMessage.objects.count()

    # when the retention task runs (no settings row: 12 months)
    count = tasks.student_data_anonymise(tenant_a.tenant.pk)

    # then the old one's student data, note, messages and texts are gone; counts and
    # ratings remain; the recent one is untouched
    assert count == 1
    application = Application.objects.get(pk=old.application_id)
    assert application.anonymised_at is not None
    assert (
        application.student_first_name,
        application.student_last_initial,
        application.student_programme,
        application.note,
    ) == ("", "", "", "")
    assert application.student_level == "mbo3"
    assert application.student_display == "Anonymised student"
    assert list(application.messages.values_list("body", flat=True)) == [""]
    assert ApplicationMessage.objects.count() == messages_before
    old.refresh_from_db()
    assert (old.school_rating, old.school_evaluation) == (4, "")
    # ... the audit trail no longer names the student
    assert not AuditEvent.objects.filter(target_repr__contains="Sem").exclude(
        target_id=str(recent.application_id)
    )
    recent_application = Application.objects.get(pk=recent.application_id)
    assert recent_application.student_first_name == "Sem"
    assert recent_application.anonymised_at is None
    # ... and a second run has nothing left to do
    assert tasks.student_data_anonymise(tenant_a.tenant.pk) == 0


def test_the_tenant_sets_the_retention_period(tenant_a):
    # given a tenant that keeps student data 6 months, and a placement ended 7 months ago
    InternshipSettingsFactory(tenant=tenant_a.tenant, anonymise_after_months=6)
    placement = ended_placement(tenant_a, ended_days_ago=215)

    # when the task runs, then it is anonymised
    assert tasks.student_data_anonymise(tenant_a.tenant.pk) == 1
    placement.application.refresh_from_db()
    assert placement.application.anonymised_at is not None


def test_declined_applications_are_anonymised_after_the_period_and_open_ones_wait(tenant_a):
    # given a declined application decided 13 months ago, and an open one from then
    long_ago = timezone.now() - datetime.timedelta(days=400)
    declined = ApplicationFactory(
        opportunity=published(tenant_a),
        school=tenant_a.school,
        status=Application.Status.DECLINED,
        decided_at=long_ago,
    )
    waiting = ApplicationFactory(
        opportunity=published(tenant_a), school=tenant_a.school, created_at=long_ago
    )

    # when the task runs
    scheduled.student_data_anonymise(tenant=tenant_a.tenant)

    # then the declined one is anonymised, the open one keeps its data
    declined.refresh_from_db()
    waiting.refresh_from_db()
    assert declined.anonymised_at is not None and declined.student_first_name == ""
    assert waiting.anonymised_at is None and waiting.student_first_name == "Sem"


def test_the_retention_task_stays_inside_its_tenant(tenant_a, tenant_b):
    old_b = ended_placement(tenant_b, ended_days_ago=400)
    tasks.student_data_anonymise(tenant_a.tenant.pk)
    old_b.application.refresh_from_db()
    assert old_b.application.anonymised_at is None


def test_the_beat_schedule_names_the_four_tasks():
    # given the schedule offered for settings, then each entry names a registered task
    names = {entry["task"] for entry in tasks.BEAT_SCHEDULE.values()}
    assert names == {
        "internships.tasks.opportunity_expiry_reminders_send",
        "internships.tasks.opportunities_close_expired",
        "internships.tasks.placements_start_due",
        "internships.tasks.student_data_anonymise",
    }
    assert names <= set(app.tasks)
    assert all(app.tasks[name].acks_late for name in names)


# --- through a real worker ---------------------------------------------------------------------


def wait_until(condition, timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.2)
    raise AssertionError("the worker did not finish in time")


@pytest.mark.django_db(transaction=True)
def test_the_worker_sends_the_expiry_reminders_of_each_tenant(
    celery_worker_thread, tenant_a, tenant_b
):
    # given an expiring opportunity in each of two tenants
    mail.outbox = []
    in_a = published(tenant_a, application_deadline=days(7))
    in_b = published(tenant_b, application_deadline=days(3))

    # when beat's call (without a tenant) goes through the broker to the worker
    result = tasks.opportunity_expiry_reminders_send.delay()

    # then it fans out per tenant, and each tenant's company is reminded
    assert result.get(timeout=30) == 2
    wait_until(
        lambda: (
            Opportunity.objects.filter(
                pk__in=[in_a.pk, in_b.pk], expiry_reminder_sent_at__isnull=False
            ).count()
            == 2
        )
    )
    wait_until(lambda: len(mail.outbox) == 2)
    assert {message.to[0] for message in mail.outbox} == {
        company_member(tenant_a).user.email,
        company_member(tenant_b).user.email,
    }


@pytest.mark.django_db(transaction=True)
def test_the_worker_anonymises_student_data_past_retention(celery_worker_thread, tenant_a):
    # given a placement that ended 13 months ago
    placement = ended_placement(tenant_a, ended_days_ago=400)

    # when the retention task for the tenant goes through the broker to the worker
    result = tasks.student_data_anonymise.delay(tenant_a.tenant.pk)

    # then the worker anonymised it
    assert result.get(timeout=30) == 1
    application = Application.objects.get(pk=placement.application_id)
    assert application.anonymised_at is not None
    assert application.student_first_name == ""
