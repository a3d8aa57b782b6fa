"""Errors of the API are RFC 9457 problem documents, in the client's language."""

from __future__ import annotations

import pytest
from django.core.cache import cache
from django.test import Client

from partnerships.models import Organisation
from portal.api.throttling import TokenRateThrottle
from portal.roles import Role

PROBLEM = "application/problem+json"
PROBLEM_KEYS = {"type", "title", "status", "detail", "code"}


def organisations_url(world) -> str:
    return f"/api/v1/{world.tenant.slug}/organisations/"


def assert_problem(response, status: int) -> dict:
    assert response.status_code == status
    assert response["Content-Type"] == PROBLEM
    body = response.json()
    assert PROBLEM_KEYS <= set(body)
    assert body["status"] == status
    assert body["type"].startswith("urn:partnership-portal:problem:")
    return body


def test_unknown_tenant_is_a_404_problem_also_for_anonymous_visitors(tenant_a, api_client_for):
    # given a member of A and an anonymous client
    member = api_client_for(tenant_a.member(Role.ADMIN), token=True)

    # when both ask for a tenant that does not exist
    responses = [
        member.get("/api/v1/no-such-partnership/organisations/"),
        Client().get("/api/v1/no-such-partnership/organisations/"),
    ]

    # then both get the same 404 problem (not a 401 that would hint at a login)
    for response in responses:
        assert_problem(response, 404)


def test_unknown_api_url_is_a_404_problem_and_pages_keep_their_404(tenant_a, client_for):
    # given a member
    client = client_for(tenant_a.member(Role.ADMIN))

    # when they ask for an API path that does not exist, and a page that does not exist
    api = client.get(f"/api/v1/{tenant_a.tenant.slug}/no-such-resource/")
    page = client.get(f"/{tenant_a.tenant.slug}/no-such-page/")

    # then the API answers with a problem, the page with HTML
    assert_problem(api, 404)
    assert page.status_code == 404
    assert page["Content-Type"].startswith("text/html")


def test_validation_problem_names_unknown_and_invalid_fields(tenant_a, api_client_for):
    # given a relationship manager's token
    client = api_client_for(tenant_a.member(Role.RELATIONS), token=True)
    before = Organisation.objects.count()

    # when they send an unknown field, a read-only field and an invalid kind, in English
    response = client.post(
        organisations_url(tenant_a),
        {"kind": "spaceship", "name": "Nieuw BV", "colour": "blue", "created_at": "2026-01-01"},
        format="json",
        HTTP_ACCEPT_LANGUAGE="en",
    )

    # then the problem lists each field with its message, and nothing was created
    body = assert_problem(response, 400)
    assert body["code"] == "invalid"
    assert body["title"] == "Invalid input"
    errors = {item["field"]: item for item in body["errors"]}
    assert errors["colour"]["code"] == "unknown_field"
    assert errors["colour"]["message"] == "Unknown field."
    assert errors["created_at"]["code"] == "read_only_field"
    assert errors["kind"]["code"] == "invalid_choice"
    assert "colour" in body["detail"]
    assert Organisation.objects.count() == before


def test_service_validation_error_becomes_a_field_problem(tenant_a, api_client_for):
    # given an organisation that exists already
    client = api_client_for(tenant_a.member(Role.RELATIONS), token=True)
    existing = tenant_a.company.name

    # when another one with the same name is created (a rule of the service, not the serializer)
    response = client.post(
        organisations_url(tenant_a),
        {"kind": "company", "name": existing.upper()},
        format="json",
        HTTP_ACCEPT_LANGUAGE="en",
    )

    # then the service's message comes back at the field
    body = assert_problem(response, 400)
    assert body["errors"][0]["field"] == "name"
    assert "There is already an organisation called" in body["errors"][0]["message"]
    assert Organisation.objects.filter(name__iexact=existing).count() == 1


def test_problem_titles_follow_the_language(tenant_a, api_client_for):
    # given a member's token, asking without a language and in English
    client = api_client_for(tenant_a.member(Role.RELATIONS), token=True)
    url = f"{organisations_url(tenant_a)}999999999/"

    # when they ask for an organisation that does not exist
    dutch = client.get(url)
    english = client.get(url, HTTP_ACCEPT_LANGUAGE="en-GB,en;q=0.8")

    # then the tenant's language (Dutch) is the default and English is honoured
    assert assert_problem(dutch, 404)["title"] == "Niet gevonden"
    assert assert_problem(english, 404)["title"] == "Not found"
    assert english["Content-Language"] == "en"


