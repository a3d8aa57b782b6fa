"""Merge an organisation into another: choose the one to keep, see what moves, confirm."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from partnerships.forms.merge import MergeTargetForm
from partnerships.models import Organisation
from partnerships.selectors.merge import organisation_merge_preview
from partnerships.selectors.organisations import organisation_likely_duplicates
from partnerships.services.merge import organisation_merge as merge_service
from portal.access import tenant_member_required
from portal.forms import apply_service_errors

SEARCH_RESULTS = 20


def _organisation_page(tenant, organisation: Organisation) -> str:
    """The kept organisation's page, or the list if that page is not there (yet)."""
    for name, kwargs in (
        ("organisation_detail", {"organisation_id": organisation.pk}),
        ("organisation_list", {}),
    ):
        try:
            return reverse(name, kwargs={"tenant_slug": tenant.slug, **kwargs})
        except NoReverseMatch:
            continue
    return reverse("tenant_dashboard", kwargs={"tenant_slug": tenant.slug})


@tenant_member_required("crm.merge")
@require_http_methods(["GET", "POST"])
def organisation_merge(request, tenant_slug: str, organisation_id: int):
    """GET without ``target``: search for the organisation to keep. GET with ``target``:
    what would move, and a button to confirm. POST: merge."""
    tenant = request.tenant
    organisations = Organisation.objects.for_tenant(tenant)
    source = get_object_or_404(organisations, pk=organisation_id)
    if request.method == "POST":
        form = MergeTargetForm(request.POST, source_id=source.pk)
    else:
        form = MergeTargetForm(
            request.GET if "target" in request.GET else None, source_id=source.pk
        )
    target = None
    if form.is_bound and form.is_valid():
        target = get_object_or_404(organisations, pk=form.cleaned_data["target"])
        if request.method == "POST":
            try:
                kept = merge_service(
                    tenant=tenant, actor=request.user, source=source, target=target
                )
            except ValidationError as error:
                apply_service_errors(form, error)
            else:
                messages.success(
                    request,
                    _("%(source)s was merged into %(target)s.")
                    % {"source": source.name, "target": kept.name},
                )
                return redirect(_organisation_page(tenant, kept))
    query = request.GET.get("q", "").strip()
    context = {
        "source": source,
        "form": form,
        "target": target if not form.errors else None,
        "query": query,
        "source_page": _organisation_page(tenant, source),
    }
    if context["target"] is not None:
        context["lines"] = organisation_merge_preview(tenant=tenant, source=source, target=target)
    else:
        context["suggestions"] = list(
            organisation_likely_duplicates(
                tenant=tenant,
                name=source.name,
                kvk_number=source.kvk_number,
                brin_code=source.brin_code,
                exclude_id=source.pk,
            )
        )
        context["results"] = (
            list(
                organisations.search(query)
                .exclude(pk=source.pk)
                .order_by("-search_rank", "name")[:SEARCH_RESULTS]
            )
            if query
            else []
        )
    status = 400 if form.errors else 200
    return render(request, "partnerships/organisation_merge.html", context, status=status)
