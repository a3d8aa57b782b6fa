"""Progress updates: periods computed from a choice, drafts and submission by the owner or an
editor, the action's health following the update, "my actions" and "updates due", and the
reminder before a period ends (idempotent; run by a real worker)."""

from __future__ import annotations

import datetime

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from agenda.models import Action, ProgressUpdate
from agenda.selectors.updates import (
    period_before,
    period_choices,
    period_of,
    period_parse,
    reminders_due,
    updates_due,
)
from agenda.services.updates import progress_update_reminders_send as reminders_send
from agenda.tests.factories import ActionFactory, ActionLineFactory, ProgressUpdateFactory
from agenda.update_tasks import (
    progress_update_reminders_send,
    progress_update_reminders_send_for_tenant,
)
from portal.models import AuditEvent
from portal.roles import Role

TODAY = timezone.localdate()


def english(client: Client) -> Client:
    client.cookies["portal_language"] = "en"
    return client


@pytest.fixture
def owned_action(tenant_a):
    return ActionFactory(
        tenant=tenant_a.tenant,
        action_line=ActionLineFactory(tenant=tenant_a.tenant, theme__tenant=tenant_a.tenant),
        title="Techniekmuseum",
        owner=tenant_a.member(Role.RELATIONS).user,
        starts_on=datetime.date(2020, 1, 1),
        ends_on=datetime.date(2030, 12, 31),
    )


# --- periods ----------------------------------------------------------------------------------


D = datetime.date


@pytest.mark.parametrize(
    ("kind", "day", "start", "end", "key"),
    [
        ("quarter", D(2026, 8, 15), D(2026, 7, 1), D(2026, 9, 30), "2026-Q3"),
        ("quarter", D(2026, 1, 1), D(2026, 1, 1), D(2026, 3, 31), "2026-Q1"),
        ("quarter", D(2026, 12, 31), D(2026, 10, 1), D(2026, 12, 31), "2026-Q4"),
        ("month", D(2024, 2, 10), D(2024, 2, 1), D(2024, 2, 29), "2024-02"),
        ("month", D(2026, 2, 10), D(2026, 2, 1), D(2026, 2, 28), "2026-02"),
    ],
)
def test_period_boundaries_are_computed(kind, day, start, end, key):
    period = period_of(kind, day)

    assert (period.start, period.end, period.key) == (start, end, key)
    assert period_parse(key) == period
    assert day in period


@pytest.mark.parametrize("key", ["", "2026-Q5", "2026-13", "2026-7", "26-Q1", "2026-Q3; drop"])
def test_malformed_period_keys_are_none(key):
    assert period_parse(key) is None


def test_period_choices_offer_the_current_and_past_quarters_and_months():
    groups = dict(period_choices(today=datetime.date(2026, 8, 15)))

    quarters = [key for key, _label in next(iter(groups.values()))]
    assert quarters[:3] == ["2026-Q3", "2026-Q2", "2026-Q1"]
    assert len(quarters) == 9
    months = [key for key, _label in list(groups.values())[1]]
    assert months[:2] == ["2026-08", "2026-07"]


# --- writing and submitting -------------------------------------------------------------------


def test_owner_writes_a_draft_for_a_chosen_quarter_and_submits_it(
    tenant_a, owned_action, client_for
):
    # given the owner (a relationship manager without edit rights)
    client = english(client_for(tenant_a.member(Role.RELATIONS)))
    slug = tenant_a.tenant.slug

    # when they choose last quarter (say "2026 Q3") and write the draft
    last_quarter = period_before(period_of("quarter", TODAY))
    response = client.post(
        reverse("progress_update_create", args=[slug, owned_action.pk]),
        {
            "period": last_quarter.key,
            "health": "at_risk",
            "done": "Twee scholen begonnen",
            "next_steps": "",
            "risks": "Docententekort",
            "help_needed": "",
        },
    )
    update = ProgressUpdate.objects.for_tenant(tenant_a.tenant).get()

    # then the period's dates are computed, it is a draft, and the action is unchanged so far
    assert response.status_code == 302
    assert (update.period_kind, update.period_start, update.period_end) == (
        "quarter",
        last_quarter.start,
        last_quarter.end,
    )
    assert last_quarter.start.month in (1, 4, 7, 10) and last_quarter.start.day == 1
    assert update.status == ProgressUpdate.Status.DRAFT
    owned_action.refresh_from_db()
    assert owned_action.health == Action.Health.ON_TRACK

    # when they submit it
    submitted = client.post(reverse("progress_update_submit", args=[slug, update.pk]), follow=True)

    # then it is submitted by them, and the action's health (and its reason) follow it
    update.refresh_from_db()
    owned_action.refresh_from_db()
    assert update.status == ProgressUpdate.Status.SUBMITTED
    assert update.submitted_by == tenant_a.member(Role.RELATIONS).user
    assert (owned_action.health, owned_action.health_reason) == ("at_risk", "Docententekort")
    assert "health is now “At risk”" in submitted.content.decode()


