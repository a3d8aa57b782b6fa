"""Shared fixtures: two tenants, one member per role in each, and a logged-in client per role."""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from django.test import Client

from partnerships.models import Organisation
from partnerships.tests.factories import OrganisationFactory
from portal.models import Membership, Tenant
from portal.roles import Role
from portal.tests.factories import MembershipFactory, TenantFactory


@dataclass
class TenantWorld:
    """A tenant with one member per role; relations and company members have their own org."""

    tenant: Tenant
    school: Organisation
    company: Organisation
    members: dict[str, Membership]

    def member(self, role: str) -> Membership:
        return self.members[role]


def _world(slug: str, name: str) -> TenantWorld:
    tenant = TenantFactory(slug=slug, name=name)
    school = OrganisationFactory(
        tenant=tenant, kind=Organisation.Kind.SCHOOL, name=f"{name} College"
    )
    company = OrganisationFactory(tenant=tenant, kind=Organisation.Kind.COMPANY, name=f"{name} BV")
    organisation_of = {Role.RELATIONS: school, Role.COMPANY: company}
    members = {
        role.value: MembershipFactory(
            tenant=tenant,
            role=role,
            organisation=organisation_of.get(role),
            user__email=f"{role.value}@{slug}.example.org",
        )
        for role in Role
    }
    return TenantWorld(tenant=tenant, school=school, company=company, members=members)


@pytest.fixture(scope="module")
def celery_worker_thread():
    """A real Celery worker for one test module: a thread (solo pool) in this process.

    In this process, so its tasks run with the test settings against the test database. It
    consumes only the tests' queue (``CELERY_TASK_DEFAULT_QUEUE`` of the test settings), so a
    development worker on the same broker never takes a test's task. Its tasks use their own
    database connection and see only what a test committed: tests using it need
    ``django_db(transaction=True)``. Not named ``celery_worker``, which Celery's pytest plugin
    defines.
    """
    from celery.contrib.testing.worker import start_worker
    from django.conf import settings

    from portal.celery import app

    with start_worker(
        app,
        perform_ping_check=False,
        queues=[settings.CELERY_TASK_DEFAULT_QUEUE],
        concurrency=1,
        pool="solo",
        shutdown_timeout=30,
    ) as running:
        yield running


@pytest.fixture
def tenant_a(db) -> TenantWorld:
    return _world("verband-a", "Verband A")


@pytest.fixture
def tenant_b(db) -> TenantWorld:
    return _world("verband-b", "Verband B")


@pytest.fixture
def client_for():
    """``client_for(membership)``: a test client logged in as that member."""

    def make(membership: Membership) -> Client:
        client = Client()
        client.force_login(membership.user)
        return client

    return make


@pytest.fixture
def api_client_for():
    """``api_client_for(membership, *, token=False, read_only=False)``: a DRF APIClient acting
    as that member, through the browser session or (``token=True``) a personal API token of
    the membership's tenant, read-write unless ``read_only``. A token client carries the
    token as ``client.token`` and its secret as ``client.token_secret``. Requests default
    to JSON."""
    from rest_framework.test import APIClient

    from portal.models import PersonalToken
    from portal.tokens import personal_token_create

    def make(membership: Membership, *, token: bool = False, read_only: bool = False):
        client = APIClient()
        if token or read_only:
            personal_token, secret = personal_token_create(
                tenant=membership.tenant,
                actor=membership.user,
                name="test",
                scope=PersonalToken.Scope.READ if read_only else PersonalToken.Scope.WRITE,
            )
            client.credentials(HTTP_AUTHORIZATION=f"Bearer {secret}")
            client.token = personal_token
            client.token_secret = secret
        else:
            client.force_login(membership.user)
        return client

    return make
