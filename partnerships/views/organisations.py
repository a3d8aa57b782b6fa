"""Organisation pages: the list with search, filters and export; create and edit."""

from __future__ import annotations

import copy

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse, StreamingHttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils import timezone, translation
from django.utils.cache import patch_vary_headers
from django.utils.http import content_disposition_header
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from partnerships import exports
from partnerships.filters import OrganisationFilter
from partnerships.forms.organisations import OrganisationForm
from partnerships.models import Organisation
from partnerships.selectors.organisations import (
    organisation_likely_duplicates,
    relationship_status_label,
)
from partnerships.services import organisations as services
from portal.access import tenant_member_required
from portal.forms import apply_service_errors

PAGE_SIZE = 25
RESULTS_ID = "organisation-results"
EXPORT_FORMATS = ("csv", "xlsx")


# --- the list ----------------------------------------------------------------------------


@tenant_member_required("crm.view")
@require_GET
def organisation_list(request, tenant_slug: str):
    """Search, filter, sort and page through the tenant's organisations. An htmx request
    from the filter form gets only the results region (``_organisation_rows.html``)."""
    tenant = request.tenant
    filterset = OrganisationFilter(request.GET, tenant=tenant)
    paginator = Paginator(filterset.qs, PAGE_SIZE)
    page = paginator.get_page(request.GET.get("page"))
    for organisation in page.object_list:
        organisation.relationship_status_label = relationship_status_label(
            organisation.relationship_status
        )
    context = {
        "filter": filterset,
        "page": page,
        "results_id": RESULTS_ID,
        "can_edit": request.membership.can("crm.edit"),
        "can_log": request.membership.can("crm.log"),
    }
    partial = (
        request.htmx
        and not request.htmx.history_restore_request
        and request.htmx.target == RESULTS_ID
    )
    template = (
        "partnerships/_organisation_rows.html" if partial else "partnerships/organisation_list.html"
    )
    response = render(request, template, context)
    patch_vary_headers(response, ["HX-Request", "HX-Target"])
    return response


@tenant_member_required("crm.view")
@require_GET
def organisation_export(request, tenant_slug: str):
    """The filtered, searched and sorted list as CSV (streamed) or XLSX: every row, not
    just one page. Who exported how many rows is audited."""
    tenant = request.tenant
    file_format = request.GET.get("format", "")
    if file_format not in EXPORT_FORMATS:
        return _export_refused(
            request,
            _("Unknown export format “%(format)s”. Choose CSV or XLSX.") % {"format": file_format},
        )
    filterset = OrganisationFilter(request.GET, tenant=tenant)
    if not filterset.is_valid():
        return _export_refused(
            request, _("Some filters are not valid, so nothing was exported."), filterset
        )
    organisations = filterset.qs
    query = request.GET.copy()
    query.pop("format", None)
    query.pop("page", None)
    services.organisation_export_record(
        tenant=tenant,
        actor=request.user,
        file_format=file_format,
        row_count=organisations.count(),
        query=query.urlencode(),
    )
    header = exports.organisation_header()
    filename = (
        f"{slugify(_('organisations'))}-{tenant.slug}-{timezone.localdate().isoformat()}"
        f".{file_format}"
    )
    if file_format == "csv":
        language = translation.get_language()

        def lines():
            # Rows are rendered while the response streams: keep the request's language.
            with translation.override(language):
                yield from exports.csv_lines(header, exports.organisation_rows(organisations))

        response = StreamingHttpResponse(lines(), content_type=exports.CSV_CONTENT_TYPE)
    else:
        content = exports.xlsx_bytes(
            header, exports.organisation_rows(organisations), title=_("Organisations")
        )
        response = HttpResponse(content, content_type=exports.XLSX_CONTENT_TYPE)
    response["Content-Disposition"] = content_disposition_header(True, filename)
    return response


def _export_refused(request, message: str, filterset: OrganisationFilter | None = None):
    return render(
        request,
        "partnerships/organisation_export_error.html",
        {"message": message, "filter": filterset},
        status=400,
    )


# --- create and edit ------------------------------------------------------------------------


