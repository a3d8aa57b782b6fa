"""Reviews (herijkingen): recorded with decisions and a snapshot; the review page shows the
agenda as it stood then and what changed since the review before it."""

from __future__ import annotations

import datetime

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from agenda.models import Action, Review, ReviewDecision
from agenda.services.reviews import DecisionInput, review_create
from agenda.tests.factories import (
    ActionFactory,
    ActionLineFactory,
    IndicatorFactory,
    ReviewFactory,
    ThemeFactory,
)
from portal.models import AuditEvent
from portal.roles import Role

TODAY = timezone.localdate()


def english(client: Client) -> Client:
    client.cookies["portal_language"] = "en"
    return client


@pytest.fixture
def agenda(tenant_a):
    tenant = tenant_a.tenant
    theme = ThemeFactory(tenant=tenant, title="Talentontwikkeling")
    line = ActionLineFactory(tenant=tenant, theme=theme, title="Scholen")
    return {
        "line": line,
        "bètapunt": ActionFactory(tenant=tenant, action_line=line, title="Bètapunt"),
        "gastlessen": ActionFactory(tenant=tenant, action_line=line, title="Gastlessen"),
    }


def review_post(**overrides) -> dict:
    data = {
        "held_on": (TODAY - datetime.timedelta(days=1)).isoformat(),
        "title": "Herijking voorjaar",
        "summary": "Focus op leven lang ontwikkelen.",
        "decisions-TOTAL_FORMS": "3",
        "decisions-INITIAL_FORMS": "0",
        "decisions-MIN_NUM_FORMS": "0",
        "decisions-MAX_NUM_FORMS": "50",
    }
    data.update(overrides)
    return data


def test_lead_records_a_review_with_decisions_and_a_snapshot(tenant_a, agenda, client_for):
    # given the agenda as it stands
    client = english(client_for(tenant_a.member(Role.LEAD)))
    stopped = agenda["gastlessen"]

    # when the lead records a review with one decision (two rows left empty)
    response = client.post(
        reverse("review_create", args=[tenant_a.tenant.slug]),
        review_post(
            **{
                "decisions-0-kind": "action_stopped",
                "decisions-0-action": stopped.pk,
                "decisions-0-description": "Gastlessen lopen via de scholen zelf.",
            }
        ),
    )

    # then the review keeps the decision and the agenda as it stood
    review = Review.objects.for_tenant(tenant_a.tenant).get()
    assert response.status_code == 302
    assert review.created_by == tenant_a.member(Role.LEAD).user
    decision = ReviewDecision.objects.for_tenant(tenant_a.tenant).get()
    assert (decision.kind, decision.action) == ("action_stopped", stopped)
    titles = [a["title"] for a in review.snapshot["themes"][0]["lines"][0]["actions"]]
    assert sorted(titles) == ["Bètapunt", "Gastlessen"]
    assert AuditEvent.objects.for_tenant(tenant_a.tenant).filter(action="review.create").exists()


def test_incomplete_decision_is_a_form_error_and_nothing_is_recorded(tenant_a, agenda, client_for):
    client = english(client_for(tenant_a.member(Role.ADMIN)))

    response = client.post(
        reverse("review_create", args=[tenant_a.tenant.slug]),
        review_post(**{"decisions-0-kind": "reprioritised", "decisions-0-description": "Hoger"}),
    )

    assert response.status_code == 400
    assert "Choose the action this decision is about." in response.content.decode()
    assert not Review.objects.exists()


def test_decision_about_another_tenants_action_is_refused(tenant_a, tenant_b, agenda, client_for):
    foreign = ActionFactory(
        tenant=tenant_b.tenant,
        action_line=ActionLineFactory(tenant=tenant_b.tenant, theme__tenant=tenant_b.tenant),
    )

    response = english(client_for(tenant_a.member(Role.ADMIN))).post(
        reverse("review_create", args=[tenant_a.tenant.slug]),
        review_post(
            **{
                "decisions-0-kind": "action_stopped",
                "decisions-0-action": foreign.pk,
                "decisions-0-description": "Stop",
            }
        ),
    )

    assert response.status_code == 400
    assert not Review.objects.exists()


def test_reviews_are_recorded_in_the_order_they_were_held(tenant_a, agenda):
    review_create(
        tenant=tenant_a.tenant, actor=None, held_on=TODAY - datetime.timedelta(days=5), title="A"
    )

    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError) as earlier:
        review_create(
            tenant=tenant_a.tenant,
            actor=None,
            held_on=TODAY - datetime.timedelta(days=9),
            title="B",
        )
    with pytest.raises(ValidationError) as future:
        review_create(
            tenant=tenant_a.tenant,
            actor=None,
            held_on=TODAY + datetime.timedelta(days=1),
            title="C",
        )

    assert "held_on" in earlier.value.message_dict and "held_on" in future.value.message_dict
    assert Review.objects.count() == 1


