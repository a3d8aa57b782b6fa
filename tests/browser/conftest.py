"""Browser tests: a real Chromium driven by Playwright against pytest-django's live server.

A browser test module marks itself with::

    pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

``transaction=True`` because the live server answers from another thread with
its own database connection: it only sees data the test has committed.

Playwright's own browser download does not work here (and is not wanted in
CI); the tests drive Debian's Chromium. Without it they are skipped on a
developer's machine, and fail loudly when ``CI=true``.
"""

from __future__ import annotations

import functools
import json
import os
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from django.conf import settings
from django.test import Client
from playwright.sync_api import Browser, BrowserContext, ConsoleMessage, Page, sync_playwright

from portal.models import Membership, User
from portal.roles import Role
from portal.tests.factories import TEST_PASSWORD, MembershipFactory, UserFactory
from tests.conftest import TenantWorld

# Playwright's sync API runs an asyncio event loop in the test thread, so Django
# would refuse every ORM call the test itself makes ("you cannot call this from
# an async context"). The tests are still plain synchronous code.
os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
AXE_SOURCE_PATH = Path(__file__).parent / "vendor" / "axe.min.js"
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
BLOCKING_IMPACTS = {"serious", "critical"}
# Wide enough for the desktop header, as most programme offices see it.
VIEWPORT = {"width": 1280, "height": 900}


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    if not CHROMIUM.exists():
        reason = f"Chromium not installed: run `apt-get install chromium` (expected at {CHROMIUM})"
        if os.environ.get("CI") == "true":
            pytest.fail(f"{reason}; browser tests may not be skipped in CI", pytrace=False)
        pytest.skip(reason)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def context(browser: Browser, live_server) -> Iterator[BrowserContext]:
    """A fresh browser profile per test: no cookies, Dutch, desktop size.

    The site's Content Security Policy stays in force (no ``bypass_csp``): a
    template that slips in an inline script or style must fail here as it
    would for a visitor.
    """
    context = browser.new_context(base_url=live_server.url, locale="nl-NL", viewport=VIEWPORT)
    context.set_default_timeout(10_000)
    yield context
    context.close()


@pytest.fixture
def page(request: pytest.FixtureRequest, context: BrowserContext) -> Iterator[Page]:
    """A tab in ``context``; the test fails if the page breaks its Content Security Policy."""
    if request.node.get_closest_marker("browser") is None:
        pytest.fail("Mark browser tests with @pytest.mark.browser.", pytrace=False)
    page = context.new_page()
    csp_violations: list[str] = []

    def record(message: ConsoleMessage) -> None:
        if message.type == "error" and "Content Security Policy" in message.text:
            csp_violations.append(f"{page.url}: {message.text}")

    page.on("console", record)
    yield page
    if csp_violations:
        pytest.fail("Content Security Policy violations:\n" + "\n".join(csp_violations))


@pytest.fixture
def choose_language(context: BrowserContext, live_server) -> Callable[[str], None]:
    """``choose_language("en")``: speak English from the next request on, as the switch does."""

    def choose(language: str) -> None:
        context.add_cookies(
            [{"name": settings.LANGUAGE_COOKIE_NAME, "value": language, "url": live_server.url}]
        )

    return choose


@pytest.fixture
def log_in(context: BrowserContext, live_server) -> Callable[[User], None]:
    """``log_in(user)``: hand the browser the session cookie of a ``Client.force_login``.

    For tests about something other than logging in; the journey in
    test_journeys.py logs in through the real form.
    """

    def log_in_as(user: User) -> None:
        client = Client()
        client.force_login(user)
        session_key = client.cookies[settings.SESSION_COOKIE_NAME].value
        context.add_cookies(
            [{"name": settings.SESSION_COOKIE_NAME, "value": session_key, "url": live_server.url}]
        )

    return log_in_as


def log_in_through_form(page: Page, *, email: str, password: str = TEST_PASSWORD) -> None:
    """Sign in through allauth's login page, as a person does."""
    page.goto("/accounts/login/")
    page.locator("input[name=login]").fill(email)
    page.locator("input[name=password]").fill(password)
    page.locator("main form button[type=submit]").click()
    page.wait_for_load_state()


def assert_accessible(page: Page) -> None:
    """Fail when axe-core finds a serious or critical WCAG 2.0/2.1 A or AA violation.

    axe is injected with ``page.evaluate`` (the DevTools protocol), not
    ``page.add_script_tag``: the latter adds an inline ``<script>`` that the
    site's CSP (``script-src 'self'``) rightly blocks, and ``bypass_csp``
    would switch the CSP off for the whole page, hiding the breakage that an
    inline style or script causes for real visitors.
    """
    page.wait_for_load_state("load")
    if not page.evaluate("() => typeof window.axe === 'object'"):
        page.evaluate(_axe_source())
    results = page.evaluate(
        """async (tags) => {
            const results = await axe.run(document, {
                runOnly: {type: "tag", values: tags},
                resultTypes: ["violations"],
            });
            return results.violations;
        }""",
        AXE_TAGS,
    )
    blocking = [v for v in results if v["impact"] in BLOCKING_IMPACTS]
    if blocking:
        pytest.fail(_describe(page, blocking), pytrace=False)


def _describe(page: Page, violations: list[dict]) -> str:
    lang = page.evaluate("() => document.documentElement.lang")
    lines = [f"axe-core: {len(violations)} serious/critical violation(s) on {page.url} [{lang}]"]
    for violation in violations:
        lines.append(
            f"- {violation['id']} ({violation['impact']}): {violation['help']}"
            f" <{violation['helpUrl']}>"
        )
        for node in violation["nodes"]:
            target = " ".join(t if isinstance(t, str) else json.dumps(t) for t in node["target"])
            lines.append(f"    {target}")
            lines.append(f"      {node['html'][:200]}")
            summary = node.get("failureSummary", "").replace("\n", " ").strip()
            if summary:
                lines.append(f"      {summary[:300]}")
    return "\n".join(lines)


@functools.cache
def _axe_source() -> str:
    return AXE_SOURCE_PATH.read_text(encoding="utf-8")


@dataclass
class TwoTenantUser:
    """One person with a role in two tenants: programme office in A, programme lead in B."""

    user: User
    in_a: Membership
    in_b: Membership


@pytest.fixture
def two_tenant_user(tenant_a: TenantWorld, tenant_b: TenantWorld) -> TwoTenantUser:
    user = UserFactory(email="beide@example.org", full_name="Bo Beide")
    return TwoTenantUser(
        user=user,
        in_a=MembershipFactory(tenant=tenant_a.tenant, user=user, role=Role.ADMIN),
        in_b=MembershipFactory(tenant=tenant_b.tenant, user=user, role=Role.LEAD),
    )


def pytest_report_header(config) -> str:
    if CHROMIUM.exists():
        return f"browser tests: Chromium at {CHROMIUM}"
    return f"browser tests: Chromium not installed: run `apt-get install chromium` ({CHROMIUM})"
