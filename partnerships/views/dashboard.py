"""The relationship manager's dashboard."""

from __future__ import annotations

from django.shortcuts import render
from django.views.decorators.http import require_GET

from partnerships.selectors.dashboard import crm_dashboard_get
from partnerships.services.interactions import can_complete_follow_up
from portal.access import tenant_member_required

BODY_REGION = "crm-dashboard-body"


@tenant_member_required("crm.log")
@require_GET
def crm_dashboard(request, tenant_slug: str):
    dashboard = crm_dashboard_get(tenant=request.tenant, membership=request.membership)
    for interaction in [*dashboard.overdue, *dashboard.upcoming]:
        interaction.completable = can_complete_follow_up(request.membership, interaction)
    context = {"dashboard": dashboard}
    if request.htmx.target == BODY_REGION:
        # The lists refresh themselves after "Log a contact" (htmx event).
        return render(request, "partnerships/_interaction_dashboard_body.html", context)
    return render(request, "partnerships/crm_dashboard.html", context)
