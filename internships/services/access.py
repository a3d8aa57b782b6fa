"""Who may act for which side of the stage market. Services check it themselves, so a
task, a command or the API cannot skip what the pages check."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext as _

from partnerships.models import Organisation
from portal.models import Membership, Tenant, User


def own_organisation(membership: Membership | None, kind: str) -> Organisation | None:
    """The organisation the membership acts for, if it is of ``kind``; None otherwise."""
    organisation = membership.organisation if membership is not None else None
    if organisation is None or organisation.kind != kind:
        return None
    return organisation


def own_company(membership: Membership | None) -> Organisation:
    """The member's company; PermissionDenied for a membership tied to none."""
    company = own_organisation(membership, Organisation.Kind.COMPANY)
    if company is None:
        raise PermissionDenied(_("Your membership is not tied to a company."))
    return company


def own_school(membership: Membership | None) -> Organisation:
    """The member's school; PermissionDenied for a membership tied to none."""
    school = own_organisation(membership, Organisation.Kind.SCHOOL)
    if school is None:
        raise PermissionDenied(_("Your membership is not tied to a school."))
    return school


def acting_membership(*, tenant: Tenant, actor: User | None) -> Membership | None:
    if actor is None or not actor.is_authenticated:
        return None
    return (
        Membership.objects.for_tenant(tenant)
        .filter(user=actor, user__is_active=True)
        .select_related("organisation")
        .first()
    )


def require_member_of(
    *, tenant: Tenant, actor: User | None, permission: str, organisation: Organisation
) -> Membership:
    """The actor's membership, when its role grants ``permission`` and it is tied to
    ``organisation``; PermissionDenied otherwise."""
    membership = acting_membership(tenant=tenant, actor=actor)
    if (
        membership is None
        or not membership.can(permission)
        or membership.organisation_id is None
        or membership.organisation_id != organisation.pk
    ):
        raise PermissionDenied(_("You cannot act for %(name)s.") % {"name": organisation.name})
    return membership


def require_permission(*, tenant: Tenant, actor: User | None, permission: str) -> Membership:
    membership = acting_membership(tenant=tenant, actor=actor)
    if membership is None or not membership.can(permission):
        raise PermissionDenied(_("You may not do this in %(tenant)s.") % {"tenant": tenant.name})
    return membership


def side_of(
    *, tenant: Tenant, actor: User | None, school: Organisation, company: Organisation
) -> str:
    """``"school"`` or ``"company"``: the side of an application or placement the actor
    acts for; PermissionDenied when neither."""
    membership = acting_membership(tenant=tenant, actor=actor)
    if membership is not None and membership.organisation_id is not None:
        if membership.organisation_id == school.pk and membership.can("stages.apply"):
            return "school"
        if membership.organisation_id == company.pk and membership.can("stages.offer"):
            return "company"
    raise PermissionDenied(_("You are not part of this application."))
