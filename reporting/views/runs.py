"""Pages of report runs: request one for a finished period, follow its progress (htmx
polling while it is queued or running), retry a failed one, download the PDF, and the
figures it was built from as CSV and XLSX."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from portal.access import tenant_member_required
from portal.forms import apply_service_errors
from reporting import exports
from reporting.forms import ReportRunRequestForm
from reporting.models import ReportRun
from reporting.periods import Period
from reporting.selectors import key_figures, report_definition_get, report_run_get
from reporting.services.runs import report_run_download, report_run_request, report_run_retry
from reporting.views.definitions import definition_page, get_or_404
from reporting.views.responses import report_pdf_response


@tenant_member_required("reports.manage")
@require_POST
def report_run_request_view(request, tenant_slug: str, reportdefinition_id: int):
    """Request the report of a finished period; asking again for a period that has a run
    opens that run instead of making a second one."""
    tenant = request.tenant
    definition = get_or_404(
        report_definition_get,
        tenant=tenant,
        membership=request.membership,
        reportdefinition_id=reportdefinition_id,
        with_recipients=True,
    )
    form = ReportRunRequestForm(request.POST, definition=definition, today=timezone.localdate())
    if form.is_valid():
        try:
            run = report_run_request(
                tenant=tenant,
                actor=request.user,
                definition=definition,
                period_start=form.cleaned_data["period_start"],
            )
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            label = Period(run.period_start, run.period_end).label()
            if run.is_finished:
                message = _("There is a report of %(period)s already.")
            else:
                message = _("The report of %(period)s is being made.")
            messages.success(request, message % {"period": label})
            return redirect("report_run_detail", tenant_slug=tenant.slug, reportrun_id=run.pk)
    return definition_page(request, definition, request_form=form, status=400)


def _run(request, reportrun_id: int, *, with_figures: bool = False) -> ReportRun:
    """A run the member may read: another tenant's, or an internal report's for a funder, is
    a 404."""
    return get_or_404(
        report_run_get,
        tenant=request.tenant,
        membership=request.membership,
        reportrun_id=reportrun_id,
        with_figures=with_figures,
    )


@tenant_member_required("reports.view")
@require_GET
def report_run_detail(request, tenant_slug: str, reportrun_id: int):
    run = _run(request, reportrun_id, with_figures=True)
    context = {
        "run": run,
        "definition": run.definition,
        "key_figures": key_figures(run.figures),
        "can_manage": request.membership.can("reports.manage"),
    }
    return render(request, "reporting/run_detail.html", context)


@tenant_member_required("reports.view")
@require_GET
def report_run_status(request, tenant_slug: str, reportrun_id: int):
    """The status region alone, for htmx to poll while the run is queued or running. Once
    the run is done or failed the fragment no longer carries the trigger, so polling stops."""
    run = _run(request, reportrun_id)
    context = {"run": run, "can_manage": request.membership.can("reports.manage")}
    response = render(request, "reporting/_run_status.html", context)
    response["Cache-Control"] = "no-store"
    return response


@tenant_member_required("reports.manage")
@require_POST
def report_run_retry_view(request, tenant_slug: str, reportrun_id: int):
    tenant = request.tenant
    run = _run(request, reportrun_id)
    try:
        report_run_retry(tenant=tenant, actor=request.user, run=run)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("The report is being made again."))
    return redirect("report_run_detail", tenant_slug=tenant.slug, reportrun_id=run.pk)


@tenant_member_required("reports.view")
@require_GET
def report_run_download_view(request, tenant_slug: str, reportrun_id: int):
    """The stored PDF, exactly as it was made; every download is recorded in the audit
    trail. A run that is not done has nothing to download: 404."""
    run = _run(request, reportrun_id)
    if run.status != ReportRun.Status.DONE:
        raise Http404
    try:
        download = report_run_download(tenant=request.tenant, actor=request.user, run=run)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect("report_run_detail", tenant_slug=tenant_slug, reportrun_id=run.pk)
    return report_pdf_response(download)


def _figures_export(request, reportrun_id: int, kind: str):
    run = _run(request, reportrun_id, with_figures=True)
    if run.status != ReportRun.Status.DONE:
        raise Http404
    if kind == "xlsx":
        return exports.figures_xlsx_response(run)
    return exports.figures_csv_response(run)


@tenant_member_required("reports.view")
@require_GET
def report_run_figures_csv(request, tenant_slug: str, reportrun_id: int):
    return _figures_export(request, reportrun_id, "csv")


@tenant_member_required("reports.view")
@require_GET
def report_run_figures_xlsx(request, tenant_slug: str, reportrun_id: int):
    return _figures_export(request, reportrun_id, "xlsx")
