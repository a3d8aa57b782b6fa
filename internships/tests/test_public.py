"""The public stage listing and the page per opportunity: only published opportunities, the
filters in the query string, only the contact details the company chose to publish."""

from __future__ import annotations

import datetime

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import NoReverseMatch, reverse
from django.utils import timezone, translation
from django.utils.formats import date_format

from internships.models import Opportunity
from internships.tests.factories import OpportunityFactory
from partnerships.tests.factories import ContactFactory, OrganisationFactory, SectorFactory
from portal.roles import Role

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()


def days(n: int) -> datetime.date:
    return TODAY + datetime.timedelta(days=n)


def offer(world, **values) -> Opportunity:
    """A published opportunity of the world's company (unless another is given)."""
    values.setdefault("company", world.company)
    values.setdefault("tenant", values["company"].tenant)
    return OpportunityFactory(**values)


def english() -> Client:
    client = Client()
    client.cookies["portal_language"] = "en"
    return client


def listing(world, client: Client | None = None, **params):
    client = client or english()
    return client.get(reverse("stage_list", args=[world.tenant.slug]), params)


def titles(response) -> list[str]:
    return [opportunity.title for opportunity in response.context["page"].object_list]


# --- what appears ------------------------------------------------------------------------------


def test_listing_shows_only_published_opportunities(tenant_a, tenant_b):
    # given one opportunity in each status, and a published one in another tenant
    offer(tenant_a, title="Gepubliceerd")
    offer(tenant_a, title="Concept", status=Opportunity.Status.DRAFT, published_at=None)
    offer(tenant_a, title="Vol", status=Opportunity.Status.FILLED, places_taken=2)
    offer(tenant_a, title="Gesloten", status=Opportunity.Status.CLOSED)
    offer(tenant_b, title="Van een ander verband")

    # when an anonymous visitor opens the listing
    response = listing(tenant_a)

    # then only the published one of this tenant is there, with what a result shows
    assert response.status_code == 200
    assert titles(response) == ["Gepubliceerd"]
    content = response.content.decode()
    for hidden in ("Concept", "Vol", "Gesloten", "Van een ander verband"):
        assert hidden not in content
    assert "Verband A BV" in content  # the company
    assert "BPV stage (MBO BOL)" in content  # the kind
    assert "MBO level 3, MBO level 4" in content  # the levels
    assert "Emmen" in content
    assert "2 of 2" in content  # places left


def test_places_left_count_the_accepted_applications(tenant_a):
    offer(tenant_a, title="Twee van drie", places=3, places_taken=1)

    response = listing(tenant_a)

    assert "2 of 3" in response.content.decode()


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"level": "hbo"}, ["Afstuderen HBO"]),
        ({"kind": "guest_lesson"}, ["Gastles"]),
        ({"municipality": "Coevorden"}, ["Gastles"]),
        ({"level": "mbo3", "municipality": "Emmen"}, ["BPV Emmen"]),
        ({"municipality": "Nergenshuizen"}, []),
    ],
)
def test_filters(tenant_a, params, expected):
    # given opportunities that differ in level, kind and municipality
    offer(tenant_a, title="BPV Emmen", education_levels=["mbo3"], municipality="Emmen")
    offer(
        tenant_a,
        title="Afstuderen HBO",
        kind=Opportunity.Kind.GRADUATION,
        education_levels=["hbo"],
        municipality="Emmen",
    )
    offer(
        tenant_a,
        title="Gastles",
        kind=Opportunity.Kind.GUEST_LESSON,
        education_levels=["vmbo"],
        municipality="Coevorden",
    )

    # when the listing is filtered
    response = listing(tenant_a, **params)

    # then only the matching ones show
    assert response.status_code == 200
    assert sorted(titles(response)) == sorted(expected)


def test_sector_filter(tenant_a):
    chemie = SectorFactory(tenant=tenant_a.tenant, name="Chemie")
    htsm = SectorFactory(tenant=tenant_a.tenant, name="HTSM")
    offer(tenant_a, title="Procesoperator").sectors.set([chemie])
    offer(tenant_a, title="Monteur").sectors.set([htsm])
    offer(tenant_a, title="Beide").sectors.set([chemie, htsm])

    response = listing(tenant_a, sector=chemie.pk)

    assert sorted(titles(response)) == ["Beide", "Procesoperator"]


