"""Template context every page needs: the tenant, the role's menu, the tenant switcher."""

from __future__ import annotations

import functools

from django.urls import reverse

from portal.registry import app_modules
from portal.selectors import membership_list_for_user


def _menu_entries():
    entries = [entry for module in app_modules("menu") for entry in module.ENTRIES]
    return sorted(entries, key=lambda entry: entry.order)


def _reads_reports_in_several_tenants(memberships) -> bool:
    """True for a funder (or lead) of several partnerships: they get a link to the page
    with all their reports. Called by the template only, so pages without a header
    (htmx fragments) never run the query."""
    return sum(1 for membership in memberships if membership.can("reports.view")) >= 2


def navigation(request) -> dict:
    tenant = getattr(request, "tenant", None)
    membership = getattr(request, "membership", None)
    menu = []
    if tenant is not None and membership is not None:
        current = request.resolver_match.url_name if request.resolver_match else None
        menu = [
            {
                "label": entry.label,
                "url": reverse(entry.url_name, kwargs={"tenant_slug": tenant.slug}),
                "current": entry.url_name == current,
            }
            for entry in _menu_entries()
            if membership.can(entry.permission)
        ]
    user = getattr(request, "user", None)
    memberships = (
        membership_list_for_user(user=user) if user is not None and user.is_authenticated else []
    )
    return {
        "tenant": tenant,
        "membership": membership,
        "tenant_menu": menu,
        "my_memberships": memberships,
        "reads_reports_in_several_tenants": functools.partial(
            _reads_reports_in_several_tenants, memberships
        ),
    }
