"""Resolve the tenant from the URL once per request, and the language to speak."""

from __future__ import annotations

from django.conf import settings
from django.db import connection
from django.shortcuts import get_object_or_404
from django.utils import translation
from django.utils.cache import patch_vary_headers

from portal import rls
from portal.models import Tenant
from portal.selectors import membership_get

SUPPORTED_LANGUAGES = {code for code, _name in settings.LANGUAGES}


class TenantMiddleware:
    """Sets ``request.tenant`` and ``request.membership`` for ``/<tenant_slug>/...`` URLs,
    and narrows the database connection's Row-Level Security scope to that tenant.

    An unknown slug is a 404. Language: the visitor's own choice (the language
    cookie set by the switch) first, then the tenant's default, then Dutch.
    Accept-Language is not consulted: the portal speaks Dutch unless asked.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request.tenant = None
        request.membership = None
        chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
        request.language_chosen = chosen if chosen in SUPPORTED_LANGUAGES else None
        self._activate(request, request.language_chosen or settings.LANGUAGE_CODE)
        response = self.get_response(request)
        if request.tenant is not None:
            # Reopen the connection for whatever it serves next (persistent connections).
            rls.set_scope(connection, tenant_id=rls.ALL_TENANTS, user_id="")
        patch_vary_headers(response, ["Cookie"])
        response.headers.setdefault("Content-Language", translation.get_language())
        return response

    def process_view(self, request, view_func, view_args, view_kwargs):
        slug = view_kwargs.get("tenant_slug")
        if slug is None:
            return None
        request.tenant = get_object_or_404(Tenant, slug=slug)
        # Layer 2: from here on the database shows this tenant's rows only (portal.rls).
        rls.set_scope(
            connection,
            tenant_id=request.tenant.pk,
            user_id=request.user.pk if request.user.is_authenticated else None,
        )
        request.membership = membership_get(tenant=request.tenant, user=request.user)
        if request.language_chosen is None:
            self._activate(request, request.tenant.default_language)
        return None

    @staticmethod
    def _activate(request, language: str) -> None:
        translation.activate(language)
        request.LANGUAGE_CODE = language
