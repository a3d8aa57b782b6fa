"""What the company and the school pages share: the application page with its message thread,
posting a message (htmx appends it to the thread), and a placement's evaluation.

The side (``"company"`` or ``"school"``) decides which URLs the page links to; the records
themselves were already fetched inside the member's own organisation by the caller.
"""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.cache import patch_vary_headers
from django.utils.translation import gettext as _

from internships.forms.conversation import EvaluationForm, MessageForm
from internships.models import Application, Placement
from internships.selectors.conversation import application_message_list
from internships.services.applications import application_message_send
from internships.services.placements import can_evaluate, placement_evaluate
from internships.services.transitions import can_transition
from portal.forms import apply_service_errors

MESSAGE_THREAD_ID = "message-thread"


def _url(name: str, request, **kwargs) -> str:
    return reverse(name, kwargs={"tenant_slug": request.tenant.slug, **kwargs})


def application_page(
    request,
    *,
    side: str,
    application: Application,
    message_form: MessageForm | None = None,
    extra: dict | None = None,
    status: int = 200,
):
    """The application with its thread, for ``side``."""
    tenant = request.tenant
    thread = list(application_message_list(tenant=tenant, application=application))
    placement = getattr(application, "placement", None)
    context = {
        "side": side,
        "application": application,
        "opportunity": application.opportunity,
        "placement": placement,
        "thread": thread,
        "thread_id": MESSAGE_THREAD_ID,
        "own_organisation_id": request.membership.organisation_id,
        "message_form": message_form or MessageForm(),
        "message_url": _url(f"{side}_application_message", request, application_id=application.pk),
        "placement_url": (
            _url(f"{side}_placement_detail", request, placement_id=placement.pk)
            if placement is not None
            else ""
        ),
        "can_message": application.anonymised_at is None,
        "can_withdraw": side == "school"
        and application.anonymised_at is None
        and can_transition(application, "withdraw")
        and not (placement is not None and placement.status == Placement.Status.COMPLETED),
        **(extra or {}),
    }
    return render(request, "internships/application_detail.html", context, status=status)


def message_post(request, *, side: str, application: Application):
    """Post a message. htmx: the new message is appended to the thread, and the form (and
    the status, which the company's first reply changes) are swapped out of band. Without
    htmx: back to the application page."""
    tenant = request.tenant
    form = MessageForm(request.POST)
    message = None
    if form.is_valid():
        try:
            message = application_message_send(
                tenant=tenant,
                actor=request.user,
                application=application,
                body=form.cleaned_data["body"],
            )
        except ValidationError as error:
            apply_service_errors(form, error)
    if request.htmx:
        application.refresh_from_db(fields=["status"])
        context = {
            "side": side,
            "application": application,
            "message": message,
            "message_form": MessageForm() if message is not None else form,
            "message_url": _url(
                f"{side}_application_message", request, application_id=application.pk
            ),
            "thread_id": MESSAGE_THREAD_ID,
            "own_organisation_id": request.membership.organisation_id,
            "can_message": True,
        }
        if message is not None:
            message = (
                application_message_list(tenant=tenant, application=application)
                .filter(pk=message.pk)
                .get()
            )
            context["message"] = message
            context["first_message"] = (
                application_message_list(tenant=tenant, application=application).count() == 1
            )
        # Errors come back with 200: htmx does not swap a 4xx response.
        response = render(request, "internships/_message_posted.html", context)
        patch_vary_headers(response, ["HX-Request"])
        return response
    if message is None:
        return application_page(
            request, side=side, application=application, message_form=form, status=400
        )
    messages.success(request, _("Your message was sent."))
    return redirect(_url(f"{side}_application_detail", request, application_id=application.pk))


def placement_page(
    request,
    *,
    side: str,
    placement: Placement,
    evaluation_form: EvaluationForm | None = None,
    status: int = 200,
):
    evaluated = getattr(placement, f"{side}_rating") is not None
    context = {
        "side": side,
        "placement": placement,
        "application": placement.application,
        "opportunity": placement.opportunity,
        "can_evaluate": not evaluated and can_evaluate(placement),
        "evaluated": evaluated,
        "evaluation_form": evaluation_form or EvaluationForm(),
        "evaluate_url": _url(f"{side}_placement_evaluate", request, placement_id=placement.pk),
        "application_url": _url(
            f"{side}_application_detail", request, application_id=placement.application_id
        ),
        "can_start": side == "company" and can_transition(placement, "start"),
        "can_complete": side == "company" and can_transition(placement, "complete"),
        "can_cancel": side == "company" and can_transition(placement, "cancel"),
    }
    return render(request, "internships/placement_detail.html", context, status=status)


def evaluation_post(request, *, side: str, placement: Placement):
    form = EvaluationForm(request.POST)
    if form.is_valid():
        try:
            placement_evaluate(
                tenant=request.tenant,
                actor=request.user,
                placement=placement,
                rating=form.cleaned_data["rating"],
                text=form.cleaned_data["text"],
            )
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            messages.success(request, _("Thank you: your evaluation was saved."))
            return redirect(_url(f"{side}_placement_detail", request, placement_id=placement.pk))
    return placement_page(request, side=side, placement=placement, evaluation_form=form, status=400)
