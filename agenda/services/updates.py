"""Writes of progress updates: draft, submit, withdraw, approve (which locks the period),
reopen (audited: who, when, why), and the reminders before a period ends.

The workflow::

    draft --submit--> submitted --approve--> approved (locked)
      ^                   |                      |
      +----withdraw-------+                      |
      +----------------reopen (with a reason)----+

While an update is approved, its period is locked for its action: the update, and the
action's milestones and measurements dated in the period, cannot change
(:func:`period_lock_check`, which the measurement services call too).
"""

from __future__ import annotations

import datetime
import logging

from django.core.exceptions import ValidationError
from django.core.mail import get_connection
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from agenda.models import Action, ProgressUpdate
from agenda.notifications import progress_update_reminder_message
from agenda.selectors.updates import (
    REOPEN_ACTION,
    Period,
    lock_message,
    locked_update_covering,
    period_of_update,
    reminders_due,
)
from portal.models import Tenant, User
from portal.services import audit_record, changes_between

logger = logging.getLogger(__name__)

HEALTH_NEEDS_RISKS = (Action.Health.AT_RISK, Action.Health.OFF_TRACK)
# Set by the workflow, never by a form; the model does not mark them blank=True.
PEOPLE_FIELDS = ["submitted_by", "approved_by"]


def period_lock_check(*, tenant: Tenant, action_id: int, days, field: str | None = None) -> None:
    """Refuse a change to the action's records dated on any of ``days`` when an approved
    progress update locks that period. ``field``: the form field the message belongs to."""
    locked = locked_update_covering(tenant=tenant, action_id=action_id, days=days)
    if locked is not None:
        message = lock_message(locked)
        raise ValidationError({field: message} if field else message, code="locked")


def _locked_overlap(*, tenant: Tenant, action_id: int, period: Period) -> ProgressUpdate | None:
    return (
        ProgressUpdate.objects.for_tenant(tenant)
        .filter(
            action_id=action_id,
            status=ProgressUpdate.Status.APPROVED,
            period_start__lte=period.end,
            period_end__gte=period.start,
        )
        .first()
    )


def _refuse_unless_draft(update: ProgressUpdate) -> None:
    if update.status == ProgressUpdate.Status.APPROVED:
        raise ValidationError(lock_message(update), code="locked")
    if update.status == ProgressUpdate.Status.SUBMITTED:
        raise ValidationError(
            _("This update has been submitted. Withdraw it to change it."), code="submitted"
        )


def _audit(update: ProgressUpdate, *, tenant: Tenant, actor, action: str, changes: dict) -> None:
    audit_record(tenant=tenant, actor=actor, action=action, target=update, changes=changes)


@transaction.atomic
def progress_update_create(
    *,
    tenant: Tenant,
    actor: User | None,
    action: Action,
    period: Period,
    health: str,
    done: str = "",
    next_steps: str = "",
    risks: str = "",
    help_needed: str = "",
) -> ProgressUpdate:
    """Start the draft update of ``action`` for ``period``. One update per action and period:
    a second is refused with a message that names the period."""
    if action.tenant_id != tenant.pk:
        raise ValidationError(_("Choose an action of this partnership."))
    action = Action.objects.for_tenant(tenant).select_for_update().get(pk=action.pk)
    locked = _locked_overlap(tenant=tenant, action_id=action.pk, period=period)
    if locked is not None:
        raise ValidationError({"period": lock_message(locked)}, code="locked")
    exists = (
        ProgressUpdate.objects.for_tenant(tenant)
        .filter(action=action, period_start=period.start, period_end=period.end)
        .exists()
    )
    if exists:
        raise ValidationError(
            {
                "period": _("There is already an update of this action for %(period)s.")
                % {"period": period.label}
            },
            code="exists",
        )
    update = ProgressUpdate(
        tenant=tenant,
        action=action,
        period_kind=period.kind,
        period_start=period.start,
        period_end=period.end,
        done=done,
        next_steps=next_steps,
        risks=risks,
        help_needed=help_needed,
        health=health,
    )
    update.full_clean(exclude=PEOPLE_FIELDS)
    update.save()
    _audit(
        update,
        tenant=tenant,
        actor=actor,
        action="progress_update.create",
        changes={"period": [None, period.label], "health": [None, health]},
    )
    return update


