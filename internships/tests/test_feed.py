"""The Atom feed of the public listing: valid Atom (parsed with a real XML parser), only
published opportunities, the listing's filters, the newest 50."""

from __future__ import annotations

import datetime
import xml.etree.ElementTree as ET  # noqa: S405 - parses the portal's own output

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from internships.models import Opportunity
from internships.tests.factories import OpportunityFactory
from partnerships.tests.factories import OrganisationFactory

pytestmark = pytest.mark.django_db

ATOM = "http://www.w3.org/2005/Atom"
NS = {"atom": ATOM}


def offer(world, **values) -> Opportunity:
    values.setdefault("company", world.company)
    return OpportunityFactory(tenant=world.tenant, **values)


def feed(world, **params):
    client = Client()
    client.cookies["portal_language"] = "en"
    return client.get(reverse("stage_feed", args=[world.tenant.slug]), params)


def parse(response) -> ET.Element:
    return ET.fromstring(response.content)  # noqa: S314 - our own output


def entry_titles(root: ET.Element) -> list[str]:
    return [entry.findtext("atom:title", namespaces=NS) for entry in root.findall("atom:entry", NS)]


def test_feed_is_atom_with_the_required_elements(tenant_a):
    # given two published opportunities
    older = offer(
        tenant_a,
        title="Lasser",
        published_at=timezone.now() - datetime.timedelta(days=2),
        description="Lassen <b>en</b> monteren.\n\nTweede alinea & meer.",
    )
    offer(tenant_a, title="Monteur")

    # when the feed is fetched
    response = feed(tenant_a)

    # then it is an Atom document with the feed's and each entry's required elements
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/atom+xml")
    root = parse(response)
    assert root.tag == f"{{{ATOM}}}feed"
    for required in ("id", "title", "updated"):
        assert root.findtext(f"atom:{required}", namespaces=NS)
    assert root.find("atom:author/atom:name", NS).text == "Verband A"
    self_link = root.find("atom:link[@rel='self']", NS)
    assert self_link.get("href").endswith(f"/{tenant_a.tenant.slug}/stages/feed.atom")
    entries = root.findall("atom:entry", NS)
    assert len(entries) == 2
    for entry in entries:
        for required in ("id", "title", "updated"):
            assert entry.findtext(f"atom:{required}", namespaces=NS), required
        # updated is an RFC 3339 date-time
        datetime.datetime.fromisoformat(entry.findtext("atom:updated", namespaces=NS))
    # newest first; the link is the public page; the company is the author
    assert entry_titles(root) == ["Monteur (Verband A BV)", "Lasser (Verband A BV)"]
    lasser = entries[1]
    href = lasser.find("atom:link", NS).get("href")
    assert href == f"http://testserver/{tenant_a.tenant.slug}/stages/{older.pk}/"
    assert lasser.findtext("atom:author/atom:name", namespaces=NS) == "Verband A BV"
    categories = {c.get("term") for c in lasser.findall("atom:category", NS)}
    assert {"BPV stage (MBO BOL)", "MBO level 3"} <= categories
    # the company's text is escaped HTML: no markup of its own gets through
    summary = lasser.find("atom:summary", NS)
    assert summary.get("type") == "html"
    assert "&lt;b&gt;en&lt;/b&gt;" in summary.text
    assert "<p>Tweede alinea &amp; meer.</p>" in summary.text


def test_feed_has_only_published_opportunities(tenant_a, tenant_b):
    offer(tenant_a, title="Gepubliceerd")
    offer(tenant_a, title="Concept", status=Opportunity.Status.DRAFT, published_at=None)
    offer(tenant_a, title="Gesloten", status=Opportunity.Status.CLOSED)
    offer(tenant_a, title="Vol", status=Opportunity.Status.FILLED, places_taken=2)
    OpportunityFactory(tenant=tenant_b.tenant, company=tenant_b.company, title="Ander verband")

    root = parse(feed(tenant_a))

    assert entry_titles(root) == ["Gepubliceerd (Verband A BV)"]


def test_feed_takes_the_listings_filters(tenant_a):
    offer(tenant_a, title="Emmen mbo3", municipality="Emmen", education_levels=["mbo3"])
    offer(tenant_a, title="Emmen hbo", municipality="Emmen", education_levels=["hbo"])
    offer(tenant_a, title="Assen mbo3", municipality="Assen", education_levels=["mbo3"])

    root = parse(feed(tenant_a, municipality="Emmen", level="mbo3"))

    assert entry_titles(root) == ["Emmen mbo3 (Verband A BV)"]
    # the feed's id and alternate link carry the filters: another filter is another feed
    assert "municipality=Emmen" in root.findtext("atom:id", namespaces=NS)
    alternate = root.find("atom:link[@rel='alternate']", NS).get("href")
    assert "/stages/?" in alternate and "level=mbo3" in alternate


def test_feed_has_the_newest_50(tenant_a):
    now = timezone.now()
    for n in range(51):
        offer(tenant_a, title=f"Plaats {n:02d}", published_at=now - datetime.timedelta(hours=n))

    titles = entry_titles(parse(feed(tenant_a)))

    assert len(titles) == 50
    assert titles[0].startswith("Plaats 00")
    assert "Plaats 50 (Verband A BV)" not in titles


def test_feed_refuses_bad_filters(tenant_a):
    response = feed(tenant_a, level="mbo7", available_from="morgen")

    assert response.status_code == 400
    assert "level" in response.content.decode()


def test_feed_of_an_empty_listing_is_valid(tenant_a):
    root = parse(feed(tenant_a))

    assert root.findtext("atom:updated", namespaces=NS)
    assert root.findall("atom:entry", NS) == []


def _queries(world) -> int:
    url = reverse("stage_feed", args=[world.tenant.slug])
    Client().get(url, {"level": "mbo3"})
    with CaptureQueriesContext(connection) as captured:
        response = Client().get(url, {"level": "mbo3"})
    assert response.status_code == 200
    return len(captured)


def test_feed_queries_do_not_grow_with_rows(tenant_a):
    def add(count):
        for _n in range(count):
            offer(tenant_a, company=OrganisationFactory(tenant=tenant_a.tenant))

    add(5)
    few = _queries(tenant_a)
    add(10)

    assert _queries(tenant_a) == few
