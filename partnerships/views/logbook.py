"""The contact log: the "log a contact" dialog (and its full-page twin), changing an entry,
ticking off a follow-up.

htmx requests get the ``<dialog>`` partial (swapped into ``#dialog``); a request without
htmx gets a full page with the same form, so logging works without JavaScript too.
Validation errors re-render the dialog with status 200 (htmx does not swap 4xx responses
unless configured to, and base.html is shared); the full page answers 400 as other forms do.
"""

from __future__ import annotations

import json

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from partnerships.forms.interactions import InteractionForm
from partnerships.models import Contact, Interaction, Organisation
from partnerships.selectors.interactions import interaction_get_visible, organisation_options
from partnerships.services.interactions import (
    can_complete_follow_up,
    can_edit_interaction,
    follow_up_complete,
    interaction_log,
    interaction_update,
)
from portal.access import tenant_member_required
from portal.forms import apply_service_errors
from portal.roles import Role

# The htmx event pages listen for to refresh what the new entry changes.
LOGGED_EVENT = "interactionLogged"
ORGANISATION_CHOICES = "organisation-choices"
CONTACT_CHOICES = "interaction-contacts"


def _ids(values: list[str]) -> list[int]:
    ids = []
    for value in values:
        try:
            ids.append(int(value))
        except ValueError:
            continue
    return [i for i in ids if 0 < i < 2**31]


def safe_next(request, fallback: str) -> str:
    """Where to go back to: the ``next`` parameter if it is a page of this site."""
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return fallback


def _chosen_organisations(request, source) -> list[Organisation]:
    ids = _ids(source.getlist("organisations") + source.getlist("organisation"))
    if not ids:
        return []
    return list(Organisation.objects.for_tenant(request.tenant).filter(pk__in=ids))


def _contact_choices(
    request, organisations: list[Organisation], interaction: Interaction | None
) -> list[Contact]:
    """The people of the chosen organisations, to tick; erased or inactive people only when
    the entry already names them."""
    if not organisations:
        return []
    contacts = Contact.objects.for_tenant(request.tenant).filter(organisation__in=organisations)
    if interaction is None:
        contacts = contacts.filter(is_active=True, erased_at__isnull=True)
    else:
        linked = interaction.contacts.values("pk")
        contacts = contacts.filter(is_active=True, erased_at__isnull=True) | contacts.filter(
            pk__in=linked
        )
    return list(contacts.select_related("organisation").order_by("organisation__name", "name"))


def _partial(request, *, interaction: Interaction | None = None) -> HttpResponse | None:
    """The pieces of the dialog that htmx refreshes while the form is filled in: search
    results for organisations, and the contacts of the ticked organisations."""
    if not request.htmx or request.method != "GET":
        return None
    chosen = _chosen_organisations(request, request.GET)
    if request.htmx.target == ORGANISATION_CHOICES:
        results = organisation_options(
            tenant=request.tenant,
            query=request.GET.get("q", ""),
            exclude_ids={o.pk for o in chosen},
        )
        return render(
            request,
            "partnerships/_interaction_organisation_choices.html",
            {"chosen_organisations": chosen, "organisation_results": results, "searched": True},
        )
    if request.htmx.target == CONTACT_CHOICES:
        return render(
            request,
            "partnerships/_interaction_contact_choices.html",
            {
                "contact_choices": _contact_choices(request, chosen, interaction),
                "checked_contact_ids": set(_ids(request.GET.getlist("contacts"))),
                "chosen_organisations": chosen,
            },
        )
    return None


def _render_form(
    request,
    *,
    form: InteractionForm,
    chosen: list[Organisation],
    checked_contact_ids: set[int],
    form_action: str,
    title: str,
    next_url: str,
    interaction: Interaction | None = None,
) -> HttpResponse:
    query = request.GET.get("q", "") if request.method == "GET" else ""
    if chosen:
        # With whom is known: the dialog's focus goes to the first field after the picker.
        form.fields["occurred_on"].widget.attrs["data-crm-autofocus"] = ""
    context = {
        "form": form,
        "chosen_organisations": chosen,
        "organisation_results": organisation_options(
            tenant=request.tenant, query=query, exclude_ids={o.pk for o in chosen}
        ),
        "searched": bool(query),
        "query": query,
        "contact_choices": _contact_choices(request, chosen, interaction),
        "checked_contact_ids": checked_contact_ids,
        "form_action": form_action,
        "title": title,
        "next": next_url,
        "interaction": interaction,
        "in_dialog": bool(request.htmx),
    }
    if request.htmx:
        return render(request, "partnerships/_interaction_dialog.html", context)
    status = 400 if form.errors else 200
    return render(request, "partnerships/interaction_form.html", context, status=status)


