"""Journeys through the portal as a person makes them, in a real browser."""

import pytest
from playwright.sync_api import Page, expect

from tests.browser.conftest import TwoTenantUser, log_in_through_form

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_member_of_two_partnerships_switches_between_them_and_between_languages(
    page: Page, live_server, two_tenant_user: TwoTenantUser
):
    # given: Bo is programme office in Verband A and programme lead in Verband B

    # when: Bo logs in through the login page
    log_in_through_form(page, email=two_tenant_user.user.email)

    # then: the home page, in Dutch, lists both partnerships
    expect(page).to_have_url(f"{live_server.url}/")
    expect(page.locator("html")).to_have_attribute("lang", "nl")
    mine = page.get_by_role("region", name="Jouw samenwerkingsverbanden")
    expect(mine.get_by_role("heading", level=3)).to_have_text(["Verband A", "Verband B"])
    expect(mine).to_contain_text("Programmabureau")
    expect(mine).to_contain_text("Programmaleider")

    # when: Bo opens Verband A's overview
    mine.get_by_role("link", name="Verband A").click()

    # then
    expect(page).to_have_url(f"{live_server.url}/verband-a/dashboard/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Welkom bij Verband A")
    expect(page.locator(".portal-facts")).to_contain_text("Programmabureau")

    # when: Bo switches to Verband B with the switcher in the header
    switcher = page.get_by_role("banner").get_by_role(
        "navigation", name="Jouw samenwerkingsverbanden"
    )
    switch = switcher.get_by_text("Wissel van samenwerkingsverband")
    expect(switcher.get_by_role("link", name="Verband B")).to_be_hidden()
    switch.click()
    expect(switcher.get_by_role("link", name="Verband A")).to_have_attribute("aria-current", "page")
    switcher.get_by_role("link", name="Verband B").click()

    # then: Verband B's overview, with Bo's role there
    expect(page).to_have_url(f"{live_server.url}/verband-b/dashboard/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Welkom bij Verband B")
    expect(page.locator(".portal-facts")).to_contain_text("Programmaleider")
    expect(page.get_by_role("banner")).to_contain_text("Verband B")

    # when: Bo switches the language to English
    page.get_by_test_id("language-en").click()

    # then: the same page, in English
    expect(page).to_have_url(f"{live_server.url}/verband-b/dashboard/")
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page.get_by_role("heading", level=1)).to_have_text("Welcome to Verband B")
    expect(page.locator(".portal-facts")).to_contain_text("Programme lead")
    expect(page.get_by_role("navigation", name="Main menu")).to_contain_text("Overview")
    expect(page.get_by_role("banner").get_by_text("Switch partnership")).to_be_visible()
    expect(page.get_by_test_id("language-en")).to_have_count(0)

    # when: and back to Dutch
    page.get_by_test_id("language-nl").click()

    # then
    expect(page).to_have_url(f"{live_server.url}/verband-b/dashboard/")
    expect(page.locator("html")).to_have_attribute("lang", "nl")
    expect(page.get_by_role("heading", level=1)).to_have_text("Welkom bij Verband B")
    expect(page.get_by_role("navigation", name="Hoofdmenu")).to_contain_text("Overzicht")
    expect(page.get_by_test_id("language-en")).to_be_visible()
