"""Import pages: upload a file; its preview with errors and duplicate choices; progress
and result. Large files are handled by a worker while the page polls (htmx)."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods
from django_htmx.http import HttpResponseClientRefresh

from partnerships.forms.imports import ImportUploadForm
from partnerships.importers import FIELDS_BY_NAME, accepted_headers
from partnerships.models import ImportJob, ImportRow
from partnerships.selectors.imports import (
    ROW_VIEWS,
    import_job_list,
    import_job_progress_get,
    import_row_list,
    import_rows_for_display,
)
from partnerships.services import imports as services
from portal.access import tenant_member_required
from portal.forms import apply_service_errors

PAGE_SIZE = 50
RECENT_IMPORTS = 10


@tenant_member_required("crm.import")
@require_http_methods(["GET", "POST"])
def import_start(request, tenant_slug: str):
    tenant = request.tenant
    form = ImportUploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            job = services.import_job_create(
                tenant=tenant,
                actor=request.user,
                file_name=upload.name,
                content=upload.read(),
                ignore_unknown_columns=form.cleaned_data["ignore_unknown_columns"],
            )
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            return redirect("import_detail", tenant_slug=tenant.slug, importjob_id=job.pk)
    context = {
        "form": form,
        "accepted": accepted_headers(),
        "recent": import_job_list(tenant=tenant, membership=request.membership)[:RECENT_IMPORTS],
    }
    status = 400 if form.errors else 200
    return render(request, "partnerships/import_start.html", context, status=status)


def _detail_url(tenant, job: ImportJob, query: dict) -> str:
    url = reverse("import_detail", kwargs={"tenant_slug": tenant.slug, "importjob_id": job.pk})
    query = {key: value for key, value in query.items() if value}
    return f"{url}?{urlencode(query)}" if query else url


@tenant_member_required("crm.import")
@require_http_methods(["GET", "POST"])
def import_detail(request, tenant_slug: str, importjob_id: int):
    tenant = request.tenant
    membership = request.membership
    if request.method == "GET" and request.htmx:
        return _progress(request, importjob_id)
    job = get_object_or_404(import_job_list(tenant=tenant, membership=membership), pk=importjob_id)
    if request.method == "POST":
        return _decide(request, job)

    show = request.GET.get("show", "")
    if show not in ROW_VIEWS:
        show = "errors" if job.error_rows else "duplicates" if job.duplicate_rows else "all"
    context = {
        "job": job,
        "show": show,
        "failure": services.import_failure_message(job),
        "row_views": [
            ("errors", _("Rows with errors"), job.error_rows),
            ("duplicates", _("Likely duplicates"), job.duplicate_rows),
            ("all", _("All rows"), job.total_rows),
        ],
    }
    if job.status == ImportJob.Status.PREVIEWED:
        shown_fields = [column["field"] for column in job.columns]
        page = Paginator(import_row_list(tenant=tenant, job=job, show=show), PAGE_SIZE).get_page(
            request.GET.get("page")
        )
        context |= {
            "page": page,
            "headers": [column["header"] for column in job.columns],
            "preview": import_rows_for_display(
                tenant=tenant, job=job, rows=page.object_list, shown_fields=shown_fields
            ),
            "previous_url": _detail_url(tenant, job, {"show": show, "page": page.number - 1})
            if page.has_previous()
            else "",
            "next_url": _detail_url(tenant, job, {"show": show, "page": page.number + 1})
            if page.has_next()
            else "",
            "ignored_columns": job.ignored_columns,
            "name_column": FIELDS_BY_NAME["name"].label,
        }
    return render(request, "partnerships/import_detail.html", context)


def _progress(request, importjob_id: int):
    """The polled partial: progress while a worker is busy; once it is done, a full
    reload (HX-Refresh) shows the preview or the result."""
    job = import_job_progress_get(
        tenant=request.tenant, membership=request.membership, importjob_id=importjob_id
    )
    if job is None:
        raise Http404
    if not job.in_progress:
        return HttpResponseClientRefresh()
    response = render(request, "partnerships/_import_progress.html", {"job": job})
    response["Cache-Control"] = "no-store"
    return response


def _decide(request, job: ImportJob):
    """Save the duplicate choices on the page, and commit if asked."""
    tenant, actor = request.tenant, request.user
    action = request.POST.get("action", "save")
    decisions = {
        int(key.removeprefix("decision-")): value
        for key, value in request.POST.items()
        if key.startswith("decision-") and key.removeprefix("decision-").isdigit()
    }
    back = _detail_url(
        tenant, job, {"show": request.POST.get("show", ""), "page": request.POST.get("page", "")}
    )
    try:
        if action in ("merge_all", "skip_all"):
            decision = (
                ImportRow.Decision.MERGE if action == "merge_all" else ImportRow.Decision.SKIP
            )
            services.import_job_decide_all(tenant=tenant, actor=actor, job=job, decision=decision)
        elif decisions:
            services.import_job_decide(tenant=tenant, actor=actor, job=job, decisions=decisions)
        if action == "commit":
            job = services.import_job_commit(tenant=tenant, actor=actor, job=job)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect(back)
    if action != "commit":
        messages.success(request, _("Your choices were saved."))
    elif job.status == ImportJob.Status.DONE:
        messages.success(request, _("The file was imported."))
    elif job.status == ImportJob.Status.QUEUED:
        messages.info(
            request, _("The import runs in the background. This page shows how far it is.")
        )
    return redirect(_detail_url(tenant, job, {}) if action == "commit" else back)
