"""The organisation list, form and CRM settings in a real browser: axe-core clean in both
languages, and the filter form updating the results in place (htmx) with a shareable URL."""

from __future__ import annotations

import datetime
import os
import re
from pathlib import Path

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from partnerships.models import Organisation
from partnerships.tests.factories import OrganisationFactory, SchoolFactory, SectorFactory
from portal.roles import Role
from tests.browser.conftest import assert_accessible

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# Set to a folder to keep screenshots of the pages for a look by eye.
SCREENSHOTS = os.environ.get("PORTAL_SCREENSHOTS")


def screenshot(page: Page, name: str) -> None:
    if SCREENSHOTS:
        page.screenshot(path=str(Path(SCREENSHOTS) / f"{name}.png"), full_page=True)


def crm_world(tenant) -> None:
    htsm = SectorFactory(tenant=tenant, name="HTSM")
    chemie = SectorFactory(tenant=tenant, name="Chemie")
    OrganisationFactory(
        tenant=tenant,
        name="Hondsrug Precisietechniek BV",
        municipality="Emmen",
        last_contact_on=timezone.localdate() - datetime.timedelta(days=20),
        tags=["ambassadeur"],
    ).sectors.set([htsm])
    OrganisationFactory(
        tenant=tenant,
        name="Vechtdal Chemie BV",
        municipality="Hardenberg",
        last_contact_on=timezone.localdate() - datetime.timedelta(days=500),
    ).sectors.set([chemie, htsm])
    OrganisationFactory(
        tenant=tenant, name="Europark Logistiek BV", municipality="Coevorden", status="prospect"
    )
    SchoolFactory(tenant=tenant, name="Drenthe College", municipality="Emmen", brin_code="25LY")
    for i in range(30):
        OrganisationFactory(tenant=tenant, name=f"Techniekbedrijf {i:02d} BV", municipality="Assen")


@pytest.mark.parametrize("language", ["nl", "en"])
def test_organisation_list_is_accessible(page: Page, log_in, choose_language, tenant_a, language):
    # given a relationship manager and a tenant with organisations over two pages
    crm_world(tenant_a.tenant)
    choose_language(language)
    log_in(tenant_a.member(Role.RELATIONS).user)

    # when they open the list
    response = page.goto(f"/{tenant_a.tenant.slug}/organisations/")

    # then it is the list, without serious accessibility violations
    assert response.status == 200
    expect(page.locator("table tbody tr")).to_have_count(25)
    screenshot(page, f"organisation-list-{language}")
    assert_accessible(page)


def test_search_updates_the_results_in_place_with_a_shareable_url(
    page: Page, log_in, choose_language, tenant_a
):
    # given a relationship manager on the list
    crm_world(tenant_a.tenant)
    choose_language("en")
    log_in(tenant_a.member(Role.RELATIONS).user)
    page.goto(f"/{tenant_a.tenant.slug}/organisations/")
    page.evaluate("() => { window.notReloaded = true; }")

    # when they type a part of a name and choose a municipality
    page.get_by_role("searchbox", name="Search").fill("hondsrug")
    expect(page.locator("#organisation-results tbody tr")).to_have_count(1)
    page.get_by_label("Municipality").select_option("Emmen")

    # then the results change without a page load, and the URL holds the filters
    expect(page.locator("#organisation-results tbody tr")).to_have_count(1)
    expect(page.locator("#organisation-results")).to_contain_text("Hondsrug Precisietechniek BV")
    expect(page).to_have_url(re.compile(r"q=hondsrug.*municipality=Emmen"))
    assert page.evaluate("() => window.notReloaded === true")
    assert_accessible(page)

    # and Back brings each earlier form back with its own results
    page.go_back()
    expect(page).to_have_url(re.compile(r"q=hondsrug&"))
    expect(page.get_by_role("searchbox", name="Search")).to_have_value("hondsrug")
    expect(page.get_by_label("Municipality")).to_have_value("")
    expect(page.locator("#organisation-results tbody tr")).to_have_count(1)
    page.go_back()
    expect(page.get_by_role("searchbox", name="Search")).to_have_value("")
    expect(page.locator("#organisation-results tbody tr")).to_have_count(25)

    # and opening the shared URL afresh shows the filtered list
    page.goto(f"/{tenant_a.tenant.slug}/organisations/?q=hondsrug&municipality=Emmen")
    expect(page.locator("#organisation-results tbody tr")).to_have_count(1)
    expect(page.get_by_role("searchbox", name="Search")).to_have_value("hondsrug")
    # (Not earlier: a full-page screenshot leaves marks in the page htmx keeps for Back.)
    screenshot(page, "organisation-list-searched")


