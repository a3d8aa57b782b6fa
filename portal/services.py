"""Writes of the tenancy layer. Each takes the tenant and the acting user, runs in one
transaction and records an audit event."""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.db import models, transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from portal.models import (
    AuditEvent,
    Invitation,
    Membership,
    Tenant,
    User,
    hash_invitation_token,
)
from portal.roles import Role

INVITATION_VALIDITY = timedelta(days=14)


def _field_value(value):
    """A JSON-friendly form of a model field's value for the audit trail."""
    if isinstance(value, models.Model):
        return str(value)
    if value is None or isinstance(value, bool | int | float | str):
        return value
    return str(value)


def audit_record(
    *,
    tenant: Tenant,
    actor: User | None,
    action: str,
    target: models.Model,
    changes: dict | None = None,
) -> AuditEvent:
    """Record that ``actor`` did ``action`` to ``target`` in ``tenant``.

    ``changes`` maps a field name to ``[old, new]``.
    """
    return AuditEvent.objects.create(
        tenant=tenant,
        actor=actor if actor is not None and actor.is_authenticated else None,
        action=action,
        target_type=target._meta.label_lower,
        target_id=str(target.pk or ""),
        target_repr=str(target)[:200],
        changes=changes or {},
    )


def changes_between(instance: models.Model, new_values: dict) -> dict:
    """``{field: [old, new]}`` for the fields whose value differs."""
    changes = {}
    for field, new in new_values.items():
        old = getattr(instance, field)
        if old != new:
            changes[field] = [_field_value(old), _field_value(new)]
    return changes


@transaction.atomic
def tenant_update(*, tenant: Tenant, actor: User, **values) -> Tenant:
    """Change a tenant's settings (name, description, branding, language, policies)."""
    changes = changes_between(tenant, values)
    for field, value in values.items():
        setattr(tenant, field, value)
    tenant.full_clean()
    tenant.save()
    if changes:
        audit_record(
            tenant=tenant, actor=actor, action="tenant.update", target=tenant, changes=changes
        )
    return tenant


def _send_invitation_mail(*, invitation: Invitation, token: str) -> None:
    tenant = invitation.tenant
    link = settings.SITE_URL.rstrip("/") + reverse("invitation_accept", args=[token])
    with translation.override(tenant.default_language):
        context = {"invitation": invitation, "tenant": tenant, "link": link}
        subject = _("Invitation to join %(tenant)s") % {"tenant": tenant.name}
        body = render_to_string("portal/email/invitation.txt", context)
    send_mail(subject, body, None, [invitation.email])


@transaction.atomic
def invitation_create(
    *,
    tenant: Tenant,
    actor: User,
    email: str,
    role: str,
    organisation=None,
) -> tuple[Invitation, str]:
    """Invite ``email`` to ``tenant`` in ``role``; returns the invitation and its raw token.

    An earlier open invitation to the same address is revoked, so only the newest link works.
    """
    email = email.strip().lower()
    if role not in Role.values:
        raise ValidationError({"role": _("Choose a valid role.")})
    if organisation is not None and organisation.tenant_id != tenant.pk:
        raise ValidationError({"organisation": _("Choose an organisation of this partnership.")})
    if Membership.objects.for_tenant(tenant).filter(user__email__iexact=email).exists():
        raise ValidationError(
            {"email": _("%(email)s is already a member of this partnership.") % {"email": email}}
        )
    now = timezone.now()
    Invitation.objects.for_tenant(tenant).filter(
        email__iexact=email, accepted_at__isnull=True, revoked_at__isnull=True
    ).update(revoked_at=now)
    token = Invitation.new_token()
    invitation = Invitation.objects.create(
        tenant=tenant,
        email=email,
        role=role,
        organisation=organisation,
        token_hash=hash_invitation_token(token),
        invited_by=actor,
        expires_at=now + INVITATION_VALIDITY,
    )
    audit_record(
        tenant=tenant,
        actor=actor,
        action="invitation.create",
        target=invitation,
        changes={"email": [None, email], "role": [None, role]},
    )
    transaction.on_commit(lambda: _send_invitation_mail(invitation=invitation, token=token))
    return invitation, token


@transaction.atomic
def invitation_revoke(*, tenant: Tenant, actor: User, invitation: Invitation) -> Invitation:
    invitation = Invitation.objects.for_tenant(tenant).select_for_update().get(pk=invitation.pk)
    if invitation.accepted_at is None and invitation.revoked_at is None:
        invitation.revoked_at = timezone.now()
        invitation.save(update_fields=["revoked_at"])
        audit_record(tenant=tenant, actor=actor, action="invitation.revoke", target=invitation)
    return invitation


