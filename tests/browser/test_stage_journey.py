"""The stage market's members' journey in a real browser: a company member posts a place
(create, preview, publish), a school member finds it and applies, they exchange a message,
the company accepts, and the placement appears on both sides. The form, the application
page and both placement lists are checked with axe-core on the way."""

from __future__ import annotations

import datetime
import re

import pytest
from django.conf import settings
from django.test import Client
from django.utils import timezone
from playwright.sync_api import Browser, Page, expect

from internships.models import Application, Opportunity, Placement
from internships.services import opportunities as opportunity_services
from internships.tests.stage_world import accept, published, submit
from portal.roles import Role
from tests.browser.conftest import VIEWPORT, assert_accessible
from tests.conftest import TenantWorld

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def iso(days: int) -> str:
    return (timezone.localdate() + datetime.timedelta(days=days)).isoformat()


def test_a_company_posts_a_place_a_school_applies_and_the_placement_appears_on_both_sides(
    page: Page, browser: Browser, live_server, log_in, choose_language, tenant_a: TenantWorld
):
    # given: a company member and a school member of Verband A; the school teaches MBO 3
    company_member = tenant_a.member(Role.COMPANY)
    company_member.user.full_name = "Joost Bakker"
    company_member.user.save()
    school_member = tenant_a.member(Role.RELATIONS)
    school_member.user.full_name = "Fatima El Amrani"
    school_member.user.save()
    tenant_a.school.education_levels = ["mbo3"]
    tenant_a.school.save()
    choose_language("en")
    log_in(company_member.user)

    # when: the company member fills in a new opportunity
    page.goto(f"/{tenant_a.tenant.slug}/stages/company/")
    page.get_by_role("link", name="New opportunity").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("New opportunity")
    assert_accessible(page)
    page.get_by_label("Kind", exact=True).select_option(label="BPV stage (MBO BOL)")
    page.get_by_label("Title", exact=True).fill("BPV-plaats koudetechniek")
    page.get_by_label("Description", exact=True).fill(
        "Je onderhoudt koelinstallaties met een monteur."
    )
    page.get_by_label("Number of places").fill("1")
    page.get_by_role("checkbox", name="MBO level 3").check()
    page.get_by_label(re.compile(r"^Start")).fill(iso(30))
    page.get_by_label(re.compile(r"^End")).fill(iso(120))
    page.get_by_label("Apply before").fill(iso(20))
    page.get_by_label("Municipality").fill("Emmen")
    page.get_by_role("button", name="Save and preview").click()

    # then: the preview shows it, not yet public; publishing makes it public
    expect(page.get_by_role("heading", level=1)).to_have_text("BPV-plaats koudetechniek")
    expect(page.get_by_text("Nobody else sees it yet")).to_be_visible()
    page.get_by_role("button", name="Publish").click()
    expect(page.get_by_text("The opportunity is published")).to_be_visible()
    opportunity = Opportunity.objects.get()
    assert opportunity.status == Opportunity.Status.PUBLISHED

    # when: the school member, in a browser of her own, finds it and applies for a student
    school_context = browser.new_context(
        base_url=live_server.url, locale="nl-NL", viewport=VIEWPORT
    )
    school_context.set_default_timeout(10_000)
    try:
        school_page = school_context.new_page()
        school_context.add_cookies(
            [{"name": "portal_language", "value": "en", "url": live_server.url}]
        )
        _log_in(school_context, live_server, school_member.user)
        school_page.goto(f"/{tenant_a.tenant.slug}/stages/school/")
        school_page.get_by_role("link", name="BPV-plaats koudetechniek").click()
        assert_accessible(school_page)
        school_page.get_by_label("Student's first name").fill("Lotte")
        school_page.get_by_label("Initial of the last name").fill("V")
        school_page.get_by_label(re.compile(r"^Level")).select_option(label="MBO level 3")
        school_page.get_by_label(re.compile(r"^Programme")).fill("Koudetechniek")
        school_page.get_by_role("button", name="Send the application").click()

        # then: her application page, with the thread; she writes a message in place
        expect(school_page.get_by_role("heading", level=1)).to_have_text(
            "Lotte V. for BPV-plaats koudetechniek"
        )
        school_page.get_by_label("Your message").fill("Lotte heeft haar VCA al.")
        school_page.get_by_role("button", name="Send message").click()
        thread = school_page.get_by_role("log")
        expect(thread).to_contain_text("Lotte heeft haar VCA al.")
        expect(school_page.get_by_label("Your message")).to_have_value("")
        assert_accessible(school_page)
        application = Application.objects.get()

        # when: the company opens the application and accepts it
        page.goto(f"/{tenant_a.tenant.slug}/stages/company/applications/{application.pk}/")
        expect(page.get_by_role("log")).to_contain_text("Lotte heeft haar VCA al.")
        assert_accessible(page)
        page.get_by_role("button", name="Accept").click()

        # then: the placement is planned, and on the company's list
        expect(page.get_by_text("The application was accepted")).to_be_visible()
        page.goto(f"/{tenant_a.tenant.slug}/stages/company/placements/")
        expect(page.get_by_role("table", name="Placements")).to_contain_text("Lotte V.")
        assert_accessible(page)

        # ... and on the school's list
        school_page.goto(f"/{tenant_a.tenant.slug}/stages/school/placements/")
        placements = school_page.get_by_role("table", name="Placements")
        expect(placements).to_contain_text("Lotte V.")
        expect(placements).to_contain_text(tenant_a.company.name)
        assert_accessible(school_page)
    finally:
        school_context.close()

    placement = Placement.objects.get()
    assert placement.status == Placement.Status.PLANNED
    opportunity.refresh_from_db()
    assert (opportunity.places_taken, opportunity.status) == (1, Opportunity.Status.FILLED)


