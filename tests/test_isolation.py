"""Tenant isolation, checked for every URL of the project that takes a ``tenant_slug``.

The URL patterns are discovered by walking the root resolver, so pages that other apps
add later are covered without editing this file. Object ids in a tenant URL follow the
convention ``<model_name>_id``; the model is found by name in the app registry and an
instance of it is made with the factory from ``<app>.tests.factories``. A URL that breaks
the convention, or names a model without a factory, fails here with a message that says so.
"""

from __future__ import annotations

import functools
import inspect
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from importlib import import_module
from pathlib import Path

import factory
import pytest
from django.apps import apps
from django.conf import settings
from django.db import models
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, resolve
from django.urls.converters import IntConverter
from django.urls.resolvers import LocalePrefixPattern, RoutePattern
from django.utils.regex_helper import normalize

from portal.roles import PERMISSIONS, Role

TENANT_KWARG = "tenant_slug"
ROUTE_PARAMETER = re.compile(r"<(?:(?P<converter>[^>:]+):)?(?P<parameter>[^>]+)>")
OBJECT_KWARG_SUFFIX = "_id"
UNKNOWN_SLUG = "no-such-partnership"

# URL kwargs that name no object (an export format, a period, ...) need a sample value
# here. Everything else in a tenant URL is ``tenant_slug`` or ``<model_name>_id``.
SAMPLE_KWARG_VALUES: dict[str, str] = {
    # The personal calendar feed authenticates by its token, not by membership; a token that
    # belongs to no one must be a 404 under any tenant (a real token of tenant B under tenant
    # A's slug is tested in partnerships/tests/test_calendar.py).
    "token": "unknown-calendar-token-0123456789abcdef",
}

# The tenant pages of portal/urls.py: discovery must find at least these.
PORTAL_TENANT_PAGES = {
    "tenant_public",
    "tenant_dashboard",
    "member_list",
    "member_edit",
    "member_remove",
    "invitation_revoke",
    "audit_log",
    "tenant_settings",
}


@dataclass
class TenantRoute:
    """One URL pattern under a tenant, with the patterns of the includes that lead to it."""

    parts: tuple
    callback: Callable
    name: str | None
    route: str
    kwargs: dict[str, object]  # kwarg name -> its converter (None in a regex pattern)

    @property
    def object_kwargs(self) -> list[str]:
        return [name for name in self.kwargs if name != TENANT_KWARG]

    @property
    def is_public(self) -> bool:
        return any(getattr(view, "tenant_public", False) is True for view in _views(self.callback))

    @property
    def permission(self) -> str | None:
        for view in _views(self.callback):
            permission = getattr(view, "tenant_permission", None)
            if permission is not None:
                return permission
        return None

    def url(self, values: dict[str, object], *, raw: frozenset[str] = frozenset()) -> str:
        """The path for ``values``; kwargs named in ``raw`` skip their converter."""
        path = ""
        for part in self.parts:
            path += _part_path(part, values, raw)
        return "/" + path.lstrip("/")

    def __str__(self) -> str:
        return self.route


def _views(callback: Callable) -> Iterator[object]:
    """The view and everything it wraps: decorators' ``__wrapped__`` and a class view's class."""
    view = callback
    while view is not None:
        yield view
        for attribute in ("view_class", "cls"):
            view_class = getattr(view, attribute, None)
            if view_class is not None:
                yield view_class
        view = getattr(view, "__wrapped__", None)


def _part_kwargs(part) -> dict[str, object]:
    if isinstance(part, RoutePattern):
        return dict(part.converters)
    if isinstance(part, LocalePrefixPattern):
        return {}
    return dict.fromkeys(part.regex.groupindex)


def _part_route(part) -> str:
    if isinstance(part, LocalePrefixPattern):
        return part.language_prefix
    return str(part).lstrip("^").rstrip("$")


