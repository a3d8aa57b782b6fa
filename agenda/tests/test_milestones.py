"""Milestones: add, change, mark done with evidence; by agenda editors or the action's owner;
overdue ones flagged in words."""

from __future__ import annotations

import datetime

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from agenda.models import Milestone
from agenda.tests.factories import ActionFactory, ActionLineFactory, MilestoneFactory
from portal.models import AuditEvent
from portal.roles import Role

TODAY = timezone.localdate()


def english(client: Client) -> Client:
    client.cookies["portal_language"] = "en"
    return client


@pytest.fixture
def owned_action(tenant_a):
    """An action owned by the school's relationship manager (a kartrekker without edit rights)."""
    return ActionFactory(
        tenant=tenant_a.tenant,
        action_line=ActionLineFactory(tenant=tenant_a.tenant, theme__tenant=tenant_a.tenant),
        owner=tenant_a.member(Role.RELATIONS).user,
    )


def test_owner_adds_a_milestone_and_marks_it_done_with_evidence(tenant_a, owned_action, client_for):
    client = english(client_for(tenant_a.member(Role.RELATIONS)))
    slug = tenant_a.tenant.slug

    client.post(
        reverse("milestone_create", args=[slug, owned_action.pk]),
        {"title": "Convenant getekend", "due_on": "2026-03-01"},
    )
    milestone = Milestone.objects.for_tenant(tenant_a.tenant).get()
    response = client.post(
        reverse("milestone_done", args=[slug, milestone.pk]),
        {"done_on": TODAY.isoformat(), "evidence": "Getekend convenant in SharePoint"},
    )

    assert response.status_code == 302
    milestone.refresh_from_db()
    assert (milestone.done_on, milestone.evidence) == (TODAY, "Getekend convenant in SharePoint")
    assert set(
        AuditEvent.objects.for_tenant(tenant_a.tenant)
        .filter(target_type="agenda.milestone")
        .values_list("action", flat=True)
    ) == {"milestone.create", "milestone.done"}


def test_done_needs_evidence_and_cannot_be_in_the_future(tenant_a, owned_action, client_for):
    milestone = MilestoneFactory(tenant=tenant_a.tenant, action=owned_action)
    client = english(client_for(tenant_a.member(Role.LEAD)))
    url = reverse("milestone_done", args=[tenant_a.tenant.slug, milestone.pk])

    no_evidence = client.post(url, {"done_on": TODAY.isoformat(), "evidence": ""})
    future = client.post(
        url,
        {"done_on": (TODAY + datetime.timedelta(days=2)).isoformat(), "evidence": "Foto"},
    )

    assert no_evidence.status_code == 400 and "evidence" in no_evidence.context["form"].errors
    assert future.status_code == 400
    assert future.context["form"].errors["done_on"] == ["A milestone cannot be done in the future."]
    milestone.refresh_from_db()
    assert milestone.done_on is None


def test_editor_changes_a_milestone(tenant_a, owned_action, client_for):
    milestone = MilestoneFactory(tenant=tenant_a.tenant, action=owned_action, title="Oud")

    english(client_for(tenant_a.member(Role.ADMIN))).post(
        reverse("milestone_edit", args=[tenant_a.tenant.slug, milestone.pk]),
        {"title": "Nieuw", "due_on": "2026-09-30", "done_on": "", "evidence": ""},
    )

    milestone.refresh_from_db()
    assert (milestone.title, milestone.due_on) == ("Nieuw", datetime.date(2026, 9, 30))


@pytest.mark.parametrize("role", [Role.COMPANY, Role.FUNDER])
def test_others_may_not_touch_milestones(tenant_a, owned_action, client_for, role):
    milestone = MilestoneFactory(tenant=tenant_a.tenant, action=owned_action, title="Blijft")

    response = client_for(tenant_a.member(role)).post(
        reverse("milestone_edit", args=[tenant_a.tenant.slug, milestone.pk]),
        {"title": "Gewijzigd", "due_on": "2026-09-30"},
    )

    assert response.status_code == 403
    milestone.refresh_from_db()
    assert milestone.title == "Blijft"


def test_overdue_milestones_are_flagged_in_words(tenant_a, owned_action, client_for):
    MilestoneFactory(
        tenant=tenant_a.tenant,
        action=owned_action,
        title="Te laat",
        due_on=TODAY - datetime.timedelta(days=1),
    )
    MilestoneFactory(
        tenant=tenant_a.tenant,
        action=owned_action,
        title="Op tijd",
        due_on=TODAY + datetime.timedelta(days=30),
    )
    MilestoneFactory(
        tenant=tenant_a.tenant,
        action=owned_action,
        title="Gehaald",
        due_on=TODAY - datetime.timedelta(days=30),
        done_on=TODAY - datetime.timedelta(days=31),
        evidence="Verslag",
    )

    response = english(client_for(tenant_a.member(Role.COMPANY))).get(
        reverse("action_detail", args=[tenant_a.tenant.slug, owned_action.pk])
    )

    html = response.content.decode()
    assert "1 milestone is overdue." in html
    row = html[html.index("Te laat") :]
    assert row.index("Overdue") < row.index("Op tijd")
    assert response.context["page"].overdue_milestones == 1
