"""Pages of report definitions: the tenant's reports with their latest run, defining or
changing one (with its schedule), and a definition's page with its runs and the form that
requests a report for a finished period."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ObjectDoesNotExist, ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from portal.access import tenant_member_required
from portal.forms import apply_service_errors
from reporting.forms import ReportDefinitionForm, ReportRunRequestForm
from reporting.models import ReportDefinition
from reporting.selectors import (
    report_definition_get,
    report_definition_list,
    report_run_list,
    report_tenant_count_for_user,
)
from reporting.services.definitions import report_definition_create, report_definition_update


def get_or_404(getter, **kwargs):
    """Call a selector that fetches by id inside the tenant; its DoesNotExist is a 404."""
    try:
        return getter(**kwargs)
    except ObjectDoesNotExist as error:
        raise Http404 from error


@tenant_member_required("reports.view")
@require_GET
def report_overview(request, tenant_slug: str):
    """The partnership's reports, each with its latest run; a link to all of the user's
    reports across partnerships when they see reports in more than one."""
    context = {
        "definitions": report_definition_list(tenant=request.tenant, membership=request.membership),
        "can_manage": request.membership.can("reports.manage"),
        "report_tenant_count": report_tenant_count_for_user(user=request.user),
    }
    return render(request, "reporting/overview.html", context)


def _definition_fields(cleaned: dict) -> dict:
    return {
        "title": cleaned["title"],
        "audience": cleaned["audience"],
        "sections": cleaned["sections"],
        "themes": cleaned["themes"],
        "action_lines": cleaned["action_lines"],
        "period_kind": cleaned["period_kind"],
        "language": cleaned["language"],
        "recipient_memberships": cleaned["recipient_memberships"],
        "recipient_emails": cleaned["recipient_emails"],
        "schedule_enabled": cleaned["schedule_enabled"],
        "days_after_period_end": cleaned["days_after_period_end"],
    }


@tenant_member_required("reports.manage")
@require_http_methods(["GET", "POST"])
def report_definition_create_view(request, tenant_slug: str):
    tenant = request.tenant
    initial = {
        "language": tenant.default_language,
        "period_kind": "quarter",
        "audience": "funder",
        "sections": ["summary"],
        "schedule_enabled": True,
    }
    form = ReportDefinitionForm(request.POST or None, tenant=tenant, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            definition = report_definition_create(
                tenant=tenant, actor=request.user, **_definition_fields(form.cleaned_data)
            )
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            messages.success(
                request, _("The report “%(title)s” was defined.") % {"title": definition.title}
            )
            return redirect(
                "report_definition_detail",
                tenant_slug=tenant.slug,
                reportdefinition_id=definition.pk,
            )
    status = 400 if form.errors else 200
    return render(
        request, "reporting/definition_form.html", {"form": form, "definition": None}, status=status
    )


@tenant_member_required("reports.manage")
@require_http_methods(["GET", "POST"])
def report_definition_edit(request, tenant_slug: str, reportdefinition_id: int):
    tenant = request.tenant
    definition = get_or_404(
        report_definition_get,
        tenant=tenant,
        membership=request.membership,
        reportdefinition_id=reportdefinition_id,
        with_recipients=True,
    )
    form = ReportDefinitionForm(
        request.POST or None, tenant=tenant, initial=ReportDefinitionForm.initial_for(definition)
    )
    if request.method == "POST" and form.is_valid():
        try:
            report_definition_update(
                tenant=tenant,
                actor=request.user,
                definition=definition,
                **_definition_fields(form.cleaned_data),
            )
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            messages.success(request, _("The report was saved."))
            return redirect(
                "report_definition_detail",
                tenant_slug=tenant.slug,
                reportdefinition_id=definition.pk,
            )
    status = 400 if form.errors else 200
    return render(
        request,
        "reporting/definition_form.html",
        {"form": form, "definition": definition},
        status=status,
    )


def definition_page(request, definition, *, request_form=None, status: int = 200):
    """The definition's page; also rendered by a refused request for a run, with its form."""
    tenant = request.tenant
    can_manage = request.membership.can("reports.manage")
    if can_manage and request_form is None:
        request_form = ReportRunRequestForm(definition=definition, today=timezone.localdate())
    context = {
        "definition": definition,
        "section_labels": [
            ReportDefinition.Section(value).label
            for value in definition.sections
            if value in ReportDefinition.Section.values
        ],
        "runs": report_run_list(tenant=tenant, definition=definition),
        "can_manage": can_manage,
        "request_form": request_form if can_manage else None,
    }
    return render(request, "reporting/definition_detail.html", context, status=status)


@tenant_member_required("reports.view")
@require_GET
def report_definition_detail(request, tenant_slug: str, reportdefinition_id: int):
    """A definition's runs with their downloads. Recipients (personal data) are shown only to
    those who manage reports, never to a funder; an internal report is a 404 for a funder."""
    definition = get_or_404(
        report_definition_get,
        tenant=request.tenant,
        membership=request.membership,
        reportdefinition_id=reportdefinition_id,
        with_recipients=request.membership.can("reports.manage"),
    )
    return definition_page(request, definition)
