"""Writes of reviews (herijkingen): record a review with its decisions and a snapshot of the
agenda as it stands, and add a decision to it later."""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from agenda.models import Action, Indicator, Review, ReviewDecision
from agenda.snapshots import agenda_snapshot
from portal.models import Tenant, User
from portal.services import audit_record


@dataclass(frozen=True)
class DecisionInput:
    kind: str
    description: str
    action: Action | None = None
    indicator: Indicator | None = None


def _decision(*, tenant: Tenant, review: Review, decision: DecisionInput) -> ReviewDecision:
    if decision.kind not in ReviewDecision.Kind.values:
        raise ValidationError({"kind": _("Choose a valid kind of decision.")})
    if not decision.description.strip():
        raise ValidationError({"description": _("Describe the decision.")})
    for obj, field, message in (
        (decision.action, "action", _("Choose an action of this partnership.")),
        (decision.indicator, "indicator", _("Choose an indicator of this partnership.")),
    ):
        if obj is not None and obj.tenant_id != tenant.pk:
            raise ValidationError({field: message})
    return ReviewDecision.objects.create(
        tenant=tenant,
        review=review,
        kind=decision.kind,
        action=decision.action,
        indicator=decision.indicator,
        description=decision.description.strip(),
    )


@transaction.atomic
def review_create(
    *,
    tenant: Tenant,
    actor: User | None,
    held_on: datetime.date,
    title: str,
    summary: str = "",
    decisions: Iterable[DecisionInput] = (),
) -> Review:
    """Record a review held on ``held_on``, its decisions, and a snapshot of the agenda now.

    The snapshot is taken when the review is recorded, so reviews are recorded in the order
    they were held: one dated before the latest review is refused, as is one in the future.
    """
    if held_on > timezone.localdate():
        raise ValidationError({"held_on": _("Record a review once it has been held.")})
    latest = (
        Review.objects.for_tenant(tenant).select_for_update().order_by("-held_on", "-pk").first()
    )
    if latest is not None and held_on < latest.held_on:
        raise ValidationError(
            {
                "held_on": _(
                    "The review of %(date)s was recorded already; a review recorded now keeps "
                    "the agenda as it is now, so it cannot be dated before that one."
                )
                % {"date": date_format(latest.held_on, "j F Y")}
            }
        )
    review = Review(
        tenant=tenant,
        held_on=held_on,
        title=title,
        summary=summary,
        created_by=actor if actor is not None and actor.is_authenticated else None,
        snapshot=agenda_snapshot(tenant=tenant),
    )
    review.full_clean(exclude=["snapshot", "created_by"])
    review.save()
    decisions = list(decisions)
    for decision in decisions:
        _decision(tenant=tenant, review=review, decision=decision)
    audit_record(
        tenant=tenant,
        actor=actor,
        action="review.create",
        target=review,
        changes={"held_on": [None, held_on.isoformat()], "decisions": [None, len(decisions)]},
    )
    return review


@transaction.atomic
def review_decision_add(
    *, tenant: Tenant, actor: User | None, review: Review, decision: DecisionInput
) -> ReviewDecision:
    """Add a decision to a recorded review (the snapshot stays as it was taken)."""
    review = Review.objects.for_tenant(tenant).select_for_update().get(pk=review.pk)
    created = _decision(tenant=tenant, review=review, decision=decision)
    audit_record(
        tenant=tenant,
        actor=actor,
        action="review.add_decision",
        target=review,
        changes={"decision": [None, created.get_kind_display()]},
    )
    return created
