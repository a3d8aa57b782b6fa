"""Budget pages: the overview (planned, committed, spent per theme, action line, action and
funding source), the budget lines with their entries, and the funding sources."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from agenda.forms.budgets import (
    BudgetEntryForm,
    BudgetLineForm,
    BudgetLinePlanForm,
    FundingSourceForm,
)
from agenda.models import BudgetEntry, BudgetLine, FundingSource
from agenda.selectors.budgets import (
    budget_entry_list,
    budget_figures,
    budget_line_get,
    budget_line_list,
    funding_source_list,
)
from agenda.selectors.indicators import can_see_people
from agenda.services import budgets as services
from agenda.views.indicators import figures_member_required
from portal.access import tenant_member_required
from portal.forms import apply_service_errors

LINES_PER_PAGE = 50


def _year_filter(request) -> int | None:
    year = request.GET.get("year", "")
    return int(year) if year.isdigit() and 2000 <= int(year) <= 2100 else None


@figures_member_required
@require_GET
def budget_overview(request, tenant_slug: str):
    """Planned vs committed vs spent, burn rate and co-financing, for all years or one
    (``?year=``). Five queries, whatever the number of actions, lines and entries."""
    year = _year_filter(request)
    budget = budget_figures(tenant=request.tenant, year=year)
    all_years = budget.years if year is None else budget_figures(tenant=request.tenant).years
    return render(
        request,
        "agenda/budget_overview.html",
        {
            "budget": budget,
            "year": year,
            "years": all_years,
            "can_edit": request.membership.can("agenda.edit"),
        },
    )


def _render_lines(request, *, form: BudgetLineForm | None = None, status: int = 200):
    tenant = request.tenant
    can_edit = request.membership.can("agenda.edit")
    page = Paginator(budget_line_list(tenant=tenant), LINES_PER_PAGE).get_page(
        request.GET.get("page")
    )
    if form is None and can_edit:
        form = BudgetLineForm(tenant=tenant)
    return render(
        request,
        "agenda/budget_line_list.html",
        {"page": page, "form": form, "can_edit": can_edit},
        status=status,
    )


@figures_member_required
@require_GET
def budget_line_list_view(request, tenant_slug: str):
    return _render_lines(request)


@tenant_member_required("agenda.edit")
@require_POST
def budget_line_create(request, tenant_slug: str):
    tenant = request.tenant
    form = BudgetLineForm(request.POST, tenant=tenant)
    if form.is_valid():
        try:
            line = services.budget_line_create(
                tenant=tenant, actor=request.user, **form.cleaned_data
            )
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            messages.success(request, _("The budget line was added."))
            return redirect("budget_line_detail", tenant_slug=tenant.slug, budgetline_id=line.pk)
    return _render_lines(request, form=form, status=400)


def _line_or_404(request, budgetline_id: int) -> BudgetLine:
    line = budget_line_get(tenant=request.tenant, budgetline_id=budgetline_id)
    if line is None:
        raise Http404
    return line


def _render_line(
    request,
    line: BudgetLine,
    *,
    plan_form: BudgetLinePlanForm | None = None,
    entry_form: BudgetEntryForm | None = None,
    status: int = 200,
):
    can_edit = request.membership.can("agenda.edit")
    if can_edit:
        plan_form = plan_form or BudgetLinePlanForm(initial={"planned_amount": line.planned_amount})
        entry_form = entry_form or BudgetEntryForm()
    figures = budget_figures(tenant=request.tenant, actions=[line.action], year=line.year)
    return render(
        request,
        "agenda/budget_line_detail.html",
        {
            "line": line,
            "entries": budget_entry_list(tenant=request.tenant, budget_line=line),
            "available": line.planned_amount - (line.committed or 0) - (line.spent or 0),
            "action_figures": figures.actions.get(line.action_id),
            "show_people": can_see_people(request.membership),
            "can_edit": can_edit,
            "plan_form": plan_form,
            "entry_form": entry_form,
        },
        status=status,
    )


@figures_member_required
@require_GET
def budget_line_detail(request, tenant_slug: str, budgetline_id: int):
    return _render_line(request, _line_or_404(request, budgetline_id))


@tenant_member_required("agenda.edit")
@require_POST
def budget_line_update(request, tenant_slug: str, budgetline_id: int):
    line = _line_or_404(request, budgetline_id)
    form = BudgetLinePlanForm(request.POST)
    if form.is_valid():
        try:
            services.budget_line_update(
                tenant=request.tenant, actor=request.user, budget_line=line, **form.cleaned_data
            )
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            messages.success(request, _("The planned amount was changed."))
            return redirect(
                "budget_line_detail", tenant_slug=request.tenant.slug, budgetline_id=line.pk
            )
    return _render_line(request, line, plan_form=form, status=400)


@tenant_member_required("agenda.edit")
@require_POST
def budget_entry_create(request, tenant_slug: str, budgetline_id: int):
    line = _line_or_404(request, budgetline_id)
    form = BudgetEntryForm(request.POST)
    if form.is_valid():
        try:
            services.budget_entry_create(
                tenant=request.tenant, actor=request.user, budget_line=line, **form.cleaned_data
            )
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            messages.success(request, _("The entry was added."))
            return redirect(
                "budget_line_detail", tenant_slug=request.tenant.slug, budgetline_id=line.pk
            )
    return _render_line(request, line, entry_form=form, status=400)


@tenant_member_required("agenda.edit")
@require_POST
def budget_entry_delete(request, tenant_slug: str, budgetentry_id: int):
    tenant = request.tenant
    entry = BudgetEntry.objects.for_tenant(tenant).filter(pk=budgetentry_id).first()
    if entry is None:
        raise Http404
    services.budget_entry_delete(tenant=tenant, actor=request.user, budget_entry=entry)
    messages.success(request, _("The entry was removed."))
    return redirect(
        "budget_line_detail", tenant_slug=tenant.slug, budgetline_id=entry.budget_line_id
    )


# --- funding sources ---------------------------------------------------------------------------


@figures_member_required
@require_http_methods(["GET", "POST"])
def funding_source_list_view(request, tenant_slug: str):
    """The funding sources; leads and the programme office add them here."""
    tenant = request.tenant
    can_edit = request.membership.can("agenda.edit")
    form = FundingSourceForm(request.POST or None) if can_edit else None
    if request.method == "POST":
        if not can_edit:
            raise PermissionDenied
        if form.is_valid():
            try:
                services.funding_source_create(
                    tenant=tenant, actor=request.user, **form.cleaned_data
                )
            except ValidationError as error:
                apply_service_errors(form, error)
            else:
                messages.success(request, _("The funding source was added."))
                return redirect("funding_source_list", tenant_slug=tenant.slug)
    status = 400 if form is not None and form.errors else 200
    return render(
        request,
        "agenda/funding_source_list.html",
        {"sources": funding_source_list(tenant=tenant), "form": form, "can_edit": can_edit},
        status=status,
    )


@tenant_member_required("agenda.edit")
@require_http_methods(["GET", "POST"])
def funding_source_edit(request, tenant_slug: str, fundingsource_id: int):
    tenant = request.tenant
    source = FundingSource.objects.for_tenant(tenant).filter(pk=fundingsource_id).first()
    if source is None:
        raise Http404
    initial = {"name": source.name, "kind": source.kind, "is_cofinancing": source.is_cofinancing}
    form = FundingSourceForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.funding_source_update(
                tenant=tenant, actor=request.user, funding_source=source, **form.cleaned_data
            )
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            messages.success(request, _("The funding source was saved."))
            return redirect("funding_source_list", tenant_slug=tenant.slug)
    status = 400 if form.errors else 200
    return render(
        request,
        "agenda/funding_source_form.html",
        {"form": form, "source": source},
        status=status,
    )
