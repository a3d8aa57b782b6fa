"""WCAG 2.1 AA, checked with axe-core in a real browser, on every page in both languages.

A page joins PAGES when it is added to the portal; a page with states of its
own (an open menu, a form with errors) gets a test of its own below.
"""

from dataclasses import dataclass

import pytest
from playwright.sync_api import Page, expect

from tests.browser.conftest import TwoTenantUser, assert_accessible

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

LANGUAGES = ["nl", "en"]


@dataclass(frozen=True)
class PortalPage:
    path: str
    signed_in: bool = False
    open_switcher: bool = False


PAGES = {
    "login": PortalPage("/accounts/login/"),
    "home-anonymous": PortalPage("/"),
    "home-signed-in": PortalPage("/", signed_in=True),
    "tenant-public": PortalPage("/verband-a/"),
    # The tenant switcher is opened here, so its menu is checked too.
    "tenant-dashboard": PortalPage("/verband-a/dashboard/", signed_in=True, open_switcher=True),
    "members-as-admin": PortalPage("/verband-a/members/", signed_in=True),
}


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("name", PAGES)
def test_page_has_no_serious_accessibility_violations(
    page: Page,
    live_server,
    log_in,
    choose_language,
    two_tenant_user: TwoTenantUser,
    name: str,
    language: str,
):
    # given: Bo is programme office of Verband A (the tenant of the tenant pages)
    portal_page = PAGES[name]
    choose_language(language)
    if portal_page.signed_in:
        log_in(two_tenant_user.user)

    # when
    response = page.goto(portal_page.path)
    if portal_page.open_switcher:
        page.locator(".portal-switcher summary").click()
        expect(page.locator(".portal-switcher ul")).to_be_visible()

    # then: the page itself, not a redirect to the login page, in the chosen language
    assert response is not None and response.status == 200
    assert page.url == f"{live_server.url}{portal_page.path}"
    expect(page.locator("html")).to_have_attribute("lang", language)
    assert_accessible(page)


@pytest.mark.parametrize("language", LANGUAGES)
def test_login_page_with_an_error_has_no_serious_accessibility_violations(
    page: Page, choose_language, two_tenant_user: TwoTenantUser, language: str
):
    # given
    choose_language(language)
    page.goto("/accounts/login/")

    # when: a wrong password
    page.locator("input[name=login]").fill(two_tenant_user.user.email)
    page.locator("input[name=password]").fill("not-the-password")
    page.locator("main form button[type=submit]").click()

    # then
    expect(page.get_by_role("alert")).to_be_visible()
    expect(page.locator("html")).to_have_attribute("lang", language)
    assert_accessible(page)