def test_period_dates_cannot_be_typed(tenant_a, owned_action, client_for):
    response = english(client_for(tenant_a.member(Role.LEAD))).post(
        reverse("progress_update_create", args=[tenant_a.tenant.slug, owned_action.pk]),
        {"period": "2026-07-01", "health": "on_track", "period_start": "2026-07-01"},
    )

    assert response.status_code == 400
    assert "period" in response.context["form"].errors
    assert not ProgressUpdate.objects.exists()


def test_a_second_update_for_the_same_period_is_refused(tenant_a, owned_action, client_for):
    quarter = period_of("quarter", TODAY)
    ProgressUpdateFactory(
        tenant=tenant_a.tenant,
        action=owned_action,
        period_start=quarter.start,
        period_end=quarter.end,
    )

    response = english(client_for(tenant_a.member(Role.LEAD))).post(
        reverse("progress_update_create", args=[tenant_a.tenant.slug, owned_action.pk]),
        {"period": quarter.key, "health": "on_track"},
    )

    assert response.status_code == 400
    assert response.context["form"].errors["period"] == [
        f"There is already an update of this action for {quarter.label}."
    ]
    assert ProgressUpdate.objects.count() == 1


def test_submit_needs_what_was_done_and_risks_when_at_risk(tenant_a, owned_action, client_for):
    update = ProgressUpdateFactory(
        tenant=tenant_a.tenant, action=owned_action, health="off_track", done=""
    )
    client = english(client_for(tenant_a.member(Role.LEAD)))

    response = client.post(
        reverse("progress_update_submit", args=[tenant_a.tenant.slug, update.pk]), follow=True
    )

    update.refresh_from_db()
    assert update.status == ProgressUpdate.Status.DRAFT
    html = response.content.decode()
    assert "Say what was done in this period before submitting." in html
    assert "Describe the risks" in html


def test_save_and_submit_from_the_edit_form(tenant_a, owned_action, client_for):
    update = ProgressUpdateFactory(tenant=tenant_a.tenant, action=owned_action)
    client = english(client_for(tenant_a.member(Role.RELATIONS)))

    client.post(
        reverse("progress_update_edit", args=[tenant_a.tenant.slug, update.pk]),
        {"health": "on_track", "done": "Open dag gehouden", "submit": "1"},
    )

    update.refresh_from_db()
    assert (update.done, update.status) == ("Open dag gehouden", ProgressUpdate.Status.SUBMITTED)


def test_an_older_period_does_not_overwrite_the_health_of_a_newer_update(tenant_a, owned_action):
    from agenda.services.updates import progress_update_submit

    ProgressUpdateFactory(
        tenant=tenant_a.tenant, action=owned_action, status="approved", health="off_track"
    )
    Action.objects.filter(pk=owned_action.pk).update(health="off_track", health_reason="x")
    older = ProgressUpdateFactory(
        tenant=tenant_a.tenant,
        action=owned_action,
        period_start=datetime.date(2026, 4, 1),
        period_end=datetime.date(2026, 6, 30),
        health="on_track",
        done="Laat ingevuld",
    )

    progress_update_submit(tenant=tenant_a.tenant, actor=None, update=older)

    owned_action.refresh_from_db()
    assert owned_action.health == "off_track"