def _log_in(context, live_server, user) -> None:
    """The session of ``user`` in a second browser context (the fixture serves the first)."""
    client = Client()
    client.force_login(user)
    context.add_cookies(
        [
            {
                "name": settings.SESSION_COOKIE_NAME,
                "value": client.cookies[settings.SESSION_COOKIE_NAME].value,
                "url": live_server.url,
            }
        ]
    )


def test_the_other_member_pages_of_the_stage_market_are_accessible(
    page: Page, live_server, log_in, choose_language, tenant_a: TenantWorld
):
    # given: an opportunity taken offline with a reason, another with a completed placement
    # and a message, as the services leave them
    slug = tenant_a.tenant.slug
    offline = published(tenant_a, title="Offline gehaald")
    opportunity_services.opportunity_unpublish(
        tenant=tenant_a.tenant,
        actor=tenant_a.member(Role.ADMIN).user,
        opportunity=offline,
        reason="Geen leerdoelen.",
    )
    tenant_a.school.education_levels = ["mbo3"]
    tenant_a.school.save()
    opportunity = published(tenant_a, title="Stage werktuigbouw", places=3)
    placement = accept(tenant_a, submit(tenant_a, opportunity))
    Placement.objects.filter(pk=placement.pk).update(status=Placement.Status.COMPLETED)
    published(tenant_a, title="Nog open")
    choose_language("en")

    # when: the company member visits its pages, then each is accessible
    log_in(tenant_a.member(Role.COMPANY).user)
    company_pages = [
        "stages/company/",
        f"stages/company/{offline.pk}/",
        f"stages/company/{offline.pk}/preview/",
        "stages/company/applications/",
        f"stages/company/placements/{placement.pk}/",
    ]
    for path in company_pages:
        page.goto(f"/{slug}/{path}")
        expect(page.get_by_role("heading", level=1)).to_be_visible()
        assert_accessible(page)
    page.goto(f"/{slug}/stages/company/{offline.pk}/")
    expect(page.get_by_text("Geen leerdoelen.")).to_be_visible()

    # ... and so does the school member, and the programme office
    log_in(tenant_a.member(Role.RELATIONS).user)
    for path in ("stages/school/", "stages/school/applications/"):
        page.goto(f"/{slug}/{path}")
        expect(page.get_by_role("heading", level=1)).to_be_visible()
        assert_accessible(page)
    log_in(tenant_a.member(Role.ADMIN).user)
    for path in ("stages/moderate/", f"stages/moderate/{opportunity.pk}/"):
        page.goto(f"/{slug}/{path}")
        expect(page.get_by_role("heading", level=1)).to_be_visible()
        assert_accessible(page)
