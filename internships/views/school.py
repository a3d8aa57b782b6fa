"""School pages (permission ``stages.apply``): what fits the member's own school, applying for
a student or a group, the school's applications and its placements. Records are fetched
inside the own school, so another school's id is a 404."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from internships.forms.company import StatusFilterForm
from internships.forms.school import ApplicationForm
from internships.models import Application, Placement
from internships.selectors import school as selectors
from internships.selectors.school import open_opportunities
from internships.services import access
from internships.services.applications import application_submit, application_withdraw
from internships.views import conversation
from partnerships.models import Organisation
from portal.access import tenant_member_required
from portal.forms import apply_service_errors

PAGE_SIZE = 20


def own_school(request) -> Organisation:
    return access.own_school(request.membership)


def _application(request, application_id: int) -> Application:
    application = selectors.school_application_get(
        tenant=request.tenant, school=own_school(request), application_id=application_id
    )
    if application is None:
        raise Http404
    return application


def _placement(request, placement_id: int) -> Placement:
    placement = selectors.school_placement_get(
        tenant=request.tenant, school=own_school(request), placement_id=placement_id
    )
    if placement is None:
        raise Http404
    return placement


def _url(name: str, request, **kwargs) -> str:
    return reverse(name, kwargs={"tenant_slug": request.tenant.slug, **kwargs})


@tenant_member_required("stages.apply")
@require_GET
def school_opportunity_matches(request, tenant_slug: str):
    """ "Fits your school": open opportunities sharing a level or sector, best fit first."""
    school = own_school(request)
    opportunities = selectors.school_opportunity_matches(tenant=request.tenant, school=school)
    page = Paginator(opportunities, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "internships/school_opportunity_matches.html",
        {
            "school": school,
            "page": page,
            "has_profile": bool(school.education_levels) or school.sectors.exists(),
        },
    )


@tenant_member_required("stages.apply")
@require_http_methods(["GET", "POST"])
def school_application_create(request, tenant_slug: str, opportunity_id: int):
    tenant = request.tenant
    school = own_school(request)
    opportunity = selectors.school_opportunity_get(tenant=tenant, opportunity_id=opportunity_id)
    if opportunity is None:
        raise Http404
    is_open = (
        open_opportunities(tenant=tenant, today=timezone.localdate())
        .filter(pk=opportunity.pk)
        .exists()
    )
    form = ApplicationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            application = application_submit(
                tenant=tenant,
                actor=request.user,
                opportunity=opportunity,
                school=school,
                **form.service_values(),
            )
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            messages.success(
                request,
                _("The application was sent to %(company)s.") % {"company": opportunity.company},
            )
            return redirect(
                _url("school_application_detail", request, application_id=application.pk)
            )
    return render(
        request,
        "internships/school_application_form.html",
        {"opportunity": opportunity, "form": form, "is_open": is_open, "school": school},
        status=400 if form.errors else 200,
    )


@tenant_member_required("stages.apply")
@require_GET
def school_application_list(request, tenant_slug: str):
    school = own_school(request)
    filter_form = StatusFilterForm(request.GET or None, choices=Application.Status.choices)
    applications = selectors.school_application_list(
        tenant=request.tenant, school=school, status=filter_form.chosen_status()
    )
    page = Paginator(applications, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "internships/school_application_list.html",
        {"page": page, "filter_form": filter_form, "school": school},
    )


@tenant_member_required("stages.apply")
@require_GET
def school_application_detail(request, tenant_slug: str, application_id: int):
    return conversation.application_page(
        request, side="school", application=_application(request, application_id)
    )


@tenant_member_required("stages.apply")
@require_POST
def school_application_message(request, tenant_slug: str, application_id: int):
    return conversation.message_post(
        request, side="school", application=_application(request, application_id)
    )


@tenant_member_required("stages.apply")
@require_POST
def school_application_withdraw(request, tenant_slug: str, application_id: int):
    application = _application(request, application_id)
    try:
        application_withdraw(tenant=request.tenant, actor=request.user, application=application)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("The application was withdrawn."))
    return redirect(_url("school_application_detail", request, application_id=application.pk))


@tenant_member_required("stages.apply")
@require_GET
def school_placement_list(request, tenant_slug: str):
    school = own_school(request)
    filter_form = StatusFilterForm(request.GET or None, choices=Placement.Status.choices)
    placements = selectors.school_placement_list(
        tenant=request.tenant, school=school, status=filter_form.chosen_status()
    )
    page = Paginator(placements, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "internships/placement_list.html",
        {"side": "school", "page": page, "filter_form": filter_form},
    )


@tenant_member_required("stages.apply")
@require_GET
def school_placement_detail(request, tenant_slug: str, placement_id: int):
    return conversation.placement_page(
        request, side="school", placement=_placement(request, placement_id)
    )


@tenant_member_required("stages.apply")
@require_POST
def school_placement_evaluate(request, tenant_slug: str, placement_id: int):
    return conversation.evaluation_post(
        request, side="school", placement=_placement(request, placement_id)
    )
