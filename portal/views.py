"""Pages of the tenancy layer: home, tenant pages, members, invitations, audit, settings."""

from __future__ import annotations

import copy

from allauth.account.adapter import get_adapter
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db import connection
from django.http import Http404, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from portal import selectors, services
from portal.access import tenant_member_required, tenant_public
from portal.adapters import SESSION_KEY
from portal.forms import (
    InvitationForm,
    MembershipForm,
    TenantSettingsForm,
    apply_service_errors,
)
from portal.models import Invitation, Membership, User

AUDIT_PAGE_SIZE = 50


@require_GET
def home(request):
    """Anonymous: the public partnerships. Signed in: the user's own, one click each."""
    return render(request, "portal/home.html", {"public_tenants": selectors.tenant_list_public()})


@require_GET
def health(request):
    """For load balancers and the benchmark baseline: one query, no session."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return JsonResponse({"status": "ok"})


@tenant_public
@require_GET
def tenant_public_page(request, tenant_slug: str):
    tenant = request.tenant
    if not tenant.public_page and request.membership is None:
        raise Http404
    return render(request, "portal/tenant_public.html", {"tenant": tenant})


@tenant_member_required()
@require_GET
def tenant_dashboard(request, tenant_slug: str):
    return render(request, "portal/tenant_dashboard.html")


@tenant_member_required("members.view")
@require_http_methods(["GET", "POST"])
def member_list(request, tenant_slug: str):
    tenant = request.tenant
    form = InvitationForm(request.POST or None, tenant=tenant)
    if request.method == "POST":
        if not request.membership.can("members.manage"):
            raise PermissionDenied
        if form.is_valid():
            try:
                services.invitation_create(tenant=tenant, actor=request.user, **form.cleaned_data)
            except ValidationError as error:
                apply_service_errors(form, error)
            else:
                messages.success(
                    request,
                    _("An invitation was sent to %(email)s.")
                    % {"email": form.cleaned_data["email"]},
                )
                return redirect("member_list", tenant_slug=tenant.slug)
    context = {
        "members": selectors.membership_list(tenant=tenant),
        "invitations": selectors.invitation_list_open(tenant=tenant),
        "form": form,
    }
    status = 400 if form.errors else 200
    return render(request, "portal/member_list.html", context, status=status)


@tenant_member_required("members.manage")
@require_http_methods(["GET", "POST"])
def member_edit(request, tenant_slug: str, membership_id: int):
    tenant = request.tenant
    membership = get_object_or_404(selectors.membership_list(tenant=tenant), pk=membership_id)
    initial = {"role": membership.role, "organisation": membership.organisation}
    form = MembershipForm(request.POST or None, tenant=tenant, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.membership_change(
                tenant=tenant, actor=request.user, membership=membership, **form.cleaned_data
            )
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            messages.success(request, _("%(member)s was updated.") % {"member": membership.user})
            return redirect("member_list", tenant_slug=tenant.slug)
    status = 400 if form.errors else 200
    return render(
        request,
        "portal/member_edit.html",
        {"member": membership, "form": form},
        status=status,
    )


@tenant_member_required("members.manage")
@require_POST
def member_remove(request, tenant_slug: str, membership_id: int):
    tenant = request.tenant
    membership = get_object_or_404(Membership.objects.for_tenant(tenant), pk=membership_id)
    try:
        services.membership_remove(tenant=tenant, actor=request.user, membership=membership)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("%(member)s was removed.") % {"member": membership.user})
    return redirect("member_list", tenant_slug=tenant.slug)


@tenant_member_required("members.manage")
@require_POST
def invitation_revoke(request, tenant_slug: str, invitation_id: int):
    tenant = request.tenant
    invitation = get_object_or_404(Invitation.objects.for_tenant(tenant), pk=invitation_id)
    services.invitation_revoke(tenant=tenant, actor=request.user, invitation=invitation)
    messages.success(
        request, _("The invitation to %(email)s was withdrawn.") % {"email": invitation.email}
    )
    return redirect("member_list", tenant_slug=tenant.slug)


@tenant_member_required("audit.view")
@require_GET
def audit_log(request, tenant_slug: str):
    paginator = Paginator(selectors.audit_event_list(tenant=request.tenant), AUDIT_PAGE_SIZE)
    page = paginator.get_page(request.GET.get("page"))
    return render(request, "portal/audit_log.html", {"page": page})


@tenant_member_required("tenant.settings")
@require_http_methods(["GET", "POST"])
def tenant_settings(request, tenant_slug: str):
    tenant = request.tenant
    # The form gets a copy: a ModelForm writes its input into its instance while it
    # validates, and the service must compare against the saved values to audit them.
    form = TenantSettingsForm(
        request.POST or None, request.FILES or None, instance=copy.copy(tenant)
    )
    if request.method == "POST" and form.is_valid():
        values = dict(form.cleaned_data)
        if values.get("logo") is None:
            # A file field's None means "keep the current file", not a change.
            values.pop("logo", None)
        services.tenant_update(tenant=tenant, actor=request.user, **values)
        messages.success(request, _("The settings were saved."))
        return redirect("tenant_settings", tenant_slug=tenant.slug)
    status = 400 if form.errors else 200
    return render(request, "portal/tenant_settings.html", {"form": form}, status=status)


@require_http_methods(["GET", "POST"])
def invitation_accept(request, token: str):
    """The link in an invitation e-mail: accept as the signed-in user, log in, or sign up."""
    invitation = selectors.invitation_get_by_token(token=token)
    if invitation is None:
        raise Http404
    if not invitation.is_open:
        return render(
            request, "portal/invitation_unusable.html", {"invitation": invitation}, status=410
        )
    user = request.user
    if request.method == "POST" and user.is_authenticated:
        try:
            services.invitation_accept(invitation=invitation, user=user)
        except services.InvitationUnusable as error:
            messages.error(request, str(error))
        else:
            messages.success(
                request, _("Welcome to %(tenant)s.") % {"tenant": invitation.tenant.name}
            )
            return redirect("tenant_dashboard", tenant_slug=invitation.tenant.slug)
    has_account = User.objects.filter(email__iexact=invitation.email).exists()
    if not user.is_authenticated and not has_account:
        request.session[SESSION_KEY] = token
        get_adapter(request).stash_verified_email(request, invitation.email)
        signup = reverse("account_signup") + "?" + urlencode({"email": invitation.email})
        if request.method == "GET":
            return render(
                request,
                "portal/invitation_accept.html",
                {"invitation": invitation, "signup_url": signup},
            )
        return redirect(signup)
    login_url = reverse("account_login") + "?" + urlencode({"next": request.get_full_path()})
    return render(
        request,
        "portal/invitation_accept.html",
        {
            "invitation": invitation,
            "login_url": login_url,
            "wrong_user": user.is_authenticated and user.email.lower() != invitation.email.lower(),
        },
    )