def _saved(request, *, interaction: Interaction, message: str, next_url: str) -> HttpResponse:
    if not request.htmx:
        messages.success(request, message)
        return redirect(next_url)
    # The dialog's container is emptied (the dialog closes), the message goes to the page's
    # live region out of band, and the event tells the page to refresh its contact log.
    body = render_to_string(
        "partnerships/_interaction_saved.html", {"message": message}, request=request
    )
    response = HttpResponse(body)
    response["HX-Trigger"] = json.dumps(
        {LOGGED_EVENT: {"organisations": [o.pk for o in interaction.organisations.all()]}}
    )
    return response


@tenant_member_required("crm.log")
@require_http_methods(["GET", "POST"])
def interaction_create(request, tenant_slug: str):
    tenant, membership = request.tenant, request.membership
    if membership.role == Role.RELATIONS and membership.organisation_id is None:
        raise PermissionDenied
    partial = _partial(request)
    if partial is not None:
        return partial
    source = request.POST if request.method == "POST" else request.GET
    chosen = _chosen_organisations(request, source)
    form = InteractionForm(
        request.POST or None,
        tenant=tenant,
        membership=membership,
        initial={"organisations": chosen},
    )
    first = chosen[0] if chosen else None
    fallback = (
        reverse("organisation_detail", args=[tenant.slug, first.pk])
        if first
        else reverse("crm_dashboard", args=[tenant.slug])
    )
    next_url = safe_next(request, fallback)
    if request.method == "POST" and form.is_valid():
        logged_by = form.cleaned_data.get("logged_by") or membership.organisation
        try:
            interaction = interaction_log(
                tenant=tenant, actor=request.user, logged_by=logged_by, **form.service_values()
            )
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            return _saved(
                request,
                interaction=interaction,
                message=_("The contact moment “%(subject)s” was logged.")
                % {"subject": interaction.subject},
                next_url=next_url,
            )
    return _render_form(
        request,
        form=form,
        chosen=chosen,
        checked_contact_ids=set(_ids(source.getlist("contacts"))),
        form_action=reverse("interaction_create", args=[tenant.slug]),
        title=_("Log a contact"),
        next_url=next_url,
    )


@tenant_member_required("crm.log")
@require_http_methods(["GET", "POST"])
def interaction_edit(request, tenant_slug: str, interaction_id: int):
    tenant, membership = request.tenant, request.membership
    interaction = interaction_get_visible(
        tenant=tenant, membership=membership, interaction_id=interaction_id
    )
    if interaction is None:
        raise Http404
    if not can_edit_interaction(membership, interaction):
        raise PermissionDenied
    partial = _partial(request, interaction=interaction)
    if partial is not None:
        return partial
    if request.method == "POST":
        chosen = _chosen_organisations(request, request.POST)
        checked = set(_ids(request.POST.getlist("contacts")))
    else:
        chosen = list(interaction.organisations.all())
        checked = {c.pk for c in interaction.contacts.all()}
    initial = {
        "occurred_on": interaction.occurred_on,
        "kind": interaction.kind,
        "subject": interaction.subject,
        "notes": interaction.visible_notes,
        "outcome": interaction.outcome,
        "visibility": interaction.visibility,
        "follow_up_on": interaction.follow_up_on,
        "follow_up_assignee": interaction.follow_up_assignee_id,
        "organisations": chosen,
    }
    form = InteractionForm(
        request.POST or None,
        tenant=tenant,
        membership=membership,
        interaction=interaction,
        initial=initial,
    )
    first = chosen[0] if chosen else None
    fallback = (
        reverse("organisation_detail", args=[tenant.slug, first.pk])
        if first
        else reverse("crm_dashboard", args=[tenant.slug])
    )
    next_url = safe_next(request, fallback)
    if request.method == "POST" and form.is_valid():
        try:
            interaction = interaction_update(
                tenant=tenant, actor=request.user, interaction=interaction, **form.service_values()
            )
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            return _saved(
                request,
                interaction=interaction,
                message=_("The contact moment “%(subject)s” was saved.")
                % {"subject": interaction.subject},
                next_url=next_url,
            )
    return _render_form(
        request,
        form=form,
        chosen=chosen,
        checked_contact_ids=checked,
        form_action=reverse("interaction_edit", args=[tenant.slug, interaction.pk]),
        title=_("Change contact moment"),
        next_url=next_url,
        interaction=interaction,
    )


@tenant_member_required("crm.log")
@require_POST
def follow_up_done(request, tenant_slug: str, interaction_id: int):
    tenant, membership = request.tenant, request.membership
    interaction = interaction_get_visible(
        tenant=tenant, membership=membership, interaction_id=interaction_id
    )
    if interaction is None:
        raise Http404
    if not can_complete_follow_up(membership, interaction):
        raise PermissionDenied
    follow_up_complete(tenant=tenant, actor=request.user, interaction=interaction)
    messages.success(
        request,
        _("The follow-up of “%(subject)s” is done.") % {"subject": interaction.subject},
    )
    return redirect(safe_next(request, reverse("crm_dashboard", args=[tenant.slug])))
