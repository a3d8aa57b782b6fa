"""The public stage listing in a real browser: an anonymous visitor filters it (the results
change in place, the URL holds the filters), opens an opportunity; axe-core clean on the
listing and the page, in Dutch and English."""

from __future__ import annotations

import datetime
import os
import re
from pathlib import Path

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from internships.models import Opportunity
from internships.tests.factories import OpportunityFactory
from partnerships.tests.factories import OrganisationFactory, SectorFactory
from tests.browser.conftest import assert_accessible

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SCREENSHOTS = os.environ.get("PORTAL_SCREENSHOTS")
RESULTS = "#stage-results .portal-stage-card"


def screenshot(page: Page, name: str) -> None:
    if SCREENSHOTS:
        page.screenshot(path=str(Path(SCREENSHOTS) / f"{name}.png"), full_page=True)


def stage_world(tenant) -> Opportunity:
    """Opportunities over two pages, differing in level and municipality; returns one."""
    htsm = SectorFactory(tenant=tenant, name="HTSM")
    hondsrug = OrganisationFactory(
        tenant=tenant, name="Hondsrug Precisietechniek BV", municipality="Emmen"
    )
    vechtdal = OrganisationFactory(
        tenant=tenant, name="Vechtdal Chemie BV", municipality="Hardenberg"
    )
    today = timezone.localdate()
    featured = OpportunityFactory(
        tenant=tenant,
        company=hondsrug,
        title="BPV-plaats monteur mechatronica",
        education_levels=["mbo3", "mbo4"],
        municipality="Emmen",
        description="Storingen zoeken aan productielijnen.\n\nJe krijgt een vaste begeleider.",
        requirements="Veiligheidsschoenen.",
        hours_per_week=32,
        allowance="EUR 350 per maand",
        application_deadline=today + datetime.timedelta(days=20),
        public_contact_name="Petra Praktijk",
        public_contact_email="stages@hondsrug.example.nl",
        public_contact_phone="0591 123456",
    )
    featured.sectors.set([htsm])
    OpportunityFactory(
        tenant=tenant,
        company=vechtdal,
        title="Afstudeeropdracht procesoptimalisatie",
        kind=Opportunity.Kind.GRADUATION,
        education_levels=["hbo"],
        municipality="Hardenberg",
    )
    OpportunityFactory(
        tenant=tenant,
        company=vechtdal,
        title="Gastles veilig werken",
        kind=Opportunity.Kind.GUEST_LESSON,
        education_levels=["vmbo"],
        municipality="Hardenberg",
        starts_on=None,
        ends_on=None,
        is_ongoing=True,
    )
    for n in range(22):
        OpportunityFactory(
            tenant=tenant,
            company=hondsrug,
            title=f"Snuffelstage verspanen {n:02d}",
            kind=Opportunity.Kind.ORIENTATION,
            education_levels=["vmbo"],
            municipality="Emmen",
            published_at=timezone.now() - datetime.timedelta(days=1 + n),
        )
    OpportunityFactory(
        tenant=tenant,
        company=hondsrug,
        title="Geheim concept",
        status=Opportunity.Status.DRAFT,
        published_at=None,
    )
    return featured


@pytest.mark.parametrize("language", ["nl", "en"])
def test_listing_and_opportunity_page_are_accessible(
    page: Page, choose_language, tenant_a, language
):
    # given an anonymous visitor and a partnership with published opportunities
    featured = stage_world(tenant_a.tenant)
    choose_language(language)

    # when they open the listing
    response = page.goto(f"/{tenant_a.tenant.slug}/stages/")

    # then it lists a page of published opportunities, without serious violations
    assert response.status == 200
    expect(page.locator(RESULTS)).to_have_count(20)
    expect(page.locator("main")).not_to_contain_text("Geheim concept")
    screenshot(page, f"stage-list-{language}")
    assert_accessible(page)

    # and the opportunity's own page is accessible too
    response = page.goto(f"/{tenant_a.tenant.slug}/stages/{featured.pk}/")
    assert response.status == 200
    expect(page.get_by_role("heading", level=1)).to_have_text("BPV-plaats monteur mechatronica")
    screenshot(page, f"stage-detail-{language}")
    assert_accessible(page)


def test_visitor_filters_by_level_and_municipality_and_opens_an_opportunity(
    page: Page, choose_language, tenant_a
):
    # given an anonymous visitor on the listing
    stage_world(tenant_a.tenant)
    choose_language("en")
    page.goto(f"/{tenant_a.tenant.slug}/stages/")
    expect(page.locator(RESULTS)).to_have_count(20)
    page.evaluate("() => { window.notReloaded = true; }")

    # when they choose a level
    page.get_by_label("Education level").select_option("mbo3")

    # then the results change in place and the URL holds the filter, and only it
    expect(page.locator(RESULTS)).to_have_count(1)
    expect(page).to_have_url(re.compile(r"/stages/\?level=mbo3$"))
    expect(page.locator("#stage-results")).to_contain_text("1 opportunity found")

    # when they choose another level and a municipality
    page.get_by_label("Education level").select_option("hbo")
    expect(page.locator(RESULTS)).to_have_count(1)
    page.get_by_label("Municipality").select_option("Hardenberg")

    # then both are in the URL and the results match both
    expect(page).to_have_url(re.compile(r"level=hbo&municipality=Hardenberg$"))
    expect(page.locator(RESULTS)).to_have_count(1)
    expect(page.locator(RESULTS)).to_contain_text("Afstudeeropdracht procesoptimalisatie")
    assert page.evaluate("() => window.notReloaded === true")
    assert_accessible(page)

    # and a municipality with nothing at that level shows none
    page.get_by_label("Municipality").select_option("Emmen")
    expect(page.locator(RESULTS)).to_have_count(0)
    expect(page.locator("#stage-results")).to_contain_text("No opportunities match")

    # and the shared URL, opened afresh, shows the same filtered list
    page.goto(f"/{tenant_a.tenant.slug}/stages/?level=mbo3&municipality=Emmen")
    expect(page.get_by_label("Education level")).to_have_value("mbo3")
    expect(page.get_by_label("Municipality")).to_have_value("Emmen")
    expect(page.locator(RESULTS)).to_have_count(1)

    # when they open the opportunity
    page.get_by_role("link", name="BPV-plaats monteur mechatronica").click()

    # then its page shows what the company published
    expect(page.get_by_role("heading", level=1)).to_have_text("BPV-plaats monteur mechatronica")
    main = page.locator("main")
    expect(main).to_contain_text("Hondsrug Precisietechniek BV")
    expect(main).to_contain_text("Storingen zoeken aan productielijnen.")
    expect(main).to_contain_text("Petra Praktijk")
    expect(page.get_by_role("link", name="stages@hondsrug.example.nl")).to_have_attribute(
        "href", "mailto:stages@hondsrug.example.nl"
    )


def test_pages_keep_the_filter(page: Page, choose_language, tenant_a):
    stage_world(tenant_a.tenant)
    choose_language("en")
    page.goto(f"/{tenant_a.tenant.slug}/stages/?level=vmbo")
    expect(page.locator(RESULTS)).to_have_count(20)

    page.get_by_role("link", name="Next").click()

    expect(page.locator(RESULTS)).to_have_count(3)
    expect(page).to_have_url(re.compile(r"level=vmbo.*page=2"))
