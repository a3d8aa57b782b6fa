"""The JSON endpoint school websites embed: its documented shape, the listing's filters,
pages, CORS and caching, and a 400 problem document (never a 500) for bad parameters."""

from __future__ import annotations

import datetime

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from internships.models import Opportunity
from internships.tests.factories import OpportunityFactory
from partnerships.tests.factories import OrganisationFactory, SectorFactory

pytestmark = pytest.mark.django_db

TOP_KEYS = {"tenant", "count", "next", "previous", "results"}
RESULT_KEYS = {
    "id",
    "title",
    "company",
    "kind",
    "kind_label",
    "municipality",
    "education_levels",
    "starts_on",
    "ends_on",
    "places_left",
    "url",
}


def offer(world, **values) -> Opportunity:
    values.setdefault("company", world.company)
    return OpportunityFactory(tenant=world.tenant, **values)


def embed(world, **params):
    client = Client()
    client.cookies["portal_language"] = "en"  # the problem details are compared in English
    return client.get(reverse("stage_embed", args=[world.tenant.slug]), params)


def test_shape_of_the_answer(tenant_a):
    # given a published opportunity with every field the endpoint shows
    opportunity = offer(
        tenant_a,
        title="BPV-plaats procesoperator",
        kind=Opportunity.Kind.BPV,
        municipality="Emmen",
        education_levels=["mbo3", "mbo4"],
        starts_on=datetime.date(2026, 9, 1),
        ends_on=datetime.date(2027, 1, 31),
        places=3,
        places_taken=1,
    )

    # when a school website asks for the list in English
    response = embed(tenant_a, lang="en")

    # then it gets the documented shape, readable from any origin and cacheable
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    assert response["Access-Control-Allow-Origin"] == "*"
    assert "public" in response["Cache-Control"] and "max-age=300" in response["Cache-Control"]
    body = response.json()
    assert set(body) == TOP_KEYS
    assert body["tenant"] == {
        "slug": tenant_a.tenant.slug,
        "name": "Verband A",
        "url": f"http://testserver/{tenant_a.tenant.slug}/stages/",
    }
    assert (body["count"], body["next"], body["previous"]) == (1, None, None)
    [result] = body["results"]
    assert set(result) == RESULT_KEYS
    assert result == {
        "id": opportunity.pk,
        "title": "BPV-plaats procesoperator",
        "company": "Verband A BV",
        "kind": "bpv",
        "kind_label": "BPV stage (MBO BOL)",
        "municipality": "Emmen",
        "education_levels": ["mbo3", "mbo4"],
        "starts_on": "2026-09-01",
        "ends_on": "2027-01-31",
        "places_left": 2,
        "url": f"http://testserver/{tenant_a.tenant.slug}/stages/{opportunity.pk}/",
    }


def test_open_dates_are_null(tenant_a):
    offer(tenant_a, starts_on=None, ends_on=None, is_ongoing=True)

    [result] = embed(tenant_a).json()["results"]

    assert (result["starts_on"], result["ends_on"]) == (None, None)


def test_only_published_opportunities_of_this_tenant(tenant_a, tenant_b):
    offer(tenant_a, title="Gepubliceerd")
    offer(tenant_a, title="Concept", status=Opportunity.Status.DRAFT, published_at=None)
    offer(tenant_a, title="Gesloten", status=Opportunity.Status.CLOSED)
    offer(tenant_a, title="Vol", status=Opportunity.Status.FILLED, places_taken=2)
    OpportunityFactory(tenant=tenant_b.tenant, company=tenant_b.company, title="Ander verband")

    body = embed(tenant_a).json()

    assert [result["title"] for result in body["results"]] == ["Gepubliceerd"]
    assert body["count"] == 1


def test_the_listings_filters_apply(tenant_a):
    htsm = SectorFactory(tenant=tenant_a.tenant, name="HTSM")
    offer(tenant_a, title="Emmen HTSM", municipality="Emmen").sectors.set([htsm])
    offer(tenant_a, title="Emmen", municipality="Emmen")
    offer(tenant_a, title="Assen HTSM", municipality="Assen").sectors.set([htsm])

    body = embed(tenant_a, municipality="Emmen", sector=htsm.pk).json()

    assert [result["title"] for result in body["results"]] == ["Emmen HTSM"]


