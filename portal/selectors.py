"""Reads of the tenancy layer."""

from __future__ import annotations

from django.db.models import QuerySet
from django.utils import timezone

from portal.models import AuditEvent, Invitation, Membership, Tenant, User, hash_invitation_token


def membership_list_for_user(*, user: User) -> QuerySet[Membership]:
    """Every tenant the user belongs to: the tenant switcher. Crosses tenants by design,
    but only along the user's own memberships."""
    return (
        Membership.objects.unscoped_all_tenants()
        .filter(user=user)
        .select_related("tenant", "organisation")
        .order_by("tenant__name")
    )


def membership_get(*, tenant: Tenant, user: User) -> Membership | None:
    if not user.is_authenticated:
        return None
    membership = (
        Membership.objects.for_tenant(tenant)
        .select_related("organisation")
        .filter(user=user)
        .first()
    )
    if membership is not None:
        membership.tenant = tenant  # the caller's tenant: ``membership.tenant`` costs no query
    return membership


def membership_list(*, tenant: Tenant) -> QuerySet[Membership]:
    return (
        Membership.objects.for_tenant(tenant)
        .select_related("user", "organisation")
        .order_by("role", "user__email")
    )


def invitation_list_open(*, tenant: Tenant) -> QuerySet[Invitation]:
    return (
        Invitation.objects.for_tenant(tenant)
        .filter(accepted_at__isnull=True, revoked_at__isnull=True, expires_at__gt=timezone.now())
        .select_related("organisation", "invited_by")
    )


def invitation_get_by_token(*, token: str) -> Invitation | None:
    """The invitation behind a link. The token is the key, so this crosses tenants."""
    return (
        Invitation.objects.unscoped_all_tenants()
        .select_related("tenant", "organisation")
        .filter(token_hash=hash_invitation_token(token))
        .first()
    )


def audit_event_list(*, tenant: Tenant) -> QuerySet[AuditEvent]:
    return AuditEvent.objects.for_tenant(tenant).select_related("actor")


def tenant_list_public() -> QuerySet[Tenant]:
    return Tenant.objects.filter(public_page=True).order_by("name")
