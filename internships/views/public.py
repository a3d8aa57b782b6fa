"""The public side of the stage market: the listing, a page per opportunity, the Atom feed and
the JSON endpoint school websites embed. Anyone may see them, unless the tenant has switched
its public page off (then only its members do)."""

from __future__ import annotations

from django.core.paginator import EmptyPage, PageNotAnInteger, Paginator
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.cache import patch_cache_control, patch_vary_headers
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from internships.feeds import OpportunityFeed
from internships.filters import PublicOpportunityFilter
from internships.models import Opportunity
from internships.selectors.public import (
    opportunity_display,
    opportunity_public_get,
)
from portal.access import tenant_public

PAGE_SIZE = 20
RESULTS_ID = "stage-results"
PUBLIC_MAX_AGE = 300  # seconds a cache (a school website's, a CDN) may keep the feed and JSON
EMBED_PAGE_SIZE = 20
EMBED_MAX_PAGE_SIZE = 100
SUPPORTED_LANGUAGES = ("nl", "en")


def _is_public(request) -> bool:
    """A tenant with its public page switched off shows its stage market to members only."""
    return request.tenant.public_page or request.membership is not None


# --- the listing and the page per opportunity ------------------------------------------------


@tenant_public
@require_safe
def stage_list(request, tenant_slug: str):
    """Published opportunities with search, filters, order and pages, all in the query
    string. An htmx request from the filter form gets only the results region."""
    if not _is_public(request):
        raise Http404
    filterset = PublicOpportunityFilter(request.GET, tenant=request.tenant)
    page = Paginator(filterset.qs, PAGE_SIZE).get_page(request.GET.get("page"))
    opportunity_display(page.object_list)
    partial = (
        request.htmx
        and not request.htmx.history_restore_request
        and request.htmx.target == RESULTS_ID
    )
    if not partial:
        filterset.prepare_form()
    context = {
        "filter": filterset,
        "page": page,
        "results_id": RESULTS_ID,
        "partial": partial,
    }
    template = "internships/_public_results.html" if partial else "internships/public_list.html"
    response = render(request, template, context)
    patch_vary_headers(response, ["HX-Request", "HX-Target"])
    return response


@tenant_public
@require_safe
def stage_detail(request, tenant_slug: str, opportunity_id: int):
    if not _is_public(request):
        raise Http404
    try:
        opportunity = opportunity_public_get(tenant=request.tenant, opportunity_id=opportunity_id)
    except Opportunity.DoesNotExist:
        raise Http404 from None
    membership = request.membership
    deadline = opportunity.application_deadline
    context = {
        "opportunity": opportunity,
        "can_apply": membership is not None and membership.can("stages.apply"),
        "deadline_passed": deadline is not None and deadline < timezone.localdate(),
    }
    return render(request, "internships/public_detail.html", context)


# --- the Atom feed ---------------------------------------------------------------------------


@tenant_public
@require_safe
def stage_feed(request, tenant_slug: str):
    """The newest 50 published opportunities as Atom, with the listing's filters."""
    if not _is_public(request):
        raise Http404
    filterset = PublicOpportunityFilter(request.GET, tenant=request.tenant)
    if not filterset.is_valid():
        return HttpResponse(
            _problem_detail(filterset), status=400, content_type="text/plain; charset=utf-8"
        )
    response = OpportunityFeed()(request, filterset=filterset)
    patch_cache_control(response, public=True, max_age=PUBLIC_MAX_AGE)
    return response


# --- the JSON endpoint for school websites ---------------------------------------------------


@tenant_public
@require_safe
def stage_embed(request, tenant_slug: str):
    """Published opportunities as JSON for a school's website, with the listing's filters.

    The shape is stable (new keys may be added, none removed or changed)::

        {"tenant": {"slug": str, "name": str, "url": str},
         "count": int,                  # results over all pages
         "next": str | null, "previous": str | null,   # absolute URLs of the pages around
         "results": [{"id": int, "title": str, "company": str,
                      "kind": str, "kind_label": str, "municipality": str,
                      "education_levels": [str], "starts_on": "YYYY-MM-DD" | null,
                      "ends_on": "YYYY-MM-DD" | null, "places_left": int,
                      "url": str}]}     # the opportunity's public page

    Parameters: the listing's filters (see ``internships.filters``), ``page`` (from 1),
    ``page_size`` (1-100, default 20) and ``lang`` (``nl`` or ``en``, for ``kind_label``;
    default: the partnership's language). A bad value is a 400 ``application/problem+json``
    with a ``detail``; unknown parameters are ignored. Anyone may read it, from any origin.
    """
    if not _is_public(request):
        return _problem(404, _("Not found"), _("This partnership has no public stage listing."))
    language = request.GET.get("lang") or translation.get_language()
    if language not in SUPPORTED_LANGUAGES:
        return _problem(
            400,
            _("Bad request"),
            _("Unknown language “%(lang)s”. Use nl or en.") % {"lang": language},
        )
    with translation.override(language):
        return _embed_response(request)


