"""The pages and API endpoints ``make bench`` drives, and the baseline it compares them with.

A page is a URL template, the role of the member whose session asks for it (``None``:
anonymous) and the scale tenant it runs in. ``{tenant}`` in the URL is that tenant's slug;
any other ``{name}`` comes from the page's ``setup``, which gets the tenant and the member
and returns the ids the URL needs (an organisation, a report). Every page here is also
checked by ``tests/test_bench_pages.py``: it answers 200 to its role, and its query count
does not grow with the data.

To benchmark a new page, add a ``Page`` to ``PAGES``; nothing else needs to change.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from portal.models import Membership, Tenant
from portal.roles import Role
from portal.scale import LARGE_TENANT_SLUG, member_email

Setup = Callable[..., dict[str, object]]


@dataclass(frozen=True)
class Page:
    name: str
    url: str
    role: str | None
    tenant: str = LARGE_TENANT_SLUG
    setup: Setup | None = None
    headers: dict[str, str] = field(default_factory=dict)

    def resolve(self) -> tuple[str, Membership | None]:
        """The concrete path and the member who asks for it, from the data in the database."""
        tenant = Tenant.objects.get(slug=self.tenant)
        membership = None
        if self.role is not None:
            membership = (
                Membership.objects.for_tenant(tenant)
                .select_related("user")
                .get(user__email=member_email(tenant.slug, self.role))
            )
        values: dict[str, object] = {"tenant": tenant.slug}
        if self.setup is not None:
            values.update(self.setup(tenant=tenant, membership=membership))
        return self.url.format(**values), membership


def _another_member(*, tenant: Tenant, membership: Membership | None) -> dict[str, object]:
    """A member other than the admin who asks: the newest one."""
    other = Membership.objects.for_tenant(tenant).exclude(pk=membership.pk).order_by("-pk").first()
    return {"membership_id": other.pk}


def _stage_filters(*, tenant: Tenant, membership: Membership | None) -> dict[str, object]:
    """Filters and a search word of the public stage listing taken from the newest published
    opportunity of the tenant, so they always find something (an empty page runs one query
    less) and pick a realistic share of the large tenant's opportunities."""
    from urllib.parse import quote

    from internships.models import Opportunity

    opportunity = (
        Opportunity.objects.for_tenant(tenant)
        .filter(status=Opportunity.Status.PUBLISHED)
        .exclude(municipality="")
        .exclude(education_levels=[])
        .filter(sectors__isnull=False)
        .order_by("-published_at", "-pk")
        .first()
    )
    return {
        "kind": opportunity.kind,
        "level": opportunity.education_levels[0],
        "municipality": quote(opportunity.municipality),
        "sector_id": opportunity.sectors.order_by("pk").first().pk,
        "word": quote(opportunity.title.split()[-1]),
    }


# One query, no session: what the server costs without the application's work.
BASELINE = Page("baseline (health)", "/health/", role=None)

PAGES = [
    Page("tenant dashboard", "/{tenant}/dashboard/", Role.ADMIN),
    Page("members", "/{tenant}/members/", Role.ADMIN),
    Page(
        "member edit",
        "/{tenant}/members/{membership_id}/",
        Role.ADMIN,
        setup=_another_member,
    ),
    Page("audit log", "/{tenant}/audit/", Role.ADMIN),
    Page("home (signed in)", "/", Role.ADMIN),
    Page("tenant public page", "/{tenant}/", role=None),
    # The public stage listing over 50,000 opportunities (internships): filters, a search.
    Page(
        "public stage listing (filters)",
        "/{tenant}/stages/?level={level}&municipality={municipality}&sector={sector_id}",
        role=None,
        setup=_stage_filters,
    ),
    Page(
        "public stage listing (search)",
        "/{tenant}/stages/?q={word}&level={level}",
        role=None,
        setup=_stage_filters,
    ),
    Page(
        "stage JSON for school websites",
        "/{tenant}/stages/embed.json?kind={kind}&municipality={municipality}",
        role=None,
        setup=_stage_filters,
    ),
]


# --- The agenda (agenda/scale.py: 2,000 actions, 100,000 measurements in the large tenant) ---


def _busiest_action(*, tenant: Tenant, membership: Membership | None) -> dict[str, object]:
    """The action with the most indicators (and so measurements) on its page."""
    from django.db.models import Count

    from agenda.models import Action

    action = (
        Action.objects.for_tenant(tenant)
        .annotate(indicator_count=Count("indicators"))
        .order_by("-indicator_count", "pk")
        .first()
    )
    return {"action_id": action.pk}


def _busiest_indicator(*, tenant: Tenant, membership: Membership | None) -> dict[str, object]:
    """The indicator with the most measurements: its chart and table have the most to show."""
    from django.db.models import Count

    from agenda.models import Indicator

    indicator = (
        Indicator.objects.for_tenant(tenant)
        .annotate(measurement_count=Count("measurements"))
        .order_by("-measurement_count", "pk")
        .first()
    )
    return {"indicator_id": indicator.pk}


PAGES.extend(
    [
        Page("agenda board", "/{tenant}/agenda/", Role.LEAD),
        Page(
            "agenda board (filtered)", "/{tenant}/agenda/?health=at_risk&status=running", Role.LEAD
        ),
        Page(
            "agenda action page",
            "/{tenant}/agenda/actions/{action_id}/",
            Role.LEAD,
            setup=_busiest_action,
        ),
        Page(
            "agenda indicator page",
            "/{tenant}/agenda/indicators/{indicator_id}/",
            Role.LEAD,
            setup=_busiest_indicator,
        ),
    ]
)


# --- The CRM (partnerships/scale.py: 20,000 organisations, 200,000 interactions) ---


def _busiest_company(*, tenant: Tenant, membership: Membership | None) -> dict[str, object]:
    """The company with the most logged interactions, and a word of its name to search for."""
    from django.db.models import Count

    from partnerships.models import Organisation

    company = (
        Organisation.objects.for_tenant(tenant)
        .filter(kind=Organisation.Kind.COMPANY)
        .annotate(interaction_count=Count("interactions"))
        .order_by("-interaction_count", "pk")
        .first()
    )
    return {"organisation_id": company.pk, "word": company.name.split()[0].lower()}


PAGES.extend(
    [
        Page(
            "organisation list (search)",
            "/{tenant}/organisations/?q={word}",
            Role.RELATIONS,
            setup=_busiest_company,
        ),
        Page(
            "organisation page",
            "/{tenant}/organisations/{organisation_id}/",
            Role.RELATIONS,
            setup=_busiest_company,
        ),
        Page("CRM dashboard", "/{tenant}/crm/", Role.RELATIONS),
    ]
)


# --- Reports (reporting): a funder's pages. The scale data holds no report definitions yet, so
# the pages of one definition or run are not driven here. ---

PAGES.extend(
    [
        Page("reports overview", "/{tenant}/reports/", Role.FUNDER),
        Page("reports across partnerships", "/reports/", Role.FUNDER),
    ]
)


# --- The REST API (session authentication, as a browser client would; tokens cost the same
# one indexed lookup). Lists at the default page size. ---

PAGES.extend(
    [
        Page("API: organisations", "/api/v1/{tenant}/organisations/", Role.ADMIN),
        Page("API: interactions", "/api/v1/{tenant}/interactions/", Role.RELATIONS),
        Page("API: indicators", "/api/v1/{tenant}/indicators/", Role.LEAD),
        Page("API: measurements", "/api/v1/{tenant}/measurements/", Role.LEAD),
        Page("API: public stage places", "/api/v1/{tenant}/public/opportunities/", role=None),
    ]
)
