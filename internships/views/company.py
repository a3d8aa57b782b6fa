"""Company pages (permission ``stages.offer``): the member's own company's opportunities,
the applications to them and the placements at the company. Records are fetched inside
the own company, so another company's id is a 404, as another tenant's is."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from internships.forms.company import AcceptForm, OpportunityForm, StatusFilterForm
from internships.models import Application, Opportunity, Placement
from internships.selectors import company as selectors
from internships.services import access
from internships.services import applications as application_services
from internships.services import opportunities as opportunity_services
from internships.services import placements as placement_services
from internships.services.transitions import can_transition
from internships.views import conversation
from partnerships.models import Organisation
from portal.access import tenant_member_required
from portal.forms import apply_service_errors

PAGE_SIZE = 25


def own_company(request) -> Organisation:
    return access.own_company(request.membership)


def _opportunity(request, opportunity_id: int) -> Opportunity:
    opportunity = selectors.company_opportunity_get(
        tenant=request.tenant, company=own_company(request), opportunity_id=opportunity_id
    )
    if opportunity is None:
        raise Http404
    return opportunity


def _application(request, application_id: int) -> Application:
    application = selectors.company_application_get(
        tenant=request.tenant, company=own_company(request), application_id=application_id
    )
    if application is None:
        raise Http404
    return application


def _placement(request, placement_id: int) -> Placement:
    placement = selectors.company_placement_get(
        tenant=request.tenant, company=own_company(request), placement_id=placement_id
    )
    if placement is None:
        raise Http404
    return placement


def _url(name: str, request, **kwargs) -> str:
    return reverse(name, kwargs={"tenant_slug": request.tenant.slug, **kwargs})


def _refused(request, error: ValidationError) -> None:
    messages.error(request, " ".join(error.messages))


# --- opportunities ----------------------------------------------------------------------------


@tenant_member_required("stages.offer")
@require_GET
def company_opportunity_list(request, tenant_slug: str):
    company = own_company(request)
    filter_form = StatusFilterForm(request.GET or None, choices=Opportunity.Status.choices)
    status = filter_form.chosen_status()
    opportunities = selectors.company_opportunity_list(
        tenant=request.tenant, company=company, status=status
    )
    page = Paginator(opportunities, PAGE_SIZE).get_page(request.GET.get("page"))
    counts = selectors.company_opportunity_status_counts(tenant=request.tenant, company=company)
    context = {
        "company": company,
        "page": page,
        "filter_form": filter_form,
        "status": status,
        "status_counts": [
            (value, label, counts.get(value, 0)) for value, label in Opportunity.Status.choices
        ],
        "total": sum(counts.values()),
    }
    return render(request, "internships/company_opportunity_list.html", context)


@tenant_member_required("stages.offer")
@require_http_methods(["GET", "POST"])
def company_opportunity_create(request, tenant_slug: str):
    tenant = request.tenant
    company = own_company(request)
    form = OpportunityForm(request.POST or None, tenant=tenant, company=company)
    if request.method == "POST" and form.is_valid():
        try:
            opportunity = opportunity_services.opportunity_create(
                tenant=tenant, actor=request.user, company=company, **form.service_values()
            )
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            messages.success(request, _("The draft was saved. Check it below, then publish it."))
            return redirect(
                _url("company_opportunity_preview", request, opportunity_id=opportunity.pk)
            )
    status = 400 if form.errors else 200
    return render(
        request,
        "internships/opportunity_form.html",
        {"form": form, "opportunity": None},
        status=status,
    )


@tenant_member_required("stages.offer")
@require_http_methods(["GET", "POST"])
def company_opportunity_edit(request, tenant_slug: str, opportunity_id: int):
    tenant = request.tenant
    opportunity = _opportunity(request, opportunity_id)
    if opportunity.status == Opportunity.Status.CLOSED:
        messages.error(
            request,
            _("This opportunity is closed and can no longer be changed. Duplicate it instead."),
        )
        return redirect(_url("company_opportunity_detail", request, opportunity_id=opportunity.pk))
    form = OpportunityForm(
        request.POST or None,
        tenant=tenant,
        company=opportunity.company,
        initial=OpportunityForm.initial_from(opportunity),
    )
    if request.method == "POST" and form.is_valid():
        try:
            opportunity = opportunity_services.opportunity_update(
                tenant=tenant,
                actor=request.user,
                opportunity=opportunity,
                **form.service_values(),
            )
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            messages.success(request, _("The opportunity was saved."))
            target = (
                "company_opportunity_preview"
                if opportunity.status == Opportunity.Status.DRAFT
                else "company_opportunity_detail"
            )
            return redirect(_url(target, request, opportunity_id=opportunity.pk))
    status = 400 if form.errors else 200
    return render(
        request,
        "internships/opportunity_form.html",
        {"form": form, "opportunity": opportunity},
        status=status,
    )


def _actions(opportunity: Opportunity) -> dict:
    return {
        "can_edit": opportunity.status != Opportunity.Status.CLOSED,
        "can_publish": can_transition(opportunity, "publish"),
        "can_close": can_transition(opportunity, "close"),
    }


@tenant_member_required("stages.offer")
@require_GET
def company_opportunity_detail(request, tenant_slug: str, opportunity_id: int):
    opportunity = _opportunity(request, opportunity_id)
    return render(
        request,
        "internships/company_opportunity_detail.html",
        {"opportunity": opportunity, **_actions(opportunity)},
    )


@tenant_member_required("stages.offer")
@require_GET
def company_opportunity_preview(request, tenant_slug: str, opportunity_id: int):
    """The opportunity as schools and the public will see it, with the publish button."""
    opportunity = _opportunity(request, opportunity_id)
    return render(
        request,
        "internships/opportunity_preview.html",
        {"opportunity": opportunity, **_actions(opportunity)},
    )


@tenant_member_required("stages.offer")
@require_POST
def company_opportunity_publish(request, tenant_slug: str, opportunity_id: int):
    opportunity = _opportunity(request, opportunity_id)
    try:
        opportunity_services.opportunity_publish(
            tenant=request.tenant, actor=request.user, opportunity=opportunity
        )
    except ValidationError as error:
        _refused(request, error)
        return redirect(_url("company_opportunity_preview", request, opportunity_id=opportunity.pk))
    messages.success(request, _("The opportunity is published: schools can find it now."))
    return redirect(_url("company_opportunity_detail", request, opportunity_id=opportunity.pk))


@tenant_member_required("stages.offer")
@require_POST
def company_opportunity_duplicate(request, tenant_slug: str, opportunity_id: int):
    opportunity = _opportunity(request, opportunity_id)
    copy = opportunity_services.opportunity_duplicate(
        tenant=request.tenant, actor=request.user, opportunity=opportunity
    )
    messages.success(request, _("A copy was made as a draft. Change what differs and publish it."))
    return redirect(_url("company_opportunity_edit", request, opportunity_id=copy.pk))


@tenant_member_required("stages.offer")
@require_POST
def company_opportunity_close(request, tenant_slug: str, opportunity_id: int):
    opportunity = _opportunity(request, opportunity_id)
    try:
        opportunity_services.opportunity_close(
            tenant=request.tenant, actor=request.user, opportunity=opportunity
        )
    except ValidationError as error:
        _refused(request, error)
    else:
        messages.success(request, _("The opportunity is closed."))
    return redirect(_url("company_opportunity_detail", request, opportunity_id=opportunity.pk))


# --- applications -----------------------------------------------------------------------------


def _application_list(request, *, opportunity: Opportunity | None):
    company = own_company(request)
    filter_form = StatusFilterForm(request.GET or None, choices=Application.Status.choices)
    applications = selectors.company_application_list(
        tenant=request.tenant,
        company=company,
        opportunity=opportunity,
        status=filter_form.chosen_status(),
    )
    page = Paginator(applications, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "internships/company_application_list.html",
        {"page": page, "filter_form": filter_form, "opportunity": opportunity},
    )


@tenant_member_required("stages.offer")
@require_GET
def company_application_list(request, tenant_slug: str):
    return _application_list(request, opportunity=None)


@tenant_member_required("stages.offer")
@require_GET
def company_opportunity_applications(request, tenant_slug: str, opportunity_id: int):
    return _application_list(request, opportunity=_opportunity(request, opportunity_id))


def _application_page(request, application: Application, *, accept_form=None, status=200):
    anonymised = application.anonymised_at is not None
    extra = {
        "accept_form": accept_form
        or AcceptForm(tenant=request.tenant, opportunity=application.opportunity),
        "can_accept": not anonymised and can_transition(application, "accept"),
        "can_decline": not anonymised and can_transition(application, "decline"),
        "can_converse": not anonymised and can_transition(application, "start_conversation"),
    }
    return conversation.application_page(
        request, side="company", application=application, extra=extra, status=status
    )


@tenant_member_required("stages.offer")
@require_GET
def company_application_detail(request, tenant_slug: str, application_id: int):
    return _application_page(request, _application(request, application_id))


@tenant_member_required("stages.offer")
@require_POST
def company_application_message(request, tenant_slug: str, application_id: int):
    application = _application(request, application_id)
    return conversation.message_post(request, side="company", application=application)


@tenant_member_required("stages.offer")
@require_POST
def company_application_accept(request, tenant_slug: str, application_id: int):
    tenant = request.tenant
    application = _application(request, application_id)
    form = AcceptForm(request.POST, tenant=tenant, opportunity=application.opportunity)
    if form.is_valid():
        try:
            placement = application_services.application_accept(
                tenant=tenant, actor=request.user, application=application, **form.cleaned_data
            )
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            messages.success(
                request,
                _("The application was accepted and a placement is planned. The school is told."),
            )
            return redirect(_url("company_placement_detail", request, placement_id=placement.pk))
    return _application_page(request, application, accept_form=form, status=400)


@tenant_member_required("stages.offer")
@require_POST
def company_application_decline(request, tenant_slug: str, application_id: int):
    application = _application(request, application_id)
    try:
        application_services.application_decline(
            tenant=request.tenant, actor=request.user, application=application
        )
    except ValidationError as error:
        _refused(request, error)
    else:
        messages.success(request, _("The application was declined. The school is told."))
    return redirect(_url("company_application_detail", request, application_id=application.pk))


@tenant_member_required("stages.offer")
@require_POST
def company_application_converse(request, tenant_slug: str, application_id: int):
    application = _application(request, application_id)
    try:
        application_services.application_start_conversation(
            tenant=request.tenant, actor=request.user, application=application
        )
    except ValidationError as error:
        _refused(request, error)
    else:
        messages.success(request, _("The application is marked as in conversation."))
    return redirect(_url("company_application_detail", request, application_id=application.pk))


# --- placements -------------------------------------------------------------------------------


@tenant_member_required("stages.offer")
@require_GET
def company_placement_list(request, tenant_slug: str):
    company = own_company(request)
    filter_form = StatusFilterForm(request.GET or None, choices=Placement.Status.choices)
    placements = selectors.company_placement_list(
        tenant=request.tenant, company=company, status=filter_form.chosen_status()
    )
    page = Paginator(placements, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "internships/placement_list.html",
        {"side": "company", "page": page, "filter_form": filter_form},
    )


@tenant_member_required("stages.offer")
@require_GET
def company_placement_detail(request, tenant_slug: str, placement_id: int):
    return conversation.placement_page(
        request, side="company", placement=_placement(request, placement_id)
    )


def _placement_step(request, placement_id: int, service, done: str):
    placement = _placement(request, placement_id)
    try:
        service(tenant=request.tenant, actor=request.user, placement=placement)
    except ValidationError as error:
        _refused(request, error)
    else:
        messages.success(request, done)
    return redirect(_url("company_placement_detail", request, placement_id=placement.pk))


@tenant_member_required("stages.offer")
@require_POST
def company_placement_start(request, tenant_slug: str, placement_id: int):
    return _placement_step(
        request,
        placement_id,
        placement_services.placement_start,
        _("The placement has started. Both sides are told."),
    )


@tenant_member_required("stages.offer")
@require_POST
def company_placement_complete(request, tenant_slug: str, placement_id: int):
    return _placement_step(
        request,
        placement_id,
        placement_services.placement_complete,
        _("The placement is completed. Please evaluate it."),
    )


@tenant_member_required("stages.offer")
@require_POST
def company_placement_cancel(request, tenant_slug: str, placement_id: int):
    return _placement_step(
        request,
        placement_id,
        placement_services.placement_cancel,
        _("The placement was cancelled; its place is free again."),
    )


@tenant_member_required("stages.offer")
@require_POST
def company_placement_evaluate(request, tenant_slug: str, placement_id: int):
    return conversation.evaluation_post(
        request, side="company", placement=_placement(request, placement_id)
    )
