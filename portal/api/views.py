"""Base viewsets of the API: the tenant from the URL, the membership, the role's permission.

Every resource is a ``TenantViewSet`` (or ``PublicTenantViewSet``) with DRF's mixins::

    class OrganisationViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, TenantViewSet):
        tenant_permission = "crm.view"          # list / retrieve (and other safe methods)
        write_permission = "crm.edit"           # create / update / destroy / unsafe actions
        action_permissions = {"merge": "crm.merge"}   # per-action overrides
        lookup_url_kwarg = "organisation_id"    # <model_name>_id: the isolation test needs it

        def get_queryset(self):
            return Organisation.objects.for_tenant(self.tenant)...

What happens to a request, in order:

1. The tenant comes from the URL (unknown slug: 404 problem, before authentication).
2. Authentication: a personal token (``Authorization: Bearer ...``) or the session.
3. The membership: anonymous -> 401; a token of another tenant or a user who is not a
   member -> 404 (as for a tenant that does not exist); a programme office member of a
   tenant that demands two-factor authentication, without it -> 403.
4. The permission (``portal.roles``): a role without it -> 403; a read-only token with an
   unsafe method -> 403; an unsafe method on a read-only resource -> 405.
5. Throttling per token (or user), on the shared cache -> 429 with ``Retry-After``.

``self.tenant`` and ``self.membership`` are set from step 1 and 3 on; the serializer
context carries them as ``tenant`` and ``membership``.
"""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.db.models import Model
from django.shortcuts import get_object_or_404
from django.utils import translation
from django.utils.cache import patch_vary_headers
from django.utils.translation import gettext_lazy as _
from django.utils.translation.trans_real import parse_accept_lang_header
from rest_framework import exceptions, permissions
from rest_framework.viewsets import GenericViewSet

from portal.access import membership_needs_mfa
from portal.api.permissions import TenantRolePermission
from portal.api.throttling import AnonymousRateThrottle, TokenRateThrottle
from portal.models import Membership, PersonalToken, Tenant
from portal.roles import Role
from portal.selectors import membership_get

SUPPORTED_LANGUAGES = {code for code, _name in settings.LANGUAGES}


def activate_request_language(request) -> None:
    """The visitor's own choice (the language cookie) first, then the client's
    ``Accept-Language`` (API clients send no cookies), then the tenant's default, which
    ``TenantMiddleware`` has already activated."""
    django_request = request._request
    if getattr(django_request, "language_chosen", None):
        return
    for code, _quality in parse_accept_lang_header(request.headers.get("Accept-Language", "")):
        language = code.split("-")[0].lower()
        if language in SUPPORTED_LANGUAGES:
            translation.activate(language)
            django_request.LANGUAGE_CODE = language
            return


def schema_placeholders() -> dict:
    tenant = Tenant(pk=0, slug="tenant", name="")
    membership = Membership(pk=0, tenant=tenant, user_id=0, role=Role.ADMIN)
    return {"tenant": tenant, "membership": membership}