def test_another_tenants_sector_is_not_a_filter(tenant_a, tenant_b):
    other = SectorFactory(tenant=tenant_b.tenant, name="Chemie")
    offer(tenant_a, title="Procesoperator")

    response = listing(tenant_a, sector=other.pk)

    # the invalid filter is reported and left out
    assert titles(response) == ["Procesoperator"]
    assert response.context["filter"].errors["sector"]


def test_period_filter_keeps_what_overlaps_the_window(tenant_a):
    # given periods before, in, around and after September, and ongoing ones
    offer(tenant_a, title="Zomer", starts_on=days(10), ends_on=days(40))
    offer(tenant_a, title="Najaar", starts_on=days(60), ends_on=days(120))
    offer(tenant_a, title="Voorjaar", starts_on=days(200), ends_on=days(300))
    offer(tenant_a, title="Doorlopend", starts_on=days(-100), ends_on=None, is_ongoing=True)
    offer(tenant_a, title="Altijd", starts_on=None, ends_on=None)

    # when a student is available from day 50 to day 100
    response = listing(
        tenant_a, available_from=days(50).isoformat(), available_until=days(100).isoformat()
    )

    # then what runs in that window shows, including ongoing ones and those without dates
    assert sorted(titles(response)) == ["Altijd", "Doorlopend", "Najaar"]


def test_period_that_ends_before_it_starts_is_refused_with_a_message(tenant_a):
    offer(tenant_a, title="Najaar", starts_on=days(60), ends_on=days(120))

    response = listing(
        tenant_a, available_from=days(100).isoformat(), available_until=days(50).isoformat()
    )

    assert response.status_code == 200
    assert "The end of the period is before its start" in response.content.decode()
    # the bad end is left out; the start alone still filters
    assert titles(response) == ["Najaar"]


def test_search_is_dutch_full_text_with_websearch_syntax(tenant_a):
    offer(tenant_a, title="Monteur werktuigbouw", description="Onderhoud aan installaties.")
    offer(tenant_a, title="Lasser", description="Lassen en monteren van constructies.")
    offer(tenant_a, title="Procesoperator", description="Schoonmaak van de reactoren.")

    # word forms: "monteurs" finds "Monteur"
    assert titles(listing(tenant_a, q="monteurs")) == ["Monteur werktuigbouw"]
    # websearch: either word, minus another
    either = listing(tenant_a, q="lasser OR procesoperator -schoonmaak")
    assert titles(either) == ["Lasser"]
    # a phrase
    assert titles(listing(tenant_a, q='"onderhoud aan installaties"')) == ["Monteur werktuigbouw"]


def test_unreadable_filters_are_left_out_not_a_server_error(tenant_a):
    offer(tenant_a, title="Monteur")

    response = listing(tenant_a, q="mon\x00teur", municipality="\x00", level="mbo9", page="x")

    assert response.status_code == 200
    assert titles(response) == ["Monteur"]
    assert set(response.context["filter"].errors) == {"q", "municipality", "level"}


def test_search_puts_the_best_match_first(tenant_a):
    offer(tenant_a, title="Stage in de werkplaats", description="Ook wat lassen.")
    offer(tenant_a, title="Lassen, lassen, lassen", description="Lassen van staal; lassen.")

    response = listing(tenant_a, q="lassen")

    assert titles(response) == ["Lassen, lassen, lassen", "Stage in de werkplaats"]


def test_sort_newest_and_starting_soonest(tenant_a):
    now = timezone.now()
    offer(tenant_a, title="Later", starts_on=days(90), published_at=now)
    offer(
        tenant_a,
        title="Binnenkort",
        starts_on=days(5),
        published_at=now - datetime.timedelta(days=3),
    )
    offer(
        tenant_a,
        title="Loopt al",
        starts_on=days(-30),
        is_ongoing=True,
        ends_on=None,
        published_at=now - datetime.timedelta(days=9),
    )

    assert titles(listing(tenant_a)) == ["Later", "Binnenkort", "Loopt al"]
    assert titles(listing(tenant_a, sort="newest")) == ["Later", "Binnenkort", "Loopt al"]
    assert titles(listing(tenant_a, sort="soonest")) == ["Loopt al", "Binnenkort", "Later"]


def test_pages_keep_the_filters_in_their_links(tenant_a):
    for n in range(25):
        offer(tenant_a, title=f"Plaats {n:02d}", municipality="Emmen")
    offer(tenant_a, title="Elders", municipality="Assen")

    first = listing(tenant_a, municipality="Emmen")
    second = listing(tenant_a, municipality="Emmen", page=2)

    assert len(titles(first)) == 20
    assert len(titles(second)) == 5
    assert "municipality=Emmen&amp;page=2" in first.content.decode()
    assert "Elders" not in first.content.decode() + second.content.decode()


