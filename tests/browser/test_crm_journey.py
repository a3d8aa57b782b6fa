"""A relationship manager's journey through the CRM, in a real browser: find a company, log a
contact with a follow-up in the dialog, and find the follow-up on the dashboard. The pages and
the open dialog are checked with axe-core on the way."""

import datetime
import re

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from partnerships.models import Interaction
from partnerships.tests.factories import ContactFactory, OrganisationFactory
from portal.roles import Role
from tests.browser.conftest import assert_accessible, log_in_through_form
from tests.conftest import TenantWorld

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_relationship_manager_logs_a_contact_with_a_follow_up(
    page: Page, live_server, choose_language, tenant_a: TenantWorld
):
    # given: Fatima manages the relations of Verband A College; the partnership knows a
    # company with a contact person there
    manager = tenant_a.member(Role.RELATIONS)
    manager.user.full_name = "Fatima El Amrani"
    manager.user.save()
    company = OrganisationFactory(
        tenant=tenant_a.tenant, name="Hondsrug Precisietechniek BV", municipality="Emmen"
    )
    ContactFactory(organisation=company, name="Els Visser", function="Praktijkopleider")
    follow_up_on = timezone.localdate() + datetime.timedelta(days=3)
    choose_language("en")

    # when: she logs in and searches the organisation list for the company
    log_in_through_form(page, email=manager.user.email)
    page.goto("/verband-a/organisations/")
    page.get_by_role("searchbox").first.fill("hondsrug")
    page.get_by_role("button", name="Search").click()
    expect(page.get_by_role("link", name=tenant_a.company.name, exact=True)).to_have_count(0)
    page.get_by_role("link", name="Hondsrug Precisietechniek BV", exact=True).click()

    # then: the company's page
    expect(page.get_by_role("heading", level=1)).to_have_text("Hondsrug Precisietechniek BV")
    expect(
        page.get_by_role("table", name="Contacts at Hondsrug Precisietechniek BV")
    ).to_contain_text("Els Visser")
    assert_accessible(page)

    # when: she opens "Log a contact"
    opener = page.locator("#log-page")
    opener.click()

    # then: a modal dialog for this company, with the focus in it
    dialog = page.get_by_role("dialog", name="Log a contact")
    expect(dialog).to_be_visible()
    expect(
        dialog.get_by_role("checkbox", name="Hondsrug Precisietechniek BV (Emmen)", exact=True)
    ).to_be_checked()
    expect(dialog.get_by_label("Date", exact=True)).to_be_focused()
    assert_accessible(page)

    # when: Escape closes it, and it is opened again
    page.keyboard.press("Escape")
    expect(dialog).to_have_count(0)
    expect(opener).to_be_focused()
    opener.click()
    expect(dialog).to_be_visible()

    # when: she saves without a subject
    dialog.get_by_role("button", name="Save").click()

    # then: the dialog stays, with the error, and the focus on the field to fix
    expect(dialog.get_by_text("This field is required.")).to_be_visible()
    expect(dialog.get_by_label("Subject")).to_be_focused()

    # when: she fills in the visit with Els and a follow-up, and saves
    dialog.get_by_label("Kind of contact").select_option(label="Company visit")
    dialog.get_by_role("checkbox", name="Els Visser, Praktijkopleider").check()
    dialog.get_by_label("Subject").fill("Rondleiding werkplaats en BPV-plaatsen")
    dialog.get_by_label("Notes").fill("Alleen voor onze school.")
    dialog.get_by_label("Follow up on").fill(follow_up_on.isoformat())
    dialog.get_by_role("button", name="Save").click()

    # then: the dialog closes, a message says so, and the page's contact log shows the visit
    expect(page.get_by_role("dialog")).to_have_count(0)
    expect(page.get_by_role("status").filter(has_text="was logged")).to_be_visible()
    timeline = page.locator(".portal-timeline")
    expect(timeline).to_contain_text("Rondleiding werkplaats en BPV-plaatsen")
    expect(timeline).to_contain_text("Els Visser")
    expect(page.locator("#follow-ups-heading + ul")).to_contain_text("Fatima El Amrani")
    interaction = Interaction.objects.for_tenant(tenant_a.tenant).get()
    assert interaction.logged_by == tenant_a.school
    assert interaction.follow_up_assignee == manager.user

    # when: she opens her dashboard
    page.goto("/verband-a/crm/")

    # then: the follow-up is among the next two weeks' ones, with a button to log the next
    upcoming = page.get_by_role("table", name="Follow-ups in the next two weeks")
    expect(upcoming).to_contain_text("Rondleiding werkplaats en BPV-plaatsen")
    expect(upcoming).to_contain_text("Hondsrug Precisietechniek BV")
    expect(
        upcoming.get_by_role("link", name="Log a contact with Hondsrug Precisietechniek BV")
    ).to_be_visible()
    assert_accessible(page)


