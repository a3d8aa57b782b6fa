"""Reads of actions: the action page in a constant number of queries, the search behind
linking contacts and stage places, and who may report on an action."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import Any

from django.db.models import Count, OuterRef, Prefetch, Q, QuerySet, Subquery

from agenda.models import Action, ActionLine, Indicator, Milestone, ProgressUpdate, Theme
from agenda.selectors.updates import period_of_update, progress_update_list_for_action
from internships.models import Opportunity
from internships.selectors.visibility import opportunities_visible_to
from partnerships.models import Interaction, Organisation
from portal.models import Membership, Tenant

LINK_SEARCH_LIMIT = 20
ORGANISATION_SEARCH_LIMIT = 15


def action_can_report(*, membership: Membership | None, action: Action) -> bool:
    """The action's owner (kartrekker) and whoever may edit the agenda write its updates and
    keep its milestones."""
    if membership is None:
        return False
    return membership.can("agenda.edit") or (
        action.owner_id is not None and action.owner_id == membership.user_id
    )


def theme_get(*, tenant: Tenant, theme_id: int) -> Theme:
    return Theme.objects.for_tenant(tenant).get(pk=theme_id)


def action_line_get(*, tenant: Tenant, actionline_id: int) -> ActionLine:
    return ActionLine.objects.for_tenant(tenant).select_related("theme").get(pk=actionline_id)


def action_get(*, tenant: Tenant, action_id: int) -> Action:
    """An action with its line, theme and owners; DoesNotExist outside the tenant."""
    return (
        Action.objects.for_tenant(tenant)
        .select_related("action_line__theme", "owner", "owner_organisation")
        .get(pk=action_id)
    )


def action_line_choices(*, tenant: Tenant) -> QuerySet[ActionLine]:
    return (
        ActionLine.objects.for_tenant(tenant)
        .select_related("theme")
        .order_by("theme__position", "theme__title", "position", "title")
    )


def milestone_get(*, tenant: Tenant, milestone_id: int) -> Milestone:
    return (
        Milestone.objects.for_tenant(tenant)
        .select_related("action__action_line__theme", "action__owner")
        .get(pk=milestone_id)
    )


def visible_interactions(*, tenant: Tenant, membership: Membership) -> QuerySet[Interaction]:
    """The contact log as the member may see it (partnerships decides), organisations ready."""
    return (
        Interaction.objects.for_tenant(tenant)
        .visible_to(membership)
        .prefetch_related(
            Prefetch(
                "organisations",
                queryset=Organisation.objects.for_tenant(tenant)
                .only("pk", "name")
                .order_by("name"),
            )
        )
    )


def visible_opportunities(*, tenant: Tenant, membership: Membership) -> QuerySet[Opportunity]:
    """Stage places a member may link or see on an action: the stage market's own rule."""
    return opportunities_visible_to(tenant=tenant, membership=membership)


@dataclass
class ActionPage:
    action: Action
    partners: list[Organisation]
    milestones: list[Milestone]
    indicators: list[Indicator]
    indicator_summaries: list[Any]
    budget: Any
    updates: list[ProgressUpdate]
    interactions: list[Interaction]
    opportunities: list[Opportunity]
    today: datetime.date

    @property
    def overdue_milestones(self) -> int:
        return sum(1 for milestone in self.milestones if milestone.is_overdue(self.today))


def action_page(
    *, tenant: Tenant, membership: Membership, action_id: int, today: datetime.date
) -> ActionPage:
    """Everything the action page shows, in a constant number of queries: the action, its
    partners, milestones, indicators (with their summaries), budget, progress updates (latest
    first), linked contacts (as far as the member may see the contact log; never notes) and
    linked stage places."""
    from agenda.selectors.indicators import indicator_summaries

    action = action_get(tenant=tenant, action_id=action_id)
    partners = list(
        Organisation.objects.for_tenant(tenant)
        .filter(partner_actions=action)
        .only("pk", "name", "kind")
        .order_by("name")
    )
    milestones = list(
        Milestone.objects.for_tenant(tenant).filter(action=action).order_by("due_on", "pk")
    )
    indicators = list(Indicator.objects.for_tenant(tenant).filter(action=action).order_by("name"))
    summaries = indicator_summaries(tenant=tenant, indicators=indicators) if indicators else {}
    budget = None
    if membership.can("agenda.figures"):
        from agenda.selectors.budgets import budget_figures

        budget = budget_figures(tenant=tenant, actions=[action])
    interactions = list(
        visible_interactions(tenant=tenant, membership=membership)
        .filter(actions=action)
        .only("pk", "occurred_on", "kind", "subject")
        .order_by("-occurred_on", "-pk")
    )
    opportunities = list(
        visible_opportunities(tenant=tenant, membership=membership)
        .filter(actions=action)
        .order_by("title", "pk")
    )
    updates = list(progress_update_list_for_action(tenant=tenant, action=action))
    for update in updates:
        update.period = period_of_update(update)
    return ActionPage(
        action=action,
        partners=partners,
        milestones=milestones,
        indicators=indicators,
        indicator_summaries=[summaries[i.pk] for i in indicators if i.pk in summaries],
        budget=budget,
        updates=updates,
        interactions=interactions,
        opportunities=opportunities,
        today=today,
    )


