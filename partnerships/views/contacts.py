"""Contacts: adding and changing a person at an organisation, and the data subject's rights
(export for an access request, erasure)."""

from __future__ import annotations

import copy
import json

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.serializers.json import DjangoJSONEncoder
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from partnerships.forms.contacts import ContactForm
from partnerships.models import Contact
from partnerships.selectors.contacts import can_manage_contacts, hides_other_organisations
from partnerships.services import contacts as contact_services
from partnerships.views.detail import organisation_for_member
from portal.access import tenant_member_required
from portal.forms import apply_service_errors


def _contact_for_member(request, contact_id: int) -> Contact:
    contact = get_object_or_404(
        Contact.objects.for_tenant(request.tenant).select_related("organisation"), pk=contact_id
    )
    if not can_manage_contacts(request.membership, contact.organisation):
        if hides_other_organisations(request.membership):
            raise Http404
        raise PermissionDenied
    return contact


def _organisation_url(request, organisation_id: int) -> str:
    return reverse("organisation_detail", args=[request.tenant.slug, organisation_id])


@tenant_member_required("tenant.view")
@require_http_methods(["GET", "POST"])
def contact_create(request, tenant_slug: str, organisation_id: int):
    organisation = organisation_for_member(request, organisation_id)
    if not can_manage_contacts(request.membership, organisation):
        raise PermissionDenied
    form = ContactForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            contact = contact_services.contact_create(
                tenant=request.tenant,
                actor=request.user,
                organisation=organisation,
                **form.cleaned_data,
            )
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            messages.success(request, _("%(name)s was added.") % {"name": contact.name})
            return redirect(_organisation_url(request, organisation.pk))
    status = 400 if form.errors else 200
    return render(
        request,
        "partnerships/contact_form.html",
        {"form": form, "organisation": organisation, "contact": None},
        status=status,
    )


@tenant_member_required("tenant.view")
@require_http_methods(["GET", "POST"])
def contact_edit(request, tenant_slug: str, contact_id: int):
    contact = _contact_for_member(request, contact_id)
    if contact.erased_at is not None:
        messages.error(request, _("This contact was erased and can no longer be changed."))
        return redirect(_organisation_url(request, contact.organisation_id))
    # A ModelForm writes its input into its instance while it validates; the service must
    # compare against the saved values to audit them.
    form = ContactForm(request.POST or None, instance=copy.copy(contact))
    if request.method == "POST" and form.is_valid():
        try:
            contact = contact_services.contact_update(
                tenant=request.tenant, actor=request.user, contact=contact, **form.cleaned_data
            )
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            messages.success(request, _("%(name)s was saved.") % {"name": contact.name})
            return redirect(_organisation_url(request, contact.organisation_id))
    status = 400 if form.errors else 200
    return render(
        request,
        "partnerships/contact_form.html",
        {"form": form, "organisation": contact.organisation, "contact": contact},
        status=status,
    )


@tenant_member_required("crm.personal_data")
@require_GET
def contact_export(request, tenant_slug: str, contact_id: int):
    contact = get_object_or_404(Contact.objects.for_tenant(request.tenant), pk=contact_id)
    data = contact_services.contact_export(
        tenant=request.tenant, actor=request.user, contact=contact
    )
    body = json.dumps(data, cls=DjangoJSONEncoder, ensure_ascii=False, indent=2)
    response = HttpResponse(body, content_type="application/json; charset=utf-8")
    filename = f"contact-{contact.pk}-{timezone.localdate().isoformat()}.json"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Cache-Control"] = "no-store"
    return response


@tenant_member_required("crm.personal_data")
@require_http_methods(["GET", "POST"])
def contact_erase(request, tenant_slug: str, contact_id: int):
    contact = get_object_or_404(
        Contact.objects.for_tenant(request.tenant).select_related("organisation"), pk=contact_id
    )
    if request.method == "POST":
        contact_services.contact_erase(tenant=request.tenant, actor=request.user, contact=contact)
        messages.success(
            request,
            _("The contact's personal data was erased. Their contact moments remain, anonymised."),
        )
        return redirect(_organisation_url(request, contact.organisation_id))
    return render(request, "partnerships/contact_erase.html", {"contact": contact})