def test_dialog_finds_an_organisation_as_you_type(
    page: Page, live_server, choose_language, log_in, tenant_a: TenantWorld
):
    # given: a relationship manager on her dashboard, and a company with a contact
    manager = tenant_a.member(Role.RELATIONS)
    company = OrganisationFactory(tenant=tenant_a.tenant, name="Vechtdal Chemie BV")
    ContactFactory(organisation=company, name="Sem de Boer", function="Procesoperator")
    choose_language("en")
    log_in(manager.user)
    page.goto("/verband-a/crm/")

    # when: she opens "Log a contact" without a company, and types part of its name
    page.get_by_role("link", name="Log a contact", exact=True).click()
    dialog = page.get_by_role("dialog", name="Log a contact")
    search = dialog.get_by_role("searchbox", name="Find an organisation")
    expect(search).to_be_focused()
    search.press_sequentially("vechtdal")
    search.press("Enter")

    # then: the match is offered to tick (Enter searched, it did not submit the form)
    match = dialog.get_by_role("checkbox", name="Vechtdal Chemie BV (Emmen)", exact=True)
    expect(match).to_be_visible()
    expect(dialog.get_by_text("This field is required.")).to_have_count(0)

    # when: she ticks it; its people appear; she saves a call
    match.check()
    dialog.get_by_role("checkbox", name="Sem de Boer, Procesoperator").check()
    dialog.get_by_label("Kind of contact").select_option(label="Phone call")
    dialog.get_by_label("Subject").fill("Terugbellen over gastles")
    dialog.get_by_role("button", name="Save").click()

    # then: the dialog closes and the dashboard's recent contact moments show the call
    expect(page.get_by_role("dialog")).to_have_count(0)
    recent = page.get_by_role("table", name="Recent contact moments")
    expect(recent).to_contain_text("Terugbellen over gastles")
    expect(recent).to_contain_text("Vechtdal Chemie BV")
    interaction = Interaction.objects.for_tenant(tenant_a.tenant).get()
    assert [c.name for c in interaction.contacts.all()] == ["Sem de Boer"]


@pytest.mark.parametrize(
    "page_name", ["contact-form", "contact-erase", "calendar", "log-full-page", "log-errors"]
)
def test_other_crm_pages_are_accessible(
    page: Page, live_server, choose_language, log_in, tenant_a: TenantWorld, page_name: str
):
    # given: the programme office, a company with a contact, a calendar link being made
    contact = ContactFactory(organisation=tenant_a.company, name="Els Visser")
    choose_language("en")
    log_in(tenant_a.member(Role.ADMIN).user)
    slug, company = tenant_a.tenant.slug, tenant_a.company.pk

    # when: the page is opened (in the state that has the most on it)
    if page_name == "contact-form":
        page.goto(f"/{slug}/organisations/{company}/contacts/new/")
    elif page_name == "contact-erase":
        page.goto(f"/{slug}/contacts/{contact.pk}/erase/")
    elif page_name == "calendar":
        page.goto(f"/{slug}/crm/calendar/")
        page.get_by_role("button", name="Make a calendar link").click()
        expect(page.get_by_label("Calendar link")).to_have_value(re.compile(r"\.ics$"))
    else:
        page.goto(f"/{slug}/interactions/new/?organisation={company}")
        if page_name == "log-errors":
            page.get_by_role("button", name="Save").click()
            expect(page.get_by_text("This field is required.").first).to_be_visible()

    # then
    assert_accessible(page)