def _part_path(part, values: dict[str, object], raw: frozenset[str]) -> str:
    if isinstance(part, LocalePrefixPattern):
        return part.language_prefix
    if isinstance(part, RoutePattern):

        def substitute(match) -> str:
            name = match["parameter"]
            value = values[name]
            converter = part.converters[name]
            return str(value) if name in raw else converter.to_url(value)

        return ROUTE_PARAMETER.sub(substitute, str(part))
    names = set(part.regex.groupindex)
    for template, params in normalize(part.regex.pattern):
        if set(params) == names:
            return template % {name: values[name] for name in params}
    raise AssertionError(f"Cannot build a path for the regex pattern {part}")


def _walk(resolver: URLResolver, parts: tuple = ()) -> Iterator[TenantRoute]:
    for entry in resolver.url_patterns:
        entry_parts = (*parts, entry.pattern)
        if isinstance(entry, URLResolver):
            yield from _walk(entry, entry_parts)
        elif isinstance(entry, URLPattern):
            kwargs: dict[str, object] = {}
            for part in entry_parts:
                kwargs.update(_part_kwargs(part))
            if TENANT_KWARG in kwargs:
                route = "".join(_part_route(part) for part in entry_parts)
                yield TenantRoute(entry_parts, entry.callback, entry.name, route, kwargs)


def discover_tenant_routes() -> list[TenantRoute]:
    """Every URL pattern of the project with a ``tenant_slug`` kwarg."""
    return list(_walk(get_resolver()))


TENANT_ROUTES = discover_tenant_routes()
PRIVATE_ROUTES = [route for route in TENANT_ROUTES if not route.is_public]
OBJECT_ROUTES = [route for route in TENANT_ROUTES if route.object_kwargs]
INT_ROUTES = [
    route
    for route in TENANT_ROUTES
    if any(isinstance(converter, IntConverter) for converter in route.kwargs.values())
]


def _project_app_configs():
    base_dir = Path(settings.BASE_DIR).resolve()
    return [
        config
        for config in apps.get_app_configs()
        if Path(config.path).resolve().parent == base_dir
    ]


@functools.cache
def discover_factories() -> dict[type[models.Model], type[factory.django.DjangoModelFactory]]:
    """``model -> factory`` from ``<app>.tests.factories`` of every project app that has one."""
    found: dict[type[models.Model], type[factory.django.DjangoModelFactory]] = {}
    for config in _project_app_configs():
        module_name = f"{config.name}.tests.factories"
        try:
            module = import_module(module_name)
        except ModuleNotFoundError as error:
            if error.name in {module_name, f"{config.name}.tests"}:
                continue
            raise
        for candidate in vars(module).values():
            if not (
                inspect.isclass(candidate)
                and issubclass(candidate, factory.django.DjangoModelFactory)
            ):
                continue
            model = candidate._meta.model
            if model is None or getattr(candidate._meta, "abstract", False):
                continue
            preferred = candidate.__name__ == f"{model.__name__}Factory"
            if model not in found or preferred:
                found[model] = candidate
    return found


def _model_named(model_name: str, route: TenantRoute) -> type[models.Model]:
    project_labels = {config.label for config in _project_app_configs()}
    matches = [
        model
        for model in apps.get_models()
        if model._meta.model_name == model_name and model._meta.app_label in project_labels
    ]
    if not matches:
        pytest.fail(
            f"URL {route}: the kwarg '{model_name}{OBJECT_KWARG_SUFFIX}' names no model "
            f"'{model_name}' in the project's apps. Tenant URLs name objects as "
            f"<model_name>_id (membership_id -> portal.Membership)."
        )
    if len(matches) > 1:
        labels = ", ".join(model._meta.label for model in matches)
        pytest.fail(f"URL {route}: '{model_name}' is ambiguous ({labels}); rename the kwarg.")
    return matches[0]


