"""The CRM settings page of the programme office: the sector list and when partners go dormant."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponseBadRequest
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from partnerships.forms.settings import DormancyForm, SectorForm
from partnerships.models import Sector
from partnerships.selectors.organisations import sector_list
from partnerships.selectors.settings import crm_settings_get
from partnerships.services.organisations import (
    crm_settings_update,
    sector_create,
    sector_delete,
    sector_rename,
)
from portal.access import tenant_member_required
from portal.forms import apply_service_errors

ACTIONS = ("dormancy", "sector_add", "sector_rename", "sector_remove")


@tenant_member_required("crm.settings")
@require_http_methods(["GET", "POST"])
def crm_settings(request, tenant_slug: str):
    """One page, several small forms; a POST names its ``action``."""
    tenant = request.tenant
    settings = crm_settings_get(tenant=tenant)
    dormancy_form = DormancyForm(
        prefix="dormancy", initial={"dormant_after_months": settings.dormant_after_months}
    )
    sector_form = SectorForm(prefix="sector")
    rename_error: tuple[int, str] | None = None
    if request.method == "POST":
        action = request.POST.get("action")
        if action not in ACTIONS:
            return HttpResponseBadRequest(_("Unknown action."))
        if action == "dormancy":
            dormancy_form = DormancyForm(request.POST, prefix="dormancy")
            if dormancy_form.is_valid():
                try:
                    crm_settings_update(
                        tenant=tenant, actor=request.user, **dormancy_form.cleaned_data
                    )
                except ValidationError as error:
                    apply_service_errors(dormancy_form, error)
                else:
                    messages.success(request, _("The settings were saved."))
                    return redirect("crm_settings", tenant_slug=tenant.slug)
        elif action == "sector_add":
            sector_form = SectorForm(request.POST, prefix="sector")
            if sector_form.is_valid():
                try:
                    sector = sector_create(
                        tenant=tenant, actor=request.user, name=sector_form.cleaned_data["name"]
                    )
                except ValidationError as error:
                    apply_service_errors(sector_form, error)
                else:
                    messages.success(request, _("%(name)s was added.") % {"name": sector.name})
                    return redirect("crm_settings", tenant_slug=tenant.slug)
        else:
            sector = get_object_or_404(
                Sector.objects.for_tenant(tenant), pk=_int(request.POST.get("sector"))
            )
            if action == "sector_remove":
                name = sector.name
                sector_delete(tenant=tenant, actor=request.user, sector=sector)
                messages.success(request, _("%(name)s was removed.") % {"name": name})
                return redirect("crm_settings", tenant_slug=tenant.slug)
            rename_form = SectorForm(request.POST)
            if rename_form.is_valid():
                try:
                    sector_rename(
                        tenant=tenant,
                        actor=request.user,
                        sector=sector,
                        name=rename_form.cleaned_data["name"],
                    )
                except ValidationError as error:
                    rename_error = (sector.pk, " ".join(error.messages))
                else:
                    messages.success(request, _("The sector was renamed."))
                    return redirect("crm_settings", tenant_slug=tenant.slug)
            else:
                rename_error = (sector.pk, " ".join(rename_form.errors["name"]))
    context = {
        "dormancy_form": dormancy_form,
        "sector_form": sector_form,
        "sectors": sector_list(tenant=tenant),
        "rename_error_id": rename_error[0] if rename_error else None,
        "rename_error": rename_error[1] if rename_error else "",
    }
    status = 400 if dormancy_form.errors or sector_form.errors or rename_error else 200
    return render(request, "partnerships/crm_settings.html", context, status=status)


def _int(value: str | None) -> int | None:
    return int(value) if value and value.isdigit() else None
