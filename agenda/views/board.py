"""Pages of the agenda board: the board itself, themes and action lines, "my actions" and
"updates due"."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ObjectDoesNotExist, ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from agenda.forms.actions import ActionLineForm, BoardFilterForm, ThemeForm
from agenda.selectors.actions import action_line_get, my_actions_list, theme_get
from agenda.selectors.board import BoardFilters, board_get
from agenda.selectors.updates import Period
from agenda.selectors.updates import updates_due as updates_due_list
from agenda.services import actions as services
from portal.access import tenant_member_required
from portal.forms import apply_service_errors


def get_or_404(getter, **kwargs):
    """Call a selector that fetches by id inside the tenant; its DoesNotExist is a 404."""
    try:
        return getter(**kwargs)
    except ObjectDoesNotExist as error:
        raise Http404 from error


@tenant_member_required("agenda.view")
@require_GET
def agenda_board(request, tenant_slug: str):
    """Themes > action lines > actions with status, health, owner and priority. The filters
    live in the query string, so a filtered board can be shared as a link."""
    tenant = request.tenant
    filter_form = BoardFilterForm(request.GET or None, tenant=tenant)
    filters = filter_form.filters() if filter_form.is_bound and filter_form.is_valid() else None
    board = board_get(
        tenant=tenant, filters=filters or BoardFilters(), page_number=request.GET.get("page")
    )
    context = {
        "board": board,
        "filter_form": filter_form,
        "filters": filters or BoardFilters(),
        "can_edit": request.membership.can("agenda.edit"),
        "results_id": "board-results",
    }
    if request.htmx and request.htmx.target == "board-results":
        return render(request, "agenda/_board_actions.html", context)
    status = 400 if filter_form.is_bound and filter_form.errors else 200
    return render(request, "agenda/board.html", context, status=status)


# --- themes -----------------------------------------------------------------------------------


@tenant_member_required("agenda.edit")
@require_http_methods(["GET", "POST"])
def theme_create(request, tenant_slug: str):
    tenant = request.tenant
    form = ThemeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            theme = services.theme_create(tenant=tenant, actor=request.user, **form.cleaned_data)
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            messages.success(request, _("The theme “%(title)s” was added.") % {"title": theme})
            return redirect("agenda_board", tenant_slug=tenant.slug)
    status = 400 if form.errors else 200
    return render(
        request, "agenda/board_theme_form.html", {"form": form, "theme": None}, status=status
    )


@tenant_member_required("agenda.edit")
@require_http_methods(["GET", "POST"])
def theme_edit(request, tenant_slug: str, theme_id: int):
    tenant = request.tenant
    theme = get_or_404(theme_get, tenant=tenant, theme_id=theme_id)
    initial = {"title": theme.title, "description": theme.description, "position": theme.position}
    form = ThemeForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.theme_update(
                tenant=tenant, actor=request.user, theme=theme, **form.cleaned_data
            )
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            messages.success(request, _("The theme was saved."))
            return redirect("agenda_board", tenant_slug=tenant.slug)
    status = 400 if form.errors else 200
    return render(
        request, "agenda/board_theme_form.html", {"form": form, "theme": theme}, status=status
    )


@tenant_member_required("agenda.edit")
@require_POST
def theme_delete(request, tenant_slug: str, theme_id: int):
    tenant = request.tenant
    theme = get_or_404(theme_get, tenant=tenant, theme_id=theme_id)
    try:
        services.theme_delete(tenant=tenant, actor=request.user, theme=theme)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect("theme_edit", tenant_slug=tenant.slug, theme_id=theme.pk)
    messages.success(request, _("The theme “%(title)s” was deleted.") % {"title": theme.title})
    return redirect("agenda_board", tenant_slug=tenant.slug)


# --- action lines -----------------------------------------------------------------------------


@tenant_member_required("agenda.edit")
@require_http_methods(["GET", "POST"])
def actionline_create(request, tenant_slug: str):
    tenant = request.tenant
    initial = {"theme": request.GET.get("theme")}
    form = ActionLineForm(request.POST or None, tenant=tenant, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            line = services.action_line_create(
                tenant=tenant, actor=request.user, **form.cleaned_data
            )
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            messages.success(request, _("The action line “%(title)s” was added.") % {"title": line})
            return redirect("agenda_board", tenant_slug=tenant.slug)
    status = 400 if form.errors else 200
    return render(
        request, "agenda/board_line_form.html", {"form": form, "line": None}, status=status
    )


@tenant_member_required("agenda.edit")
@require_http_methods(["GET", "POST"])
def actionline_edit(request, tenant_slug: str, actionline_id: int):
    tenant = request.tenant
    line = get_or_404(action_line_get, tenant=tenant, actionline_id=actionline_id)
    initial = {
        "theme": line.theme_id,
        "title": line.title,
        "description": line.description,
        "position": line.position,
    }
    form = ActionLineForm(request.POST or None, tenant=tenant, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.action_line_update(
                tenant=tenant, actor=request.user, action_line=line, **form.cleaned_data
            )
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            messages.success(request, _("The action line was saved."))
            return redirect("agenda_board", tenant_slug=tenant.slug)
    status = 400 if form.errors else 200
    return render(
        request, "agenda/board_line_form.html", {"form": form, "line": line}, status=status
    )


@tenant_member_required("agenda.edit")
@require_POST
def actionline_delete(request, tenant_slug: str, actionline_id: int):
    tenant = request.tenant
    line = get_or_404(action_line_get, tenant=tenant, actionline_id=actionline_id)
    try:
        services.action_line_delete(tenant=tenant, actor=request.user, action_line=line)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect("actionline_edit", tenant_slug=tenant.slug, actionline_id=line.pk)
    messages.success(request, _("The action line “%(title)s” was deleted.") % {"title": line.title})
    return redirect("agenda_board", tenant_slug=tenant.slug)


# --- for owners -------------------------------------------------------------------------------


@tenant_member_required("agenda.view")
@require_GET
def my_actions(request, tenant_slug: str):
    """The actions the signed-in member owns, with their open milestones and latest update."""
    today = timezone.localdate()
    actions = list(my_actions_list(tenant=request.tenant, user=request.user, today=today))
    for action in actions:
        action.latest_period = (
            Period(
                start=action.latest_update_start,
                end=action.latest_update_end,
                kind=action.latest_update_kind,
            )
            if action.latest_update_id
            else None
        )
    return render(request, "agenda/my_actions.html", {"actions": actions, "today": today})


@tenant_member_required("agenda.view")
@require_GET
def updates_due(request, tenant_slug: str):
    """The progress updates the signed-in member owes: this period and the one before."""
    today = timezone.localdate()
    due = updates_due_list(tenant=request.tenant, today=today, owner=request.user)
    return render(request, "agenda/my_updates_due.html", {"due": due, "today": today})
