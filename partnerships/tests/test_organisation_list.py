"""The organisation list: search, filters, derived status, sorting, pagination, htmx, the
"Log a contact" entry points, who may see it, and a query count that does not grow."""

from __future__ import annotations

import datetime
import re

import pytest
from django.db import connection
from django.http import HttpResponse
from django.test import Client, override_settings
from django.test.utils import CaptureQueriesContext
from django.urls import include, path, reverse
from django.utils import timezone

from partnerships.filters import OrganisationFilter
from partnerships.models import Organisation, PartnershipSettings
from partnerships.querysets import trigram_available
from partnerships.selectors.settings import months_before
from partnerships.tests.factories import OrganisationFactory, SchoolFactory, SectorFactory
from portal.roles import Role

TODAY = timezone.localdate()


def english(client: Client) -> Client:
    client.cookies["portal_language"] = "en"
    return client


def list_url(tenant, **params) -> str:
    url = reverse("organisation_list", args=[tenant.slug])
    if params:
        from urllib.parse import urlencode

        url += "?" + urlencode(params)
    return url


def names(response) -> list[str]:
    return [organisation.name for organisation in response.context["page"].object_list]


def filtered(tenant, **params) -> list[str]:
    """The names the filters select, in the list's order (all pages)."""
    return [o.name for o in OrganisationFilter(params, tenant=tenant).qs]


@pytest.fixture
def relations(tenant_a, client_for):
    return english(client_for(tenant_a.member(Role.RELATIONS)))


# --- who may see it ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("role", "status"),
    [
        (Role.RELATIONS, 200),
        (Role.ADMIN, 200),
        (Role.LEAD, 200),
        (Role.COMPANY, 403),
        (Role.FUNDER, 403),
    ],
)
def test_list_is_for_crm_roles_only(role, status, tenant_a, client_for):
    # given a member of A in a role
    client = client_for(tenant_a.member(role))

    # when they open the organisation list
    response = client.get(list_url(tenant_a.tenant))

    # then the CRM roles see it and the company and funder members do not
    assert response.status_code == status


def test_list_is_not_found_for_a_member_of_another_tenant(tenant_a, tenant_b, client_for):
    # given a relationship manager of B
    client = client_for(tenant_b.member(Role.RELATIONS))

    # when they open A's organisation list
    response = client.get(list_url(tenant_a.tenant))

    # then it does not exist for them
    assert response.status_code == 404


def test_list_shows_the_tenants_organisations_only(tenant_a, tenant_b, relations):
    # given organisations in both tenants
    OrganisationFactory(tenant=tenant_a.tenant, name="Eigen Metaal BV")
    OrganisationFactory(tenant=tenant_b.tenant, name="Andermans Metaal BV")

    # when A's relationship manager opens A's list
    response = relations.get(list_url(tenant_a.tenant))

    # then only A's organisations are listed
    assert "Eigen Metaal BV" in names(response)
    assert "Andermans Metaal BV" not in names(response)
    assert set(names(response)) == {"Eigen Metaal BV", "Verband A College", "Verband A BV"}


def test_table_shows_kind_municipality_sectors_status_and_last_contact(tenant_a, relations):
    # given a company with two sectors and a recent contact
    htsm = SectorFactory(tenant=tenant_a.tenant, name="HTSM")
    ict = SectorFactory(tenant=tenant_a.tenant, name="ICT")
    company = OrganisationFactory(
        tenant=tenant_a.tenant,
        name="Hondsrug Precisietechniek BV",
        municipality="Emmen",
        last_contact_on=datetime.date(2026, 3, 2),
    )
    company.sectors.set([ict, htsm])

    # when the list is shown
    response = relations.get(list_url(tenant_a.tenant))

    # then its row holds its kind, municipality, sectors, status and last contact
    html = response.content.decode()
    row = re.search(r"<tr[^>]*>\s*<th[^>]*>[^<]*(?:<a[^>]*>)?Hondsrug.*?</tr>", html, re.S)[0]
    for text in ["Company", "Emmen", "HTSM, ICT", "2 Mar 2026"]:
        assert text in row
    assert "Active partner" in row or "Dormant" in row