def test_htmx_gets_only_the_results(tenant_a):
    offer(tenant_a, title="Monteur", municipality="Emmen")

    response = english().get(
        reverse("stage_list", args=[tenant_a.tenant.slug]),
        {"municipality": "Emmen"},
        headers={"HX-Request": "true", "HX-Target": "stage-results"},
    )

    content = response.content.decode()
    assert response.status_code == 200
    assert "Monteur" in content
    assert "<html" not in content
    assert "<form" not in content
    assert "HX-Request" in response["Vary"]


def test_htmx_results_say_which_filters_were_left_out(tenant_a):
    offer(tenant_a, title="Monteur")

    response = english().get(
        reverse("stage_list", args=[tenant_a.tenant.slug]),
        {"available_from": days(100).isoformat(), "available_until": days(50).isoformat()},
        headers={"HX-Request": "true", "HX-Target": "stage-results"},
    )

    content = response.content.decode()
    assert 'role="alert"' in content
    assert "Available until: The end of the period is before its start" in content


def test_full_page_has_the_filter_form_with_the_municipalities(tenant_a):
    offer(tenant_a, municipality="Coevorden")
    offer(tenant_a, municipality="Emmen")
    offer(tenant_a, municipality="Hardenberg", status=Opportunity.Status.DRAFT)

    content = listing(tenant_a).content.decode()

    assert '<form method="get"' in content
    assert '<option value="Coevorden">Coevorden</option>' in content
    assert '<option value="Emmen">Emmen</option>' in content
    assert "Hardenberg" not in content  # only where something is published


def test_private_tenant_shows_its_listing_to_members_only(tenant_a, client_for):
    tenant_a.tenant.public_page = False
    tenant_a.tenant.save()
    opportunity = offer(tenant_a)
    urls = [
        reverse("stage_list", args=[tenant_a.tenant.slug]),
        reverse("stage_detail", args=[tenant_a.tenant.slug, opportunity.pk]),
        reverse("stage_feed", args=[tenant_a.tenant.slug]),
        reverse("stage_embed", args=[tenant_a.tenant.slug]),
    ]
    member = client_for(tenant_a.member(Role.FUNDER))

    assert [Client().get(url).status_code for url in urls] == [404] * 4
    assert [member.get(url).status_code for url in urls] == [200] * 4


# --- the page per opportunity ------------------------------------------------------------------


def test_detail_shows_the_opportunity_and_only_the_published_contact(tenant_a):
    # given an opportunity with a supervisor from the CRM and a published contact
    supervisor = ContactFactory(
        tenant=tenant_a.tenant,
        organisation=tenant_a.company,
        name="Geheime Begeleider",
        email="begeleider@intern.example.org",
        phone="0591 999999",
    )
    chemie = SectorFactory(tenant=tenant_a.tenant, name="Chemie")
    opportunity = offer(
        tenant_a,
        title="Procesoperator in opleiding",
        description="Je draait mee in de ploegendienst.",
        requirements="Veiligheidsschoenen.",
        hours_per_week=32,
        allowance="EUR 300 per maand",
        application_deadline=days(20),
        street_address="Fabrieksweg 1",
        municipality="Emmen",
        supervisor=supervisor,
        public_contact_name="Petra Praktijk",
        public_contact_email="stages@bedrijf.example.org",
        public_contact_phone="0591 123456",
    )
    opportunity.sectors.set([chemie])

    # when an anonymous visitor opens it
    response = english().get(reverse("stage_detail", args=[tenant_a.tenant.slug, opportunity.pk]))

    # then the opportunity is there with its public contact, and nothing of the CRM
    content = response.content.decode()
    with translation.override("en"):
        deadline = date_format(days(20), "j F Y")
    assert response.status_code == 200
    for shown in (
        "Procesoperator in opleiding",
        "Je draait mee in de ploegendienst.",
        "Veiligheidsschoenen.",
        "32",
        "EUR 300 per maand",
        "Fabrieksweg 1",
        "Chemie",
        "Petra Praktijk",
        "mailto:stages@bedrijf.example.org",
        "0591 123456",
        deadline,
    ):
        assert shown in content
    for hidden in ("Geheime Begeleider", "begeleider@intern.example.org", "0591 999999"):
        assert hidden not in content


