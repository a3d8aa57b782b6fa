"""The lock workflow: an approved update locks its period for the action. The update and the
action's milestones dated in it are refused changes with a clear message; only agenda
approvers approve and reopen; reopening needs a reason and is audited (who, when, why)."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse

from agenda.models import ProgressUpdate
from agenda.selectors.updates import locked_update_covering, period_parse
from agenda.services.milestones import milestone_create, milestone_mark_done
from agenda.services.updates import (
    period_lock_check,
    progress_update_approve,
    progress_update_create,
    progress_update_edit,
    progress_update_reopen,
)
from agenda.tests.factories import (
    ActionFactory,
    ActionLineFactory,
    MilestoneFactory,
    ProgressUpdateFactory,
)
from portal.models import AuditEvent
from portal.roles import Role

Q3_DAY = datetime.date(2026, 8, 14)


def english(client: Client) -> Client:
    client.cookies["portal_language"] = "en"
    return client


@pytest.fixture
def action(tenant_a):
    return ActionFactory(
        tenant=tenant_a.tenant,
        action_line=ActionLineFactory(tenant=tenant_a.tenant, theme__tenant=tenant_a.tenant),
        owner=tenant_a.member(Role.RELATIONS).user,
    )


@pytest.fixture
def submitted(tenant_a, action):
    """The 2026 Q3 update of the action, submitted and waiting for approval."""
    return ProgressUpdateFactory(
        tenant=tenant_a.tenant,
        action=action,
        status=ProgressUpdate.Status.SUBMITTED,
        done="Vier gastlessen",
    )


def test_approver_approves_and_the_period_locks(tenant_a, action, submitted, client_for):
    # given a submitted update
    client = english(client_for(tenant_a.member(Role.ADMIN)))
    slug = tenant_a.tenant.slug

    # when the programme office approves it
    response = client.post(
        reverse("progress_update_approve", args=[slug, submitted.pk]), follow=True
    )

    # then it is approved by them and 2026 Q3 is locked for the action
    submitted.refresh_from_db()
    assert submitted.status == ProgressUpdate.Status.APPROVED
    assert submitted.approved_by == tenant_a.member(Role.ADMIN).user
    assert "2026 Q3 is now locked for this action" in response.content.decode()
    locked = locked_update_covering(tenant=tenant_a.tenant, action_id=action.pk, days=[Q3_DAY])
    assert locked == submitted


def test_an_edit_in_a_locked_period_is_refused_and_nothing_changes(
    tenant_a, action, submitted, client_for
):
    progress_update_approve(tenant=tenant_a.tenant, actor=None, update=submitted)
    client = english(client_for(tenant_a.member(Role.RELATIONS)))
    url = reverse("progress_update_edit", args=[tenant_a.tenant.slug, submitted.pk])

    page = client.get(url)
    response = client.post(url, {"health": "off_track", "done": "Achteraf herschreven"})

    assert "is locked" in page.content.decode()
    assert "<textarea" not in page.content.decode()
    assert response.status_code == 409
    assert "Ask a programme lead to reopen the update" in response.content.decode()
    submitted.refresh_from_db()
    assert (submitted.done, submitted.health) == ("Vier gastlessen", "on_track")


def test_service_refuses_locked_edits_too(tenant_a, action, submitted):
    progress_update_approve(tenant=tenant_a.tenant, actor=None, update=submitted)

    with pytest.raises(ValidationError) as refused:
        progress_update_edit(
            tenant=tenant_a.tenant,
            actor=None,
            update=submitted,
            health="on_track",
            done="x",
            next_steps="",
            risks="",
            help_needed="",
        )

    assert refused.value.code == "locked"


def test_a_monthly_update_inside_a_locked_quarter_is_refused(tenant_a, action, submitted):
    progress_update_approve(tenant=tenant_a.tenant, actor=None, update=submitted)

    with pytest.raises(ValidationError) as refused:
        progress_update_create(
            tenant=tenant_a.tenant,
            actor=None,
            action=action,
            period=period_parse("2026-08"),
            health="on_track",
        )

    assert "locked" in refused.value.message_dict["period"][0]
    assert ProgressUpdate.objects.count() == 1


def test_milestones_dated_in_a_locked_period_are_refused(tenant_a, action, submitted, client_for):
    # given a locked 2026 Q3 and a milestone due in it
    progress_update_approve(tenant=tenant_a.tenant, actor=None, update=submitted)
    milestone = MilestoneFactory(
        tenant=tenant_a.tenant, action=action, title="Open dag", due_on=datetime.date(2026, 9, 1)
    )
    client = english(client_for(tenant_a.member(Role.LEAD)))

    # when the lead marks it done in the locked quarter, or renames it
    done = client.post(
        reverse("milestone_done", args=[tenant_a.tenant.slug, milestone.pk]),
        {"done_on": "2026-09-01", "evidence": "Foto's"},
    )
    renamed = client.post(
        reverse("milestone_edit", args=[tenant_a.tenant.slug, milestone.pk]),
        {"title": "Anders", "due_on": "2026-09-01", "done_on": "", "evidence": ""},
    )

    # then both are refused with the lock message, and nothing changed
    assert done.status_code == 400 and renamed.status_code == 400
    assert "2026 Q3 of this action is locked" in done.content.decode()
    milestone.refresh_from_db()
    assert (milestone.title, milestone.done_on) == ("Open dag", None)
    with pytest.raises(ValidationError):
        milestone_create(
            tenant=tenant_a.tenant,
            actor=None,
            action=action,
            title="Achteraf",
            due_on=datetime.date(2026, 7, 15),
        )


def test_a_late_milestone_from_a_locked_quarter_can_be_done_in_an_open_one(tenant_a, action):
    # given 2024 Q3 locked, and a milestone due in it that was reached in October
    ProgressUpdateFactory(
        tenant=tenant_a.tenant,
        action=action,
        period_start=datetime.date(2024, 7, 1),
        period_end=datetime.date(2024, 9, 30),
        status=ProgressUpdate.Status.APPROVED,
    )
    milestone = MilestoneFactory(
        tenant=tenant_a.tenant, action=action, due_on=datetime.date(2024, 9, 1)
    )

    # when it is marked done on a date outside the locked quarter
    milestone_mark_done(
        tenant=tenant_a.tenant,
        actor=None,
        milestone=milestone,
        done_on=datetime.date(2024, 10, 2),
        evidence="Verslag",
    )

    # then that is accepted: what was reported for Q3 (not done yet) stays true
    milestone.refresh_from_db()
    assert milestone.done_on == datetime.date(2024, 10, 2)


def test_lock_check_is_per_action(tenant_a, action, submitted):
    progress_update_approve(tenant=tenant_a.tenant, actor=None, update=submitted)
    other = ActionFactory(tenant=tenant_a.tenant, action_line=action.action_line)

    period_lock_check(tenant=tenant_a.tenant, action_id=other.pk, days=[Q3_DAY])
    with pytest.raises(ValidationError):
        period_lock_check(tenant=tenant_a.tenant, action_id=action.pk, days=[Q3_DAY])


@pytest.mark.parametrize("role", [Role.RELATIONS, Role.COMPANY])
def test_the_owner_cannot_approve_their_own_update(tenant_a, submitted, client_for, role):
    response = client_for(tenant_a.member(role)).post(
        reverse("progress_update_approve", args=[tenant_a.tenant.slug, submitted.pk])
    )

    assert response.status_code == 403
    submitted.refresh_from_db()
    assert submitted.status == ProgressUpdate.Status.SUBMITTED


def test_a_draft_cannot_be_approved(tenant_a, action, client_for):
    draft = ProgressUpdateFactory(tenant=tenant_a.tenant, action=action)

    response = english(client_for(tenant_a.member(Role.LEAD))).post(
        reverse("progress_update_approve", args=[tenant_a.tenant.slug, draft.pk]), follow=True
    )

    assert "Only a submitted update can be approved" in response.content.decode()
    draft.refresh_from_db()
    assert draft.status == ProgressUpdate.Status.DRAFT


def test_reopening_needs_a_reason_and_is_audited(tenant_a, action, submitted, client_for):
    # given an approved update
    progress_update_approve(
        tenant=tenant_a.tenant, actor=tenant_a.member(Role.ADMIN).user, update=submitted
    )
    client = english(client_for(tenant_a.member(Role.LEAD)))
    url = reverse("progress_update_reopen", args=[tenant_a.tenant.slug, submitted.pk])

    # when the lead tries without a reason, then with one
    without = client.post(url, {"reason": "  "})
    with_reason = client.post(url, {"reason": "Cijfers van de provincie gecorrigeerd"})

    # then the first is refused, the second reopens it as a draft
    assert without.status_code == 400
    assert with_reason.status_code == 302
    submitted.refresh_from_db()
    assert (submitted.status, submitted.approved_by) == (ProgressUpdate.Status.DRAFT, None)

    # and the audit trail says who, when and why, shown on the update's page
    event = AuditEvent.objects.for_tenant(tenant_a.tenant).get(action="progress_update.reopen")
    assert event.actor == tenant_a.member(Role.LEAD).user
    assert event.changes["reason"] == [None, "Cijfers van de provincie gecorrigeerd"]
    assert event.changes["approved_by"][0] == str(tenant_a.member(Role.ADMIN).user)
    page = client.get(reverse("progress_update_detail", args=[tenant_a.tenant.slug, submitted.pk]))
    assert "Cijfers van de provincie gecorrigeerd" in page.content.decode()
    assert event.created_at is not None

    # and the period is open again: the owner can change the draft
    progress_update_edit(
        tenant=tenant_a.tenant,
        actor=None,
        update=submitted,
        health="at_risk",
        done="Gecorrigeerd",
        next_steps="",
        risks="Vertraging",
        help_needed="",
    )
    submitted.refresh_from_db()
    assert submitted.done == "Gecorrigeerd"


def test_only_approvers_reopen(tenant_a, action, submitted, client_for):
    progress_update_approve(tenant=tenant_a.tenant, actor=None, update=submitted)

    response = client_for(tenant_a.member(Role.RELATIONS)).post(
        reverse("progress_update_reopen", args=[tenant_a.tenant.slug, submitted.pk]),
        {"reason": "Ik wil het anders"},
    )

    assert response.status_code == 403
    submitted.refresh_from_db()
    assert submitted.status == ProgressUpdate.Status.APPROVED


def test_a_draft_is_not_reopened(tenant_a, action):
    draft = ProgressUpdateFactory(tenant=tenant_a.tenant, action=action)

    with pytest.raises(ValidationError):
        progress_update_reopen(tenant=tenant_a.tenant, actor=None, update=draft, reason="x")


def test_withdrawing_a_submitted_update_makes_it_editable(tenant_a, action, submitted, client_for):
    client = english(client_for(tenant_a.member(Role.RELATIONS)))
    slug = tenant_a.tenant.slug

    refused = client.post(
        reverse("progress_update_edit", args=[slug, submitted.pk]),
        {"health": "on_track", "done": "Aangepast"},
    )
    client.post(reverse("progress_update_withdraw", args=[slug, submitted.pk]))
    accepted = client.post(
        reverse("progress_update_edit", args=[slug, submitted.pk]),
        {"health": "on_track", "done": "Aangepast"},
    )

    assert refused.status_code == 409
    assert accepted.status_code == 302
    submitted.refresh_from_db()
    assert (submitted.status, submitted.done) == (ProgressUpdate.Status.DRAFT, "Aangepast")


def test_a_measurement_in_a_locked_period_is_refused(tenant_a):
    # given an approved (locked) quarterly update of an action with an indicator
    import datetime

    import pytest as _pytest
    from django.core.exceptions import ValidationError

    from agenda.models import Measurement, ProgressUpdate
    from agenda.services.indicators import measurement_create
    from agenda.tests.factories import ActionFactory, IndicatorFactory, ProgressUpdateFactory

    tenant = tenant_a.tenant
    action = ActionFactory(action_line__theme__tenant=tenant)
    indicator = IndicatorFactory(action=action, baseline_on=datetime.date(2025, 1, 1))
    ProgressUpdateFactory(
        action=action,
        period_start=datetime.date(2026, 4, 1),
        period_end=datetime.date(2026, 6, 30),
        status=ProgressUpdate.Status.APPROVED,
    )

    # when a measurement dated inside that quarter is entered
    with _pytest.raises(ValidationError) as refused:
        measurement_create(
            tenant=tenant,
            actor=tenant_a.member("lead").user,
            indicator=indicator,
            measured_on=datetime.date(2026, 5, 15),
            value=12,
            today=datetime.date(2026, 11, 1),
        )

    # then it is refused on its date field and nothing is stored
    assert "measured_on" in refused.value.message_dict
    assert not Measurement.objects.for_tenant(tenant).filter(indicator=indicator).exists()