class InvitationUnusable(Exception):
    """The invitation was used, revoked or has expired; the message says which."""


@transaction.atomic
def invitation_accept(*, invitation: Invitation, user: User) -> Membership:
    """Turn an open invitation into a membership, exactly once.

    The row is locked, so two clicks on the same link make one membership.
    """
    tenant = invitation.tenant
    invitation = Invitation.objects.for_tenant(tenant).select_for_update().get(pk=invitation.pk)
    if not invitation.is_open:
        raise InvitationUnusable(_("This invitation can no longer be used."))
    if user.email.lower() != invitation.email.lower():
        raise InvitationUnusable(
            _("This invitation is for %(email)s. Log in with that address to accept it.")
            % {"email": invitation.email}
        )
    if Membership.objects.for_tenant(tenant).filter(user=user).exists():
        raise InvitationUnusable(_("You are already a member of %(tenant)s.") % {"tenant": tenant})
    membership = Membership.objects.create(
        tenant=tenant, user=user, role=invitation.role, organisation=invitation.organisation
    )
    invitation.accepted_at = timezone.now()
    invitation.accepted_by = user
    invitation.save(update_fields=["accepted_at", "accepted_by"])
    audit_record(
        tenant=tenant,
        actor=user,
        action="membership.create",
        target=membership,
        changes={"role": [None, membership.role]},
    )
    return membership


def _ensure_an_admin_remains(*, tenant: Tenant, membership: Membership) -> None:
    if membership.role != Role.ADMIN:
        return
    admins = Membership.objects.for_tenant(tenant).filter(role=Role.ADMIN).exclude(pk=membership.pk)
    if not admins.exists():
        raise ValidationError(_("A partnership needs at least one programme office member."))


@transaction.atomic
def membership_change(
    *, tenant: Tenant, actor: User, membership: Membership, role: str, organisation=None
) -> Membership:
    membership = Membership.objects.for_tenant(tenant).select_for_update().get(pk=membership.pk)
    if role not in Role.values:
        raise ValidationError({"role": _("Choose a valid role.")})
    if organisation is not None and organisation.tenant_id != tenant.pk:
        raise ValidationError({"organisation": _("Choose an organisation of this partnership.")})
    if role != Role.ADMIN:
        _ensure_an_admin_remains(tenant=tenant, membership=membership)
    changes = changes_between(membership, {"role": role, "organisation": organisation})
    membership.role = role
    membership.organisation = organisation
    membership.save(update_fields=["role", "organisation"])
    if changes:
        audit_record(
            tenant=tenant,
            actor=actor,
            action="membership.change",
            target=membership,
            changes=changes,
        )
    return membership


@transaction.atomic
def membership_remove(*, tenant: Tenant, actor: User, membership: Membership) -> None:
    membership = Membership.objects.for_tenant(tenant).select_for_update().get(pk=membership.pk)
    _ensure_an_admin_remains(tenant=tenant, membership=membership)
    audit_record(
        tenant=tenant,
        actor=actor,
        action="membership.remove",
        target=membership,
        changes={"role": [membership.role, None]},
    )
    membership.delete()


@transaction.atomic
def tenant_create(*, actor: User | None, name: str, slug: str, **values) -> Tenant:
    """Create a tenant; each app sets up what a new tenant needs (its ``tenant_setup.py``)."""
    from portal.registry import app_modules

    tenant = Tenant(name=name, slug=slug, **values)
    tenant.full_clean()
    tenant.save()
    audit_record(tenant=tenant, actor=actor, action="tenant.create", target=tenant)
    for module in app_modules("tenant_setup"):
        module.setup_tenant(tenant=tenant, actor=actor)
    return tenant


@transaction.atomic
def membership_create(
    *, tenant: Tenant, actor: User | None, user: User, role: str, organisation=None
) -> Membership:
    """Add ``user`` to ``tenant`` directly (demo data, platform staff); people use invitations."""
    if role not in Role.values:
        raise ValidationError({"role": _("Choose a valid role.")})
    if Membership.objects.for_tenant(tenant).filter(user=user).exists():
        raise ValidationError(_("%(user)s is already a member.") % {"user": user})
    membership = Membership.objects.create(
        tenant=tenant, user=user, role=role, organisation=organisation
    )
    audit_record(
        tenant=tenant,
        actor=actor,
        action="membership.create",
        target=membership,
        changes={"role": [None, role]},
    )
    return membership