@pytest.mark.parametrize(
    "status",
    [Opportunity.Status.DRAFT, Opportunity.Status.FILLED, Opportunity.Status.CLOSED],
)
def test_detail_of_an_unpublished_opportunity_is_not_found(tenant_a, status):
    opportunity = offer(tenant_a, status=status)

    response = Client().get(reverse("stage_detail", args=[tenant_a.tenant.slug, opportunity.pk]))

    assert response.status_code == 404


def test_detail_of_another_tenants_opportunity_is_not_found(tenant_a, tenant_b):
    other = offer(tenant_b)

    response = Client().get(reverse("stage_detail", args=[tenant_a.tenant.slug, other.pk]))

    assert response.status_code == 404


def test_only_a_school_member_is_offered_to_apply(tenant_a, client_for):
    opportunity = offer(tenant_a)
    url = reverse("stage_detail", args=[tenant_a.tenant.slug, opportunity.pk])
    try:
        apply_url = reverse(
            "school_application_create", args=[tenant_a.tenant.slug, opportunity.pk]
        )
    except NoReverseMatch:
        pytest.skip("the school side (school_application_create) does not exist yet")

    school = client_for(tenant_a.member(Role.RELATIONS)).get(url).content.decode()
    company = client_for(tenant_a.member(Role.COMPANY)).get(url).content.decode()
    anonymous = Client().get(url).content.decode()

    assert f'href="{apply_url}"' in school
    assert apply_url not in company
    assert apply_url not in anonymous


def test_pages_refuse_to_change_anything(tenant_a):
    opportunity = offer(tenant_a)
    slug = tenant_a.tenant.slug
    urls = [
        reverse("stage_list", args=[slug]),
        reverse("stage_detail", args=[slug, opportunity.pk]),
        reverse("stage_feed", args=[slug]),
        reverse("stage_embed", args=[slug]),
    ]

    assert [Client().post(url).status_code for url in urls] == [405] * 4
    assert [Client().head(url).status_code for url in urls] == [200] * 4


# --- the number of queries does not grow with the rows ---------------------------------------


def _queries(client: Client, url: str, params=None, headers=None) -> int:
    client.get(url, params, headers=headers)  # warm up (session, language, caches)
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url, params, headers=headers)
    assert response.status_code == 200
    return len(captured)


HTMX = {"HX-Request": "true", "HX-Target": "stage-results"}


def _offer_many(world, count: int, sectors) -> None:
    for n in range(count):
        company = OrganisationFactory(tenant=world.tenant)
        offer(
            world,
            company=company,
            title=f"Monteur {n}",
            description="Onderhoud en storingen.",
            municipality="Emmen",
        ).sectors.set(sectors)


@pytest.mark.parametrize(
    "params",
    [
        {},
        {"q": "monteur", "level": "mbo3", "municipality": "Emmen", "sort": "soonest"},
        {"kind": "bpv", "available_from": TODAY.isoformat(), "page": "2"},
    ],
    ids=["plain", "search and filters", "period and page"],
)
def test_listing_queries_do_not_grow_with_rows(tenant_a, client_for, params):
    sectors = [SectorFactory(tenant=tenant_a.tenant) for _ in range(2)]
    url = reverse("stage_list", args=[tenant_a.tenant.slug])
    clients = {"anonymous": Client(), "school": client_for(tenant_a.member(Role.RELATIONS))}
    params = {**params, "sector": sectors[0].pk}

    _offer_many(tenant_a, 7, sectors)
    few = {name: _queries(client, url, params) for name, client in clients.items()}
    partial = _queries(Client(), url, params, headers=HTMX)
    _offer_many(tenant_a, 14, sectors)
    more = {name: _queries(client, url, params) for name, client in clients.items()}

    assert more == few
    assert _queries(Client(), url, params, headers=HTMX) == partial


def test_detail_queries_do_not_grow_with_sectors(tenant_a):
    opportunity = offer(tenant_a)
    url = reverse("stage_detail", args=[tenant_a.tenant.slug, opportunity.pk])
    opportunity.sectors.set([SectorFactory(tenant=tenant_a.tenant) for _ in range(2)])
    few = _queries(Client(), url)

    opportunity.sectors.set([SectorFactory(tenant=tenant_a.tenant) for _ in range(6)])
    more = _queries(Client(), url)

    assert more == few
