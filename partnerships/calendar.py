"""The personal iCal feed of follow-ups: finding a feed by its secret token, and the iCal
document of the member's open follow-ups, built with the icalendar library."""

from __future__ import annotations

import datetime
import hashlib
from urllib.parse import urlsplit

import icalendar
from django.conf import settings
from django.urls import reverse
from django.utils.translation import gettext as _

from partnerships.models import CalendarFeed, Interaction
from partnerships.selectors.dashboard import follow_up_list_assigned
from portal.models import Membership, Tenant

PRODUCT_ID = "-//Partnership portal//Follow-ups//EN"


def hash_feed_token(token: str) -> str:
    """Only this hash is stored: the link shown once to its owner is the only copy."""
    return hashlib.sha256(token.encode()).hexdigest()


def calendar_feed_active(*, tenant: Tenant, user) -> CalendarFeed | None:
    return (
        CalendarFeed.objects.for_tenant(tenant).filter(user=user, revoked_at__isnull=True).first()
    )


def calendar_feed_membership(*, tenant: Tenant, token: str) -> Membership | None:
    """The member whose active feed in ``tenant`` this token opens; None for an unknown or
    revoked token, another tenant's token, or someone who no longer works with the log."""
    feed = (
        CalendarFeed.objects.for_tenant(tenant)
        .filter(token_hash=hash_feed_token(token), revoked_at__isnull=True)
        .first()
    )
    if feed is None:
        return None
    membership = (
        Membership.objects.for_tenant(tenant)
        .select_related("user")
        .filter(user_id=feed.user_id, user__is_active=True)
        .first()
    )
    if membership is None or not membership.can("crm.log"):
        return None
    return membership


def follow_up_uid(interaction: Interaction, tenant: Tenant) -> str:
    """Stable per follow-up, so a calendar app updates an event instead of duplicating it."""
    host = urlsplit(settings.SITE_URL).hostname or "partnership-portal"
    return f"follow-up-{interaction.pk}.{tenant.slug}@{host}"


def follow_up_event(interaction: Interaction, tenant: Tenant) -> icalendar.Event:
    organisations = ", ".join(o.name for o in interaction.organisations.all())
    event = icalendar.Event()
    event.add("uid", follow_up_uid(interaction, tenant))
    event.add("dtstamp", interaction.created_at)
    event.add("dtstart", interaction.follow_up_on)
    event.add("dtend", interaction.follow_up_on + datetime.timedelta(days=1))
    summary = f"{interaction.subject} – {organisations}" if organisations else interaction.subject
    event.add("summary", summary)
    # What and who, never the notes: those are the logging school's own.
    event.add(
        "description",
        _("Follow-up of a %(kind)s on %(date)s, logged by %(organisation)s.")
        % {
            "kind": interaction.get_kind_display().lower(),
            "date": interaction.occurred_on.isoformat(),
            "organisation": interaction.logged_by.name,
        },
    )
    first = next(iter(interaction.organisations.all()), None)
    if first is not None:
        path = reverse("organisation_detail", args=[tenant.slug, first.pk])
        event.add("url", settings.SITE_URL.rstrip("/") + path)
    return event


def follow_up_calendar(*, tenant: Tenant, membership: Membership) -> bytes:
    """The member's open follow-ups as all-day events, as far as they may still see them."""
    calendar = icalendar.Calendar()
    calendar.add("prodid", PRODUCT_ID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("x-wr-calname", _("Follow-ups · %(tenant)s") % {"tenant": tenant.name})
    for interaction in follow_up_list_assigned(tenant=tenant, membership=membership):
        calendar.add_component(follow_up_event(interaction, tenant))
    return calendar.to_ical()
