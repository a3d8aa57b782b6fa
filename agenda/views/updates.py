"""Pages of progress updates: write a draft, submit it, withdraw it, approve it (which locks
the period) and reopen it (with a reason, audited)."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from agenda.forms.updates import (
    ProgressUpdateCreateForm,
    ProgressUpdateForm,
    ProgressUpdateReopenForm,
)
from agenda.models import ProgressUpdate
from agenda.selectors.actions import action_can_report, action_get
from agenda.selectors.updates import (
    lock_message,
    period_of,
    period_of_update,
    period_parse,
    progress_update_get,
    progress_update_reopenings,
    reporting_period_kind,
)
from agenda.services import updates as services
from agenda.views.board import get_or_404
from portal.access import tenant_member_required
from portal.forms import apply_service_errors

UPDATE_TEXT_FIELDS = ["health", "done", "next_steps", "risks", "help_needed"]


def _update_context(request, update: ProgressUpdate, **extra) -> dict:
    membership = request.membership
    return {
        "update": update,
        "action": update.action,
        "period": period_of_update(update),
        "can_report": action_can_report(membership=membership, action=update.action),
        "can_approve": membership.can("agenda.approve"),
        "lock_message": lock_message(update) if update.is_locked else "",
        "reopenings": list(progress_update_reopenings(tenant=request.tenant, update=update)),
        **extra,
    }


def _messages_of(error: ValidationError) -> str:
    return " ".join(error.messages)


@tenant_member_required("agenda.view")
@require_http_methods(["GET", "POST"])
def progress_update_create(request, tenant_slug: str, action_id: int):
    """Start the update of an action for a period (this quarter or month by default)."""
    tenant = request.tenant
    action = get_or_404(action_get, tenant=tenant, action_id=action_id)
    if not action_can_report(membership=request.membership, action=action):
        raise PermissionDenied
    today = timezone.localdate()
    asked = period_parse(request.GET.get("period", ""))
    default = period_of(reporting_period_kind(tenant=tenant, action=action), today)
    initial = {"period": (asked or default).key, "health": action.health}
    form = ProgressUpdateCreateForm(request.POST or None, initial=initial, today=today)
    if request.method == "POST" and form.is_valid():
        values = {name: form.cleaned_data[name] for name in UPDATE_TEXT_FIELDS}
        try:
            update = services.progress_update_create(
                tenant=tenant,
                actor=request.user,
                action=action,
                period=form.cleaned_data["period"],
                **values,
            )
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            messages.success(
                request,
                _("The draft update for %(period)s was saved. Submit it when it is complete.")
                % {"period": period_of_update(update).label},
            )
            return redirect(
                "progress_update_detail", tenant_slug=tenant.slug, progressupdate_id=update.pk
            )
    status = 400 if form.errors else 200
    return render(
        request,
        "agenda/update_form.html",
        {"form": form, "action": action, "update": None},
        status=status,
    )


@tenant_member_required("agenda.view")
@require_GET
def progress_update_detail(request, tenant_slug: str, progressupdate_id: int):
    update = get_or_404(
        progress_update_get, tenant=request.tenant, progressupdate_id=progressupdate_id
    )
    return render(request, "agenda/update_detail.html", _update_context(request, update))


@tenant_member_required("agenda.view")
@require_http_methods(["GET", "POST"])
def progress_update_edit(request, tenant_slug: str, progressupdate_id: int):
    """Change a draft. An approved update's page says the period is locked, and a change
    posted anyway is refused with that message, nothing changed."""
    tenant = request.tenant
    update = get_or_404(progress_update_get, tenant=tenant, progressupdate_id=progressupdate_id)
    if not action_can_report(membership=request.membership, action=update.action):
        raise PermissionDenied
    initial = {name: getattr(update, name) for name in UPDATE_TEXT_FIELDS}
    form = ProgressUpdateForm(request.POST or None, initial=initial)
    status = 200
    if request.method == "POST" and form.is_valid():
        try:
            services.progress_update_edit(
                tenant=tenant, actor=request.user, update=update, **form.cleaned_data
            )
        except ValidationError as error:
            apply_service_errors(form, error)
            status = 409 if getattr(error, "code", None) in ("locked", "submitted") else 400
        else:
            if "submit" in request.POST:
                return _submit(request, update)
            messages.success(request, _("The draft was saved."))
            return redirect(
                "progress_update_detail", tenant_slug=tenant.slug, progressupdate_id=update.pk
            )
    elif form.errors:
        status = 400
    context = _update_context(request, update, form=form)
    return render(request, "agenda/update_form.html", context, status=status)


def _submit(request, update: ProgressUpdate):
    tenant = request.tenant
    try:
        update = services.progress_update_submit(tenant=tenant, actor=request.user, update=update)
    except ValidationError as error:
        messages.error(request, _messages_of(error))
        return redirect(
            "progress_update_edit", tenant_slug=tenant.slug, progressupdate_id=update.pk
        )
    messages.success(
        request,
        _("The update was submitted for approval. The action's health is now “%(health)s”.")
        % {"health": update.get_health_display()},
    )
    return redirect("progress_update_detail", tenant_slug=tenant.slug, progressupdate_id=update.pk)


@tenant_member_required("agenda.view")
@require_POST
def progress_update_submit(request, tenant_slug: str, progressupdate_id: int):
    update = get_or_404(
        progress_update_get, tenant=request.tenant, progressupdate_id=progressupdate_id
    )
    if not action_can_report(membership=request.membership, action=update.action):
        raise PermissionDenied
    return _submit(request, update)


@tenant_member_required("agenda.view")
@require_POST
def progress_update_withdraw(request, tenant_slug: str, progressupdate_id: int):
    tenant = request.tenant
    update = get_or_404(progress_update_get, tenant=tenant, progressupdate_id=progressupdate_id)
    if not action_can_report(membership=request.membership, action=update.action):
        raise PermissionDenied
    try:
        services.progress_update_withdraw(tenant=tenant, actor=request.user, update=update)
    except ValidationError as error:
        messages.error(request, _messages_of(error))
    else:
        messages.success(request, _("The update is a draft again: change it and submit it."))
    return redirect("progress_update_detail", tenant_slug=tenant.slug, progressupdate_id=update.pk)


@tenant_member_required("agenda.approve")
@require_POST
def progress_update_approve(request, tenant_slug: str, progressupdate_id: int):
    tenant = request.tenant
    update = get_or_404(progress_update_get, tenant=tenant, progressupdate_id=progressupdate_id)
    try:
        services.progress_update_approve(tenant=tenant, actor=request.user, update=update)
    except ValidationError as error:
        messages.error(request, _messages_of(error))
    else:
        messages.success(
            request,
            _("The update was approved. %(period)s is now locked for this action.")
            % {"period": period_of_update(update).label},
        )
    return redirect("progress_update_detail", tenant_slug=tenant.slug, progressupdate_id=update.pk)


@tenant_member_required("agenda.approve")
@require_http_methods(["GET", "POST"])
def progress_update_reopen(request, tenant_slug: str, progressupdate_id: int):
    tenant = request.tenant
    update = get_or_404(progress_update_get, tenant=tenant, progressupdate_id=progressupdate_id)
    form = ProgressUpdateReopenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.progress_update_reopen(
                tenant=tenant, actor=request.user, update=update, reason=form.cleaned_data["reason"]
            )
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            messages.success(request, _("The update was reopened: its period is no longer locked."))
            return redirect(
                "progress_update_detail", tenant_slug=tenant.slug, progressupdate_id=update.pk
            )
    status = 400 if form.errors else 200
    return render(
        request,
        "agenda/update_reopen.html",
        _update_context(request, update, form=form),
        status=status,
    )