class TenantViewSet(GenericViewSet):
    """A resource of one tenant, for its members (see the module docstring)."""

    tenant_permission: str | None = "tenant.view"
    write_permission: str | None = None
    action_permissions: dict[str, str] = {}
    public = False

    lookup_field = "pk"
    lookup_value_regex = "[0-9]+"
    permission_classes = [TenantRolePermission]
    throttle_classes = [TokenRateThrottle]

    tenant: Tenant
    membership: Membership | None

    def __getattr__(self, name):
        """While drf-spectacular builds the schema there is no request: ``get_queryset()``
        then sees a placeholder tenant and membership (no row has tenant id 0), so each
        resource's queryset gives the schema its model without a special case."""
        if name in ("tenant", "membership") and self.__dict__.get("swagger_fake_view"):
            return schema_placeholders()[name]
        raise AttributeError(name)

    # --- the request's tenant, member and permission ----------------------------------------

    def initial(self, request, *args, **kwargs):
        self.tenant = self.resolve_tenant(request)
        self.membership = None
        activate_request_language(request)
        super().initial(request, *args, **kwargs)

    def resolve_tenant(self, request) -> Tenant:
        """``TenantMiddleware`` resolved it already (and narrowed Row-Level Security)."""
        slug = self.kwargs.get("tenant_slug")
        tenant = getattr(request._request, "tenant", None)
        if tenant is None or tenant.slug != slug:
            tenant = get_object_or_404(Tenant, slug=slug)
        return tenant

    def check_permissions(self, request):
        self.membership = self.resolve_membership(request)
        super().check_permissions(request)

    def resolve_membership(self, request) -> Membership | None:
        user = request.user
        token = request.auth if isinstance(request.auth, PersonalToken) else None
        if token is not None:
            membership = token.membership if token.tenant_id == self.tenant.pk else None
        elif user is not None and user.is_authenticated:
            membership = getattr(request._request, "membership", None)
            if membership is None or membership.user_id != user.pk:
                membership = membership_get(tenant=self.tenant, user=user)
        else:
            membership = None
        if membership is None:
            if self.public:
                return None
            if user is None or not user.is_authenticated:
                raise exceptions.NotAuthenticated()
            raise exceptions.NotFound()
        membership.tenant = self.tenant
        if not self.public and membership_needs_mfa(membership):
            raise exceptions.PermissionDenied(
                _(
                    "%(tenant)s requires two-factor authentication for its programme office. "
                    "Set it up in the portal to use the API."
                )
                % {"tenant": self.tenant.name},
                code="mfa_required",
            )
        return membership

    def required_permission(self, request) -> str | None:
        """The permission this request needs; None lets the request through to the
        handler (a method the resource does not have: 405)."""
        if self.action in self.action_permissions:
            return self.action_permissions[self.action]
        if request.method in permissions.SAFE_METHODS:
            return self.tenant_permission
        if self.action is None:
            return None
        if self.write_permission is None:
            raise exceptions.MethodNotAllowed(request.method)
        return self.write_permission

    # --- helpers for resources -----------------------------------------------------------

    def get_serializer_context(self):
        context = super().get_serializer_context()
        context["tenant"] = getattr(self, "tenant", None)
        context["membership"] = getattr(self, "membership", None)
        return context

    def refetch(self, instance):
        """The object as the resource shows it (annotations, related rows), after a
        service changed it: output comes from the same queryset as a GET."""
        return self.get_queryset().get(pk=instance.pk)

    def finalize_response(self, request, response, *args, **kwargs):
        response = super().finalize_response(request, response, *args, **kwargs)
        patch_vary_headers(response, ["Accept-Language", "Authorization"])
        return response


# Create and update through the app's write services, in DRF's own create and update
# (validation, 201 / 200, the answer from ``serializer.data``). A resource names its services
# and what a partial update needs; the answer is the object re-read through ``get_queryset()``
# (``refetch``), as a GET shows it:
#
#     class ThemeViewSet(ServiceWriteMixin, mixins.CreateModelMixin, ..., TenantViewSet):
#         create_service = staticmethod(action_services.theme_create)
#         update_service = staticmethod(action_services.theme_update)
#         update_object_kwarg = "theme"
#         update_fields = ("title", "description", "position")
#
# The services are called as ``create_service(tenant=, actor=, **validated_data)`` and
# ``update_service(tenant=, actor=, <update_object_kwarg>=instance, **update_values())``;
# ``staticmethod`` because a function stored on a class would be bound to the view. A resource
# with a check of its own overrides ``perform_create`` / ``perform_update`` and calls
# ``super()`` after the check. A comment, not a docstring: drf-spectacular would publish a
# docstring as the description of every operation of the resources that use the mixin.
class ServiceWriteMixin:
    create_service: Callable[..., Model]
    update_service: Callable[..., Model]
    update_object_kwarg: str
    update_fields: tuple[str, ...] = ()

    def perform_create(self, serializer) -> None:
        created = self.create_service(
            tenant=self.tenant, actor=self.request.user, **serializer.validated_data
        )
        serializer.instance = self.refetch(created)

    def perform_update(self, serializer) -> None:
        updated = self.update_service(
            tenant=self.tenant,
            actor=self.request.user,
            **{self.update_object_kwarg: serializer.instance},
            **self.update_values(serializer),
        )
        serializer.instance = self.refetch(updated)

    def update_values(self, serializer) -> dict:
        """The values sent, over the instance's current ``update_fields``: the services
        take every field, a partial update (PATCH) sends some."""
        values = {field: getattr(serializer.instance, field) for field in self.update_fields}
        values.update(serializer.validated_data)
        return values


class PublicTenantViewSet(TenantViewSet):
    """A tenant resource anyone may read (no membership needed); members are recognised
    (``self.membership``) but get nothing more by default."""

    public = True
    tenant_public = True
    tenant_permission = None
    throttle_classes = [AnonymousRateThrottle, TokenRateThrottle]
