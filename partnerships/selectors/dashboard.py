"""The relationship manager's dashboard: my follow-ups, recent contact, partners going dormant."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.db.models import QuerySet
from django.utils import timezone

from partnerships.models import Interaction, Organisation
from partnerships.selectors.interactions import interaction_list_visible
from partnerships.selectors.settings import crm_settings_get, months_before
from portal.models import Membership, Tenant
from portal.roles import Role

UPCOMING_DAYS = 14
FOLLOW_UP_LIMIT = 50
RECENT_LIMIT = 20
GOING_DORMANT_LIMIT = 20
# Partners are flagged this many months before they would turn dormant.
DORMANT_WARNING_MONTHS = 2


@dataclass(frozen=True)
class GoingDormant:
    organisation: Organisation
    dormant_from: datetime.date


@dataclass(frozen=True)
class CrmDashboard:
    today: datetime.date
    overdue: list[Interaction]
    upcoming: list[Interaction]
    recent: list[Interaction]
    going_dormant: list[GoingDormant]
    dormant_after_months: int


def follow_up_list_assigned(*, tenant: Tenant, membership: Membership) -> QuerySet[Interaction]:
    """Open follow-ups for the member, soonest first, of entries they may (still) see."""
    return (
        interaction_list_visible(tenant=tenant, membership=membership)
        .open_follow_ups()
        .filter(follow_up_assignee_id=membership.user_id)
        .order_by("follow_up_on", "pk")
    )


def organisation_list_going_dormant(
    *, tenant: Tenant, membership: Membership, today: datetime.date, dormant_after_months: int
) -> list[GoingDormant]:
    """Active partner companies that turn dormant within ``DORMANT_WARNING_MONTHS``: their
    last contact is older than the dormant threshold minus that margin, not yet older than the
    threshold itself. For a relationship manager, only companies their school has spoken to."""
    dormant_before = months_before(today, dormant_after_months)
    warn_before = months_before(today, max(dormant_after_months - DORMANT_WARNING_MONTHS, 0))
    companies = Organisation.objects.for_tenant(tenant).filter(
        kind=Organisation.Kind.COMPANY,
        status=Organisation.Status.ACTIVE,
        last_contact_on__gte=dormant_before,
        last_contact_on__lt=warn_before,
    )
    if membership.role not in (Role.ADMIN, Role.LEAD):
        if membership.organisation_id is None:
            return []
        spoken_to = (
            Interaction.objects.for_tenant(tenant)
            .filter(logged_by_id=membership.organisation_id)
            .values("organisations")
        )
        companies = companies.filter(pk__in=spoken_to)
    companies = companies.order_by("last_contact_on", "name")[:GOING_DORMANT_LIMIT]
    return [
        GoingDormant(
            organisation=company,
            dormant_from=months_before(company.last_contact_on, -dormant_after_months)
            + datetime.timedelta(days=1),
        )
        for company in companies
    ]


def crm_dashboard_get(
    *, tenant: Tenant, membership: Membership, today: datetime.date | None = None
) -> CrmDashboard:
    today = today or timezone.localdate()
    follow_ups = follow_up_list_assigned(tenant=tenant, membership=membership)
    dormant_after_months = crm_settings_get(tenant=tenant).dormant_after_months
    return CrmDashboard(
        today=today,
        overdue=list(follow_ups.filter(follow_up_on__lt=today)[:FOLLOW_UP_LIMIT]),
        upcoming=list(
            follow_ups.filter(
                follow_up_on__gte=today,
                follow_up_on__lte=today + datetime.timedelta(days=UPCOMING_DAYS),
            )[:FOLLOW_UP_LIMIT]
        ),
        recent=list(
            interaction_list_visible(tenant=tenant, membership=membership).order_by(
                "-occurred_on", "-pk"
            )[:RECENT_LIMIT]
        ),
        going_dormant=organisation_list_going_dormant(
            tenant=tenant,
            membership=membership,
            today=today,
            dormant_after_months=dormant_after_months,
        ),
        dormant_after_months=dormant_after_months,
    )
