"""The stage market's per-tenant settings and what follows from them."""

from __future__ import annotations

import datetime

from django.utils import timezone

from internships.models import InternshipSettings
from partnerships.selectors.settings import months_before
from portal.models import Tenant


def internship_settings_get(*, tenant: Tenant) -> InternshipSettings:
    """The tenant's settings; the defaults (unsaved) when none were stored."""
    return InternshipSettings.objects.for_tenant(tenant).first() or InternshipSettings(
        tenant=tenant
    )


def anonymise_before(*, tenant: Tenant, today: datetime.date | None = None) -> datetime.date:
    """Student data of placements that ended before this date is anonymised."""
    today = today or timezone.localdate()
    return months_before(today, internship_settings_get(tenant=tenant).anonymise_after_months)
