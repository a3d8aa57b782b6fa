"""Personal API tokens: the pages that make and revoke them, and authenticating with one."""

from __future__ import annotations

import datetime
import re

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from partnerships.models import Organisation
from portal.models import AuditEvent, PersonalToken, hash_personal_token
from portal.roles import Role
from portal.tokens import personal_token_create, personal_token_touch

PROBLEM = "application/problem+json"


def organisations_url(world) -> str:
    return f"/api/v1/{world.tenant.slug}/organisations/"


def bearer(secret: str) -> dict:
    return {"HTTP_AUTHORIZATION": f"Bearer {secret}"}


# --- the pages -----------------------------------------------------------------------------


def test_created_token_secret_is_shown_once_and_only_its_hash_is_stored(tenant_a, client_for):
    # given a relationship manager on the API tokens page
    member = tenant_a.member(Role.RELATIONS)
    client = client_for(member)
    client.cookies["portal_language"] = "en"
    url = reverse("api_token_list")

    # when they create a read-only token that expires in 30 days
    response = client.post(
        url,
        {"name": "School website", "tenant": tenant_a.tenant.pk, "scope": "read", "expires": "30"},
    )

    # then the page shows the secret once; the database holds only its hash
    assert response.status_code == 201
    secret = re.search(r"pp_[A-Za-z0-9_-]{40,}", response.content.decode())[0]
    token = PersonalToken.objects.get(user=member.user)
    assert token.token_hash == hash_personal_token(secret)
    assert secret not in {token.token_hash, token.prefix, token.name}
    assert token.scope == PersonalToken.Scope.READ
    assert token.tenant == tenant_a.tenant
    expected_expiry = timezone.now() + datetime.timedelta(days=30)
    assert abs((token.expires_at - expected_expiry).total_seconds()) < 60
    assert "no-store" in response["Cache-Control"]
    # and a reload of the list does not show it again
    assert secret not in client.get(url).content.decode()
    # and the creation is audited in the token's tenant
    event = AuditEvent.objects.get(action="personal_token.create")
    assert (event.tenant, event.actor) == (tenant_a.tenant, member.user)


def test_token_for_a_partnership_one_is_not_a_member_of_is_refused(tenant_a, tenant_b, client_for):
    # given a member of A
    client = client_for(tenant_a.member(Role.LEAD))

    # when they try to make a token for B
    response = client.post(
        reverse("api_token_list"),
        {"name": "sneaky", "tenant": tenant_b.tenant.pk, "scope": "write", "expires": "never"},
    )

    # then the form refuses it and no token exists
    assert response.status_code == 400
    assert not PersonalToken.objects.exists()


def test_admin_without_mfa_in_a_strict_tenant_cannot_create_a_token(tenant_a):
    # given a tenant that demands two-factor authentication of its programme office
    tenant_a.tenant.require_mfa_for_admins = True
    tenant_a.tenant.save()
    admin = tenant_a.member(Role.ADMIN)

    # when its admin without TOTP asks for a token
    with pytest.raises(ValidationError) as error:
        personal_token_create(tenant=tenant_a.tenant, actor=admin.user, name="sync", scope="write")

    # then it is refused on the partnership field
    assert "tenant" in error.value.message_dict
    assert not PersonalToken.objects.exists()


def test_user_lists_and_revokes_only_their_own_tokens(tenant_a, client_for):
    # given two members of A with a token each
    own_member, other_member = tenant_a.member(Role.RELATIONS), tenant_a.member(Role.LEAD)
    own, _secret = personal_token_create(
        tenant=tenant_a.tenant, actor=own_member.user, name="own token", scope="read"
    )
    other, _secret = personal_token_create(
        tenant=tenant_a.tenant, actor=other_member.user, name="other token", scope="read"
    )
    client = client_for(own_member)

    # when the first opens the page and tries to revoke the other's token, then their own
    page = client.get(reverse("api_token_list")).content.decode()
    foreign = client.post(reverse("api_token_revoke", args=[other.pk]))
    mine = client.post(reverse("api_token_revoke", args=[own.pk]))

    # then they see only theirs, the other's token is a 404 and untouched, theirs is revoked
    assert "own token" in page and "other token" not in page
    assert foreign.status_code == 404
    assert mine.status_code == 302
    other.refresh_from_db()
    own.refresh_from_db()
    assert other.revoked_at is None
    assert own.revoked_at is not None
    assert AuditEvent.objects.filter(action="personal_token.revoke", target_id=str(own.pk)).count()


