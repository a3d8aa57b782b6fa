"""Writes of the agenda's structure: themes, action lines and actions, and the links of an
action to contacts (interactions) and stage places (opportunities).

Each service takes the tenant and the acting user, checks that everything it is given belongs
to the tenant, runs in one transaction and records an audit event.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from agenda.models import Action, ActionLine, Theme
from internships.models import Opportunity
from partnerships.models import Interaction, Organisation
from portal.models import Membership, Tenant, User
from portal.services import audit_record, changes_between

HEALTH_NEEDS_REASON = (Action.Health.AT_RISK, Action.Health.OFF_TRACK)


def _same_tenant(tenant: Tenant, *objects) -> bool:
    return all(obj is None or obj.tenant_id == tenant.pk for obj in objects)


def _save(instance, *, tenant: Tenant, actor: User | None, action: str, values: dict):
    """Set ``values`` on ``instance``, validate, save and audit what changed."""
    creating = instance.pk is None
    changes = (
        {name: [None, str(value)] for name, value in values.items() if value not in (None, "")}
        if creating
        else changes_between(instance, values)
    )
    for name, value in values.items():
        setattr(instance, name, value)
    instance.full_clean()
    instance.save()
    if creating or changes:
        audit_record(tenant=tenant, actor=actor, action=action, target=instance, changes=changes)
    return instance


# --- themes -----------------------------------------------------------------------------------


@transaction.atomic
def theme_create(
    *, tenant: Tenant, actor: User | None, title: str, description: str = "", position: int = 0
) -> Theme:
    return _save(
        Theme(tenant=tenant),
        tenant=tenant,
        actor=actor,
        action="theme.create",
        values={"title": title, "description": description, "position": position},
    )


@transaction.atomic
def theme_update(
    *, tenant: Tenant, actor: User | None, theme: Theme, title: str, description: str, position: int
) -> Theme:
    theme = Theme.objects.for_tenant(tenant).select_for_update().get(pk=theme.pk)
    return _save(
        theme,
        tenant=tenant,
        actor=actor,
        action="theme.update",
        values={"title": title, "description": description, "position": position},
    )


@transaction.atomic
def theme_delete(*, tenant: Tenant, actor: User | None, theme: Theme) -> None:
    """Delete an empty theme. One with action lines is refused: deleting it would take the
    lines, actions and their history with it."""
    theme = Theme.objects.for_tenant(tenant).select_for_update().get(pk=theme.pk)
    if ActionLine.objects.for_tenant(tenant).filter(theme=theme).exists():
        raise ValidationError(_("This theme still has action lines. Move or delete them first."))
    audit_record(tenant=tenant, actor=actor, action="theme.delete", target=theme)
    theme.delete()


# --- action lines -----------------------------------------------------------------------------


def _check_theme(tenant: Tenant, theme: Theme) -> None:
    if not _same_tenant(tenant, theme):
        raise ValidationError({"theme": _("Choose a theme of this partnership.")})


@transaction.atomic
def action_line_create(
    *,
    tenant: Tenant,
    actor: User | None,
    theme: Theme,
    title: str,
    description: str = "",
    position: int = 0,
) -> ActionLine:
    _check_theme(tenant, theme)
    return _save(
        ActionLine(tenant=tenant),
        tenant=tenant,
        actor=actor,
        action="action_line.create",
        values={"theme": theme, "title": title, "description": description, "position": position},
    )


@transaction.atomic
def action_line_update(
    *,
    tenant: Tenant,
    actor: User | None,
    action_line: ActionLine,
    theme: Theme,
    title: str,
    description: str,
    position: int,
) -> ActionLine:
    _check_theme(tenant, theme)
    action_line = ActionLine.objects.for_tenant(tenant).select_for_update().get(pk=action_line.pk)
    return _save(
        action_line,
        tenant=tenant,
        actor=actor,
        action="action_line.update",
        values={"theme": theme, "title": title, "description": description, "position": position},
    )


@transaction.atomic
def action_line_delete(*, tenant: Tenant, actor: User | None, action_line: ActionLine) -> None:
    """Delete an empty action line; one with actions is refused."""
    action_line = ActionLine.objects.for_tenant(tenant).select_for_update().get(pk=action_line.pk)
    if Action.objects.for_tenant(tenant).filter(action_line=action_line).exists():
        raise ValidationError(
            _("This action line still has actions. Move them to another line or delete them first.")
        )
    audit_record(tenant=tenant, actor=actor, action="action_line.delete", target=action_line)
    action_line.delete()


# --- actions ----------------------------------------------------------------------------------


def _check_action_values(
    *,
    tenant: Tenant,
    action_line: ActionLine,
    owner: User | None,
    owner_organisation: Organisation | None,
    partners: Iterable[Organisation],
    health: str,
    health_reason: str,
    starts_on: datetime.date | None,
    ends_on: datetime.date | None,
) -> None:
    errors: dict[str, list[str]] = {}
    if not _same_tenant(tenant, action_line):
        errors["action_line"] = [_("Choose an action line of this partnership.")]
    if owner is not None and not Membership.objects.for_tenant(tenant).filter(user=owner).exists():
        errors["owner"] = [_("The owner must be a member of this partnership.")]
    if not _same_tenant(tenant, owner_organisation):
        errors["owner_organisation"] = [_("Choose an organisation of this partnership.")]
    if not _same_tenant(tenant, *partners):
        errors["partners"] = [_("Choose organisations of this partnership.")]
    if health in HEALTH_NEEDS_REASON and not health_reason.strip():
        errors["health_reason"] = [
            _("Say why the action is at risk or off track, and what is being done about it.")
        ]
    if starts_on and ends_on and ends_on < starts_on:
        errors["ends_on"] = [_("The end date cannot be before the start date.")]
    if errors:
        raise ValidationError(errors)


def _partner_changes(old: Iterable[Organisation], new: Iterable[Organisation]) -> dict:
    old_names = sorted(str(o) for o in old)
    new_names = sorted(str(o) for o in new)
    return (
        {"partners": [", ".join(old_names), ", ".join(new_names)]} if old_names != new_names else {}
    )


@transaction.atomic
def action_create(
    *,
    tenant: Tenant,
    actor: User | None,
    action_line: ActionLine,
    title: str,
    description: str = "",
    owner: User | None = None,
    owner_organisation: Organisation | None = None,
    partners: Iterable[Organisation] = (),
    status: str = Action.Status.PLANNED,
    health: str = Action.Health.ON_TRACK,
    health_reason: str = "",
    priority: int = Action.Priority.MEDIUM,
    starts_on: datetime.date | None = None,
    ends_on: datetime.date | None = None,
) -> Action:
    partners = list(partners)
    _check_action_values(
        tenant=tenant,
        action_line=action_line,
        owner=owner,
        owner_organisation=owner_organisation,
        partners=partners,
        health=health,
        health_reason=health_reason,
        starts_on=starts_on,
        ends_on=ends_on,
    )
    action = _save(
        Action(tenant=tenant),
        tenant=tenant,
        actor=actor,
        action="action.create",
        values={
            "action_line": action_line,
            "title": title,
            "description": description,
            "owner": owner,
            "owner_organisation": owner_organisation,
            "status": status,
            "health": health,
            "health_reason": health_reason if health in HEALTH_NEEDS_REASON else "",
            "priority": priority,
            "starts_on": starts_on,
            "ends_on": ends_on,
        },
    )
    action.partners.set(partners)
    return action


@transaction.atomic
def action_update(
    *,
    tenant: Tenant,
    actor: User | None,
    action: Action,
    action_line: ActionLine,
    title: str,
    description: str,
    owner: User | None,
    owner_organisation: Organisation | None,
    partners: Iterable[Organisation],
    status: str,
    health: str,
    health_reason: str,
    priority: int,
    starts_on: datetime.date | None,
    ends_on: datetime.date | None,
) -> Action:
    partners = list(partners)
    _check_action_values(
        tenant=tenant,
        action_line=action_line,
        owner=owner,
        owner_organisation=owner_organisation,
        partners=partners,
        health=health,
        health_reason=health_reason,
        starts_on=starts_on,
        ends_on=ends_on,
    )
    action = Action.objects.for_tenant(tenant).select_for_update().get(pk=action.pk)
    values = {
        "action_line": action_line,
        "title": title,
        "description": description,
        "owner": owner,
        "owner_organisation": owner_organisation,
        "status": status,
        "health": health,
        "health_reason": health_reason if health in HEALTH_NEEDS_REASON else "",
        "priority": priority,
        "starts_on": starts_on,
        "ends_on": ends_on,
    }
    changes = changes_between(action, values)
    changes.update(_partner_changes(action.partners.all(), partners))
    for name, value in values.items():
        setattr(action, name, value)
    action.full_clean()
    action.save()
    action.partners.set(partners)
    if changes:
        audit_record(
            tenant=tenant, actor=actor, action="action.update", target=action, changes=changes
        )
    return action


@transaction.atomic
def action_delete(*, tenant: Tenant, actor: User | None, action: Action) -> None:
    """Delete an action that has no history yet. One with progress updates, measurements or
    budget lines is refused: stop it instead, so the agenda keeps what happened."""
    action = Action.objects.for_tenant(tenant).select_for_update().get(pk=action.pk)
    has_history = (
        action.progress_updates.exists()
        or action.budget_lines.exists()
        or action.indicators.filter(measurements__isnull=False).exists()
    )
    if has_history:
        raise ValidationError(
            _(
                "This action has progress updates, measurements or a budget. Set its status "
                "to stopped instead of deleting it, so its history stays on the agenda."
            )
        )
    audit_record(tenant=tenant, actor=actor, action="action.delete", target=action)
    action.delete()


# --- links ------------------------------------------------------------------------------------


@transaction.atomic
def action_link_interaction(
    *, tenant: Tenant, actor: User | None, action: Action, interaction: Interaction
) -> None:
    """Link a contact-log entry of the tenant to the action (again: nothing changes)."""
    if not _same_tenant(tenant, action, interaction):
        raise ValidationError(_("Choose a contact moment of this partnership."))
    if not action.interactions.filter(pk=interaction.pk).exists():
        action.interactions.add(interaction)
        audit_record(
            tenant=tenant,
            actor=actor,
            action="action.link_interaction",
            target=action,
            changes={"interaction": [None, interaction.subject]},
        )


@transaction.atomic
def action_unlink_interaction(
    *, tenant: Tenant, actor: User | None, action: Action, interaction: Interaction
) -> None:
    if not _same_tenant(tenant, action, interaction):
        raise ValidationError(_("Choose a contact moment of this partnership."))
    if action.interactions.filter(pk=interaction.pk).exists():
        action.interactions.remove(interaction)
        audit_record(
            tenant=tenant,
            actor=actor,
            action="action.unlink_interaction",
            target=action,
            changes={"interaction": [interaction.subject, None]},
        )


@transaction.atomic
def action_link_opportunity(
    *, tenant: Tenant, actor: User | None, action: Action, opportunity: Opportunity
) -> None:
    """Link a stage place of the tenant to the action (again: nothing changes)."""
    if not _same_tenant(tenant, action, opportunity):
        raise ValidationError(_("Choose a stage place of this partnership."))
    if not action.opportunities.filter(pk=opportunity.pk).exists():
        action.opportunities.add(opportunity)
        audit_record(
            tenant=tenant,
            actor=actor,
            action="action.link_opportunity",
            target=action,
            changes={"opportunity": [None, opportunity.title]},
        )


@transaction.atomic
def action_unlink_opportunity(
    *, tenant: Tenant, actor: User | None, action: Action, opportunity: Opportunity
) -> None:
    if not _same_tenant(tenant, action, opportunity):
        raise ValidationError(_("Choose a stage place of this partnership."))
    if action.opportunities.filter(pk=opportunity.pk).exists():
        action.opportunities.remove(opportunity)
        audit_record(
            tenant=tenant,
            actor=actor,
            action="action.unlink_opportunity",
            target=action,
            changes={"opportunity": [opportunity.title, None]},
        )