def test_method_not_allowed_media_type_and_malformed_json(tenant_a, api_client_for):
    # given a relationship manager's token
    client = api_client_for(tenant_a.member(Role.RELATIONS), token=True)
    url = organisations_url(tenant_a)

    # when they DELETE the list, post form data, and post broken JSON
    delete = client.delete(url)
    form = client.post(url, "name=x", content_type="application/x-www-form-urlencoded")
    broken = client.post(url, '{"name": ', content_type="application/json")

    # then each is its own problem
    assert assert_problem(delete, 405)["code"] == "method_not_allowed"
    assert "GET" in delete["Allow"]
    assert assert_problem(form, 415)["code"] == "unsupported_media_type"
    assert assert_problem(broken, 400)["code"] == "parse_error"


def test_member_without_the_permission_gets_a_403_problem(tenant_a, api_client_for):
    # given a funder (no CRM) with a token
    client = api_client_for(tenant_a.member(Role.FUNDER), token=True)

    # when they list the contact log
    response = client.get(f"/api/v1/{tenant_a.tenant.slug}/interactions/")

    # then it is forbidden
    assert assert_problem(response, 403)["code"] == "permission_denied"


def test_non_member_gets_a_404_problem(tenant_a, tenant_b, api_client_for):
    # given a member of B signed in with the session
    client = api_client_for(tenant_b.member(Role.ADMIN))

    # when they ask for A's organisations
    response = client.get(organisations_url(tenant_a))

    # then A does not exist for them
    assert_problem(response, 404)


def test_admin_without_mfa_in_a_strict_tenant_is_refused(tenant_a, api_client_for):
    # given an admin with a session in a tenant that (from now on) demands MFA
    client = api_client_for(tenant_a.member(Role.ADMIN))
    tenant_a.tenant.require_mfa_for_admins = True
    tenant_a.tenant.save()

    # when they use the API
    response = client.get(organisations_url(tenant_a))

    # then they are told to set up two-factor authentication first
    assert assert_problem(response, 403)["code"] == "mfa_required"


def test_throttling_is_per_token_and_answers_429_with_retry_after(
    tenant_a, api_client_for, settings
):
    # given a rate of 3 requests a minute, and two tokens of the same member
    rest_framework = dict(settings.REST_FRAMEWORK)
    rest_framework["DEFAULT_THROTTLE_RATES"] = {"api_user": "3/minute", "api_anon": "3/minute"}
    settings.REST_FRAMEWORK = rest_framework
    member = tenant_a.member(Role.LEAD)
    first, second = api_client_for(member, token=True), api_client_for(member, token=True)
    for client in (first, second):
        cache.delete(f"throttle_{TokenRateThrottle.scope}_token-{client.token.pk}")
    url = organisations_url(tenant_a)

    # when the first token makes four requests and then the second one makes one
    statuses = [first.get(url).status_code for _ in range(3)]
    throttled = first.get(url, HTTP_ACCEPT_LANGUAGE="en")
    other = second.get(url)

    # then the fourth is a 429 problem with Retry-After; the other token has its own bucket
    assert statuses == [200, 200, 200]
    body = assert_problem(throttled, 429)
    assert body["code"] == "throttled"
    assert body["title"] == "Too many requests"
    assert 0 < int(throttled["Retry-After"]) <= 60
    assert other.status_code == 200


@pytest.mark.parametrize("page_size", ["2", "500"])
def test_lists_are_paginated_with_a_capped_page_size(page_size, tenant_a, api_client_for):
    # given 3 organisations beyond the world's own, and a relationship manager's token
    from partnerships.tests.factories import OrganisationFactory

    OrganisationFactory.create_batch(3, tenant=tenant_a.tenant)
    client = api_client_for(tenant_a.member(Role.RELATIONS), token=True)

    # when they ask for a page of the given size
    body = client.get(organisations_url(tenant_a), {"page_size": page_size}).json()

    # then the page is as large as asked, up to the cap, with the total count
    total = Organisation.objects.filter(tenant=tenant_a.tenant).count()
    assert body["count"] == total
    assert len(body["results"]) == min(int(page_size), total, 200)
    assert (body["next"] is not None) == (int(page_size) < total)