def test_pagination_links_keep_filters_in_the_browser(
    page: Page, log_in, choose_language, tenant_a
):
    # given a filtered list over two pages
    crm_world(tenant_a.tenant)
    choose_language("en")
    log_in(tenant_a.member(Role.ADMIN).user)
    page.goto(f"/{tenant_a.tenant.slug}/organisations/?municipality=Assen")
    expect(page.locator("#organisation-results tbody tr")).to_have_count(25)

    # when they go to the next page
    page.get_by_role("link", name="Next").click()

    # then the second page of the same filter is shown
    expect(page.locator("#organisation-results tbody tr")).to_have_count(5)
    expect(page).to_have_url(re.compile(r"municipality=Assen.*page=2"))


def test_log_a_contact_opens_the_dialog_from_a_row(page: Page, log_in, choose_language, tenant_a):
    # given a relationship manager on the list
    crm_world(tenant_a.tenant)
    choose_language("en")
    log_in(tenant_a.member(Role.RELATIONS).user)
    page.goto(f"/{tenant_a.tenant.slug}/organisations/?q=hondsrug")

    # when they choose "Log a contact" in the company's row
    page.get_by_role("link", name="Log a contact with Hondsrug Precisietechniek BV").click()

    # then the contact log dialog opens on the list page itself
    expect(page.locator("#dialog dialog[open]")).to_be_visible()
    expect(page).to_have_url(re.compile(r"/organisations/\?q=hondsrug$"))
    assert_accessible(page)


@pytest.mark.parametrize("language", ["nl", "en"])
def test_organisation_form_with_errors_and_duplicate_warning_is_accessible(
    page: Page, log_in, choose_language, tenant_a, language
):
    # given a relationship manager and an existing company
    crm_world(tenant_a.tenant)
    choose_language(language)
    log_in(tenant_a.member(Role.RELATIONS).user)
    page.goto(f"/{tenant_a.tenant.slug}/organisations/new/")
    assert_accessible(page)

    # when they submit a bad KvK number, then a name like the existing company's
    page.locator("#id_kind").select_option("company")
    page.locator("#id_name").fill("Hondsrug Precisietechniek B.V.")
    page.locator("#id_kvk_number").fill("123")
    page.locator("main form button[type=submit]").last.click()
    expect(page.locator("#id_kvk_number_error")).to_be_visible()
    assert_accessible(page)
    page.locator("#id_kvk_number").fill("")
    page.locator("main form button[type=submit]").last.click()

    # then the warning lists the existing company, and the page is still accessible
    expect(page.locator(".portal-duplicates")).to_contain_text("Hondsrug Precisietechniek BV")
    screenshot(page, f"organisation-form-duplicate-{language}")
    assert_accessible(page)

    # and saving anyway saves it
    page.locator("#id_save_anyway").check()
    page.locator("main form button[type=submit]").last.click()
    expect(page.locator(".portal-duplicates")).to_have_count(0)
    assert Organisation.objects.filter(name="Hondsrug Precisietechniek B.V.").exists()


@pytest.mark.parametrize("language", ["nl", "en"])
def test_crm_settings_are_accessible(page: Page, log_in, choose_language, tenant_a, language):
    # given the programme office and a few sectors
    crm_world(tenant_a.tenant)
    choose_language(language)
    log_in(tenant_a.member(Role.ADMIN).user)

    # when they open the CRM settings and make a mistake
    page.goto(f"/{tenant_a.tenant.slug}/crm/settings/")
    assert_accessible(page)
    page.locator("#id_dormancy-dormant_after_months").fill("0")
    page.locator("#id_dormancy-dormant_after_months").press("Enter")

    # then the error is shown, accessibly
    expect(page.locator("#id_dormancy-dormant_after_months_error")).to_be_visible()
    screenshot(page, f"crm-settings-{language}")
    assert_accessible(page)