def _duplicates_to_confirm(request, form: OrganisationForm, organisation: Organisation | None):
    """Likely duplicates the person has not yet confirmed as different organisations.

    Editing checks only when name, KvK number or BRIN code changed. "Save anyway" confirms
    the matches that were shown; a new match (the name was changed again) is shown anew.
    """
    data = form.cleaned_data
    identity = {
        "name": data.get("name", ""),
        "kvk_number": data.get("kvk_number", ""),
        "brin_code": data.get("brin_code", ""),
    }
    if organisation is not None and identity == {
        "name": organisation.name,
        "kvk_number": organisation.kvk_number,
        "brin_code": organisation.brin_code,
    }:
        return []
    duplicates = list(
        organisation_likely_duplicates(
            tenant=request.tenant,
            exclude_id=organisation.pk if organisation is not None else None,
            **identity,
        )
    )
    seen = {
        int(part)
        for part in request.POST.get("duplicates_seen", "").split(",")
        if part.strip().isdigit()
    }
    if "save_anyway" in request.POST and {d.pk for d in duplicates} <= seen:
        return []
    return duplicates


def _after_save_url(request, organisation: Organisation) -> str:
    tenant = request.tenant
    if not request.membership.can("crm.view"):
        return reverse("organisation_edit", args=[tenant.slug, organisation.pk])
    try:
        return reverse("organisation_detail", args=[tenant.slug, organisation.pk])
    except NoReverseMatch:  # the organisation page is another module's; tolerate its absence
        return reverse("organisation_list", args=[tenant.slug])


def _render_form(request, form, *, organisation=None, duplicates=(), status=None):
    context = {
        "form": form,
        "organisation": organisation,
        "duplicates": duplicates,
        "duplicate_ids": ",".join(str(d.pk) for d in duplicates),
        "can_view_list": request.membership.can("crm.view"),
    }
    if status is None:
        status = 400 if form.errors else 200
    return render(request, "partnerships/organisation_form.html", context, status=status)


@tenant_member_required("crm.edit")
@require_http_methods(["GET", "POST"])
def organisation_create(request, tenant_slug: str):
    tenant = request.tenant
    form = OrganisationForm(request.POST or None, tenant=tenant)
    if request.method == "POST" and form.is_valid():
        duplicates = _duplicates_to_confirm(request, form, None)
        if duplicates:
            return _render_form(request, form, duplicates=duplicates)
        try:
            organisation = services.organisation_create(
                tenant=tenant, actor=request.user, **form.service_values()
            )
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            messages.success(request, _("%(name)s was added.") % {"name": organisation.name})
            return redirect(_after_save_url(request, organisation))
    return _render_form(request, form)


@tenant_member_required("tenant.view")
@require_http_methods(["GET", "POST"])
def organisation_edit(request, tenant_slug: str, organisation_id: int):
    """Programme office and relationship managers edit any organisation; a company contact
    only their own company's profile (another organisation does not exist for them)."""
    tenant = request.tenant
    membership = request.membership
    organisation = get_object_or_404(Organisation.objects.for_tenant(tenant), pk=organisation_id)
    if not services.can_edit_organisation(membership, organisation):
        if membership.can("company.edit_own"):
            raise Http404
        raise PermissionDenied
    company_profile = not membership.can("crm.edit")
    # The form gets a copy: a ModelForm writes its input into its instance while it
    # validates, and the service must compare against the saved values to audit them.
    form = OrganisationForm(
        request.POST or None,
        instance=copy.copy(organisation),
        tenant=tenant,
        company_profile=company_profile,
    )
    if request.method == "POST" and form.is_valid():
        duplicates = _duplicates_to_confirm(request, form, organisation)
        if duplicates:
            return _render_form(request, form, organisation=organisation, duplicates=duplicates)
        try:
            organisation = services.organisation_update(
                tenant=tenant,
                actor=request.user,
                organisation=organisation,
                **form.service_values(),
            )
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            messages.success(request, _("%(name)s was saved.") % {"name": organisation.name})
            return redirect(_after_save_url(request, organisation))
    return _render_form(request, form, organisation=organisation)
