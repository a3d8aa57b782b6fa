"""Writes of placements: start, complete, cancel (which gives the place back) and the
evaluation each side gives once."""

from __future__ import annotations

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from internships import notifications
from internships.models import Opportunity, Placement
from internships.services.access import side_of
from internships.services.transitions import transition_target
from portal.models import Tenant, User
from portal.services import audit_record

# An active placement may be evaluated from this many days before its end; a completed one
# at any time. Earlier, there is not enough to judge.
EVALUATION_WINDOW_DAYS = 14
EVALUATION_MAX_LENGTH = 1000


def _placement_locked(tenant: Tenant, placement: Placement) -> Placement:
    return (
        Placement.objects.for_tenant(tenant)
        .select_for_update(of=("self",))
        .select_related("school", "company", "application")
        .get(pk=placement.pk)
    )


def place_free(*, tenant: Tenant, actor: User | None, opportunity_id: int) -> None:
    """Give one place back; a filled opportunity that has not ended is published again."""
    Opportunity.objects.for_tenant(tenant).filter(pk=opportunity_id, places_taken__gt=0).update(
        places_taken=F("places_taken") - 1
    )
    opportunity = Opportunity.objects.for_tenant(tenant).get(pk=opportunity_id)
    today = timezone.localdate()
    if (
        opportunity.status == Opportunity.Status.FILLED
        and opportunity.places_taken < opportunity.places
        and (opportunity.ends_on is None or opportunity.ends_on >= today)
    ):
        opportunity.status = transition_target(opportunity, "reopen")
        opportunity.save(update_fields=["status", "updated_at"])
        audit_record(
            tenant=tenant,
            actor=actor,
            action="opportunity.reopen",
            target=opportunity,
            changes={"status": [Opportunity.Status.FILLED.value, opportunity.status]},
        )


def placement_cancel_locked(*, tenant: Tenant, actor: User | None, placement: Placement) -> None:
    """Cancel a placement whose row the caller has locked; its place is given back."""
    before = placement.status
    placement.status = transition_target(placement, "cancel")
    placement.save(update_fields=["status"])
    place_free(tenant=tenant, actor=actor, opportunity_id=placement.opportunity_id)
    audit_record(
        tenant=tenant,
        actor=actor,
        action="placement.cancel",
        target=placement,
        changes={"status": [before, placement.status]},
    )


def placement_start_locked(*, tenant: Tenant, actor: User | None, placement: Placement) -> None:
    before = placement.status
    placement.status = transition_target(placement, "start")
    placement.save(update_fields=["status"])
    audit_record(
        tenant=tenant,
        actor=actor,
        action="placement.start",
        target=placement,
        changes={"status": [before, placement.status]},
    )
    notifications.placement_started(tenant=tenant, placement_id=placement.pk)


@transaction.atomic
def placement_start(*, tenant: Tenant, actor: User, placement: Placement) -> Placement:
    """Planned -> active, by either side (the daily task does it on the start date)."""
    placement = _placement_locked(tenant, placement)
    side_of(tenant=tenant, actor=actor, school=placement.school, company=placement.company)
    placement_start_locked(tenant=tenant, actor=actor, placement=placement)
    return placement


@transaction.atomic
def placement_complete(*, tenant: Tenant, actor: User, placement: Placement) -> Placement:
    placement = _placement_locked(tenant, placement)
    side_of(tenant=tenant, actor=actor, school=placement.school, company=placement.company)
    before = placement.status
    placement.status = transition_target(placement, "complete")
    placement.save(update_fields=["status"])
    audit_record(
        tenant=tenant,
        actor=actor,
        action="placement.complete",
        target=placement,
        changes={"status": [before, placement.status]},
    )
    return placement


@transaction.atomic
def placement_cancel(*, tenant: Tenant, actor: User, placement: Placement) -> Placement:
    placement = _placement_locked(tenant, placement)
    side_of(tenant=tenant, actor=actor, school=placement.school, company=placement.company)
    placement_cancel_locked(tenant=tenant, actor=actor, placement=placement)
    return placement


def can_evaluate(placement: Placement, *, today: datetime.date | None = None) -> bool:
    """Completed, or active in its last ``EVALUATION_WINDOW_DAYS`` days."""
    today = today or timezone.localdate()
    if placement.status == Placement.Status.COMPLETED:
        return True
    return placement.status == Placement.Status.ACTIVE and today >= (
        placement.ends_on - datetime.timedelta(days=EVALUATION_WINDOW_DAYS)
    )


@transaction.atomic
def placement_evaluate(
    *,
    tenant: Tenant,
    actor: User,
    placement: Placement,
    rating: int | None,
    text: str,
    today: datetime.date | None = None,
) -> Placement:
    """The actor's side (school or company) rates the placement 1-5 with a short text, once."""
    placement = _placement_locked(tenant, placement)
    side = side_of(tenant=tenant, actor=actor, school=placement.school, company=placement.company)
    if not can_evaluate(placement, today=today):
        raise ValidationError(
            _(
                "A placement can be evaluated once it is completed, or in the last "
                "%(days)s days before its end."
            )
            % {"days": EVALUATION_WINDOW_DAYS}
        )
    if getattr(placement, f"{side}_rating") is not None:
        raise ValidationError(_("Your side has already evaluated this placement."))
    text = text.strip()
    errors = {}
    if rating is None or not 1 <= rating <= 5:
        errors["rating"] = [_("Choose a rating from 1 to 5.")]
    if not text:
        errors["text"] = [_("Write a few words about how it went.")]
    elif len(text) > EVALUATION_MAX_LENGTH:
        errors["text"] = [_("Keep it under %(max)s characters.") % {"max": EVALUATION_MAX_LENGTH}]
    if errors:
        raise ValidationError(errors)
    setattr(placement, f"{side}_rating", rating)
    setattr(placement, f"{side}_evaluation", text)
    placement.save(update_fields=[f"{side}_rating", f"{side}_evaluation"])
    audit_record(
        tenant=tenant,
        actor=actor,
        action="placement.evaluate",
        target=placement,
        changes={f"{side}_rating": [None, rating]},
    )
    return placement