def test_review_page_shows_the_agenda_then_and_the_difference_with_the_previous_review(
    tenant_a, agenda, client_for
):
    # given a first review, then changes: one action stopped and re-prioritised, one added
    first = review_create(
        tenant=tenant_a.tenant,
        actor=None,
        held_on=TODAY - datetime.timedelta(days=30),
        title="Herijking 1",
    )
    Action.objects.filter(pk=agenda["gastlessen"].pk).update(
        status=Action.Status.STOPPED, priority=Action.Priority.LOW
    )
    ActionFactory(tenant=tenant_a.tenant, action_line=agenda["line"], title="Techniekpromotie")
    indicator = IndicatorFactory(tenant=tenant_a.tenant, action=agenda["bètapunt"])
    second = review_create(
        tenant=tenant_a.tenant,
        actor=None,
        held_on=TODAY,
        title="Herijking 2",
        decisions=[
            DecisionInput(
                kind="target_changed", description="Streefwaarde omhoog", indicator=indicator
            )
        ],
    )
    # and a change after the second review, which its page must not show
    Action.objects.filter(pk=agenda["bètapunt"].pk).update(title="Hernoemd na herijking 2")
    client = english(client_for(tenant_a.member(Role.COMPANY)))

    # when a member opens both reviews
    first_page = client.get(reverse("review_detail", args=[tenant_a.tenant.slug, first.pk]))
    second_page = client.get(reverse("review_detail", args=[tenant_a.tenant.slug, second.pk]))

    # then the first has nothing to compare with; the second names what changed
    assert "This is the first review" in first_page.content.decode()
    html = second_page.content.decode()
    changes = second_page.context["page"].changes
    assert [row.title for row in changes.added] == ["Techniekpromotie", indicator.name]
    (changed,) = changes.changed
    assert changed.title == "Gastlessen"
    assert ("status", "Running", "Stopped") in changed.fields
    assert ("priority", "Medium", "Low") in changed.fields
    assert "Streefwaarde omhoog" in html and "Target changed" in html
    # the agenda as it stood at the second review, not as it is now
    assert "Bètapunt" in html and "Hernoemd na herijking 2" not in html


def test_review_create_page_shows_what_changed_since_the_latest_review(
    tenant_a, agenda, client_for
):
    review_create(tenant=tenant_a.tenant, actor=None, held_on=TODAY, title="Vorige")
    ActionFactory(tenant=tenant_a.tenant, action_line=agenda["line"], title="Nieuw sinds")

    response = english(client_for(tenant_a.member(Role.LEAD))).get(
        reverse("review_create", args=[tenant_a.tenant.slug])
    )

    assert [row.title for row in response.context["since_latest"].added] == ["Nieuw sinds"]


@pytest.mark.parametrize(
    ("role", "list_status", "create_status"),
    [
        (Role.ADMIN, 200, 200),
        (Role.LEAD, 200, 200),
        (Role.RELATIONS, 200, 403),
        (Role.COMPANY, 200, 403),
        (Role.FUNDER, 403, 403),
    ],
)
def test_who_reads_and_who_records_reviews(tenant_a, client_for, role, list_status, create_status):
    client = client_for(tenant_a.member(role))
    review = ReviewFactory(tenant=tenant_a.tenant)

    assert (
        client.get(reverse("review_list", args=[tenant_a.tenant.slug])).status_code == list_status
    )
    assert (
        client.get(reverse("review_detail", args=[tenant_a.tenant.slug, review.pk])).status_code
        == list_status
    )
    assert (
        client.get(reverse("review_create", args=[tenant_a.tenant.slug])).status_code
        == create_status
    )


def test_a_decision_is_added_to_a_recorded_review(tenant_a, agenda, client_for):
    review = review_create(tenant=tenant_a.tenant, actor=None, held_on=TODAY, title="Herijking")
    snapshot_before = review.snapshot

    response = english(client_for(tenant_a.member(Role.LEAD))).post(
        reverse("review_decision_add", args=[tenant_a.tenant.slug, review.pk]),
        {"decision-kind": "other", "decision-description": "Evaluatie in het najaar"},
    )

    assert response.status_code == 302
    assert review.decisions.get().description == "Evaluatie in het najaar"
    review.refresh_from_db()
    assert review.snapshot == snapshot_before