# --- search -----------------------------------------------------------------------------------


def test_search_finds_dutch_word_forms(tenant_a, relations):
    # given a school named with the singular "School" (the Dutch stemmer reduces both
    # "school" and "scholen" to "schol"; neither substring nor trigram would find it)
    OrganisationFactory(tenant=tenant_a.tenant, name="Openbare School De Brug")
    OrganisationFactory(tenant=tenant_a.tenant, name="Bakkerij Jansen")

    # when someone searches for the plural
    response = relations.get(list_url(tenant_a.tenant, q="scholen"))

    # then the school is found and the bakery is not
    assert names(response) == ["Openbare School De Brug"]


def test_search_finds_part_of_a_name(tenant_a, relations):
    # given a company whose name contains "precisie" inside a word
    OrganisationFactory(tenant=tenant_a.tenant, name="Hondsrug Precisietechniek BV")

    # when someone searches for that part
    response = relations.get(list_url(tenant_a.tenant, q="precisie"))

    # then it is found by substring
    assert names(response) == ["Hondsrug Precisietechniek BV"]


def test_search_finds_the_municipality(tenant_a, relations):
    # given companies in Coevorden and Emmen
    OrganisationFactory(tenant=tenant_a.tenant, name="Europark Logistiek", municipality="Coevorden")
    OrganisationFactory(tenant=tenant_a.tenant, name="Stadskanaal Metaal", municipality="Emmen")

    # when someone searches for a municipality
    response = relations.get(list_url(tenant_a.tenant, q="coevorden"))

    # then the organisation located there is found
    assert names(response) == ["Europark Logistiek"]


def test_search_forgives_a_typo(tenant_a, relations):
    # given a company called Hondsrug
    OrganisationFactory(tenant=tenant_a.tenant, name="Installatiebedrijf Hondsrug")

    # when someone misspells it
    if not trigram_available():
        pytest.skip("pg_trgm is not installed on this PostgreSQL: typo tolerance needs it")
    response = relations.get(list_url(tenant_a.tenant, q="Hondsrig"))

    # then trigram similarity still finds it
    assert names(response) == ["Installatiebedrijf Hondsrug"]


def test_search_puts_the_best_match_first(tenant_a, relations):
    # given two organisations in Emmen, only one of which also has Emmen in its name
    # (alphabetically it comes last)
    OrganisationFactory(tenant=tenant_a.tenant, name="Aa Installatie", municipality="Emmen")
    OrganisationFactory(tenant=tenant_a.tenant, name="Zuid Emmen Metaal", municipality="Emmen")

    # when someone searches for Emmen without choosing an order
    response = relations.get(list_url(tenant_a.tenant, q="Emmen"))

    # then the better match comes first
    assert names(response)[:2] == ["Zuid Emmen Metaal", "Aa Installatie"]


def test_search_respects_a_chosen_order(tenant_a, relations):
    # given the same two organisations
    OrganisationFactory(tenant=tenant_a.tenant, name="Aa Installatie", municipality="Emmen")
    OrganisationFactory(tenant=tenant_a.tenant, name="Zuid Emmen Metaal", municipality="Emmen")

    # when someone searches and sorts by name
    response = relations.get(list_url(tenant_a.tenant, q="Emmen", sort="name"))

    # then the order is by name (A's own school and company are in Emmen too)
    assert names(response) == [
        "Aa Installatie",
        "Verband A BV",
        "Verband A College",
        "Zuid Emmen Metaal",
    ]


@pytest.mark.parametrize("term", ["\x00", "x" * 201])
def test_impossible_search_is_a_form_error_not_a_server_error(term, tenant_a, relations):
    # when someone searches for a NUL character or an endless text
    response = relations.get(list_url(tenant_a.tenant, q=term))

    # then the search field says what is wrong
    assert response.status_code == 200
    assert "q" in response.context["filter"].errors