def object_for(route: TenantRoute, kwarg: str, tenant) -> models.Model:
    """An instance of the model that ``kwarg`` names, made in ``tenant`` by its factory."""
    if not kwarg.endswith(OBJECT_KWARG_SUFFIX):
        pytest.fail(
            f"URL {route}: the kwarg '{kwarg}' does not follow the <model_name>_id "
            f"convention, so this test cannot give it another tenant's object. Rename it "
            f"(e.g. membership_id), or if it names no object, add a sample value to "
            f"SAMPLE_KWARG_VALUES in {__name__}."
        )
    model = _model_named(kwarg.removesuffix(OBJECT_KWARG_SUFFIX), route)
    if not any(model_field.name == "tenant" for model_field in model._meta.fields):
        pytest.fail(
            f"URL {route}: {model._meta.label} has no tenant field; a tenant URL may only "
            f"look up tenant-owned objects by id."
        )
    model_factory = discover_factories().get(model)
    if model_factory is None:
        pytest.fail(
            f"URL {route}: no factory_boy factory for {model._meta.label}. Add one to "
            f"{model._meta.app_config.name}/tests/factories.py so tenant isolation is tested."
        )
    return model_factory(tenant=tenant)


def kwargs_in(route: TenantRoute, tenant) -> dict[str, object]:
    """URL kwargs for ``route`` whose objects all belong to ``tenant``."""
    values: dict[str, object] = {TENANT_KWARG: tenant.slug}
    for kwarg in route.object_kwargs:
        converter = route.kwargs[kwarg]
        if kwarg in SAMPLE_KWARG_VALUES and not isinstance(converter, IntConverter):
            values[kwarg] = SAMPLE_KWARG_VALUES[kwarg]
        else:
            values[kwarg] = object_for(route, kwarg, tenant).pk
    return values


def member_for(route: TenantRoute, world):
    """A member of ``world`` whose role the view lets in, so only tenancy can refuse."""
    allowed = PERMISSIONS[route.permission] if route.permission else frozenset(Role)
    role = Role.ADMIN if Role.ADMIN in allowed else sorted(allowed)[0]
    return world.member(role)


def database_state() -> dict[str, list[tuple]]:
    """Every row of every project model: a request that changes anything changes this."""
    state = {}
    for config in _project_app_configs():
        for model in config.get_models():
            state[model._meta.label] = list(model._base_manager.order_by("pk").values_list())
    return state


def request(client: Client, method: str, url: str):
    if method == "post":
        return client.post(url, data={})
    return client.get(url)


def assert_same_route(route: TenantRoute, url: str) -> None:
    """The built URL resolves to the pattern it was built from (the test tests that view)."""
    match = resolve(url)
    assert match.func is route.callback, f"{url} resolves to {match.view_name}, not {route}"


def route_id(route: TenantRoute) -> str:
    return route.route


# --- the discovery itself --------------------------------------------------------------------


def test_discovery_finds_every_tenant_page_of_the_portal():
    # given the tenant pages that portal/urls.py defines
    # when the resolver is walked
    names = {route.name for route in TENANT_ROUTES}

    # then all of them are found, each with the tenant kwarg and a view to call
    assert len(TENANT_ROUTES) >= len(PORTAL_TENANT_PAGES)
    assert PORTAL_TENANT_PAGES <= names
    assert all(TENANT_KWARG in route.kwargs for route in TENANT_ROUTES)
    assert {"member_edit", "member_remove", "invitation_revoke"} <= {
        route.name for route in OBJECT_ROUTES
    }


def test_discovery_tells_public_pages_from_member_pages():
    # given the portal's public page and its member pages
    by_name = {route.name: route for route in TENANT_ROUTES}

    # then the public marker is found through the decorators, and only there
    assert by_name["tenant_public"].is_public
    assert not by_name["tenant_dashboard"].is_public
    assert by_name["member_edit"].permission == "members.manage"


def test_factories_are_found_for_the_tenancy_models():
    # given the factories in <app>.tests.factories
    from portal.models import Invitation, Membership

    # when they are discovered
    found = discover_factories()

    # then the models that tenant URLs name have one
    assert found[Membership]._meta.model is Membership
    assert found[Invitation]._meta.model is Invitation


# --- (a) a member of tenant A asks for tenant B's pages ---------------------------------------


