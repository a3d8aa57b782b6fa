"""Property-based tests of the whole API against its own OpenAPI schema (Schemathesis).

The schema is loaded from ``/api/v1/schema/`` through Django's WSGI application (in-process,
no server). Every operation is called with generated data as the programme office of one
tenant, with a read-write personal token; ``tenant_slug`` is that tenant, and every
``<model>_id`` in a path names a real object of it (made by the app's factory), so reads
and writes reach the resource instead of stopping at a 404. Each example runs in a
savepoint that is rolled back, so no example sees another's data.

Checks: no 5xx; status code, content type, headers and body conform to the schema; and
authentication is never ignored (the same request without the token, or with a wrong one,
is refused).
"""

from __future__ import annotations

import pytest
import schemathesis
from django.apps import apps
from django.core import signals
from django.db import close_old_connections, transaction
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    ignored_auth,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from portal.roles import Role
from portal.tests.factories import MembershipFactory, TenantFactory
from portal.tokens import personal_token_create
from portal.wsgi import application
from tests.test_isolation import discover_factories

TENANT_SLUG = "schemathesis"
MAX_EXAMPLES = 20

schema = schemathesis.openapi.from_wsgi("/api/v1/schema/?format=json", application)
schema.config.update(parameters={"tenant_slug": TENANT_SLUG})
# The coverage phase (every boundary case of every parameter) takes over ten minutes on two
# cores; the examples and the fuzzing phase (positive and negative data) stay.
schema.config.phases.coverage.enabled = False

CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
    ignored_auth,
]


def _model_for(kwarg: str):
    model_name = kwarg.removesuffix("_id")
    project = {"portal", "partnerships", "internships", "agenda", "reporting"}
    return next(
        model
        for model in apps.get_models()
        if model._meta.model_name == model_name and model._meta.app_label in project
    )


@pytest.fixture
def keep_test_connection():
    """Django's WSGI handler closes the database connection after each request, which
    would end the test's transaction; Django's own test client keeps it open the same way."""
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    yield
    signals.request_started.connect(close_old_connections)
    signals.request_finished.connect(close_old_connections)


@pytest.fixture
def api_world(db, keep_test_connection):
    """A tenant, its programme office member with a read-write token, and a factory-made
    object for each ``<model>_id`` path parameter of the schema."""
    tenant = TenantFactory(slug=TENANT_SLUG, name="Schemathesis")
    admin = MembershipFactory(tenant=tenant, role=Role.ADMIN)
    _token, secret = personal_token_create(
        tenant=tenant, actor=admin.user, name="schemathesis", scope="write"
    )
    factories = discover_factories()
    ids = {}
    for operation in schema.get_all_operations():
        for parameter in operation.ok().path_parameters:
            name = parameter.name
            if name.endswith("_id") and name not in ids:
                ids[name] = factories[_model_for(name)](tenant=tenant).pk
    return {"headers": {"Authorization": f"Bearer {secret}"}, "ids": ids}


@schema.exclude(path_regex=r"^/api/v1/(schema|docs)/").parametrize()
@settings(
    max_examples=MAX_EXAMPLES,
    deadline=None,
    suppress_health_check=list(HealthCheck),
    derandomize=True,
)
def test_api_conforms_to_its_schema(case, api_world):
    # given a generated request of the programme office, on real objects of its tenant
    for name, object_id in api_world["ids"].items():
        if name in case.path_parameters:
            case.path_parameters[name] = object_id

    # when it is sent (in a savepoint that is rolled back afterwards)
    with transaction.atomic():
        response = case.call(headers=api_world["headers"])
        # then the answer conforms to the schema and authentication was not ignored
        case.validate_response(response, checks=CHECKS, headers=api_world["headers"])
        transaction.set_rollback(True)
