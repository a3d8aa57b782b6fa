"""The daily agreement reminder: who gets it, when, exactly once; run directly and through a
real Celery worker, as celery beat schedules it."""

from __future__ import annotations

import datetime

import pytest
from django.conf import settings
from django.core import mail
from django.utils import timezone

from partnerships.models import Agreement
from partnerships.services.agreements import agreement_reminders_send as send_for_tenant
from partnerships.tasks import agreement_reminders_send
from partnerships.tests.factories import AgreementFactory
from portal.celery import app
from portal.models import AuditEvent
from portal.roles import Role
from portal.tests.factories import MembershipFactory, TenantFactory

TODAY = timezone.localdate()


def days(n: int) -> datetime.date:
    return TODAY + datetime.timedelta(days=n)


def due_agreement(world, **values) -> Agreement:
    """Ends in 30 days with a 60-day reminder: inside its window."""
    values = {
        "tenant": world.tenant,
        "title": "Convenant Techniekpact",
        "starts_on": days(-300),
        "ends_on": days(30),
        "remind_days_before_end": 60,
        "created_by": world.member(Role.RELATIONS).user,
    } | values
    agreement = AgreementFactory(**values)
    agreement.parties.set([world.school, world.company])
    return agreement


def recipients() -> list[str]:
    return sorted(address for message in mail.outbox for address in message.to)


def test_due_agreement_reminds_the_admins_and_the_creator_once(tenant_a, mailoutbox):
    # given an agreement in its reminder window, entered by a relationship manager, and a second
    # programme office member
    agreement = due_agreement(tenant_a)
    second_admin = MembershipFactory(tenant=tenant_a.tenant, role=Role.ADMIN).user

    # when the reminders are sent, twice
    first = send_for_tenant(tenant=tenant_a.tenant, today=TODAY)
    second = send_for_tenant(tenant=tenant_a.tenant, today=TODAY)

    # then each admin and the creator got one e-mail each, the second run sent nothing
    assert (first, second) == (1, 0)
    assert recipients() == sorted(
        [
            tenant_a.member(Role.ADMIN).user.email,
            second_admin.email,
            tenant_a.member(Role.RELATIONS).user.email,
        ]
    )
    assert all(len(message.to) == 1 for message in mailoutbox)
    message = mailoutbox[0]
    assert "Convenant Techniekpact" in message.subject
    assert f"/{tenant_a.tenant.slug}/agreements/{agreement.pk}/" in message.body
    assert tenant_a.school.name in message.body
    agreement.refresh_from_db()
    assert agreement.reminder_sent_at is not None
    event = AuditEvent.objects.for_tenant(tenant_a.tenant).get(action="agreement.reminder_sent")
    assert event.changes == {"recipients": [None, 3]}


@pytest.mark.parametrize(
    "values",
    [
        {"ends_on": days(61)},  # the window opens tomorrow
        {"ends_on": days(-1)},  # already ended
        {"ends_on": None},  # no end
        {"status": Agreement.Status.DRAFT},
        {"status": Agreement.Status.TERMINATED},
        {"reminder_sent_at": timezone.now()},  # already reminded
    ],
)
def test_agreements_outside_their_window_are_not_reminded(values, tenant_a, mailoutbox):
    due_agreement(tenant_a, **values)
    assert send_for_tenant(tenant=tenant_a.tenant, today=TODAY) == 0
    assert mailoutbox == []


def test_window_opens_exactly_n_days_before_the_end(tenant_a, mailoutbox):
    due_agreement(tenant_a, ends_on=days(60), remind_days_before_end=60)
    assert send_for_tenant(tenant=tenant_a.tenant, today=TODAY - datetime.timedelta(days=1)) == 0
    assert send_for_tenant(tenant=tenant_a.tenant, today=TODAY) == 1


def test_a_creator_who_left_is_not_mailed_and_other_tenants_admins_never(
    tenant_a, tenant_b, mailoutbox
):
    # given a due agreement whose creator is no longer a member, and another tenant's admins
    due_agreement(tenant_a, created_by=tenant_b.member(Role.ADMIN).user)

    # when the reminders are sent
    send_for_tenant(tenant=tenant_a.tenant, today=TODAY)

    # then only A's programme office hears of it
    assert recipients() == [tenant_a.member(Role.ADMIN).user.email]


def test_the_daily_task_covers_every_tenant(tenant_a, tenant_b, mailoutbox):
    # given a due agreement in each of two tenants
    due_agreement(tenant_a)
    due_agreement(tenant_b)

    # when the beat task runs (called directly)
    sent = agreement_reminders_send()

    # then both are reminded, each to its own tenant's people, and a rerun sends nothing
    assert sent == 2
    assert tenant_a.member(Role.ADMIN).user.email in recipients()
    assert tenant_b.member(Role.ADMIN).user.email in recipients()
    assert agreement_reminders_send() == 0


def test_beat_schedules_the_reminder_daily():
    entry = settings.CELERY_BEAT_SCHEDULE["partnerships-agreement-reminders"]
    assert entry["task"] == agreement_reminders_send.name
    assert entry["task"] in app.tasks
    assert entry["schedule"].hour == {7} and entry["schedule"].minute == {0}


@pytest.mark.django_db(transaction=True)
def test_reminder_task_runs_in_a_real_worker(celery_worker_thread, mailoutbox):
    # given a tenant with an admin and a due agreement
    tenant = TenantFactory()
    admin = MembershipFactory(tenant=tenant, role=Role.ADMIN).user
    agreement = AgreementFactory(
        tenant=tenant, starts_on=days(-100), ends_on=days(10), remind_days_before_end=30
    )

    # when the task goes through the broker to the worker
    result = agreement_reminders_send.delay()

    # then the worker sent the reminder and marked it
    assert result.get(timeout=30) == 1
    assert [message.to for message in mailoutbox] == [[admin.email]]
    agreement.refresh_from_db()
    assert agreement.reminder_sent_at is not None
