"""Pages of actions: create, change, delete, the action page, linking contacts and stage
places, and the action's milestones."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from agenda.forms.actions import (
    ActionForm,
    LinkSearchForm,
    action_form_initial,
    action_form_initial_from_post,
)
from agenda.forms.milestones import MilestoneDoneForm, MilestoneForm
from agenda.models import Action
from agenda.selectors.actions import (
    action_can_report,
    action_get,
    action_page,
    interaction_search,
    milestone_get,
    opportunity_search,
    organisation_search,
    visible_interactions,
    visible_opportunities,
)
from agenda.services import actions as services
from agenda.services import milestones as milestone_services
from agenda.views.board import get_or_404
from partnerships.models import Organisation
from portal.access import tenant_member_required
from portal.forms import apply_service_errors

ACTION_VALUE_FIELDS = [
    "action_line",
    "title",
    "description",
    "owner",
    "owner_organisation",
    "partners",
    "status",
    "health",
    "health_reason",
    "priority",
    "starts_on",
    "ends_on",
]


def _organisation_choices(request, form: ActionForm, *, searching: bool) -> dict:
    """The organisations the form shows: the chosen ones, plus search results when asked."""
    tenant = request.tenant
    if form.is_bound:
        owner_id = form.data.get("owner_organisation") or None
        partner_ids = form.data.getlist("partners")
    else:
        owner_id = form.initial.get("owner_organisation")
        partner_ids = form.initial.get("partners") or []
    chosen_ids = {str(pk) for pk in [owner_id, *partner_ids] if pk}
    chosen_ids = {pk for pk in chosen_ids if pk.isdigit()}
    chosen = list(
        Organisation.objects.for_tenant(tenant).filter(pk__in=chosen_ids).order_by("name")
        if chosen_ids
        else []
    )
    term = request.POST.get("organisation_q", "").strip() if searching else ""
    results = [
        organisation
        for organisation in organisation_search(tenant=tenant, term=term)
        if str(organisation.pk) not in chosen_ids
    ]
    return {
        "organisations_shown": chosen + results,
        "organisation_results": results,
        "organisation_term": term,
        "searched": bool(term),
        "owner_organisation_id": str(owner_id or ""),
        "partner_ids": {str(pk) for pk in partner_ids},
    }


def _action_form_page(request, *, action: Action | None, initial: dict):
    """Shared by create and edit: the organisation search re-shows the form without saving;
    saving calls ``save(values)``."""
    tenant = request.tenant
    searching = (
        "find_organisations" in request.POST and request.POST.get("organisation_q", "").strip()
    )
    if request.method == "POST" and searching:
        form = ActionForm(tenant=tenant, initial=action_form_initial_from_post(request.POST))
    else:
        form = ActionForm(request.POST or None, tenant=tenant, initial=initial)
    if request.method == "POST" and not searching and form.is_valid():
        values = {name: form.cleaned_data[name] for name in ACTION_VALUE_FIELDS}
        try:
            if action is None:
                saved = services.action_create(tenant=tenant, actor=request.user, **values)
            else:
                saved = services.action_update(
                    tenant=tenant, actor=request.user, action=action, **values
                )
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            if action is None:
                messages.success(request, _("The action “%(title)s” was added.") % {"title": saved})
            else:
                messages.success(request, _("The action was saved."))
            return redirect("action_detail", tenant_slug=tenant.slug, action_id=saved.pk)
    context = {
        "form": form,
        "action": action,
        **_organisation_choices(request, form, searching=bool(searching)),
    }
    status = 400 if form.is_bound and form.errors else 200
    return render(request, "agenda/action_form.html", context, status=status)


@tenant_member_required("agenda.edit")
@require_http_methods(["GET", "POST"])
def action_create(request, tenant_slug: str):
    return _action_form_page(request, action=None, initial={"action_line": request.GET.get("line")})


@tenant_member_required("agenda.edit")
@require_http_methods(["GET", "POST"])
def action_edit(request, tenant_slug: str, action_id: int):
    action = get_or_404(action_get, tenant=request.tenant, action_id=action_id)
    return _action_form_page(request, action=action, initial=action_form_initial(action))


@tenant_member_required("agenda.edit")
@require_POST
def action_delete(request, tenant_slug: str, action_id: int):
    tenant = request.tenant
    action = get_or_404(action_get, tenant=tenant, action_id=action_id)
    try:
        services.action_delete(tenant=tenant, actor=request.user, action=action)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect("action_detail", tenant_slug=tenant.slug, action_id=action.pk)
    messages.success(request, _("The action “%(title)s” was deleted.") % {"title": action.title})
    return redirect("agenda_board", tenant_slug=tenant.slug)


@tenant_member_required("agenda.view")
@require_GET
def action_detail(request, tenant_slug: str, action_id: int):
    """The action page: milestones, indicators, budget, updates, contacts and stage places."""
    membership = request.membership
    today = timezone.localdate()
    page = get_or_404(
        action_page,
        tenant=request.tenant,
        membership=membership,
        action_id=action_id,
        today=today,
    )
    context = {
        "page": page,
        "action": page.action,
        "today": today,
        "can_edit": membership.can("agenda.edit"),
        "can_report": action_can_report(membership=membership, action=page.action),
        "can_approve": membership.can("agenda.approve"),
    }
    return render(request, "agenda/action_detail.html", context)


@tenant_member_required("agenda.edit")
@require_http_methods(["GET", "POST"])
def action_links(request, tenant_slug: str, action_id: int):
    """Link contacts (from the contact log) and stage places to the action, found by search:
    a select of every entry would hold 100,000s of rows."""
    tenant = request.tenant
    membership = request.membership
    action = get_or_404(action_get, tenant=tenant, action_id=action_id)
    if request.method == "POST":
        _link_or_unlink(request, action)
        query = request.POST.get("q", "")
        return redirect(request.path + (f"?{urlencode({'q': query})}" if query else ""))
    form = LinkSearchForm(request.GET or None)
    term = form.cleaned_data["q"] if form.is_bound and form.is_valid() else ""
    context = {
        "action": action,
        "form": form,
        "term": term,
        "linked_interactions": list(
            visible_interactions(tenant=tenant, membership=membership)
            .filter(actions=action)
            .order_by("-occurred_on", "-pk")
        ),
        "linked_opportunities": list(
            visible_opportunities(tenant=tenant, membership=membership)
            .filter(actions=action)
            .order_by("title", "pk")
        ),
        "interaction_results": interaction_search(
            tenant=tenant, membership=membership, term=term, exclude=action
        ),
        "opportunity_results": opportunity_search(
            tenant=tenant, membership=membership, term=term, exclude=action
        ),
    }
    return render(request, "agenda/action_links.html", context)


def _link_or_unlink(request, action: Action) -> None:
    tenant = request.tenant
    membership = request.membership
    operation = request.POST.get("operation", "")
    raw_id = request.POST.get("object_id", "")
    if (
        operation
        not in {
            "link_interaction",
            "unlink_interaction",
            "link_opportunity",
            "unlink_opportunity",
        }
        or not raw_id.isdigit()
    ):
        messages.error(request, _("Choose a contact moment or stage place from the list."))
        return
    if operation.endswith("interaction"):
        target = (
            visible_interactions(tenant=tenant, membership=membership).filter(pk=raw_id).first()
        )
    else:
        target = (
            visible_opportunities(tenant=tenant, membership=membership).filter(pk=raw_id).first()
        )
    if target is None:
        raise Http404
    service = {
        "link_interaction": lambda: services.action_link_interaction(
            tenant=tenant, actor=request.user, action=action, interaction=target
        ),
        "unlink_interaction": lambda: services.action_unlink_interaction(
            tenant=tenant, actor=request.user, action=action, interaction=target
        ),
        "link_opportunity": lambda: services.action_link_opportunity(
            tenant=tenant, actor=request.user, action=action, opportunity=target
        ),
        "unlink_opportunity": lambda: services.action_unlink_opportunity(
            tenant=tenant, actor=request.user, action=action, opportunity=target
        ),
    }[operation]
    service()
    if operation.startswith("link"):
        messages.success(request, _("“%(title)s” was linked to the action.") % {"title": target})
    else:
        messages.success(request, _("“%(title)s” was unlinked.") % {"title": target})


# --- milestones -------------------------------------------------------------------------------


def _require_reporter(request, action: Action) -> None:
    if not action_can_report(membership=request.membership, action=action):
        raise PermissionDenied


@tenant_member_required("agenda.view")
@require_http_methods(["GET", "POST"])
def milestone_create(request, tenant_slug: str, action_id: int):
    tenant = request.tenant
    action = get_or_404(action_get, tenant=tenant, action_id=action_id)
    _require_reporter(request, action)
    form = MilestoneForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            milestone_services.milestone_create(
                tenant=tenant, actor=request.user, action=action, **form.cleaned_data
            )
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            messages.success(request, _("The milestone was added."))
            return redirect("action_detail", tenant_slug=tenant.slug, action_id=action.pk)
    status = 400 if form.errors else 200
    context = {"form": form, "action": action, "milestone": None}
    return render(request, "agenda/milestone_form.html", context, status=status)


@tenant_member_required("agenda.view")
@require_http_methods(["GET", "POST"])
def milestone_edit(request, tenant_slug: str, milestone_id: int):
    tenant = request.tenant
    milestone = get_or_404(milestone_get, tenant=tenant, milestone_id=milestone_id)
    action = milestone.action
    _require_reporter(request, action)
    initial = {
        "title": milestone.title,
        "due_on": milestone.due_on,
        "done_on": milestone.done_on,
        "evidence": milestone.evidence,
    }
    form = MilestoneForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            milestone_services.milestone_update(
                tenant=tenant, actor=request.user, milestone=milestone, **form.cleaned_data
            )
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            messages.success(request, _("The milestone was saved."))
            return redirect("action_detail", tenant_slug=tenant.slug, action_id=action.pk)
    status = 400 if form.errors else 200
    context = {"form": form, "action": action, "milestone": milestone}
    return render(request, "agenda/milestone_form.html", context, status=status)


@tenant_member_required("agenda.view")
@require_http_methods(["GET", "POST"])
def milestone_done(request, tenant_slug: str, milestone_id: int):
    tenant = request.tenant
    milestone = get_or_404(milestone_get, tenant=tenant, milestone_id=milestone_id)
    action = milestone.action
    _require_reporter(request, action)
    initial = {"evidence": milestone.evidence}
    if milestone.done_on:
        initial["done_on"] = milestone.done_on
    form = MilestoneDoneForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            milestone_services.milestone_mark_done(
                tenant=tenant, actor=request.user, milestone=milestone, **form.cleaned_data
            )
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            messages.success(
                request, _("“%(title)s” is marked as done.") % {"title": milestone.title}
            )
            return redirect("action_detail", tenant_slug=tenant.slug, action_id=action.pk)
    status = 400 if form.errors else 200
    context = {"form": form, "action": action, "milestone": milestone}
    return render(request, "agenda/milestone_done.html", context, status=status)