def _embed_response(request):
    filterset = PublicOpportunityFilter(request.GET, tenant=request.tenant)
    if not filterset.is_valid():
        return _problem(
            400, _("Bad request"), _problem_detail(filterset), errors=_field_errors(filterset)
        )
    page_size = _positive_int(request.GET.get("page_size"), EMBED_PAGE_SIZE)
    if page_size is None or page_size > EMBED_MAX_PAGE_SIZE:
        return _problem(
            400,
            _("Bad request"),
            _("page_size must be a whole number from 1 to %(max)s.") % {"max": EMBED_MAX_PAGE_SIZE},
        )
    number = _positive_int(request.GET.get("page"), 1)
    if number is None:
        return _problem(400, _("Bad request"), _("page must be a whole number from 1."))
    paginator = Paginator(filterset.qs, page_size)
    try:
        page = paginator.page(number)
    except (EmptyPage, PageNotAnInteger):
        return _problem(
            400,
            _("Bad request"),
            _("There is no page %(page)s; the last page is %(last)s.")
            % {"page": number, "last": paginator.num_pages},
        )
    opportunities = list(page.object_list)
    opportunity_display(opportunities)
    tenant = request.tenant
    body = {
        "tenant": {
            "slug": tenant.slug,
            "name": tenant.name,
            "url": request.build_absolute_uri(
                reverse("stage_list", kwargs={"tenant_slug": tenant.slug})
            ),
        },
        "count": paginator.count,
        "next": _page_url(request, page.next_page_number()) if page.has_next() else None,
        "previous": (
            _page_url(request, page.previous_page_number()) if page.has_previous() else None
        ),
        "results": [_embed_item(request, opportunity) for opportunity in opportunities],
    }
    response = JsonResponse(body, json_dumps_params={"ensure_ascii": False})
    response["Access-Control-Allow-Origin"] = "*"
    patch_cache_control(response, public=True, max_age=PUBLIC_MAX_AGE)
    return response


def _embed_item(request, opportunity: Opportunity) -> dict:
    url = reverse(
        "stage_detail",
        kwargs={"tenant_slug": request.tenant.slug, "opportunity_id": opportunity.pk},
    )
    return {
        "id": opportunity.pk,
        "title": opportunity.title,
        "company": opportunity.company.name,
        "kind": opportunity.kind,
        "kind_label": opportunity.kind_label,
        "municipality": opportunity.municipality,
        "education_levels": list(opportunity.education_levels),
        "starts_on": opportunity.starts_on.isoformat() if opportunity.starts_on else None,
        "ends_on": opportunity.ends_on.isoformat() if opportunity.ends_on else None,
        "places_left": opportunity.places_left,
        "url": request.build_absolute_uri(url),
    }


def _page_url(request, number: int) -> str:
    query = request.GET.copy()
    query["page"] = str(number)
    return request.build_absolute_uri(f"{request.path}?{query.urlencode()}")


def _positive_int(value: str | None, default: int) -> int | None:
    """``value`` as a whole number of at least 1, ``default`` when absent, None when bad."""
    if value is None or value == "":
        return default
    if not value.isascii() or not value.isdigit() or int(value) < 1:
        return None
    return int(value)


def _field_errors(filterset: PublicOpportunityFilter) -> dict[str, list[str]]:
    return {
        field: [str(message) for message in messages]
        for field, messages in filterset.form.errors.items()
    }


def _problem_detail(filterset: PublicOpportunityFilter) -> str:
    """One sentence naming each bad parameter and what is wrong with it."""
    parts = []
    for field, messages in _field_errors(filterset).items():
        text = " ".join(messages)
        parts.append(text if field == "__all__" else f"{field}: {text}")
    return " ".join(parts)


def _problem(status: int, title: str, detail: str, **extra) -> JsonResponse:
    """An RFC 9457 problem document, readable from any origin like the answers it replaces."""
    body = {"type": "about:blank", "title": title, "status": status, "detail": detail, **extra}
    response = JsonResponse(
        body,
        status=status,
        content_type="application/problem+json",
        json_dumps_params={"ensure_ascii": False},
    )
    response["Access-Control-Allow-Origin"] = "*"
    return response
