"""The personal iCal feed of follow-ups: a secret link made, replaced and revoked by its owner;
the feed needs no login, is scoped to its tenant, and holds exactly the open follow-ups."""

from __future__ import annotations

import datetime
import re

import icalendar
import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from partnerships.calendar import hash_feed_token
from partnerships.models import CalendarFeed, Interaction
from partnerships.services.calendar import calendar_feed_create
from partnerships.tests.factories import InteractionFactory, OrganisationFactory, SchoolFactory
from portal.models import AuditEvent
from portal.roles import Role

TODAY = timezone.localdate()


def english(client: Client) -> Client:
    client.cookies["portal_language"] = "en"
    return client


def manage_url(tenant) -> str:
    return reverse("calendar_feed_manage", args=[tenant.slug])


def feed_url(tenant, token: str) -> str:
    return reverse("calendar_feed", args=[tenant.slug, token])


def token_from(html: str) -> str:
    match = re.search(r"/crm/calendar/([A-Za-z0-9_-]+)\.ics", html)
    assert match, "no feed link on the page"
    return match[1]


def events(response) -> list[icalendar.Event]:
    assert response.status_code == 200
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    calendar = icalendar.Calendar.from_ical(response.content)
    return list(calendar.walk("VEVENT"))


# --- the link ---------------------------------------------------------------------------------


def test_link_is_shown_once_and_only_its_hash_is_stored(tenant_a, client_for):
    # given a relationship manager on the calendar page
    client = english(client_for(tenant_a.member(Role.RELATIONS)))

    # when they make a link, and come back to the page later
    made = client.post(manage_url(tenant_a.tenant), {"action": "create"})
    later = client.get(manage_url(tenant_a.tenant))

    # then the link was in the answer, is stored only as a hash, and is not shown again
    token = token_from(made.content.decode())
    feed = CalendarFeed.objects.for_tenant(tenant_a.tenant).get()
    assert feed.token_hash == hash_feed_token(token) and token not in feed.token_hash
    assert token not in later.content.decode()
    assert "You have a calendar link" in later.content.decode()
    assert made["Cache-Control"].startswith("max-age=0")
    assert (
        AuditEvent.objects.for_tenant(tenant_a.tenant)
        .filter(action="calendar_feed.create")
        .exists()
    )


def test_replacing_the_link_stops_the_old_one(tenant_a, client_for):
    # given a link in use
    client = client_for(tenant_a.member(Role.RELATIONS))
    old = token_from(
        client.post(manage_url(tenant_a.tenant), {"action": "create"}).content.decode()
    )

    # when it is replaced
    new = token_from(
        client.post(manage_url(tenant_a.tenant), {"action": "create"}).content.decode()
    )

    # then the old link is gone, the new one works, and one feed is active
    assert Client().get(feed_url(tenant_a.tenant, old)).status_code == 404
    assert Client().get(feed_url(tenant_a.tenant, new)).status_code == 200
    assert CalendarFeed.objects.for_tenant(tenant_a.tenant).filter(revoked_at=None).count() == 1


def test_revoked_link_is_not_found(tenant_a, client_for):
    # given a link in use
    client = client_for(tenant_a.member(Role.RELATIONS))
    token = token_from(
        client.post(manage_url(tenant_a.tenant), {"action": "create"}).content.decode()
    )
    assert Client().get(feed_url(tenant_a.tenant, token)).status_code == 200

    # when it is revoked
    response = client.post(manage_url(tenant_a.tenant), {"action": "revoke"})

    # then it no longer works
    assert response.status_code == 302
    assert Client().get(feed_url(tenant_a.tenant, token)).status_code == 404
    assert (
        AuditEvent.objects.for_tenant(tenant_a.tenant)
        .filter(action="calendar_feed.revoke")
        .exists()
    )


@pytest.mark.parametrize("token", ["no-such-calendar-token", "x" * 43])
def test_unknown_token_is_not_found(tenant_a, token):
    assert Client().get(feed_url(tenant_a.tenant, token)).status_code == 404
    assert Client().post(feed_url(tenant_a.tenant, token)).status_code == 404


def test_another_tenants_token_under_this_tenants_slug_is_not_found(tenant_a, tenant_b):
    # given a link of a member of B
    _feed, token = calendar_feed_create(
        tenant=tenant_b.tenant, actor=tenant_b.member(Role.RELATIONS).user
    )

    # when it is used with A's slug, and with B's own
    wrong = Client().get(feed_url(tenant_a.tenant, token))
    right = Client().get(feed_url(tenant_b.tenant, token))

    # then only B's URL works
    assert (wrong.status_code, right.status_code) == (404, 200)


