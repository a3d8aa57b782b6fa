"""Writes of milestones: add, change, mark done with evidence.

A milestone is left as it was reported once a locked period of its action (one with an
approved progress update) holds a date the change touches: the done date (old or new) when
only the outcome changes, or also the due date when the title or due date change. A late
milestone from a locked quarter can still be marked done in an open one.
"""

from __future__ import annotations

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from agenda.models import Action, Milestone
from agenda.services.updates import period_lock_check
from portal.models import Tenant, User
from portal.services import audit_record, changes_between


def _check_done(done_on: datetime.date | None, evidence: str, *, today: datetime.date) -> None:
    if done_on is not None and done_on > today:
        raise ValidationError({"done_on": _("A milestone cannot be done in the future.")})
    if done_on is not None and not evidence.strip():
        raise ValidationError(
            {"evidence": _("Say what shows that the milestone was reached (a link, a document).")}
        )


@transaction.atomic
def milestone_create(
    *,
    tenant: Tenant,
    actor: User | None,
    action: Action,
    title: str,
    due_on: datetime.date,
    done_on: datetime.date | None = None,
    evidence: str = "",
) -> Milestone:
    if action.tenant_id != tenant.pk:
        raise ValidationError(_("Choose an action of this partnership."))
    _check_done(done_on, evidence, today=timezone.localdate())
    period_lock_check(tenant=tenant, action_id=action.pk, days=[due_on, done_on])
    milestone = Milestone(
        tenant=tenant,
        action=action,
        title=title,
        due_on=due_on,
        done_on=done_on,
        evidence=evidence,
    )
    milestone.full_clean()
    milestone.save()
    audit_record(
        tenant=tenant,
        actor=actor,
        action="milestone.create",
        target=milestone,
        changes={"due_on": [None, str(due_on)], "action": [None, action.title]},
    )
    return milestone


@transaction.atomic
def milestone_update(
    *,
    tenant: Tenant,
    actor: User | None,
    milestone: Milestone,
    title: str,
    due_on: datetime.date,
    done_on: datetime.date | None,
    evidence: str,
) -> Milestone:
    milestone = Milestone.objects.for_tenant(tenant).select_for_update().get(pk=milestone.pk)
    _check_done(done_on, evidence, today=timezone.localdate())
    values = {"title": title, "due_on": due_on, "done_on": done_on, "evidence": evidence}
    changes = changes_between(milestone, values)
    days = [milestone.done_on, done_on]
    if "title" in changes or "due_on" in changes:
        days += [milestone.due_on, due_on]
    if changes:
        period_lock_check(tenant=tenant, action_id=milestone.action_id, days=days)
    for name, value in values.items():
        setattr(milestone, name, value)
    milestone.full_clean()
    milestone.save()
    if changes:
        audit_record(
            tenant=tenant, actor=actor, action="milestone.update", target=milestone, changes=changes
        )
    return milestone


@transaction.atomic
def milestone_mark_done(
    *,
    tenant: Tenant,
    actor: User | None,
    milestone: Milestone,
    done_on: datetime.date,
    evidence: str,
) -> Milestone:
    """Record that a milestone was reached, when, and what shows it."""
    milestone = Milestone.objects.for_tenant(tenant).select_for_update().get(pk=milestone.pk)
    _check_done(done_on, evidence, today=timezone.localdate())
    if done_on is None:
        raise ValidationError({"done_on": _("Give the date the milestone was reached.")})
    period_lock_check(
        tenant=tenant, action_id=milestone.action_id, days=[milestone.done_on, done_on]
    )
    changes = changes_between(milestone, {"done_on": done_on, "evidence": evidence})
    milestone.done_on = done_on
    milestone.evidence = evidence
    milestone.save(update_fields=["done_on", "evidence"])
    audit_record(
        tenant=tenant, actor=actor, action="milestone.done", target=milestone, changes=changes
    )
    return milestone
