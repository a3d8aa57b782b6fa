"""Ids in list filters are looked up inside the tenant: another tenant's id answers exactly
as an id that exists nowhere (a 400 problem), never as a valid, empty filter."""

from __future__ import annotations

import pytest

from agenda.tests.factories import ActionLineFactory, ThemeFactory
from portal.roles import Role
from portal.tests.factories import MembershipFactory
from reporting.tests.factories import ReportDefinitionFactory

pytestmark = pytest.mark.django_db

NOWHERE = 987654321


@pytest.mark.parametrize(
    ("path", "make_foreign", "role"),
    [
        ("action-lines/?theme={}", lambda t: ThemeFactory(tenant=t).pk, Role.LEAD),
        ("actions/?owner={}", lambda t: MembershipFactory(tenant=t).user_id, Role.LEAD),
        ("report-runs/?definition={}", lambda t: ReportDefinitionFactory(tenant=t).pk, Role.FUNDER),
    ],
)
def test_another_tenants_id_in_a_filter_answers_as_a_missing_one(
    path, make_foreign, role, tenant_a, tenant_b, api_client_for
):
    # given an id of tenant B's object, and a member of A
    foreign = make_foreign(tenant_b.tenant)
    assert foreign is not None
    client = api_client_for(tenant_a.member(role), token=True)
    base = f"/api/v1/{tenant_a.tenant.slug}/"

    # when A's list is filtered by B's id and by an id that exists nowhere
    by_foreign = client.get(base + path.format(foreign))
    by_missing = client.get(base + path.format(NOWHERE))

    # then both are the same 400 problem
    assert by_foreign.status_code == by_missing.status_code == 400
    assert by_foreign["Content-Type"].startswith("application/problem+json")
    assert by_foreign.json()["errors"][0]["code"] == by_missing.json()["errors"][0]["code"]


def test_the_own_tenants_id_filters_the_list(tenant_a, api_client_for):
    # given two themes of A with an action line each
    first, second = ThemeFactory(tenant=tenant_a.tenant), ThemeFactory(tenant=tenant_a.tenant)
    line = ActionLineFactory(tenant=tenant_a.tenant, theme=first)
    ActionLineFactory(tenant=tenant_a.tenant, theme=second)
    client = api_client_for(tenant_a.member(Role.LEAD), token=True)

    # when the lines are filtered by the first theme
    response = client.get(f"/api/v1/{tenant_a.tenant.slug}/action-lines/?theme={first.pk}")

    # then only its line is listed
    assert response.status_code == 200
    assert [row["id"] for row in response.json()["results"]] == [line.pk]
