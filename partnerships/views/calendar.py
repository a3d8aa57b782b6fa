"""The personal iCal feed of follow-ups: managing the secret link, and the feed itself."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse, HttpResponseNotAllowed
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from partnerships.calendar import calendar_feed_active, calendar_feed_membership, follow_up_calendar
from partnerships.services.calendar import calendar_feed_create, calendar_feed_revoke
from portal.access import tenant_member_required, tenant_public


@tenant_member_required("crm.log")
@require_http_methods(["GET", "POST"])
@never_cache
def calendar_feed_manage(request, tenant_slug: str):
    tenant = request.tenant
    context = {"feed": calendar_feed_active(tenant=tenant, user=request.user), "feed_url": None}
    if request.method == "POST":
        action = request.POST.get("action")
        if action == "revoke":
            if calendar_feed_revoke(tenant=tenant, actor=request.user):
                messages.success(request, _("Your calendar link was revoked; it no longer works."))
            return redirect("calendar_feed_manage", tenant_slug=tenant.slug)
        if action != "create":
            return HttpResponse(_("Unknown action."), status=400, content_type="text/plain")
        try:
            feed, token = calendar_feed_create(tenant=tenant, actor=request.user)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
            return redirect("calendar_feed_manage", tenant_slug=tenant.slug)
        # The link is shown this once, in the answer to the POST: only its hash is stored.
        path = reverse("calendar_feed", args=[tenant.slug, token])
        context = {"feed": feed, "feed_url": request.build_absolute_uri(path)}
    return render(request, "partnerships/calendar_manage.html", context)


@tenant_public
@never_cache
def calendar_feed(request, tenant_slug: str, token: str):
    """No login: calendar apps cannot log in, so the secret token in the URL authenticates.
    An unknown or revoked token, or one of another tenant, is a 404 whatever the method."""
    membership = calendar_feed_membership(tenant=request.tenant, token=token)
    if membership is None:
        raise Http404
    if request.method not in ("GET", "HEAD"):
        return HttpResponseNotAllowed(["GET", "HEAD"])
    body = follow_up_calendar(tenant=request.tenant, membership=membership)
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = 'inline; filename="follow-ups.ics"'
    return response
