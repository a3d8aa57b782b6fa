"""Agreement pages: the list with filters, one agreement, create and edit, the PDF."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.core.paginator import Paginator
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from partnerships.forms.agreements import AgreementForm
from partnerships.models import Agreement
from partnerships.selectors.agreements import agreement_get, agreement_list, can_edit_agreement
from partnerships.services import agreements as services
from portal.access import tenant_member_required
from portal.forms import apply_service_errors

PAGE_SIZE = 25
ENDING_WITHIN_CHOICES = (30, 60, 90, 180, 365)


def _agreement_or_404(request, agreement_id: int) -> Agreement:
    agreement = agreement_get(tenant=request.tenant, agreement_id=agreement_id)
    if agreement is None:
        raise Http404
    return agreement


@tenant_member_required("crm.view")
@require_GET
def agreement_list_view(request, tenant_slug: str):
    status = request.GET.get("status", "")
    kind = request.GET.get("kind", "")
    ending = request.GET.get("ending_within", "")
    status = status if status in Agreement.Status.values else ""
    kind = kind if kind in Agreement.Kind.values else ""
    ending_within_days = int(ending) if ending.isdigit() and int(ending) <= 3650 else None
    agreements = agreement_list(
        tenant=request.tenant, status=status, kind=kind, ending_within_days=ending_within_days
    )
    page = Paginator(agreements, PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    context = {
        "page": page,
        "filters": {"status": status, "kind": kind, "ending_within": ending_within_days},
        "statuses": Agreement.Status.choices,
        "kinds": Agreement.Kind.choices,
        "ending_choices": ENDING_WITHIN_CHOICES,
        "query": query.urlencode(),
        "can_create": request.membership.can("crm.edit"),
    }
    return render(request, "partnerships/agreement_list.html", context)


@tenant_member_required("crm.view")
@require_GET
def agreement_detail(request, tenant_slug: str, agreement_id: int):
    agreement = _agreement_or_404(request, agreement_id)
    return render(
        request,
        "partnerships/agreement_detail.html",
        {
            "agreement": agreement,
            "can_edit": can_edit_agreement(request.membership, agreement),
        },
    )


def _service_values(form: AgreementForm) -> dict:
    values = dict(form.cleaned_data)
    document = values.pop("document", None)
    if isinstance(document, UploadedFile) or document is False:
        values["document"] = document
    return values


@tenant_member_required("crm.edit")
@require_http_methods(["GET", "POST"])
def agreement_create(request, tenant_slug: str):
    tenant = request.tenant
    initial = {}
    if request.membership.organisation_id:
        initial["parties"] = [request.membership.organisation_id]
    form = AgreementForm(
        request.POST or None, request.FILES or None, tenant=tenant, initial=initial
    )
    if request.method == "POST" and form.is_valid():
        try:
            agreement = services.agreement_create(
                tenant=tenant, actor=request.user, **_service_values(form)
            )
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            messages.success(request, _("The agreement was saved."))
            return redirect("agreement_detail", tenant_slug=tenant.slug, agreement_id=agreement.pk)
    status = 400 if form.errors else 200
    return render(
        request,
        "partnerships/agreement_form.html",
        {"form": form, "agreement": None},
        status=status,
    )


@tenant_member_required("crm.edit")
@require_http_methods(["GET", "POST"])
def agreement_edit(request, tenant_slug: str, agreement_id: int):
    tenant = request.tenant
    agreement = _agreement_or_404(request, agreement_id)
    if not can_edit_agreement(request.membership, agreement):
        raise PermissionDenied
    initial = {
        "kind": agreement.kind,
        "title": agreement.title,
        "parties": list(agreement.parties.all()),
        "starts_on": agreement.starts_on,
        "ends_on": agreement.ends_on,
        "goals": agreement.goals,
        "status": agreement.status,
        "document": agreement.document or None,
        "remind_days_before_end": agreement.remind_days_before_end,
    }
    form = AgreementForm(
        request.POST or None, request.FILES or None, tenant=tenant, initial=initial
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.agreement_update(
                tenant=tenant, actor=request.user, agreement=agreement, **_service_values(form)
            )
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            messages.success(request, _("The agreement was saved."))
            return redirect("agreement_detail", tenant_slug=tenant.slug, agreement_id=agreement.pk)
    status = 400 if form.errors else 200
    return render(
        request,
        "partnerships/agreement_form.html",
        {"form": form, "agreement": agreement},
        status=status,
    )


@tenant_member_required("crm.view")
@require_GET
def agreement_document(request, tenant_slug: str, agreement_id: int):
    """The PDF, as a download named after the agreement; each download is audited."""
    agreement = _agreement_or_404(request, agreement_id)
    if not agreement.document:
        raise Http404
    try:
        handle = services.agreement_document_open(
            tenant=request.tenant, actor=request.user, agreement=agreement
        )
    except FileNotFoundError as error:
        raise Http404 from error
    filename = f"{slugify(agreement.title) or 'agreement'}.pdf"
    response = FileResponse(
        handle, as_attachment=True, filename=filename, content_type="application/pdf"
    )
    response["Cache-Control"] = "private, no-store"
    response["X-Content-Type-Options"] = "nosniff"
    return response