# --- filters ----------------------------------------------------------------------------------


def test_filter_by_kind(tenant_a):
    # given a school and companies
    SchoolFactory(tenant=tenant_a.tenant, name="Esdal College")

    # when filtering on schools
    result = filtered(tenant_a.tenant, kind="school")

    # then only schools are listed
    assert result == ["Esdal College", "Verband A College"]


def test_filter_by_sector_offers_the_tenants_sectors_only(tenant_a, tenant_b, relations):
    # given a company in sector HTSM and one without, and a sector of tenant B
    htsm = SectorFactory(tenant=tenant_a.tenant, name="HTSM")
    OrganisationFactory(tenant=tenant_a.tenant, name="Hightech BV").sectors.set([htsm])
    foreign = SectorFactory(tenant=tenant_b.tenant, name="Geheime sector")

    # when filtering on HTSM, and on B's sector
    by_htsm = relations.get(list_url(tenant_a.tenant, sector=htsm.pk))
    by_foreign = relations.get(list_url(tenant_a.tenant, sector=foreign.pk))

    # then HTSM selects its company, and B's sector is neither offered nor accepted
    assert names(by_htsm) == ["Hightech BV"]
    assert "Geheime sector" not in by_htsm.content.decode()
    assert "sector" in by_foreign.context["filter"].errors
    assert by_foreign.status_code == 200


def test_filter_by_education_level(tenant_a):
    # given schools with different levels
    SchoolFactory(tenant=tenant_a.tenant, name="Havo Emmen", education_levels=["havo_vwo"])
    SchoolFactory(tenant=tenant_a.tenant, name="Mbo Emmen", education_levels=["mbo2", "mbo3"])

    # when filtering on MBO level 3
    result = filtered(tenant_a.tenant, level="mbo3")

    # then the school that teaches it is listed
    assert result == ["Mbo Emmen"]


def test_filter_by_municipality_offers_the_tenants_municipalities(tenant_a, tenant_b, relations):
    # given organisations in two municipalities, and one of B elsewhere
    OrganisationFactory(tenant=tenant_a.tenant, name="Coevorden BV", municipality="Coevorden")
    OrganisationFactory(tenant=tenant_b.tenant, name="Assen BV", municipality="Assen")

    # when filtering on Coevorden
    response = relations.get(list_url(tenant_a.tenant, municipality="Coevorden"))

    # then Coevorden's organisation is listed, and only A's municipalities are choices
    assert names(response) == ["Coevorden BV"]
    choices = [
        value for value, _label in response.context["filter"].form["municipality"].field.choices
    ]
    assert choices == ["", "Coevorden", "Emmen"]


def test_filter_by_tag(tenant_a):
    # given tagged organisations
    OrganisationFactory(tenant=tenant_a.tenant, name="Ambassadeur BV", tags=["ambassadeur", "HTSM"])
    OrganisationFactory(tenant=tenant_a.tenant, name="Gastles BV", tags=["gastlessen"])

    # when filtering on a tag
    result = filtered(tenant_a.tenant, tag="ambassadeur")

    # then the organisation with that tag is listed
    assert result == ["Ambassadeur BV"]


def test_filter_no_contact_for_months(tenant_a):
    # given contacts 2 and 8 months ago, and one never contacted
    OrganisationFactory(
        tenant=tenant_a.tenant, name="Recent BV", last_contact_on=months_before(TODAY, 2)
    )
    OrganisationFactory(
        tenant=tenant_a.tenant, name="Lang geleden BV", last_contact_on=months_before(TODAY, 8)
    )
    OrganisationFactory(tenant=tenant_a.tenant, name="Nooit BV", last_contact_on=None)

    # when filtering on no contact for 6 months
    result = filtered(tenant_a.tenant, no_contact_months="6")

    # then those without contact in 6 months are listed, never-contacted included
    assert "Recent BV" not in result
    assert {"Lang geleden BV", "Nooit BV"} <= set(result)


