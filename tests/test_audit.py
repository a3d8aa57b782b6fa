"""The audit trail: each write service records who did what to which object in which tenant,
the audit page shows a tenant only its own events, and list pages keep a fixed query count."""

from __future__ import annotations

import factory
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from portal import services
from portal.models import AuditEvent, Invitation, Membership
from portal.roles import Role
from portal.tests.factories import (
    AuditEventFactory,
    InvitationFactory,
    MembershipFactory,
    UserFactory,
)


def only_event(tenant, action: str) -> AuditEvent:
    """The one event of ``action`` in ``tenant`` (fails if there are none or several)."""
    return AuditEvent.objects.for_tenant(tenant).get(action=action)


def count_queries(client: Client, url: str) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries)


# --- services write the trail -----------------------------------------------------------------


def test_invitation_create_is_recorded(tenant_a):
    # given an admin
    admin = tenant_a.member(Role.ADMIN).user

    # when they invite someone
    invitation, _token = services.invitation_create(
        tenant=tenant_a.tenant, actor=admin, email="Nieuw@Example.org", role=Role.COMPANY
    )

    # then the event names the admin, the tenant, the invitation and what it holds
    event = only_event(tenant_a.tenant, "invitation.create")
    assert event.actor == admin
    assert event.tenant == tenant_a.tenant
    assert (event.target_type, event.target_id) == ("portal.invitation", str(invitation.pk))
    assert event.target_repr == "nieuw@example.org"
    assert event.changes == {"email": [None, "nieuw@example.org"], "role": [None, "company"]}


def test_invitation_accept_is_recorded(tenant_a):
    # given an open invitation and the person it is for
    invitation = InvitationFactory(
        tenant=tenant_a.tenant, email="welkom@example.org", role=Role.LEAD
    )
    user = UserFactory(email="welkom@example.org")

    # when they accept it
    membership = services.invitation_accept(invitation=invitation, user=user)

    # then the new membership is recorded, by the person who accepted
    event = only_event(tenant_a.tenant, "membership.create")
    assert event.actor == user
    assert event.tenant == tenant_a.tenant
    assert (event.target_type, event.target_id) == ("portal.membership", str(membership.pk))
    assert event.changes == {"role": [None, "lead"]}
    assert Invitation.objects.get(pk=invitation.pk).accepted_by == user


def test_membership_change_records_the_changed_fields(tenant_a):
    # given a lead without an organisation
    admin = tenant_a.member(Role.ADMIN).user
    lead = tenant_a.member(Role.LEAD)

    # when the admin makes them a relationship manager of the school
    services.membership_change(
        tenant=tenant_a.tenant,
        actor=admin,
        membership=lead,
        role=Role.RELATIONS,
        organisation=tenant_a.school,
    )

    # then the event holds the old and new value of both fields
    event = only_event(tenant_a.tenant, "membership.change")
    assert event.actor == admin
    assert (event.target_type, event.target_id) == ("portal.membership", str(lead.pk))
    assert event.changes == {
        "role": ["lead", "relations"],
        "organisation": [None, str(tenant_a.school)],
    }


def test_membership_change_without_changes_records_nothing(tenant_a):
    # given a funder
    admin = tenant_a.member(Role.ADMIN).user
    funder = tenant_a.member(Role.FUNDER)

    # when the admin saves the same role again
    services.membership_change(
        tenant=tenant_a.tenant, actor=admin, membership=funder, role=Role.FUNDER
    )

    # then there is nothing to record
    assert not AuditEvent.objects.for_tenant(tenant_a.tenant).filter(action="membership.change")


def test_membership_remove_is_recorded(tenant_a):
    # given a company contact
    admin = tenant_a.member(Role.ADMIN).user
    contact = tenant_a.member(Role.COMPANY)
    contact_pk, contact_repr = contact.pk, str(contact)

    # when the admin removes them
    services.membership_remove(tenant=tenant_a.tenant, actor=admin, membership=contact)

    # then the membership is gone and the event still says who it was
    assert not Membership.objects.filter(pk=contact_pk).exists()
    event = only_event(tenant_a.tenant, "membership.remove")
    assert event.actor == admin
    assert (event.target_type, event.target_id) == ("portal.membership", str(contact_pk))
    assert event.target_repr == contact_repr
    assert event.changes == {"role": ["company", None]}


def test_tenant_update_records_the_changed_fields(tenant_a):
    # given a tenant
    admin = tenant_a.member(Role.ADMIN).user
    old_name = tenant_a.tenant.name

    # when the admin renames it and keeps its language
    services.tenant_update(
        tenant=tenant_a.tenant,
        actor=admin,
        name="Techniek Regio Oost",
        default_language=tenant_a.tenant.default_language,
    )

    # then only the changed field is recorded
    event = only_event(tenant_a.tenant, "tenant.update")
    assert event.actor == admin
    assert (event.target_type, event.target_id) == ("portal.tenant", str(tenant_a.tenant.pk))
    assert event.changes == {"name": [old_name, "Techniek Regio Oost"]}