def test_token_pages_need_a_login(client):
    # given an anonymous visitor
    # when they open the tokens page
    response = client.get(reverse("api_token_list"))

    # then they are sent to the login page
    assert response.status_code == 302
    assert reverse("account_login") in response["Location"]


def test_user_menu_links_to_the_tokens_page(tenant_a, client_for):
    # given a signed-in member
    client = client_for(tenant_a.member(Role.FUNDER))

    # when any page renders
    response = client.get(reverse("home"))

    # then the header links to the API tokens page
    assert f'href="{reverse("api_token_list")}"' in response.content.decode()


# --- authenticating with a token -------------------------------------------------------------


def test_valid_token_authenticates_and_records_last_use_at_most_once_a_minute(tenant_a, client):
    # given a lead's read-write token that was never used
    lead = tenant_a.member(Role.LEAD)
    token, secret = personal_token_create(
        tenant=tenant_a.tenant, actor=lead.user, name="sync", scope="write"
    )
    assert token.last_used_at is None

    # when it is used twice in a row
    first = client.get(organisations_url(tenant_a), **bearer(secret))
    token.refresh_from_db()
    used_at = token.last_used_at
    second = client.get(organisations_url(tenant_a), **bearer(secret))
    token.refresh_from_db()

    # then both requests succeed and last use is written once
    assert (first.status_code, second.status_code) == (200, 200)
    assert used_at is not None
    assert token.last_used_at == used_at
    # and a minute later it is written again
    later = used_at + datetime.timedelta(seconds=61)
    assert personal_token_touch(token=token, now=later) is True
    token.refresh_from_db()
    assert token.last_used_at == later


@pytest.mark.parametrize("state", ["revoked", "expired", "unknown", "left", "malformed"])
def test_unusable_token_is_a_401_problem(state, tenant_a, client):
    # given a lead's token in one of the states that must not work
    lead = tenant_a.member(Role.LEAD)
    token, secret = personal_token_create(
        tenant=tenant_a.tenant, actor=lead.user, name="sync", scope="write"
    )
    header = f"Bearer {secret}"
    if state == "revoked":
        PersonalToken.objects.filter(pk=token.pk).update(revoked_at=timezone.now())
    elif state == "expired":
        PersonalToken.objects.filter(pk=token.pk).update(
            expires_at=timezone.now() - datetime.timedelta(seconds=1)
        )
    elif state == "unknown":
        header = f"Bearer {PersonalToken.new_secret()}"
    elif state == "left":
        lead.delete()
    else:
        header = f"Bearer {secret} extra"

    # when it is used
    response = client.get(
        organisations_url(tenant_a), HTTP_AUTHORIZATION=header, HTTP_ACCEPT_LANGUAGE="en"
    )

    # then it is a 401 problem that says how to authenticate
    assert response.status_code == 401
    assert response["Content-Type"] == PROBLEM
    assert response["WWW-Authenticate"].startswith("Bearer")
    body = response.json()
    assert body["status"] == 401
    assert body["code"] == "authentication_failed"
    assert body["title"] == "Authentication required"


def test_anonymous_request_is_a_401_problem(tenant_a, client):
    # when nobody authenticates
    response = client.get(organisations_url(tenant_a))

    # then the API asks for credentials
    assert response.status_code == 401
    assert response["Content-Type"] == PROBLEM
    assert response.json()["code"] == "not_authenticated"


def test_token_of_another_tenant_is_not_found(tenant_a, tenant_b, client):
    # given a token of tenant A's programme office
    admin = tenant_a.member(Role.ADMIN)
    _token, secret = personal_token_create(
        tenant=tenant_a.tenant, actor=admin.user, name="sync", scope="write"
    )

    # when it is used on tenant B's URL
    response = client.get(organisations_url(tenant_b), **bearer(secret))

    # then B does not exist for it
    assert response.status_code == 404
    assert response["Content-Type"] == PROBLEM


