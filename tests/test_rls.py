"""Layer 2 of tenancy: Row-Level Security binds an ordinary (non-superuser) database role.

The suite connects as a superuser, which PostgreSQL exempts from RLS, so these tests switch
the connection to an ordinary role for their duration (``SET ROLE``), as production runs.
"""

import pytest
from django.db import DatabaseError, connection, transaction

from partnerships.models import Organisation
from partnerships.tests.factories import OrganisationFactory
from portal import rls
from portal.models import Membership
from portal.tests.factories import MembershipFactory

PROBE_ROLE = "portal_rls_probe"


@pytest.fixture
def ordinary_role(db):
    """Run the test's queries as a role without superuser rights (rolled back afterwards)."""
    with connection.cursor() as cursor:
        cursor.execute(f"CREATE ROLE {PROBE_ROLE} NOLOGIN")
        cursor.execute(
            f"GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO {PROBE_ROLE}"
        )
        cursor.execute(f"GRANT USAGE ON ALL SEQUENCES IN SCHEMA public TO {PROBE_ROLE}")
        cursor.execute(f"SET ROLE {PROBE_ROLE}")
    yield
    with connection.cursor() as cursor:
        cursor.execute("RESET ROLE")
    rls.set_scope(connection, tenant_id=rls.ALL_TENANTS, user_id="")


def test_every_tenant_owned_table_has_forced_rls_and_the_policy(db):
    # given the migrated test database
    tables = [model._meta.db_table for model in rls.tenant_owned_models()]

    # when the catalogue is read
    with connection.cursor() as cursor:
        cursor.execute(
            """
            SELECT c.relname, c.relrowsecurity, c.relforcerowsecurity,
                   EXISTS (SELECT 1 FROM pg_policies p
                           WHERE p.tablename = c.relname AND p.policyname = %s)
            FROM pg_class c WHERE c.relname = ANY(%s)
            """,
            [rls.POLICY, tables],
        )
        rows = {name: (enabled, forced, policy) for name, enabled, forced, policy in cursor}

    # then each one is enabled, forced and has the policy
    assert "partnerships_organisation" in rows and "portal_membership" in rows
    assert {name: rows.get(name) for name in tables} == {
        name: (True, True, True) for name in tables
    }


def test_an_unscoped_query_sees_only_the_scoped_tenant(tenant_a, tenant_b, ordinary_role):
    # given organisations in both tenants
    OrganisationFactory.create_batch(3, tenant=tenant_b.tenant)

    # when a query forgets the tenant filter while scoped to tenant A
    rls.set_scope(connection, tenant_id=tenant_a.tenant.pk, user_id=None)
    seen = set(Organisation.objects.unscoped_all_tenants().values_list("tenant_id", flat=True))

    # then only tenant A's rows come back
    assert seen == {tenant_a.tenant.pk}


def test_all_tenants_scope_and_no_scope(tenant_a, tenant_b, ordinary_role):
    # given two tenants with organisations
    # when the scope is "all", then both tenants are visible
    rls.set_scope(connection, tenant_id=rls.ALL_TENANTS, user_id=None)
    assert Organisation.objects.unscoped_all_tenants().values("tenant").distinct().count() == 2

    # when there is no scope at all, then nothing is visible
    rls.set_scope(connection, tenant_id="", user_id=None)
    assert Organisation.objects.unscoped_all_tenants().count() == 0


def test_writing_into_another_tenant_is_refused(tenant_a, tenant_b, ordinary_role):
    # given a connection scoped to tenant A
    rls.set_scope(connection, tenant_id=tenant_a.tenant.pk, user_id=None)

    # when a row for tenant B is written, then the policy's check refuses it
    with pytest.raises(DatabaseError, match="row-level security"), transaction.atomic():
        Organisation.objects.create(tenant=tenant_b.tenant, kind="company", name="Indringer BV")


def test_memberships_are_visible_along_the_user(tenant_a, tenant_b, ordinary_role):
    # given a user who is a member of both tenants
    user = tenant_a.member("lead").user
    Membership.objects.create(tenant=tenant_b.tenant, user=user, role="funder")

    # when scoped to tenant A as that user
    rls.set_scope(connection, tenant_id=tenant_a.tenant.pk, user_id=user.pk)
    tenants = set(Membership.objects.unscoped_all_tenants().values_list("tenant_id", flat=True))
    own = set(
        Membership.objects.unscoped_all_tenants()
        .filter(user=user)
        .values_list("tenant_id", flat=True)
    )

    # then tenant B's memberships show only for the user themself
    assert own == {tenant_a.tenant.pk, tenant_b.tenant.pk}
    assert Membership.objects.unscoped_all_tenants().filter(tenant=tenant_b.tenant).count() == 1
    assert tenants == {tenant_a.tenant.pk, tenant_b.tenant.pk}


def test_tenant_pages_work_under_rls_and_show_only_their_tenant(
    tenant_a, tenant_b, client_for, ordinary_role
):
    # given the connection runs as an ordinary role, and tenant B has a distinctive member
    MembershipFactory(tenant=tenant_b.tenant, user__email="alleen-in-b@example.org")
    client = client_for(tenant_a.member("admin"))

    # when tenant A's admin opens the members page and the dashboard
    members = client.get(f"/{tenant_a.tenant.slug}/members/")
    dashboard = client.get(f"/{tenant_a.tenant.slug}/dashboard/")

    # then both work, and tenant B's rows never reach the page
    assert members.status_code == 200 and dashboard.status_code == 200
    assert "alleen-in-b@example.org" not in members.content.decode()
    assert tenant_a.member("lead").user.email in members.content.decode()
