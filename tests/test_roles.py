"""The role matrix of the tenant pages, the admin MFA policy and last-admin protection.

The expected status of every (page, role) pair is derived from ``portal.roles.PERMISSIONS``,
so that table is the contract: change a permission there and this matrix follows it.
"""

from __future__ import annotations

import pytest
from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret
from django.core import mail
from django.test import Client
from django.urls import resolve, reverse
from django.utils import translation
from django.utils.html import escape
from django.utils.translation import gettext

from portal.models import AuditEvent, Invitation, Membership
from portal.roles import PERMISSIONS, Role
from portal.tests.factories import MembershipFactory

# page (URL name) -> the permission it requires
PAGE_PERMISSIONS = {
    "tenant_dashboard": "tenant.view",
    "member_list": "members.view",
    "member_edit": "members.manage",
    "audit_log": "audit.view",
    "tenant_settings": "tenant.settings",
}
ANONYMOUS = "anonymous"
NON_MEMBER = "non-member"
VISITORS = [role.value for role in Role] + [ANONYMOUS, NON_MEMBER]
LAST_ADMIN_MESSAGE = "A partnership needs at least one programme office member."


def expected_status(page: str, visitor: str) -> int:
    if visitor == ANONYMOUS:
        return 302
    if visitor == NON_MEMBER:
        return 404
    return 200 if visitor in PERMISSIONS[PAGE_PERMISSIONS[page]] else 403


def page_url(page: str, world) -> str:
    kwargs = {"tenant_slug": world.tenant.slug}
    if page == "member_edit":
        kwargs["membership_id"] = world.member(Role.LEAD).pk
    return reverse(page, kwargs=kwargs)


def in_dutch(message: str) -> str:
    """``message`` as a Dutch visitor reads it (whether or not it is translated yet)."""
    with translation.override("nl"):
        return gettext(message)


def _view_permission(callback) -> str | None:
    view = callback
    while view is not None:
        if getattr(view, "tenant_permission", None):
            return view.tenant_permission
        view = getattr(view, "__wrapped__", None)
    return None


@pytest.mark.parametrize("page", PAGE_PERMISSIONS)
def test_page_declares_the_permission_of_the_matrix(page, tenant_a):
    # given a tenant page
    url = page_url(page, tenant_a)

    # when its view is looked up
    permission = _view_permission(resolve(url).func)

    # then it is guarded by the permission the matrix expects
    assert permission == PAGE_PERMISSIONS[page]


@pytest.mark.parametrize("visitor", VISITORS)
@pytest.mark.parametrize("page", PAGE_PERMISSIONS)
def test_role_matrix(page, visitor, tenant_a, tenant_b, client_for):
    # given a visitor in some role, and one of tenant A's pages
    if visitor == ANONYMOUS:
        client = Client()
    elif visitor == NON_MEMBER:
        client = client_for(tenant_b.member(Role.ADMIN))
    else:
        client = client_for(tenant_a.member(visitor))
    url = page_url(page, tenant_a)

    # when the visitor opens the page
    response = client.get(url)

    # then the answer is the one PERMISSIONS gives
    expected = expected_status(page, visitor)
    assert response.status_code == expected, f"{visitor} on {page}"
    if expected == 302:
        assert response.url == f"{reverse('account_login')}?next={url}"


def test_matrix_covers_a_refusal_and_an_entry_for_every_role():
    # given the matrix the tests above check
    statuses = {
        role.value: {expected_status(page, role.value) for page in PAGE_PERMISSIONS}
        for role in Role
    }

    # then every role gets in somewhere, and every role but admin is refused somewhere
    assert all(200 in found for found in statuses.values())
    assert all(403 in found for role, found in statuses.items() if role != Role.ADMIN)
    assert statuses[Role.ADMIN] == {200}


# --- admin MFA policy -------------------------------------------------------------------------


@pytest.mark.parametrize("page", PAGE_PERMISSIONS)
def test_admin_without_totp_is_sent_to_mfa_setup(page, tenant_a, client_for):
    # given a tenant that demands MFA of its admins, and an admin without TOTP
    tenant_a.tenant.require_mfa_for_admins = True
    tenant_a.tenant.save()
    client = client_for(tenant_a.member(Role.ADMIN))

    # when the admin opens a tenant page
    response = client.get(page_url(page, tenant_a))

    # then they are sent to set up TOTP first
    assert response.status_code == 302
    assert response.url == reverse("mfa_activate_totp")


