"""The API's permission check: the role's permission for the action, and the token's scope."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from rest_framework import permissions

from portal.models import PersonalToken


class TenantRolePermission(permissions.BasePermission):
    """The role's permission for this action (``TenantViewSet.required_permission``) and
    the token's scope."""

    message = _("Your role in this partnership does not allow this.")

    def has_permission(self, request, view) -> bool:
        if view.membership is None:
            return view.public
        permission = view.required_permission(request)
        if permission is None:
            return True
        token = request.auth if isinstance(request.auth, PersonalToken) else None
        if request.method not in permissions.SAFE_METHODS and token and token.is_read_only:
            self.message = _("This API token is read-only: it cannot change anything.")
            self.code = "read_only_token"
            return False
        return view.membership.can(permission)