def test_filter_no_contact_rejects_a_non_number(tenant_a, relations):
    # when the months are not a number
    response = relations.get(list_url(tenant_a.tenant, no_contact_months="zes"))

    # then the form says so, and the list is still shown
    assert response.status_code == 200
    assert "no_contact_months" in response.context["filter"].errors
    assert "Enter a whole number." in response.content.decode()


def dormancy_world(tenant):
    """Active partners with a contact 2 and 14 months ago, a prospect and a former partner."""
    OrganisationFactory(
        tenant=tenant, name="Actief BV", status="active", last_contact_on=months_before(TODAY, 2)
    )
    OrganisationFactory(
        tenant=tenant, name="Slapend BV", status="active", last_contact_on=months_before(TODAY, 14)
    )
    OrganisationFactory(tenant=tenant, name="Prospect BV", status="prospect")
    OrganisationFactory(
        tenant=tenant, name="Oud BV", status="former", last_contact_on=months_before(TODAY, 30)
    )


def test_filter_by_status_derives_dormant(tenant_a):
    # given active partners with recent and old contacts, a prospect and a former partner
    dormancy_world(tenant_a.tenant)
    active_without_contact = {"Verband A College", "Verband A BV"}  # factory: active, no contact

    # when filtering on each status
    by_status = {
        s: set(filtered(tenant_a.tenant, status=s))
        for s in ["active", "dormant", "prospect", "former"]
    }

    # then an active partner without contact for 12 months (the default) is dormant, not active
    assert by_status["active"] == {"Actief BV"}
    assert by_status["dormant"] == {"Slapend BV"} | active_without_contact
    assert by_status["prospect"] == {"Prospect BV"}
    assert by_status["former"] == {"Oud BV"}


def test_dormant_follows_the_tenant_setting(tenant_a, relations):
    # given an active partner last contacted 14 months ago, in a tenant that waits 24 months
    dormancy_world(tenant_a.tenant)
    PartnershipSettings.objects.update_or_create(
        tenant=tenant_a.tenant, defaults={"dormant_after_months": 24}
    )

    # when the list is filtered on dormant and on active
    dormant = relations.get(list_url(tenant_a.tenant, status="dormant"))
    active = relations.get(list_url(tenant_a.tenant, status="active"))

    # then it is still active
    assert "Slapend BV" not in names(dormant)
    assert "Slapend BV" in names(active)


def test_list_shows_the_derived_status(tenant_a, relations):
    # given an active partner without contact for 14 months
    dormancy_world(tenant_a.tenant)

    # when the list is shown
    response = relations.get(list_url(tenant_a.tenant, q="Slapend"))

    # then its status reads "Dormant"
    [organisation] = response.context["page"].object_list
    assert organisation.relationship_status == "dormant"
    assert 'portal-status--dormant">Dormant</span>' in response.content.decode()


def test_filters_combine(tenant_a):
    # given companies and a school in Emmen, and a company elsewhere
    SchoolFactory(tenant=tenant_a.tenant, name="Emmen College", municipality="Emmen")
    OrganisationFactory(
        tenant=tenant_a.tenant, name="Emmen Metaal", municipality="Emmen", tags=["htsm"]
    )
    OrganisationFactory(
        tenant=tenant_a.tenant, name="Assen Metaal", municipality="Assen", tags=["htsm"]
    )

    # when filtering on search, kind, municipality and tag together
    result = filtered(tenant_a.tenant, q="metaal", kind="company", municipality="Emmen", tag="htsm")

    # then only what meets them all is listed
    assert result == ["Emmen Metaal"]


# --- sorting and pagination ---------------------------------------------------------------