def test_feed_stops_when_the_membership_ends(tenant_a):
    # given a link of a relationship manager who then leaves the partnership
    member = tenant_a.member(Role.RELATIONS)
    _feed, token = calendar_feed_create(tenant=tenant_a.tenant, actor=member.user)
    member.delete()

    # then the link no longer gives their follow-ups
    assert Client().get(feed_url(tenant_a.tenant, token)).status_code == 404


@pytest.mark.parametrize("role", [Role.COMPANY, Role.FUNDER])
def test_members_who_do_not_log_have_no_calendar(tenant_a, client_for, role):
    response = client_for(tenant_a.member(role)).post(
        manage_url(tenant_a.tenant), {"action": "create"}
    )
    assert response.status_code == 403
    assert not CalendarFeed.objects.for_tenant(tenant_a.tenant).exists()


# --- the feed ---------------------------------------------------------------------------------


def test_feed_holds_exactly_the_open_follow_ups_as_all_day_events(tenant_a):
    # given follow-ups of the relationship manager: two open, one done, one of someone else,
    # an entry without follow-up, and another school's private one assigned to them
    member = tenant_a.member(Role.RELATIONS)
    other_company = OrganisationFactory(tenant=tenant_a.tenant, name="Tweede Bedrijf BV")
    base = {"logged_by": tenant_a.school, "notes": "GEHEIME NOTITIE"}
    first = InteractionFactory(
        **base,
        organisations=[tenant_a.company, other_company],
        subject="Offerte nabellen",
        follow_up_on=TODAY + datetime.timedelta(days=3),
        follow_up_assignee=member.user,
    )
    second = InteractionFactory(
        **base,
        organisations=[tenant_a.company],
        subject="Stagiairs voorstellen",
        follow_up_on=TODAY - datetime.timedelta(days=1),
        follow_up_assignee=member.user,
    )
    InteractionFactory(
        **base,
        organisations=[tenant_a.company],
        subject="Al gedaan",
        follow_up_on=TODAY,
        follow_up_assignee=member.user,
        follow_up_done_at=timezone.now(),
    )
    InteractionFactory(
        **base,
        organisations=[tenant_a.company],
        subject="Voor de lead",
        follow_up_on=TODAY,
        follow_up_assignee=tenant_a.member(Role.LEAD).user,
    )
    InteractionFactory(**base, organisations=[tenant_a.company], subject="Geen vervolg")
    InteractionFactory(
        tenant=tenant_a.tenant,
        logged_by=SchoolFactory(tenant=tenant_a.tenant),
        organisations=[tenant_a.company],
        visibility=Interaction.Visibility.OWN,
        subject="Prive van een andere school",
        follow_up_on=TODAY,
        follow_up_assignee=member.user,
    )
    _feed, token = calendar_feed_create(tenant=tenant_a.tenant, actor=member.user)

    # when a calendar app (not logged in) fetches the feed, twice
    first_fetch = events(Client().get(feed_url(tenant_a.tenant, token)))
    second_fetch = events(Client().get(feed_url(tenant_a.tenant, token)))

    # then exactly the two open follow-ups, soonest first, all-day, with subject and companies
    by_uid = {str(event["UID"]): event for event in first_fetch}
    assert [str(event["SUMMARY"]) for event in first_fetch] == [
        f"Stagiairs voorstellen – {tenant_a.company.name}",
        f"Offerte nabellen – Tweede Bedrijf BV, {tenant_a.company.name}",
    ]
    offer = by_uid[f"follow-up-{first.pk}.{tenant_a.tenant.slug}@127.0.0.1"]
    assert offer.decoded("DTSTART") == first.follow_up_on
    assert offer.decoded("DTEND") == first.follow_up_on + datetime.timedelta(days=1)
    assert f"follow-up-{second.pk}." in " ".join(by_uid)
    # and the UIDs are stable between fetches, and no notes leave the portal
    assert [str(e["UID"]) for e in second_fetch] == [str(e["UID"]) for e in first_fetch]
    assert b"GEHEIME NOTITIE" not in Client().get(feed_url(tenant_a.tenant, token)).content


def test_feed_answers_only_get(tenant_a):
    _feed, token = calendar_feed_create(
        tenant=tenant_a.tenant, actor=tenant_a.member(Role.RELATIONS).user
    )
    assert Client().post(feed_url(tenant_a.tenant, token)).status_code == 405
