"""Personal API tokens: creating, revoking and finding them, and noting when one was used.

A token is a user's key to one tenant's API. Only the hash of its secret is stored (as for
invitation links and calendar feeds); the secret is shown once, when the token is made.
"""

from __future__ import annotations

from datetime import timedelta

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from portal.access import membership_needs_mfa
from portal.models import Membership, PersonalToken, Tenant, User, hash_personal_token
from portal.services import audit_record

# ``last_used_at`` is written at most this often per token, not on every request.
LAST_USED_RESOLUTION = timedelta(minutes=1)
MAX_NAME_LENGTH = PersonalToken._meta.get_field("name").max_length


# --- reads ------------------------------------------------------------------------------------


def personal_token_list_for_user(*, user: User) -> QuerySet[PersonalToken]:
    """The user's own tokens in every tenant. Crosses tenants, but only along the user."""
    return (
        PersonalToken.objects.unscoped_all_tenants()
        .filter(user=user)
        .select_related("tenant")
        .order_by("revoked_at", "-created_at", "-id")
    )


def personal_token_get_for_user(*, user: User, token_id: int) -> PersonalToken | None:
    return personal_token_list_for_user(user=user).filter(pk=token_id).first()


def personal_token_get_by_secret(*, secret: str) -> PersonalToken | None:
    """The token behind a secret. The secret is the key, so this crosses tenants (as an
    invitation link does); the API then refuses the token outside its own tenant."""
    if not secret.startswith(PersonalToken.SECRET_PREFIX) or len(secret) > 200:
        return None
    return (
        PersonalToken.objects.unscoped_all_tenants()
        .select_related("user", "tenant")
        .filter(token_hash=hash_personal_token(secret))
        .first()
    )


def personal_token_membership(*, token: PersonalToken) -> Membership | None:
    """The membership the token acts through; None once the user left the tenant."""
    return (
        Membership.objects.for_tenant(token.tenant)
        .select_related("organisation", "tenant")
        .filter(user_id=token.user_id)
        .first()
    )


# --- writes -----------------------------------------------------------------------------------


@transaction.atomic
def personal_token_create(
    *,
    tenant: Tenant,
    actor: User,
    name: str,
    scope: str,
    expires_at=None,
) -> tuple[PersonalToken, str]:
    """A new token of ``actor`` for ``tenant``; returns it with its secret, which is not
    kept anywhere else. The actor must be a member of the tenant (and, as a programme
    office member of a tenant that demands it, have two-factor authentication)."""
    name = " ".join(name.split())
    membership = (
        Membership.objects.for_tenant(tenant).select_related("tenant").filter(user=actor).first()
    )
    errors: dict[str, list[str]] = {}
    if membership is None:
        errors["tenant"] = [_("Choose a partnership you are a member of.")]
    elif membership_needs_mfa(membership):
        errors["tenant"] = [
            _(
                "%(tenant)s requires two-factor authentication for its programme office. "
                "Set it up before you create a token."
            )
            % {"tenant": tenant.name}
        ]
    if not name:
        errors["name"] = [_("Give the token a name.")]
    elif len(name) > MAX_NAME_LENGTH:
        errors["name"] = [_("A name has at most %(max)s characters.") % {"max": MAX_NAME_LENGTH}]
    if scope not in PersonalToken.Scope.values:
        errors["scope"] = [_("Choose read only or read and write.")]
    if expires_at is not None and expires_at <= timezone.now():
        errors["expires_at"] = [_("Choose an expiry date in the future.")]
    if errors:
        raise ValidationError(errors)
    secret = PersonalToken.new_secret()
    token = PersonalToken.objects.create(
        tenant=tenant,
        user=actor,
        name=name,
        scope=scope,
        expires_at=expires_at,
        token_hash=hash_personal_token(secret),
        prefix=secret[:12],
    )
    audit_record(
        tenant=tenant,
        actor=actor,
        action="personal_token.create",
        target=token,
        changes={
            "name": [None, name],
            "scope": [None, scope],
            "expires_at": [None, expires_at.isoformat() if expires_at else None],
        },
    )
    return token, secret


@transaction.atomic
def personal_token_revoke(*, actor: User, token: PersonalToken) -> PersonalToken:
    """Stop a token from working. Only its owner revokes it; revoking twice changes nothing."""
    token = (
        PersonalToken.objects.for_tenant(token.tenant)
        .select_for_update()
        .select_related("tenant")
        .get(pk=token.pk, user=actor)
    )
    if token.revoked_at is None:
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at"])
        audit_record(tenant=token.tenant, actor=actor, action="personal_token.revoke", target=token)
    return token


def personal_token_touch(*, token: PersonalToken, now=None) -> bool:
    """Note that the token was used: at most one write per token per minute, not one per
    request. Returns whether it wrote. Bookkeeping, not an audited change."""
    now = now or timezone.now()
    if token.last_used_at is not None and token.last_used_at > now - LAST_USED_RESOLUTION:
        return False
    updated = (
        PersonalToken.objects.for_tenant(token.tenant)
        .filter(pk=token.pk)
        .filter(Q(last_used_at__isnull=True) | Q(last_used_at__lte=now - LAST_USED_RESOLUTION))
        .update(last_used_at=now)
    )
    if updated:
        token.last_used_at = now
    return bool(updated)
