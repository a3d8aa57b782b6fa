"""An organisation's page: profile, contacts, contact log, agreements, open follow-ups and
who else in the partnership is in contact with it."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, render
from django.views.decorators.http import require_GET

from partnerships.models import Agreement, EducationLevel, Organisation
from partnerships.selectors.contacts import (
    can_handle_personal_data,
    can_manage_contacts,
    can_view_organisation,
    contact_list_for_organisation,
    hides_other_organisations,
)
from partnerships.selectors.interactions import (
    follow_up_list_open_for_organisation,
    interaction_timeline,
    partnership_contacts_of,
)
from partnerships.selectors.settings import dormant_before
from partnerships.services.interactions import can_complete_follow_up, can_edit_interaction
from portal.access import tenant_member_required

TIMELINE_PAGE_SIZE = 50
LOG_REGION = "organisation-log"


def organisation_for_member(request, organisation_id: int) -> Organisation:
    """The organisation behind a URL, if this member may see it: another tenant's id is a
    404; so is another company's id for a company contact; a role without the CRM gets 403."""
    tenant, membership = request.tenant, request.membership
    organisation = get_object_or_404(
        Organisation.objects.for_tenant(tenant)
        .with_relationship_status(dormant_before=dormant_before(tenant=tenant))
        .prefetch_related("sectors"),
        pk=organisation_id,
    )
    if not can_view_organisation(membership, organisation):
        if hides_other_organisations(membership):
            raise Http404
        raise PermissionDenied
    return organisation


@tenant_member_required("tenant.view")
@require_GET
def organisation_detail(request, tenant_slug: str, organisation_id: int):
    tenant, membership = request.tenant, request.membership
    organisation = organisation_for_member(request, organisation_id)
    sees_crm = membership.can("crm.view")
    context = {
        "organisation": organisation,
        "education_levels": [
            EducationLevel(level).label
            for level in organisation.education_levels
            if level in EducationLevel.values
        ],
        "contacts": contact_list_for_organisation(tenant=tenant, organisation=organisation),
        "can_manage_contacts": can_manage_contacts(membership, organisation),
        "can_handle_personal_data": can_handle_personal_data(membership),
        "sees_crm": sees_crm,
        "can_log": membership.can("crm.log"),
    }
    if sees_crm:
        timeline = Paginator(
            interaction_timeline(tenant=tenant, membership=membership, organisation=organisation),
            TIMELINE_PAGE_SIZE,
        ).get_page(request.GET.get("page"))
        follow_ups = list(
            follow_up_list_open_for_organisation(
                tenant=tenant, membership=membership, organisation=organisation
            )
        )
        for interaction in [*timeline, *follow_ups]:
            interaction.editable = can_edit_interaction(membership, interaction)
            interaction.completable = can_complete_follow_up(membership, interaction)
        context.update(
            {
                "page": timeline,
                "follow_ups": follow_ups,
                "partnership_contacts": partnership_contacts_of(
                    tenant=tenant, membership=membership, organisation=organisation
                ),
                "agreements": Agreement.objects.for_tenant(tenant)
                .filter(parties=organisation)
                .order_by("-starts_on", "title"),
            }
        )
        if request.htmx.target == LOG_REGION:
            # The contact log refreshes itself after "Log a contact" (htmx event).
            return render(request, "partnerships/_interaction_organisation_log.html", context)
    return render(request, "partnerships/organisation_detail.html", context)