@transaction.atomic
def progress_update_edit(
    *,
    tenant: Tenant,
    actor: User | None,
    update: ProgressUpdate,
    health: str,
    done: str,
    next_steps: str,
    risks: str,
    help_needed: str,
) -> ProgressUpdate:
    """Change a draft. A submitted update must be withdrawn first; an approved one is locked."""
    update = ProgressUpdate.objects.for_tenant(tenant).select_for_update().get(pk=update.pk)
    _refuse_unless_draft(update)
    values = {
        "health": health,
        "done": done,
        "next_steps": next_steps,
        "risks": risks,
        "help_needed": help_needed,
    }
    changes = changes_between(update, values)
    for name, value in values.items():
        setattr(update, name, value)
    update.full_clean(exclude=PEOPLE_FIELDS)
    update.save()
    if changes:
        _audit(update, tenant=tenant, actor=actor, action="progress_update.edit", changes=changes)
    return update


def _set_action_health(*, tenant: Tenant, actor, update: ProgressUpdate) -> None:
    """The action's health follows its newest submitted or approved update."""
    newer = (
        ProgressUpdate.objects.for_tenant(tenant)
        .filter(action_id=update.action_id, period_end__gt=update.period_end)
        .exclude(status=ProgressUpdate.Status.DRAFT)
        .exists()
    )
    if newer:
        return
    action = Action.objects.for_tenant(tenant).select_for_update().get(pk=update.action_id)
    reason = update.risks.strip() if update.health in HEALTH_NEEDS_RISKS else ""
    changes = changes_between(action, {"health": update.health, "health_reason": reason})
    if changes:
        action.health = update.health
        action.health_reason = reason
        action.save(update_fields=["health", "health_reason", "updated_at"])
        audit_record(
            tenant=tenant,
            actor=actor,
            action="action.health_from_update",
            target=action,
            changes=changes,
        )


@transaction.atomic
def progress_update_submit(
    *, tenant: Tenant, actor: User | None, update: ProgressUpdate
) -> ProgressUpdate:
    """Send a draft for approval. It must say what was done, and, when the action is at risk
    or off track, the risks. The action's health becomes the update's."""
    update = ProgressUpdate.objects.for_tenant(tenant).select_for_update().get(pk=update.pk)
    _refuse_unless_draft(update)
    errors = {}
    if not update.done.strip():
        errors["done"] = _("Say what was done in this period before submitting.")
    if update.health in HEALTH_NEEDS_RISKS and not update.risks.strip():
        errors["risks"] = _("Describe the risks: the action is at risk or off track.")
    if errors:
        raise ValidationError(errors, code="incomplete")
    update.status = ProgressUpdate.Status.SUBMITTED
    update.submitted_by = actor
    update.submitted_at = timezone.now()
    update.save(update_fields=["status", "submitted_by", "submitted_at"])
    _audit(
        update,
        tenant=tenant,
        actor=actor,
        action="progress_update.submit",
        changes={"status": [ProgressUpdate.Status.DRAFT, ProgressUpdate.Status.SUBMITTED]},
    )
    _set_action_health(tenant=tenant, actor=actor, update=update)
    return update


@transaction.atomic
def progress_update_withdraw(
    *, tenant: Tenant, actor: User | None, update: ProgressUpdate
) -> ProgressUpdate:
    """Take a submitted update back to draft, to change it before it is approved."""
    update = ProgressUpdate.objects.for_tenant(tenant).select_for_update().get(pk=update.pk)
    if update.status == ProgressUpdate.Status.APPROVED:
        raise ValidationError(lock_message(update), code="locked")
    if update.status != ProgressUpdate.Status.SUBMITTED:
        raise ValidationError(_("Only a submitted update can be withdrawn."), code="not_submitted")
    update.status = ProgressUpdate.Status.DRAFT
    update.save(update_fields=["status"])
    _audit(
        update,
        tenant=tenant,
        actor=actor,
        action="progress_update.withdraw",
        changes={"status": [ProgressUpdate.Status.SUBMITTED, ProgressUpdate.Status.DRAFT]},
    )
    return update


