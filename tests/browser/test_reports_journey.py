"""Reports in a real browser: a funder logs in, finds the quarterly report and downloads it
(the very bytes that were stored); the programme office requests the report of an earlier
quarter and watches a real Celery worker make it, the page following its progress with htmx
until the download appears. The reports overview, the definition page, the run page and the
overview across partnerships are checked with axe-core on the way, in Dutch."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest
from django.utils import timezone
from django.utils.functional import empty
from playwright.sync_api import Page, expect

from agenda.tests.factories import ActionFactory, ActionLineFactory, IndicatorFactory, ThemeFactory
from portal.roles import Role
from portal.tests.factories import MembershipFactory
from reporting.models import ReportDefinition, ReportRun, report_storage
from reporting.periods import finished_periods
from reporting.services.runs import report_run_generate
from reporting.tests.factories import ReportDefinitionFactory, ReportRunFactory
from tests.browser.conftest import assert_accessible, log_in_through_form
from tests.conftest import TenantWorld

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

WORKER_DEADLINE_MS = 90_000


@pytest.fixture(autouse=True)
def reports_root(tmp_path, settings):
    settings.REPORTS_ROOT = str(tmp_path / "reports")
    report_storage._wrapped = empty
    yield
    report_storage._wrapped = empty


def quarterly_report(world: TenantWorld) -> ReportDefinition:
    """Verband A's quarterly report for its funder, over a small agenda."""
    tenant = world.tenant
    line = ActionLineFactory(tenant=tenant, theme=ThemeFactory(tenant=tenant, title="Talent"))
    action = ActionFactory(tenant=tenant, action_line=line, title="Techniekdagen")
    IndicatorFactory(action=action, name="Aangesloten scholen")
    definition = ReportDefinitionFactory(
        tenant=tenant, title="Kwartaalrapportage Verband A", language="nl"
    )
    definition.recipient_memberships.set([world.member(Role.FUNDER)])
    return definition


def test_funder_finds_the_quarterly_report_and_downloads_it(
    page: Page, live_server, tenant_a: TenantWorld, tenant_b: TenantWorld
):
    # given: the report of the last quarter, made; the funder is funder in A and B
    tenant = tenant_a.tenant
    definition = quarterly_report(tenant_a)
    last = finished_periods("quarter", today=timezone.localdate(), count=1)[0]
    run = ReportRunFactory(
        tenant=tenant, definition=definition, period_start=last.start, period_end=last.end
    )
    run = report_run_generate(tenant_id=tenant.pk, run_id=run.pk)
    assert run.status == ReportRun.Status.DONE
    with report_storage.open(run.pdf.name, "rb") as stored:
        stored_bytes = stored.read()
    funder = tenant_a.member(Role.FUNDER).user
    MembershipFactory(tenant=tenant_b.tenant, user=funder, role=Role.FUNDER)
    ReportDefinitionFactory(tenant=tenant_b.tenant, title="Halfjaarrapportage Verband B")

    # when: she logs in and opens the reports from the menu of Verband A
    log_in_through_form(page, email=funder.email)
    page.goto(f"/{tenant.slug}/dashboard/")
    page.locator(f'nav.portal-menu a[href="/{tenant.slug}/reports/"]').click()

    # then: the overview lists the report with its latest quarter, done
    expect(page).to_have_url(f"{live_server.url}/{tenant.slug}/reports/")
    row = page.get_by_role("row", name="Kwartaalrapportage Verband A")
    expect(row).to_contain_text(last.label("nl"))
    assert_accessible(page)

    # when: she opens the report, then the quarter
    row.get_by_role("link", name="Kwartaalrapportage Verband A", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Kwartaalrapportage Verband A")
    # no recipients for a funder: personal data
    expect(page.get_by_text(funder.email)).to_have_count(0)
    assert_accessible(page)
    page.locator(f'a[href="/{tenant.slug}/reports/runs/{run.pk}/"]').first.click()
    expect(page.locator("#run-status")).to_have_attribute("data-status", "done")
    assert_accessible(page)

    # and downloads the PDF
    with page.expect_download() as downloading:
        page.get_by_test_id("download-report").click()
    download = downloading.value
    content = Path(download.path()).read_bytes()

    # then: it is the stored report, under a readable name
    assert content.startswith(b"%PDF")
    assert content == stored_bytes
    assert hashlib.sha256(content).hexdigest() == run.sha256
    assert download.suggested_filename.startswith("kwartaalrapportage-verband-a-")
    assert download.suggested_filename.endswith(".pdf")

    # when: she opens her overview across partnerships from the reports page
    page.goto(f"/{tenant.slug}/reports/")
    page.locator('main a[href="/reports/"]').click()

    # then: both partnerships are there, with A's key figures
    expect(page).to_have_url(f"{live_server.url}/reports/")
    expect(page.get_by_role("heading", level=2, name="Verband A")).to_be_visible()
    expect(page.get_by_role("heading", level=2, name="Verband B")).to_be_visible()
    expect(page.get_by_text("Halfjaarrapportage Verband B")).to_be_visible()
    expect(page.locator("html")).to_have_attribute("lang", "nl")
    assert_accessible(page)


def test_office_requests_a_report_and_watches_the_worker_make_it(
    page: Page, live_server, log_in, celery_worker_thread, settings, tenant_a: TenantWorld
):
    # given: the quarterly report without any run, and a worker on the queue that takes a
    # few seconds per report (so the page surely sees it unfinished first)
    settings.REPORTING_RENDER_DELAY_SECONDS = 4
    tenant = tenant_a.tenant
    definition = quarterly_report(tenant_a)
    earlier = finished_periods("quarter", today=timezone.localdate(), count=2)[1]
    log_in(tenant_a.member(Role.ADMIN).user)
    page.goto(f"/{tenant.slug}/reports/new/")
    expect(page.locator("input[name=sections]")).to_have_count(len(ReportDefinition.Section))
    assert_accessible(page)

    # when: the programme office opens the report and requests the quarter before last
    page.goto(f"/{tenant.slug}/reports/{definition.pk}/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Kwartaalrapportage Verband A")
    assert_accessible(page)
    page.locator("select[name=period_start]").select_option(earlier.start.isoformat())
    page.locator(f'form[action="/{tenant.slug}/reports/{definition.pk}/runs/new/"] button').click()

    # then: the run page shows it queued or running, polling, in a polite live region
    run = ReportRun.objects.get(definition=definition)
    assert (run.period_start, run.period_end) == (earlier.start, earlier.end)
    expect(page).to_have_url(f"{live_server.url}/{tenant.slug}/reports/runs/{run.pk}/")
    status = page.locator("#run-status")
    expect(page.locator("[aria-live=polite] #run-status")).to_have_count(1)
    assert status.get_attribute("data-status") in ("queued", "running")
    expect(status).to_have_attribute("hx-trigger", "every 2s")
    expect(page.get_by_test_id("download-report")).to_have_count(0)
    assert_accessible(page)

    # and: without reloading, the page follows the worker until the download appears
    expect(status).to_have_attribute("data-status", "done", timeout=WORKER_DEADLINE_MS)
    expect(page.get_by_test_id("download-report")).to_be_visible()
    expect(status).not_to_have_attribute("hx-trigger", "every 2s")
    run.refresh_from_db()
    assert run.status == ReportRun.Status.DONE
    assert run.pages and run.pages > 1
    assert_accessible(page)