@pytest.mark.parametrize("role", [Role.COMPANY])
def test_who_is_not_owner_or_editor_may_not_write_updates(tenant_a, owned_action, client_for, role):
    update = ProgressUpdateFactory(tenant=tenant_a.tenant, action=owned_action, done="")
    client = client_for(tenant_a.member(role))

    create = client.post(
        reverse("progress_update_create", args=[tenant_a.tenant.slug, owned_action.pk]),
        {"period": period_of("quarter", TODAY).key, "health": "on_track"},
    )
    edit = client.post(
        reverse("progress_update_edit", args=[tenant_a.tenant.slug, update.pk]),
        {"health": "on_track", "done": "Gekaapt"},
    )

    assert (create.status_code, edit.status_code) == (403, 403)
    update.refresh_from_db()
    assert update.done == "" and ProgressUpdate.objects.count() == 1


# --- my actions and updates due ---------------------------------------------------------------


def test_my_actions_lists_what_the_member_owns(tenant_a, owned_action, client_for):
    ActionFactory(
        tenant=tenant_a.tenant,
        action_line=owned_action.action_line,
        title="Van iemand anders",
        owner=tenant_a.member(Role.LEAD).user,
    )
    ProgressUpdateFactory(tenant=tenant_a.tenant, action=owned_action, status="submitted")

    response = english(client_for(tenant_a.member(Role.RELATIONS))).get(
        reverse("my_actions", args=[tenant_a.tenant.slug])
    )

    html = response.content.decode()
    assert "Techniekmuseum" in html and "Van iemand anders" not in html
    assert "2026 Q3" in html and "(submitted)" in html


def test_updates_due_lists_current_and_missing_previous_periods(tenant_a, owned_action):
    today = datetime.date(2026, 8, 20)
    ProgressUpdateFactory(
        tenant=tenant_a.tenant,
        action=owned_action,
        period_start=datetime.date(2026, 4, 1),
        period_end=datetime.date(2026, 6, 30),
        status="submitted",
    )
    other = ActionFactory(
        tenant=tenant_a.tenant,
        action_line=owned_action.action_line,
        owner=owned_action.owner,
        starts_on=datetime.date(2026, 1, 1),
    )
    ProgressUpdateFactory(tenant=tenant_a.tenant, action=other, status="draft")

    due = updates_due(tenant=tenant_a.tenant, today=today, owner=owned_action.owner)

    pairs = {
        (item.action.pk, item.period.key, item.overdue, item.draft is not None) for item in due
    }
    assert pairs == {
        (owned_action.pk, "2026-Q3", False, False),
        (other.pk, "2026-Q2", True, False),
        (other.pk, "2026-Q3", False, True),
    }


def test_updates_due_page_links_to_the_draft_or_a_new_update(tenant_a, owned_action, client_for):
    response = english(client_for(tenant_a.member(Role.RELATIONS))).get(
        reverse("updates_due", args=[tenant_a.tenant.slug])
    )

    html = response.content.decode()
    current = period_of("quarter", TODAY)
    create_url = reverse("progress_update_create", args=[tenant_a.tenant.slug, owned_action.pk])
    assert response.status_code == 200
    assert f"{create_url}?period={current.key}" in html
    assert current.label in html


# --- reminders --------------------------------------------------------------------------------


def test_reminder_is_sent_once_a_week_before_the_period_ends(tenant_a, owned_action):
    # given an owner without an update for 2026 Q3, six days before it ends
    day = datetime.date(2026, 9, 24)
    mail.outbox.clear()

    # when the reminders run, then run again the same and the next day
    first = reminders_send(tenant=tenant_a.tenant, today=day)
    again = reminders_send(tenant=tenant_a.tenant, today=day)
    next_day = reminders_send(tenant=tenant_a.tenant, today=day + datetime.timedelta(days=1))

    # then one mail went to the owner, and a draft for the period marks it as sent
    assert (first, again, next_day) == (1, 0, 0)
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == [owned_action.owner.email]
    draft = ProgressUpdate.objects.for_tenant(tenant_a.tenant).get(action=owned_action)
    assert (draft.period_start, draft.status) == (datetime.date(2026, 7, 1), "draft")
    assert draft.reminder_sent_at is not None
    assert reverse("progress_update_edit", args=[tenant_a.tenant.slug, draft.pk]) in message.body
    assert (
        AuditEvent.objects.for_tenant(tenant_a.tenant)
        .filter(action="progress_update.reminder_sent")
        .count()
        == 1
    )