def settings_form(tenant, **changes) -> dict:
    """The settings form as the page posts it: every field with its current value."""
    fields = {
        "name": tenant.name,
        "description": tenant.description,
        "brand_colour": tenant.brand_colour,
        "default_language": tenant.default_language,
    }
    fields |= {
        name: "on" for name in ("public_page", "require_mfa_for_admins") if getattr(tenant, name)
    }
    return fields | changes


def test_settings_page_records_what_changed(tenant_a, client_for):
    # given an admin on the settings page of a tenant with a public page
    admin = tenant_a.member(Role.ADMIN)
    client = client_for(admin)
    tenant = tenant_a.tenant
    old_name = tenant.name
    form = settings_form(tenant, name="Verband Oost")
    del form["public_page"]

    # when they rename the tenant and turn off the public page
    response = client.post(reverse("tenant_settings", args=[tenant.slug]), form)

    # then both changes are saved and recorded, and nothing else is
    assert response.status_code == 302
    tenant.refresh_from_db()
    assert (tenant.name, tenant.public_page) == ("Verband Oost", False)
    event = only_event(tenant, "tenant.update")
    assert event.actor == admin.user
    assert event.changes == {"name": [old_name, "Verband Oost"], "public_page": [True, False]}


def test_settings_page_saved_unchanged_records_nothing(tenant_a, client_for):
    # given an admin on the settings page
    client = client_for(tenant_a.member(Role.ADMIN))
    tenant = tenant_a.tenant

    # when they save without changing anything (and upload no logo)
    response = client.post(reverse("tenant_settings", args=[tenant.slug]), settings_form(tenant))

    # then there is nothing to record
    assert response.status_code == 302
    assert not AuditEvent.objects.for_tenant(tenant).filter(action="tenant.update")


def test_invalid_settings_change_nothing(tenant_a, client_for):
    # given an admin on the settings page
    client = client_for(tenant_a.member(Role.ADMIN))
    tenant = tenant_a.tenant
    old_name = tenant.name

    # when they post a new name with an invalid colour
    response = client.post(
        reverse("tenant_settings", args=[tenant.slug]),
        settings_form(tenant, name="Half Gewijzigd", brand_colour="rood"),
    )

    # then the form shows the error; the tenant, its page header and the trail are unchanged
    assert response.status_code == 400
    assert "brand_colour" in response.context["form"].errors
    assert response.context["tenant"].name == old_name
    tenant.refresh_from_db()
    assert tenant.name == old_name
    assert not AuditEvent.objects.for_tenant(tenant).filter(action="tenant.update")


# --- the audit page ---------------------------------------------------------------------------


def test_audit_page_shows_own_events_only(tenant_a, tenant_b, client_for):
    # given events in both tenants
    AuditEventFactory(tenant=tenant_a.tenant, action="test.mine", target_repr="Eigen gebeurtenis")
    AuditEventFactory(tenant=tenant_b.tenant, action="test.theirs", target_repr="Andermans zaak")
    client = client_for(tenant_a.member(Role.ADMIN))

    # when A's admin opens A's audit log
    response = client.get(reverse("audit_log", args=[tenant_a.tenant.slug]))

    # then A's events are there and B's are not
    content = response.content.decode()
    assert response.status_code == 200
    assert "Eigen gebeurtenis" in content
    assert "test.mine" in content
    assert "Andermans zaak" not in content
    assert "test.theirs" not in content
    assert {event.tenant_id for event in response.context["page"].object_list} == {
        tenant_a.tenant.pk
    }


# --- query counts do not grow with rows -------------------------------------------------------


def test_audit_page_query_count_is_constant(tenant_a, client_for):
    # given an audit log with some events, each by a different person
    url = reverse("audit_log", args=[tenant_a.tenant.slug])
    client = client_for(tenant_a.member(Role.ADMIN))
    AuditEventFactory.create_batch(5, tenant=tenant_a.tenant, actor=factory.SubFactory(UserFactory))
    client.get(url)
    few = count_queries(client, url)

    # when there are three times as many events
    AuditEventFactory.create_batch(
        10, tenant=tenant_a.tenant, actor=factory.SubFactory(UserFactory)
    )
    many = count_queries(client, url)

    # then the page needs the same number of queries
    assert AuditEvent.objects.for_tenant(tenant_a.tenant).count() == 15
    assert many == few


def test_members_page_query_count_is_constant(tenant_a, client_for):
    # given a members page with some members and open invitations, each with an organisation
    url = reverse("member_list", args=[tenant_a.tenant.slug])
    client = client_for(tenant_a.member(Role.ADMIN))
    for _ in range(2):
        InvitationFactory(tenant=tenant_a.tenant, organisation=tenant_a.company)
    client.get(url)
    members_before = Membership.objects.for_tenant(tenant_a.tenant).count()
    few = count_queries(client, url)

    # when there are three times as many of both
    MembershipFactory.create_batch(
        2 * members_before, tenant=tenant_a.tenant, organisation=tenant_a.school
    )
    for _ in range(4):
        InvitationFactory(tenant=tenant_a.tenant, organisation=tenant_a.company)
    many = count_queries(client, url)

    # then the page needs the same number of queries
    assert Membership.objects.for_tenant(tenant_a.tenant).count() == 3 * members_before
    assert many == few