def test_admin_with_totp_gets_in(tenant_a, client_for):
    # given a tenant that demands MFA of its admins, and an admin with TOTP
    tenant_a.tenant.require_mfa_for_admins = True
    tenant_a.tenant.save()
    admin = tenant_a.member(Role.ADMIN)
    TOTP.activate(admin.user, generate_totp_secret())
    client = client_for(admin)

    # when the admin opens the dashboard and the members page
    responses = [
        client.get(page_url("tenant_dashboard", tenant_a)),
        client.get(page_url("member_list", tenant_a)),
    ]

    # then they get in
    assert [response.status_code for response in responses] == [200, 200]


def test_mfa_policy_concerns_admins_only_and_only_where_demanded(tenant_a, tenant_b, client_for):
    # given tenant A demands MFA of admins, tenant B does not; no one has TOTP
    tenant_a.tenant.require_mfa_for_admins = True
    tenant_a.tenant.save()

    # when a lead of A and the admin of B open their dashboards
    lead = client_for(tenant_a.member(Role.LEAD)).get(page_url("tenant_dashboard", tenant_a))
    other_admin = client_for(tenant_b.member(Role.ADMIN)).get(
        page_url("tenant_dashboard", tenant_b)
    )

    # then both get in
    assert lead.status_code == 200
    assert other_admin.status_code == 200


# --- last-admin protection --------------------------------------------------------------------


def test_removing_the_only_admin_is_refused(tenant_a, client_for):
    # given a tenant with exactly one admin
    admin = tenant_a.member(Role.ADMIN)
    assert Membership.objects.for_tenant(tenant_a.tenant).filter(role=Role.ADMIN).count() == 1
    client = client_for(admin)
    events_before = AuditEvent.objects.for_tenant(tenant_a.tenant).count()

    # when the admin removes their own membership
    url = reverse("member_remove", args=[tenant_a.tenant.slug, admin.pk])
    response = client.post(url, follow=True)

    # then they are told why, and nothing changed
    assert response.redirect_chain[-1][0] == reverse("member_list", args=[tenant_a.tenant.slug])
    assert escape(in_dutch(LAST_ADMIN_MESSAGE)) in response.content.decode()
    assert Membership.objects.filter(pk=admin.pk, role=Role.ADMIN).exists()
    assert AuditEvent.objects.for_tenant(tenant_a.tenant).count() == events_before


def test_demoting_the_only_admin_is_refused(tenant_a, client_for):
    # given a tenant with exactly one admin
    admin = tenant_a.member(Role.ADMIN)
    client = client_for(admin)
    events_before = AuditEvent.objects.for_tenant(tenant_a.tenant).count()

    # when the admin makes themselves a lead
    url = reverse("member_edit", args=[tenant_a.tenant.slug, admin.pk])
    response = client.post(url, {"role": Role.LEAD})

    # then the form says why, and the role is unchanged
    assert response.status_code == 400
    assert in_dutch(LAST_ADMIN_MESSAGE) in response.context["form"].non_field_errors()
    assert escape(in_dutch(LAST_ADMIN_MESSAGE)) in response.content.decode()
    admin.refresh_from_db()
    assert admin.role == Role.ADMIN
    assert AuditEvent.objects.for_tenant(tenant_a.tenant).count() == events_before


def test_an_admin_may_go_when_another_remains(tenant_a, client_for):
    # given a tenant with two admins
    admin = tenant_a.member(Role.ADMIN)
    MembershipFactory(tenant=tenant_a.tenant, role=Role.ADMIN)
    client = client_for(admin)

    # when one admin makes themselves a lead
    url = reverse("member_edit", args=[tenant_a.tenant.slug, admin.pk])
    response = client.post(url, {"role": Role.LEAD})

    # then that is allowed (the protection is about the last admin only)
    assert response.status_code == 302
    admin.refresh_from_db()
    assert admin.role == Role.LEAD


@pytest.mark.parametrize(
    "role", sorted(PERMISSIONS["members.view"] - PERMISSIONS["members.manage"])
)
def test_member_who_may_only_view_members_cannot_invite(
    role, tenant_a, client_for, django_capture_on_commit_callbacks
):
    # given a member who may see the members page but not manage it
    client = client_for(tenant_a.member(role))
    invitations_before = Invitation.objects.for_tenant(tenant_a.tenant).count()

    # when they post the invite form anyway
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("member_list", args=[tenant_a.tenant.slug]),
            {"email": "binnen@example.org", "role": Role.ADMIN},
        )

    # then it is refused as a missing permission, and no one is invited
    assert response.status_code == 403
    assert Invitation.objects.for_tenant(tenant_a.tenant).count() == invitations_before
    assert mail.outbox == []
