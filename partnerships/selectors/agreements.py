"""Reads of agreements: the filtered list, one agreement, and those due for a reminder."""

from __future__ import annotations

import datetime

from django.db.models import DateField, ExpressionWrapper, F, Prefetch, QuerySet
from django.utils import timezone

from partnerships.models import Agreement, Organisation
from portal.models import Membership, Tenant
from portal.roles import Role


def agreement_list(
    *,
    tenant: Tenant,
    status: str = "",
    kind: str = "",
    ending_within_days: int | None = None,
    today: datetime.date | None = None,
) -> QuerySet[Agreement]:
    """The tenant's agreements, with their parties, filtered by status, kind and "ends within
    N days" (from today; agreements without an end never match that filter)."""
    agreements = (
        Agreement.objects.for_tenant(tenant)
        .select_related("created_by")
        .prefetch_related(
            Prefetch("parties", queryset=Organisation.objects.for_tenant(tenant).order_by("name"))
        )
        .order_by(F("ends_on").asc(nulls_last=True), "-starts_on", "pk")
    )
    if status:
        agreements = agreements.filter(status=status)
    if kind:
        agreements = agreements.filter(kind=kind)
    if ending_within_days is not None:
        today = today or timezone.localdate()
        agreements = agreements.filter(
            ends_on__gte=today, ends_on__lte=today + datetime.timedelta(days=ending_within_days)
        )
    return agreements


def agreement_get(*, tenant: Tenant, agreement_id: int) -> Agreement | None:
    return agreement_list(tenant=tenant).filter(pk=agreement_id).first()


def can_edit_agreement(membership: Membership, agreement: Agreement) -> bool:
    """The programme office edits every agreement; a relationship manager those their own
    organisation is a party to, and those they entered themselves."""
    if membership.role == Role.ADMIN:
        return True
    if not membership.can("crm.edit"):
        return False
    if agreement.created_by_id == membership.user_id:
        return True
    party_ids = {party.pk for party in agreement.parties.all()}
    return membership.organisation_id is not None and membership.organisation_id in party_ids


def agreement_reminders_due(*, tenant: Tenant, today: datetime.date) -> QuerySet[Agreement]:
    """Active agreements that end today or later, within their reminder window, and whose
    reminder has not gone out yet."""
    return (
        Agreement.objects.for_tenant(tenant)
        .filter(
            status=Agreement.Status.ACTIVE,
            ends_on__isnull=False,
            ends_on__gte=today,
            reminder_sent_at__isnull=True,
        )
        .annotate(
            remind_on=ExpressionWrapper(
                F("ends_on") - F("remind_days_before_end"), output_field=DateField()
            )
        )
        .filter(remind_on__lte=today)
    )


def tenants_with_agreement_reminders_due(*, today: datetime.date) -> QuerySet:
    """The ids of tenants with a reminder to send: the daily task's one look across tenants."""
    return (
        Agreement.objects.unscoped_all_tenants()
        .filter(
            status=Agreement.Status.ACTIVE,
            ends_on__isnull=False,
            ends_on__gte=today,
            reminder_sent_at__isnull=True,
        )
        .annotate(
            remind_on=ExpressionWrapper(
                F("ends_on") - F("remind_days_before_end"), output_field=DateField()
            )
        )
        .filter(remind_on__lte=today)
        .values_list("tenant_id", flat=True)
        .distinct()
    )
