"""Indicator pages: the list with every indicator's figures, one indicator with its chart,
target path and measurements, and the forms that add to them."""

from __future__ import annotations

from functools import wraps

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from agenda.forms.indicators import IndicatorForm, MeasurementForm, TargetForm, attach_initial
from agenda.models import Indicator, Measurement, Target
from agenda.selectors.indicators import (
    can_add_measurement,
    can_see_figures,
    can_see_people,
    indicator_attached_to,
    indicator_get,
    indicator_list,
    indicator_summaries,
    is_indicator_owner,
    measurement_list,
)
from agenda.services import indicators as services
from portal.access import tenant_member_required
from portal.forms import apply_service_errors

MEASUREMENTS_PER_PAGE = 25
INDICATORS_PER_PAGE = 50


def figures_member_required(view):
    """Members who see the agenda (agenda.view) and funders (agenda.figures): every page of
    figures. The role table gives no single permission for "either", so the gate lets any
    member through and this checks the two."""

    @tenant_member_required("tenant.view")
    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if not can_see_figures(request.membership):
            raise PermissionDenied
        return view(request, *args, **kwargs)

    return wrapper


def _indicator_or_404(request, indicator_id: int) -> Indicator:
    indicator = indicator_get(tenant=request.tenant, indicator_id=indicator_id)
    if indicator is None:
        raise Http404
    return indicator


# --- the list --------------------------------------------------------------------------------


@figures_member_required
@require_GET
def indicator_list_view(request, tenant_slug: str):
    """The tenant's indicators, a page at a time, with their latest value, next target,
    status and forecast. Four queries (count, page, targets, measurements), whatever the
    number of indicators and measurements."""
    tenant = request.tenant
    page = Paginator(indicator_list(tenant=tenant), INDICATORS_PER_PAGE).get_page(
        request.GET.get("page")
    )
    indicators = list(page.object_list)
    summaries = indicator_summaries(tenant=tenant, indicators=indicators)
    rows = [(summaries[i.pk], indicator_attached_to(i)) for i in indicators]
    return render(
        request,
        "agenda/indicator_list.html",
        {"rows": rows, "page": page, "can_edit": request.membership.can("agenda.edit")},
    )


# --- one indicator ---------------------------------------------------------------------------


def _render_detail(
    request,
    indicator: Indicator,
    *,
    measurement_form: MeasurementForm | None = None,
    target_form: TargetForm | None = None,
    status: int = 200,
):
    tenant = request.tenant
    membership = request.membership
    summary = indicator_summaries(tenant=tenant, indicators=[indicator], series=True)[indicator.pk]
    page = Paginator(
        measurement_list(tenant=tenant, indicator=indicator), MEASUREMENTS_PER_PAGE
    ).get_page(request.GET.get("page"))
    can_measure = can_add_measurement(membership, indicator)
    can_edit = membership.can("agenda.edit")
    context = {
        "indicator": indicator,
        "summary": summary,
        "attached_to": indicator_attached_to(indicator),
        "target_rows": summary.target_figures(),
        "page": page,
        "show_people": can_see_people(membership),
        "can_edit": can_edit,
        "can_measure": can_measure,
        "can_remove_measurements": can_edit or can_measure,
        "measurement_form": measurement_form or (MeasurementForm() if can_measure else None),
        "target_form": target_form or (TargetForm() if can_edit else None),
    }
    return render(request, "agenda/indicator_detail.html", context, status=status)


@figures_member_required
@require_GET
def indicator_detail(request, tenant_slug: str, indicator_id: int):
    """The indicator's chart against its target path, its figures in words, the target
    path and the measurements (the chart's data, paged), and the forms to add to them.
    A constant number of queries, whatever the number of measurements."""
    return _render_detail(request, _indicator_or_404(request, indicator_id))


@tenant_member_required("tenant.view")
@require_POST
def measurement_create(request, tenant_slug: str, indicator_id: int):
    """Leads and the programme office, and the owner of the indicator's action."""
    indicator = _indicator_or_404(request, indicator_id)
    if not (
        request.membership.can("agenda.edit") or is_indicator_owner(request.membership, indicator)
    ):
        raise PermissionDenied
    if indicator.metric:
        messages.error(
            request,
            _(
                "This indicator is computed from the portal's own data; it takes no "
                "measurements by hand."
            ),
        )
        return _render_detail(request, indicator, status=400)
    form = MeasurementForm(request.POST)
    if form.is_valid():
        try:
            services.measurement_create(
                tenant=request.tenant, actor=request.user, indicator=indicator, **form.cleaned_data
            )
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            messages.success(request, _("The measurement was added."))
            return redirect(
                "indicator_detail", tenant_slug=request.tenant.slug, indicator_id=indicator.pk
            )
    return _render_detail(request, indicator, measurement_form=form, status=400)


