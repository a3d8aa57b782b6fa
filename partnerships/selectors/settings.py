"""The CRM's per-tenant settings and what follows from them."""

from __future__ import annotations

import datetime

from django.utils import timezone

from partnerships.models import PartnershipSettings
from portal.models import Tenant


def crm_settings_get(*, tenant: Tenant) -> PartnershipSettings:
    """The tenant's CRM settings; the defaults (unsaved) when none were stored."""
    return PartnershipSettings.objects.for_tenant(tenant).first() or PartnershipSettings(
        tenant=tenant
    )


def months_before(day: datetime.date, months: int) -> datetime.date:
    month_index = day.year * 12 + day.month - 1 - months
    year, month = divmod(month_index, 12)
    month += 1
    for candidate in (day.day, 30, 29, 28):
        try:
            return day.replace(year=year, month=month, day=candidate)
        except ValueError:
            continue
    raise AssertionError("unreachable")


def dormant_before(*, tenant: Tenant, today: datetime.date | None = None) -> datetime.date:
    """Active partners without contact since this date count as dormant."""
    today = today or timezone.localdate()
    return months_before(today, crm_settings_get(tenant=tenant).dormant_after_months)
