"""Authentication of the API: ``Authorization: Bearer <personal token>``, or the browser
session (DRF's ``SessionAuthentication``, with its CSRF check for unsafe methods)."""

from __future__ import annotations

from django.db import connection
from django.utils.translation import gettext_lazy as _
from rest_framework import authentication, exceptions

from portal import rls
from portal.models import PersonalToken
from portal.tokens import (
    personal_token_get_by_secret,
    personal_token_membership,
    personal_token_touch,
)


class PersonalTokenAuthentication(authentication.BaseAuthentication):
    """A personal API token in the ``Authorization`` header.

    ``request.auth`` becomes the ``PersonalToken`` with ``token.membership`` set: the
    membership in the token's tenant through which it acts. An unknown, revoked or expired
    token, or one whose user left the tenant, is a 401. Whether the token fits the tenant
    in the URL is the view's question (``TenantViewSet``: another tenant's URL is a 404).
    """

    keyword = "Bearer"

    def authenticate(self, request):
        parts = authentication.get_authorization_header(request).split()
        if not parts or parts[0].lower() != self.keyword.lower().encode():
            return None
        if len(parts) != 2:
            raise exceptions.AuthenticationFailed(
                _("Give exactly one token after “Bearer” in the Authorization header.")
            )
        try:
            secret = parts[1].decode("ascii")
        except UnicodeDecodeError as error:
            raise exceptions.AuthenticationFailed(_("The API token is not valid.")) from error
        token = self._token_for(request, secret)
        if token is None:
            raise exceptions.AuthenticationFailed(_("The API token is not valid."))
        if token.revoked_at is not None:
            raise exceptions.AuthenticationFailed(_("The API token has been revoked."))
        if token.is_expired():
            raise exceptions.AuthenticationFailed(_("The API token has expired."))
        if not token.user.is_active or token.membership is None:
            raise exceptions.AuthenticationFailed(
                _("The API token's user is no longer a member of its partnership.")
            )
        tenant = getattr(request._request, "tenant", None)
        if tenant is None or tenant.pk == token.tenant_id:
            personal_token_touch(token=token)
        return token.user, token

    @staticmethod
    def _token_for(request, secret: str) -> PersonalToken | None:
        """Find the token and its membership across tenants: the secret is the key.

        On a tenant URL the connection's Row-Level Security scope is already narrowed to
        that tenant (``TenantMiddleware``), which would hide another tenant's token and
        turn "your token is for another partnership" (404) into "unknown token" (401)
        depending on the database role. The scope is opened for exactly these two lookups
        by the secret's hash and narrowed again at once.
        """
        tenant = getattr(request._request, "tenant", None)
        if tenant is not None:
            rls.set_scope(connection, tenant_id=rls.ALL_TENANTS, user_id="")
        try:
            token = personal_token_get_by_secret(secret=secret)
            if token is not None:
                token.membership = personal_token_membership(token=token)
        finally:
            if tenant is not None:
                rls.set_scope(
                    connection,
                    tenant_id=tenant.pk,
                    user_id=token.user_id if token is not None else None,
                )
        return token

    def authenticate_header(self, request) -> str:
        return f'{self.keyword} realm="api"'
