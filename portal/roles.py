"""Roles and what each may do: the one place views, templates and the API ask.

A role is held per tenant through a Membership. Permissions are named for
what a person does ("members.manage"), so a check reads as the rule it is.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db import models
from django.utils.translation import gettext_lazy as _

if TYPE_CHECKING:
    from portal.models import Membership


class Role(models.TextChoices):
    ADMIN = "admin", _("Programme office")
    LEAD = "lead", _("Programme lead")
    RELATIONS = "relations", _("Relationship manager")
    COMPANY = "company", _("Company contact")
    FUNDER = "funder", _("Funder")


PERMISSIONS: dict[str, frozenset[Role]] = {
    "tenant.view": frozenset(Role),
    "tenant.settings": frozenset({Role.ADMIN}),
    "members.view": frozenset({Role.ADMIN, Role.LEAD}),
    "members.manage": frozenset({Role.ADMIN}),
    "audit.view": frozenset({Role.ADMIN}),
    # The CRM. Relationship managers act for their own organisation (see partnerships'
    # querysets for what they see of others); company contacts reach only their own company.
    "crm.view": frozenset({Role.ADMIN, Role.LEAD, Role.RELATIONS}),
    "crm.edit": frozenset({Role.ADMIN, Role.RELATIONS}),
    "crm.log": frozenset({Role.ADMIN, Role.LEAD, Role.RELATIONS}),
    "crm.import": frozenset({Role.ADMIN, Role.RELATIONS}),
    "crm.merge": frozenset({Role.ADMIN}),
    "crm.settings": frozenset({Role.ADMIN}),
    "crm.personal_data": frozenset({Role.ADMIN}),
    "company.edit_own": frozenset({Role.ADMIN, Role.COMPANY}),
    # The stage market. Companies manage their own opportunities and decide on applications
    # to them; schools apply for their students; the programme office moderates.
    "stages.view": frozenset({Role.ADMIN, Role.LEAD, Role.RELATIONS, Role.COMPANY}),
    "stages.offer": frozenset({Role.COMPANY}),
    "stages.apply": frozenset({Role.RELATIONS}),
    "stages.moderate": frozenset({Role.ADMIN}),
    "stages.figures": frozenset({Role.ADMIN, Role.LEAD, Role.FUNDER}),
    # The agenda. Leads and the programme office run it; an action's owner (a school or
    # company member too) reports on their own action; funders see figures, never people.
    "agenda.view": frozenset({Role.ADMIN, Role.LEAD, Role.RELATIONS, Role.COMPANY}),
    "agenda.figures": frozenset({Role.ADMIN, Role.LEAD, Role.FUNDER}),
    "agenda.edit": frozenset({Role.ADMIN, Role.LEAD}),
    "agenda.approve": frozenset({Role.ADMIN, Role.LEAD}),
    "agenda.review": frozenset({Role.ADMIN, Role.LEAD}),
    "reports.view": frozenset({Role.ADMIN, Role.LEAD, Role.FUNDER}),
    "reports.manage": frozenset({Role.ADMIN, Role.LEAD}),
}


def has_permission(membership: Membership | None, permission: str) -> bool:
    """True when the membership's role grants ``permission``.

    An unknown permission name is a programming error, not a "no".
    """
    allowed = PERMISSIONS[permission]
    return membership is not None and membership.role in allowed
