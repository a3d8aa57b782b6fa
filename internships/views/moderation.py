"""The programme office's moderation (permission ``stages.moderate``): take a published
opportunity offline with a reason the company sees."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from internships.forms.company import StatusFilterForm, UnpublishForm
from internships.models import Opportunity
from internships.services.opportunities import opportunity_unpublish
from internships.services.transitions import can_transition
from portal.access import tenant_member_required
from portal.forms import apply_service_errors

PAGE_SIZE = 25


def _opportunities(tenant):
    return (
        Opportunity.objects.for_tenant(tenant)
        .select_related("company")
        .order_by("-created_at", "-pk")
    )


@tenant_member_required("stages.moderate")
@require_GET
def opportunity_moderation_list(request, tenant_slug: str):
    """Every opportunity of the tenant, drafts included, with a link to moderate it."""
    filter_form = StatusFilterForm(request.GET or None, choices=Opportunity.Status.choices)
    opportunities = _opportunities(request.tenant)
    if filter_form.chosen_status():
        opportunities = opportunities.filter(status=filter_form.chosen_status())
    page = Paginator(opportunities, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "internships/opportunity_moderation_list.html",
        {"page": page, "filter_form": filter_form},
    )


@tenant_member_required("stages.moderate")
@require_http_methods(["GET", "POST"])
def opportunity_moderate(request, tenant_slug: str, opportunity_id: int):
    tenant = request.tenant
    opportunity = get_object_or_404(_opportunities(tenant), pk=opportunity_id)
    form = UnpublishForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            opportunity_unpublish(
                tenant=tenant,
                actor=request.user,
                opportunity=opportunity,
                reason=form.cleaned_data["reason"],
            )
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            messages.success(
                request,
                _("“%(title)s” is offline and a draft again. The company was told why.")
                % {"title": opportunity.title},
            )
            return redirect(
                reverse(
                    "opportunity_moderate",
                    kwargs={"tenant_slug": tenant.slug, "opportunity_id": opportunity.pk},
                )
            )
    return render(
        request,
        "internships/opportunity_moderate.html",
        {
            "opportunity": opportunity,
            "form": form,
            "can_unpublish": can_transition(opportunity, "unpublish"),
        },
        status=400 if form.errors else 200,
    )