def test_token_of_a_member_of_both_tenants_works_only_in_its_own(tenant_a, tenant_b, client):
    # given a user who is admin in both A and B, with a token for A
    from portal.tests.factories import MembershipFactory

    admin_a = tenant_a.member(Role.ADMIN)
    MembershipFactory(tenant=tenant_b.tenant, user=admin_a.user, role=Role.ADMIN)
    _token, secret = personal_token_create(
        tenant=tenant_a.tenant, actor=admin_a.user, name="sync", scope="write"
    )

    # when the token is used in A and in B
    in_a = client.get(organisations_url(tenant_a), **bearer(secret))
    in_b = client.get(organisations_url(tenant_b), **bearer(secret))

    # then it opens A only
    assert (in_a.status_code, in_b.status_code) == (200, 404)


def test_read_only_token_cannot_write_and_nothing_changes(tenant_a, api_client_for):
    # given a read-only token of the programme office
    client = api_client_for(tenant_a.member(Role.ADMIN), read_only=True)
    before = Organisation.objects.count()

    # when it reads and then tries to create an organisation
    read = client.get(organisations_url(tenant_a))
    write = client.post(
        organisations_url(tenant_a), {"kind": "company", "name": "Nieuw BV"}, format="json"
    )

    # then reading works, writing is a 403 problem, and nothing was created
    assert read.status_code == 200
    assert write.status_code == 403
    assert write["Content-Type"] == PROBLEM
    assert write.json()["code"] == "read_only_token"
    assert Organisation.objects.count() == before


def test_read_write_token_writes_with_the_members_role_only(tenant_a, api_client_for):
    # given read-write tokens of a relationship manager and of a funder
    relations = api_client_for(tenant_a.member(Role.RELATIONS), token=True)
    funder = api_client_for(tenant_a.member(Role.FUNDER), token=True)

    # when both create an organisation
    allowed = relations.post(
        organisations_url(tenant_a), {"kind": "company", "name": "Token BV"}, format="json"
    )
    refused = funder.post(
        organisations_url(tenant_a), {"kind": "company", "name": "Funder BV"}, format="json"
    )

    # then the token gives exactly the role's rights
    assert allowed.status_code == 201
    assert refused.status_code == 403
    assert Organisation.objects.filter(name="Token BV").exists()
    assert not Organisation.objects.filter(name="Funder BV").exists()


def test_session_writes_need_the_csrf_token(tenant_a):
    # given a relationship manager signed in through the browser, with CSRF checks on
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    client.force_login(tenant_a.member(Role.RELATIONS).user)

    # when they post without the CSRF token
    response = client.post(
        organisations_url(tenant_a),
        '{"kind": "company", "name": "CSRF BV"}',
        content_type="application/json",
    )

    # then it is refused and nothing is created
    assert response.status_code == 403
    assert response["Content-Type"] == PROBLEM
    assert not Organisation.objects.filter(name="CSRF BV").exists()


@pytest.fixture
def ordinary_role(db):
    """Requests run as a role without superuser rights, so Row-Level Security binds (as in
    production; see tests/test_rls.py)."""
    from django.db import connection

    from portal import rls

    role = "portal_api_rls_probe"
    with connection.cursor() as cursor:
        cursor.execute(f"CREATE ROLE {role} NOLOGIN")
        cursor.execute(
            f"GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO {role}"
        )
        cursor.execute(f"GRANT USAGE ON ALL SEQUENCES IN SCHEMA public TO {role}")
    yield lambda: connection.cursor().execute(f"SET ROLE {role}")
    with connection.cursor() as cursor:
        cursor.execute("RESET ROLE")
    rls.set_scope(connection, tenant_id=rls.ALL_TENANTS, user_id="")


def test_token_of_another_tenant_is_not_found_under_row_level_security(
    tenant_a, tenant_b, client, ordinary_role
):
    # given a token of A, and the database connection as an ordinary role (RLS applies)
    admin = tenant_a.member(Role.ADMIN)
    token, secret = personal_token_create(
        tenant=tenant_a.tenant, actor=admin.user, name="sync", scope="write"
    )
    ordinary_role()

    # when the token is used on B's URL and on A's
    in_b = client.get(organisations_url(tenant_b), **bearer(secret))
    in_a = client.get(organisations_url(tenant_a), **bearer(secret))

    # then B's answer is the same 404 as without RLS (not an "unknown token" 401), A's works
    assert (in_b.status_code, in_a.status_code) == (404, 200)
    assert {row["id"] for row in in_a.json()["results"]} == {
        tenant_a.school.pk,
        tenant_a.company.pk,
    }