@tenant_member_required("agenda.edit")
@require_POST
def target_create(request, tenant_slug: str, indicator_id: int):
    indicator = _indicator_or_404(request, indicator_id)
    form = TargetForm(request.POST)
    if form.is_valid():
        try:
            services.target_create(
                tenant=request.tenant, actor=request.user, indicator=indicator, **form.cleaned_data
            )
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            messages.success(request, _("The target was added to the path."))
            return redirect(
                "indicator_detail", tenant_slug=request.tenant.slug, indicator_id=indicator.pk
            )
    return _render_detail(request, indicator, target_form=form, status=400)


@tenant_member_required("tenant.view")
@require_POST
def measurement_delete(request, tenant_slug: str, measurement_id: int):
    tenant = request.tenant
    measurement = (
        Measurement.objects.for_tenant(tenant)
        .select_related("indicator__action")
        .filter(pk=measurement_id)
        .first()
    )
    if measurement is None:
        raise Http404
    indicator = measurement.indicator
    if not (
        request.membership.can("agenda.edit") or can_add_measurement(request.membership, indicator)
    ):
        raise PermissionDenied
    services.measurement_delete(tenant=tenant, actor=request.user, measurement=measurement)
    messages.success(request, _("The measurement was removed."))
    return redirect("indicator_detail", tenant_slug=tenant.slug, indicator_id=indicator.pk)


@tenant_member_required("agenda.edit")
@require_POST
def target_delete(request, tenant_slug: str, target_id: int):
    tenant = request.tenant
    target = Target.objects.for_tenant(tenant).filter(pk=target_id).first()
    if target is None:
        raise Http404
    services.target_delete(tenant=tenant, actor=request.user, target=target)
    messages.success(request, _("The target was removed from the path."))
    return redirect("indicator_detail", tenant_slug=tenant.slug, indicator_id=target.indicator_id)


# --- create and edit -------------------------------------------------------------------------


@tenant_member_required("agenda.edit")
@require_http_methods(["GET", "POST"])
def indicator_create(request, tenant_slug: str):
    """A new indicator; ``?theme=``, ``?action_line=`` or ``?action=`` preselects what it
    belongs to (the links on the agenda's pages)."""
    tenant = request.tenant
    initial = {"direction": Indicator.Direction.UP, "kind": Indicator.Kind.CUMULATIVE}
    for kind in ("action", "action_line", "theme"):
        attached = attach_initial(kind, request.GET.get(kind))
        if attached:
            initial["attached_to"] = attached
            break
    form = IndicatorForm(request.POST or None, tenant=tenant, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            indicator = services.indicator_create(
                tenant=tenant, actor=request.user, **form.service_values()
            )
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            messages.success(request, _("The indicator was created. Now set out its target path."))
            return redirect("indicator_detail", tenant_slug=tenant.slug, indicator_id=indicator.pk)
    status = 400 if form.errors else 200
    return render(request, "agenda/indicator_form.html", {"form": form}, status=status)


@tenant_member_required("agenda.edit")
@require_http_methods(["GET", "POST"])
def indicator_edit(request, tenant_slug: str, indicator_id: int):
    tenant = request.tenant
    indicator = _indicator_or_404(request, indicator_id)
    initial = {field: getattr(indicator, field) for field in services.INDICATOR_FIELDS}
    form = IndicatorForm(request.POST or None, tenant=tenant, attach=False, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.indicator_update(
                tenant=tenant, actor=request.user, indicator=indicator, **form.service_values()
            )
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            messages.success(request, _("The indicator was saved."))
            return redirect("indicator_detail", tenant_slug=tenant.slug, indicator_id=indicator.pk)
    status = 400 if form.errors else 200
    return render(
        request,
        "agenda/indicator_form.html",
        {"form": form, "indicator": indicator},
        status=status,
    )