def test_no_reminder_too_early_when_submitted_or_without_an_owner(tenant_a, owned_action):
    line = owned_action.action_line
    ActionFactory(tenant=tenant_a.tenant, action_line=line, owner=None)
    ActionFactory(
        tenant=tenant_a.tenant,
        action_line=line,
        owner=tenant_a.member(Role.LEAD).user,
        status=Action.Status.STOPPED,
    )
    submitted = ActionFactory(
        tenant=tenant_a.tenant, action_line=line, owner=tenant_a.member(Role.LEAD).user
    )
    ProgressUpdateFactory(tenant=tenant_a.tenant, action=submitted, status="submitted")

    too_early = reminders_due(tenant=tenant_a.tenant, today=datetime.date(2026, 9, 20))
    in_time = reminders_due(tenant=tenant_a.tenant, today=datetime.date(2026, 9, 24))

    assert too_early == []
    assert [item.action.pk for item in in_time] == [owned_action.pk]


def test_no_reminder_for_an_owner_who_left_the_partnership(tenant_a, owned_action):
    tenant_a.member(Role.RELATIONS).delete()

    assert reminders_due(tenant=tenant_a.tenant, today=datetime.date(2026, 9, 24)) == []


@pytest.mark.django_db(transaction=True)
def test_the_daily_task_sends_reminders_through_a_real_worker(
    tenant_a, owned_action, celery_worker_thread
):
    # given an owner who is due a reminder on 24 September 2026
    mail.outbox.clear()

    # when the daily task runs through the broker, and the tenant's task is redelivered
    dispatched = progress_update_reminders_send.delay(today="2026-09-24").get(timeout=30)
    draft = _wait_for_reminder(tenant_a.tenant)
    again = progress_update_reminders_send_for_tenant.delay(tenant_a.tenant.pk, "2026-09-24").get(
        timeout=30
    )

    # then one task went out per tenant with reporting actions, one reminder was sent
    assert dispatched == 1
    assert draft.reminder_sent_at is not None
    assert again == 0
    assert [message.to for message in mail.outbox] == [[owned_action.owner.email]]


def _wait_for_reminder(tenant, timeout: float = 30.0) -> ProgressUpdate:
    import time

    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        draft = ProgressUpdate.objects.for_tenant(tenant).filter(reminder_sent_at__isnull=False)
        if draft.exists():
            return draft.get()
        time.sleep(0.2)
    raise AssertionError("the worker sent no reminder")


def test_a_task_for_a_tenant_that_is_gone_does_nothing(db):
    assert progress_update_reminders_send_for_tenant.run(999_999, "2026-09-24") == 0


def test_owner_pages_query_count_does_not_grow(tenant_a, owned_action, client_for):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from agenda.tests.factories import MilestoneFactory

    owner = owned_action.owner

    def add(count: int) -> None:
        for _n in range(count):
            action = ActionFactory(
                tenant=tenant_a.tenant, action_line=owned_action.action_line, owner=owner
            )
            MilestoneFactory(tenant=tenant_a.tenant, action=action)
            ProgressUpdateFactory(tenant=tenant_a.tenant, action=action, status="draft")

    def queries(client, name) -> int:
        url = reverse(name, args=[tenant_a.tenant.slug])
        client.get(url)
        with CaptureQueriesContext(connection) as captured:
            assert client.get(url).status_code == 200
        return len(captured)

    client = client_for(tenant_a.member(Role.RELATIONS))
    add(2)
    few = (queries(client, "my_actions"), queries(client, "updates_due"))
    add(4)
    many = (queries(client, "my_actions"), queries(client, "updates_due"))

    assert many == few
