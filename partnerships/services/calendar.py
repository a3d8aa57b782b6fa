"""Writes of the personal iCal feed of follow-ups: a secret link, replaced or revoked at will."""

from __future__ import annotations

import secrets

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from partnerships.calendar import hash_feed_token
from partnerships.models import CalendarFeed
from portal.models import Membership, Tenant, User
from portal.services import audit_record


def _revoke_active(*, tenant: Tenant, actor: User) -> int:
    return (
        CalendarFeed.objects.for_tenant(tenant)
        .filter(user=actor, revoked_at__isnull=True)
        .update(revoked_at=timezone.now())
    )


@transaction.atomic
def calendar_feed_create(*, tenant: Tenant, actor: User) -> tuple[CalendarFeed, str]:
    """A new feed link for ``actor`` in ``tenant``; an earlier link stops working.
    Returns the feed and its token, which is not kept anywhere else."""
    membership = Membership.objects.for_tenant(tenant).filter(user=actor).first()
    if membership is None or not membership.can("crm.log"):
        raise ValidationError(_("Only members who work with the contact log have a calendar."))
    replaced = _revoke_active(tenant=tenant, actor=actor)
    token = secrets.token_urlsafe(32)
    feed = CalendarFeed.objects.create(tenant=tenant, user=actor, token_hash=hash_feed_token(token))
    audit_record(
        tenant=tenant,
        actor=actor,
        action="calendar_feed.replace" if replaced else "calendar_feed.create",
        target=feed,
    )
    return feed, token


@transaction.atomic
def calendar_feed_revoke(*, tenant: Tenant, actor: User) -> bool:
    """Stop ``actor``'s feed link from working. False when there was none."""
    feed = (
        CalendarFeed.objects.for_tenant(tenant)
        .select_for_update()
        .filter(user=actor, revoked_at__isnull=True)
        .first()
    )
    if feed is None:
        return False
    feed.revoked_at = timezone.now()
    feed.save(update_fields=["revoked_at"])
    audit_record(tenant=tenant, actor=actor, action="calendar_feed.revoke", target=feed)
    return True