# --- linking contacts and stage places --------------------------------------------------------


def interaction_search(
    *, tenant: Tenant, membership: Membership, term: str, exclude: Action | None = None
) -> list[Interaction]:
    """A few contact-log entries matching ``term`` in their subject or an organisation's
    name, newest first. A plain select of the whole log (200,000 entries in a large
    partnership) would be unusable; people know what the contact was about and with whom."""
    term = term.strip()
    if not term:
        return []
    matches = visible_interactions(tenant=tenant, membership=membership).filter(
        Q(subject__icontains=term)
        | Q(
            pk__in=Interaction.organisations.through.objects.filter(
                organisation__tenant=tenant, organisation__name__icontains=term
            ).values("interaction_id")
        )
    )
    if exclude is not None:
        matches = matches.exclude(actions=exclude)
    return list(
        matches.only("pk", "occurred_on", "kind", "subject").order_by("-occurred_on", "-pk")[
            :LINK_SEARCH_LIMIT
        ]
    )


def opportunity_search(
    *, tenant: Tenant, membership: Membership, term: str, exclude: Action | None = None
) -> list[Opportunity]:
    """A few stage places matching ``term`` in their title or company name."""
    term = term.strip()
    if not term:
        return []
    matches = visible_opportunities(tenant=tenant, membership=membership).filter(
        Q(title__icontains=term) | Q(company__name__icontains=term)
    )
    if exclude is not None:
        matches = matches.exclude(actions=exclude)
    return list(matches.order_by("title", "pk")[:LINK_SEARCH_LIMIT])


def organisation_search(*, tenant: Tenant, term: str) -> list[Organisation]:
    """Organisations matching ``term``, for the owner and partner choice of the action form."""
    term = term.strip()
    if not term:
        return []
    return list(
        Organisation.objects.for_tenant(tenant)
        .filter(name__icontains=term)
        .only("pk", "name", "municipality", "kind")
        .order_by("name")[:ORGANISATION_SEARCH_LIMIT]
    )


# --- my actions -------------------------------------------------------------------------------


def my_actions_list(*, tenant: Tenant, user, today: datetime.date) -> QuerySet[Action]:
    """The actions the user owns (kartrekker), with their line and theme, how many
    milestones are open and overdue, and their latest update's period and status. One query."""
    latest = (
        ProgressUpdate.objects.for_tenant(tenant)
        .filter(action=OuterRef("pk"))
        .order_by("-period_start", "-period_end")
    )
    open_milestones = Q(milestones__done_on__isnull=True)
    return (
        Action.objects.for_tenant(tenant)
        .filter(owner=user)
        .select_related("action_line__theme", "owner_organisation")
        .annotate(
            open_milestones=Count("milestones", filter=open_milestones),
            overdue_milestones=Count(
                "milestones", filter=open_milestones & Q(milestones__due_on__lt=today)
            ),
            latest_update_id=Subquery(latest.values("pk")[:1]),
            latest_update_start=Subquery(latest.values("period_start")[:1]),
            latest_update_end=Subquery(latest.values("period_end")[:1]),
            latest_update_kind=Subquery(latest.values("period_kind")[:1]),
            latest_update_status=Subquery(latest.values("status")[:1]),
        )
        .order_by(
            "action_line__theme__position",
            "action_line__theme__title",
            "action_line__position",
            "action_line__title",
            "priority",
            "title",
        )
    )