def test_pages_link_to_each_other_with_the_filters(tenant_a):
    now = timezone.now()
    for n in range(5):
        offer(tenant_a, title=f"Plaats {n}", published_at=now - datetime.timedelta(hours=n))

    first = embed(tenant_a, level="mbo3", page_size=2).json()
    second = Client().get(first["next"]).json()
    last = Client().get(second["next"]).json()

    assert first["count"] == second["count"] == last["count"] == 5
    assert [r["title"] for r in first["results"]] == ["Plaats 0", "Plaats 1"]
    assert [r["title"] for r in second["results"]] == ["Plaats 2", "Plaats 3"]
    assert [r["title"] for r in last["results"]] == ["Plaats 4"]
    assert first["next"].startswith("http://testserver/")
    assert "level=mbo3" in first["next"] and "page=2" in first["next"]
    assert first["previous"] is None and last["next"] is None
    assert "page=2" in last["previous"]


def test_an_empty_list_is_one_empty_page(tenant_a):
    body = embed(tenant_a, municipality="Nergenshuizen").json()

    assert (body["count"], body["results"], body["next"]) == (0, [], None)


@pytest.mark.parametrize(
    ("params", "named"),
    [
        ({"level": "mbo7"}, "level"),
        ({"kind": "stage"}, "kind"),
        ({"sector": "abc"}, "sector"),
        ({"sector": "999999"}, "sector"),
        ({"available_from": "morgen"}, "available_from"),
        ({"available_from": "2026-09-01", "available_until": "2026-08-01"}, "available_until"),
        ({"sort": "oldest"}, "sort"),
        ({"q": "x" * 201}, "q"),
        ({"q": "las\x00ser"}, "q"),
        ({"municipality": "Em\x00men"}, "municipality"),
        ({"available_until": "99999-01-01"}, "available_until"),
        ({"page": "0"}, "page"),
        ({"page": "abc"}, "page"),
        ({"page": "-1"}, "page"),
        ({"page": "99"}, "page"),
        ({"page_size": "0"}, "page_size"),
        ({"page_size": "101"}, "page_size"),
        ({"page_size": "1e3"}, "page_size"),
        ({"lang": "fr"}, "fr"),
    ],
)
def test_bad_parameters_are_a_problem_document(tenant_a, params, named):
    offer(tenant_a)

    response = embed(tenant_a, **params)

    assert response.status_code == 400
    assert response["Content-Type"] == "application/problem+json"
    assert response["Access-Control-Allow-Origin"] == "*"
    problem = response.json()
    assert problem["status"] == 400
    assert named in problem["detail"]


def test_unknown_parameters_are_ignored(tenant_a):
    offer(tenant_a)

    response = embed(tenant_a, _="1712345678", utm_source="school")

    assert response.status_code == 200
    assert response.json()["count"] == 1


def test_search_syntax_never_breaks_it(tenant_a):
    offer(tenant_a, title="Monteur")

    for term in ['"', "-", "OR", "&|!():*", "monteur & | !", "'); drop table x; --"]:
        response = embed(tenant_a, q=term)
        assert response.status_code == 200, term


def test_a_private_tenant_answers_a_json_not_found(tenant_a):
    tenant_a.tenant.public_page = False
    tenant_a.tenant.save()

    response = embed(tenant_a)

    assert response.status_code == 404
    assert response["Content-Type"] == "application/problem+json"
    assert response.json()["status"] == 404


def _queries(world, params) -> int:
    url = reverse("stage_embed", args=[world.tenant.slug])
    Client().get(url, params)
    with CaptureQueriesContext(connection) as captured:
        response = Client().get(url, params)
    assert response.status_code == 200
    return len(captured)


def test_queries_do_not_grow_with_rows(tenant_a):
    htsm = SectorFactory(tenant=tenant_a.tenant)
    params = {"sector": htsm.pk, "q": "monteur", "page_size": "100"}

    def add(count):
        for _n in range(count):
            company = OrganisationFactory(tenant=tenant_a.tenant)
            offer(tenant_a, company=company).sectors.set([htsm])

    add(5)
    few = _queries(tenant_a, params)
    add(10)

    assert _queries(tenant_a, params) == few