@pytest.mark.parametrize("method", ["get", "post"])
@pytest.mark.parametrize("route", PRIVATE_ROUTES, ids=route_id)
def test_other_tenants_page_is_not_found(route, method, tenant_a, tenant_b, client_for):
    # given a member of A with every right in A, and a URL of B with B's objects
    client = client_for(member_for(route, tenant_a))
    url = route.url(kwargs_in(route, tenant_b.tenant))
    assert_same_route(route, url)
    before = database_state()

    # when the member of A requests it
    response = request(client, method, url)

    # then B's page does not exist for them, and nothing changed
    assert response.status_code == 404, f"{method.upper()} {url} gave {response.status_code}"
    assert database_state() == before


# --- (b) tenant A's slug with tenant B's object ids -------------------------------------------


@pytest.mark.parametrize("method", ["get", "post"])
@pytest.mark.parametrize("route", OBJECT_ROUTES, ids=route_id)
def test_other_tenants_object_under_own_slug_is_not_found(
    route, method, tenant_a, tenant_b, client_for
):
    # given a member of A allowed on the page, and A's URL with B's object ids in it
    client = client_for(member_for(route, tenant_a))
    values = kwargs_in(route, tenant_b.tenant)
    values[TENANT_KWARG] = tenant_a.tenant.slug
    url = route.url(values)
    assert_same_route(route, url)
    own_url = route.url(kwargs_in(route, tenant_a.tenant))
    before = database_state()

    # when the member requests it
    response = request(client, method, url)

    # then B's objects are not found inside A, and nothing changed
    if response.status_code == 405:
        # The view does not take this method at all: that answer must not depend on whose
        # object the id is, so A's own object gets the very same 405.
        assert request(client, method, own_url).status_code == 405
    else:
        assert response.status_code == 404, f"{method.upper()} {url} gave {response.status_code}"
    assert database_state() == before


# --- unknown tenants and malformed ids --------------------------------------------------------


@pytest.mark.parametrize("method", ["get", "post"])
@pytest.mark.parametrize("route", TENANT_ROUTES, ids=route_id)
def test_unknown_tenant_is_not_found(route, method, tenant_a, client_for):
    # given a URL whose tenant slug belongs to no tenant
    values = kwargs_in(route, tenant_a.tenant)
    values[TENANT_KWARG] = UNKNOWN_SLUG
    url = route.url(values)
    member = client_for(member_for(route, tenant_a))

    # when a member of another tenant and an anonymous visitor request it
    responses = [request(member, method, url), request(Client(), method, url)]

    # then both get a 404 (not a login page that would suggest the tenant exists)
    assert [response.status_code for response in responses] == [404, 404]


@pytest.mark.parametrize("route", INT_ROUTES, ids=route_id)
def test_non_numeric_id_is_not_found(route, tenant_a, client_for):
    # given one of A's URLs with "abc" where a numeric id belongs
    values = kwargs_in(route, tenant_a.tenant)
    numeric = frozenset(
        name for name, converter in route.kwargs.items() if isinstance(converter, IntConverter)
    )
    values.update(dict.fromkeys(numeric, "abc"))
    url = route.url(values, raw=numeric)
    client = client_for(member_for(route, tenant_a))

    # when an allowed member requests it
    response = client.get(url)

    # then it is a 404, not a server error
    assert response.status_code == 404


def test_private_tenants_public_page_is_not_found_for_outsiders(tenant_a, tenant_b, client_for):
    # given tenant B without a public page
    tenant_b.tenant.public_page = False
    tenant_b.tenant.save()
    url = f"/{tenant_b.tenant.slug}/"
    assert resolve(url).url_name == "tenant_public"

    # when a member of A, an anonymous visitor and a member of B open it
    outsider = client_for(tenant_a.member(Role.ADMIN)).get(url)
    anonymous = Client().get(url)
    insider = client_for(tenant_b.member(Role.FUNDER)).get(url)

    # then only B's member sees it
    assert (outsider.status_code, anonymous.status_code, insider.status_code) == (404, 404, 200)