@transaction.atomic
def progress_update_approve(
    *, tenant: Tenant, actor: User | None, update: ProgressUpdate
) -> ProgressUpdate:
    """Approve a submitted update; its period is locked for the action from now on."""
    update = ProgressUpdate.objects.for_tenant(tenant).select_for_update().get(pk=update.pk)
    if update.status == ProgressUpdate.Status.APPROVED:
        raise ValidationError(_("This update is already approved."), code="approved")
    if update.status != ProgressUpdate.Status.SUBMITTED:
        raise ValidationError(
            _("Only a submitted update can be approved: this one is still a draft."),
            code="not_submitted",
        )
    update.status = ProgressUpdate.Status.APPROVED
    update.approved_by = actor
    update.approved_at = timezone.now()
    update.save(update_fields=["status", "approved_by", "approved_at"])
    _audit(
        update,
        tenant=tenant,
        actor=actor,
        action="progress_update.approve",
        changes={
            "status": [ProgressUpdate.Status.SUBMITTED, ProgressUpdate.Status.APPROVED],
            "period": [None, period_of_update(update).label],
        },
    )
    return update


@transaction.atomic
def progress_update_reopen(
    *, tenant: Tenant, actor: User | None, update: ProgressUpdate, reason: str
) -> ProgressUpdate:
    """Unlock an approved update (back to draft) for a stated reason. The audit trail keeps
    who reopened it, when, why, and who had approved it when."""
    reason = reason.strip()
    if not reason:
        raise ValidationError({"reason": _("Say why the update is reopened.")}, code="reason")
    update = ProgressUpdate.objects.for_tenant(tenant).select_for_update().get(pk=update.pk)
    if update.status != ProgressUpdate.Status.APPROVED:
        raise ValidationError(_("Only an approved update can be reopened."), code="not_approved")
    changes = {
        "status": [ProgressUpdate.Status.APPROVED, ProgressUpdate.Status.DRAFT],
        "reason": [None, reason],
        "approved_by": [str(update.approved_by) if update.approved_by else None, None],
        "approved_at": [update.approved_at.isoformat() if update.approved_at else None, None],
    }
    update.status = ProgressUpdate.Status.DRAFT
    update.approved_by = None
    update.approved_at = None
    update.save(update_fields=["status", "approved_by", "approved_at"])
    _audit(update, tenant=tenant, actor=actor, action=REOPEN_ACTION, changes=changes)
    return update


# --- reminders --------------------------------------------------------------------------------


def progress_update_reminders_send(*, tenant: Tenant, today: datetime.date | None = None) -> int:
    """E-mail each owner whose action's current period ends within a week and has no
    submitted update yet; returns how many reminders went out.

    The reminder leaves a draft update for the period behind (the owner continues from it),
    and its ``reminder_sent_at`` marks the reminder as sent: idempotent, so the daily task can
    run twice, or twice at once (each draft is claimed with ``SELECT ... FOR UPDATE`` in a
    transaction of its own; the unique period constraint stops a second draft). The mail goes
    out before the mark is committed: if sending fails, the next run tries again.
    """
    today = today or timezone.localdate()
    sent = 0
    for item in reminders_due(tenant=tenant, today=today):
        try:
            with transaction.atomic():
                try:
                    with transaction.atomic():
                        draft, _created = ProgressUpdate.objects.for_tenant(tenant).get_or_create(
                            action=item.action,
                            period_start=item.period.start,
                            period_end=item.period.end,
                            defaults={
                                "tenant": tenant,
                                "period_kind": item.period.kind,
                                "health": item.action.health,
                            },
                        )
                except IntegrityError:
                    draft = None
                draft = (
                    ProgressUpdate.objects.for_tenant(tenant)
                    .select_for_update(skip_locked=True)
                    .filter(
                        action=item.action,
                        period_start=item.period.start,
                        period_end=item.period.end,
                        status=ProgressUpdate.Status.DRAFT,
                        reminder_sent_at__isnull=True,
                    )
                    .first()
                )
                if draft is None:
                    continue
                message = progress_update_reminder_message(
                    tenant=tenant, action=item.action, period=item.period, update=draft
                )
                get_connection().send_messages([message])
                draft.reminder_sent_at = timezone.now()
                draft.save(update_fields=["reminder_sent_at"])
                _audit(
                    draft,
                    tenant=tenant,
                    actor=None,
                    action="progress_update.reminder_sent",
                    changes={"period": [None, item.period.label]},
                )
        except Exception:
            logger.exception(
                "Reminder for the update of action %s (%s) could not be sent",
                item.action.pk,
                item.period.key,
            )
            continue
        sent += 1
    return sent