def sorting_world(tenant):
    OrganisationFactory(
        tenant=tenant, name="Bravo", municipality="Assen", last_contact_on=datetime.date(2026, 1, 5)
    )
    OrganisationFactory(tenant=tenant, name="Alfa", municipality="Coevorden", last_contact_on=None)
    OrganisationFactory(
        tenant=tenant,
        name="Charlie",
        municipality="Beilen",
        last_contact_on=datetime.date(2026, 2, 1),
    )


@pytest.mark.parametrize(
    ("sort", "expected"),
    [
        ("name", ["Alfa", "Bravo", "Charlie"]),
        ("municipality", ["Bravo", "Charlie", "Alfa"]),
        ("-last_contact", ["Charlie", "Bravo", "Alfa"]),
        ("last_contact", ["Alfa", "Bravo", "Charlie"]),
        ("-created", ["Charlie", "Alfa", "Bravo"]),
    ],
)
def test_sorting(sort, expected, tenant_a):
    # given three organisations with different names, places, contacts and creation order
    Organisation.objects.for_tenant(tenant_a.tenant).delete()
    sorting_world(tenant_a.tenant)

    # when sorted
    result = filtered(tenant_a.tenant, sort=sort)

    # then the order is the one asked for
    assert result == expected


def test_sorting_refuses_what_is_not_whitelisted(tenant_a, relations):
    # given a sort value that names a column not meant for sorting
    Organisation.objects.for_tenant(tenant_a.tenant).delete()
    sorting_world(tenant_a.tenant)

    # when it is asked for
    response = relations.get(list_url(tenant_a.tenant, sort="tenant__name"))

    # then it is a form error and the default order (name) applies
    assert response.status_code == 200
    assert "sort" in response.context["filter"].errors
    assert names(response) == ["Alfa", "Bravo", "Charlie"]


def test_pagination_keeps_the_filters(tenant_a, relations):
    # given 30 companies in Emmen and one in Assen
    OrganisationFactory.create_batch(30, tenant=tenant_a.tenant, municipality="Emmen")
    OrganisationFactory(tenant=tenant_a.tenant, municipality="Assen")

    # when the first page of Emmen's companies is shown, then the second
    first = relations.get(list_url(tenant_a.tenant, kind="company", municipality="Emmen"))
    second = relations.get(list_url(tenant_a.tenant, kind="company", municipality="Emmen", page=2))

    # then 25 are on the first page, the rest (31 with A's own company) on the second,
    # and the link to the next page keeps the filters
    assert len(names(first)) == 25
    assert len(names(second)) == 6
    assert set(names(first)).isdisjoint(names(second))
    html = first.content.decode()
    next_link = re.search(r'<a[^>]*rel="next"[^>]*href="([^"]+)"', html)[1]
    assert "kind=company" in next_link
    assert "municipality=Emmen" in next_link
    assert "page=2" in next_link


def test_a_page_out_of_range_shows_the_last_page(tenant_a, relations):
    # when a page beyond the end is asked for
    response = relations.get(list_url(tenant_a.tenant, page=99))

    # then the last page is shown rather than an error
    assert response.status_code == 200
    assert response.context["page"].number == 1


# --- htmx -------------------------------------------------------------------------------------


def test_filter_form_is_a_get_form_that_updates_the_results_with_htmx(tenant_a, relations):
    # when the list is opened
    html = relations.get(list_url(tenant_a.tenant)).content.decode()

    # then the filter form is a GET form (shareable URL) that htmx sends to the results region
    form = re.search(r"<form[^>]*role=\"search\"[^>]*>", html)[0]
    assert 'method="get"' in form
    assert 'hx-target="#organisation-results"' in form
    assert 'hx-push-url="true"' in form
    assert 'id="organisation-results"' in html
    assert '<div id="dialog"></div>' in html


