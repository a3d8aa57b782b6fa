"""The one gate of tenant pages: membership, role permission and the MFA policy."""

from __future__ import annotations

from functools import wraps

from allauth.mfa.models import Authenticator
from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.http import Http404
from django.shortcuts import redirect
from django.utils.translation import gettext as _

from portal.roles import Role


def membership_needs_mfa(membership) -> bool:
    """A tenant admin without TOTP, in a tenant whose policy demands it. The one rule, for
    pages, the API and the pages that cross tenants (a funder's overview)."""
    return (
        membership.role == Role.ADMIN
        and membership.tenant.require_mfa_for_admins
        and not Authenticator.objects.filter(
            user_id=membership.user_id, type=Authenticator.Type.TOTP
        ).exists()
    )


def memberships_cleared_for_mfa(memberships: QuerySet) -> QuerySet:
    """``memberships`` without those ``membership_needs_mfa`` holds back, in SQL: one
    ``Exists`` in the query instead of a query per membership, for pages that cross the
    user's tenants (a funder's overview of reports)."""
    has_totp = Exists(
        Authenticator.objects.filter(user_id=OuterRef("user_id"), type=Authenticator.Type.TOTP)
    )
    return memberships.exclude(Q(role=Role.ADMIN, tenant__require_mfa_for_admins=True) & ~has_totp)


def admin_needs_mfa(request) -> bool:
    """The request's member is an admin who must set up TOTP first."""
    return membership_needs_mfa(request.membership)


def tenant_member_required(permission: str = "tenant.view"):
    """Decorate a tenant view: only members whose role grants ``permission`` get in.

    Anonymous visitors are sent to the login page; a signed-in non-member gets a
    404, exactly as for a tenant that does not exist; a member without the
    permission gets a 403.
    """

    def decorator(view):
        @wraps(view)
        def wrapper(request, *args, **kwargs):
            if request.membership is None:
                if not request.user.is_authenticated:
                    return redirect_to_login(request.get_full_path())
                raise Http404
            if not request.membership.can(permission):
                raise PermissionDenied
            if admin_needs_mfa(request):
                messages.warning(
                    request,
                    _(
                        "%(tenant)s requires two-factor authentication for its programme "
                        "office. Set it up to continue."
                    )
                    % {"tenant": request.tenant.name},
                )
                return redirect("mfa_activate_totp")
            return view(request, *args, **kwargs)

        wrapper.tenant_permission = permission
        return wrapper

    return decorator


def tenant_public(view):
    """Mark a tenant view as public: anyone may see it, no membership needed."""
    view.tenant_public = True
    return view