def test_htmx_request_gets_only_the_results(tenant_a, relations):
    # given a company
    OrganisationFactory(tenant=tenant_a.tenant, name="Hondsrug Precisietechniek BV")

    # when the filter form asks through htmx for the results region
    response = relations.get(
        list_url(tenant_a.tenant, q="hondsrug"),
        headers={"HX-Request": "true", "HX-Target": "organisation-results"},
    )

    # then only the partial is rendered, with the matching rows
    html = response.content.decode()
    assert [t.name for t in response.templates][0] == "partnerships/_organisation_rows.html"
    assert "<html" not in html
    assert "Hondsrug Precisietechniek BV" in html
    assert "HX-Request" in response["Vary"]


def test_htmx_history_restore_gets_the_full_page(tenant_a, relations):
    # when htmx restores a page from history it has not cached
    response = relations.get(
        list_url(tenant_a.tenant),
        headers={
            "HX-Request": "true",
            "HX-Target": "organisation-results",
            "HX-History-Restore-Request": "true",
        },
    )

    # then the whole page comes back
    assert "<html" in response.content.decode()


# --- "Log a contact" and links to other pages (with stand-ins for their URLs) -----------------


def _stand_in(request, **kwargs):
    return HttpResponse("stand-in")


urlpatterns = [
    path("", include("portal.urls")),
    path("<slug:tenant_slug>/interactions/new/", _stand_in, name="interaction_create"),
    path(
        "<slug:tenant_slug>/organisations/<int:organisation_id>/",
        _stand_in,
        name="organisation_detail",
    ),
]


@override_settings(ROOT_URLCONF=__name__)
def test_rows_link_to_the_organisation_and_to_log_a_contact(tenant_a, relations):
    # given a company (and the interaction and detail pages, here stand-ins)
    company = OrganisationFactory(tenant=tenant_a.tenant, name="Hondsrug Precisietechniek BV")
    slug = tenant_a.tenant.slug

    # when the list is shown
    html = relations.get(list_url(tenant_a.tenant)).content.decode()

    # then the name links to its page, and "Log a contact" opens the dialog for it with
    # htmx (and is a plain link without JavaScript), per row and at the top
    log_url = f"/{slug}/interactions/new/?organisation={company.pk}"
    assert f'href="/{slug}/organisations/{company.pk}/">Hondsrug Precisietechniek BV</a>' in html
    assert f'href="{log_url}" hx-get="{log_url}" hx-target="#dialog"' in html
    assert (
        f'href="/{slug}/interactions/new/" hx-get="/{slug}/interactions/new/" hx-target="#dialog"'
        in html
    )


# --- query counts ---------------------------------------------------------------------------


def count_queries(client: Client, url: str) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries)


def add_organisations(tenant, sectors, n: int) -> None:
    for i in range(n):
        organisation = OrganisationFactory(
            tenant=tenant,
            name=f"Metaalbedrijf {tenant.pk}-{Organisation.objects.count()}-{i}",
            tags=["htsm"],
            education_levels=["mbo3"],
            last_contact_on=months_before(TODAY, 3),
        )
        organisation.sectors.set(sectors)


@pytest.mark.parametrize(
    "params",
    [
        {},
        {"q": "metaalbedrijf"},
        {
            "kind": "company",
            "level": "mbo3",
            "municipality": "Emmen",
            "status": "active",
            "no_contact_months": "1",
            "tag": "htsm",
            "sort": "-last_contact",
        },
    ],
    ids=["plain", "search", "filters"],
)
def test_list_query_count_does_not_grow_with_rows(params, tenant_a, relations):
    # given a few organisations with sectors
    sectors = [SectorFactory(tenant=tenant_a.tenant) for _ in range(2)]
    add_organisations(tenant_a.tenant, sectors, 4)
    url = list_url(tenant_a.tenant, sector=sectors[0].pk, **params)
    relations.get(url)
    few = count_queries(relations, url)
    shown_few = len(names(relations.get(url)))

    # when there are three times as many
    add_organisations(tenant_a.tenant, sectors, 8)
    many = count_queries(relations, url)

    # then the page needs the same number of queries for three times the rows
    assert len(names(relations.get(url))) == 3 * shown_few == 12
    assert many == few
