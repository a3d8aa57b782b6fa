"""A programme lead's journey through the agenda, in a real browser: add a measurement on the
indicator page (the chart changes), write and submit the quarter's progress update (the
action's health changes); the programme office approves it and the quarter locks, so a later
edit is refused. The board, the action page, the indicator page and the update form are
checked with axe-core on the way."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from agenda.models import Action, Measurement, ProgressUpdate
from agenda.selectors.updates import period_of
from agenda.tests.factories import (
    ActionFactory,
    ActionLineFactory,
    IndicatorFactory,
    MeasurementFactory,
    MilestoneFactory,
    TargetFactory,
    ThemeFactory,
)
from portal.roles import Role
from tests.browser.conftest import assert_accessible
from tests.conftest import TenantWorld

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_lead_reports_progress_and_the_office_locks_the_quarter(
    page: Page, context, live_server, choose_language, log_in, tenant_a: TenantWorld
):
    # given: Jeroen leads the Bètapunt action, with an indicator behind its path and a
    # milestone due this quarter
    today = timezone.localdate()
    quarter = period_of("quarter", today)
    lead = tenant_a.member(Role.LEAD).user
    lead.full_name = "Jeroen Bakker"
    lead.save()
    tenant = tenant_a.tenant
    theme = ThemeFactory(tenant=tenant, title="Kiezen voor techniek")
    line = ActionLineFactory(tenant=tenant, theme=theme, title="Funderend onderwijs")
    action = ActionFactory(
        tenant=tenant,
        action_line=line,
        title="Bètapunt Noord",
        owner=lead,
        owner_organisation=tenant_a.school,
        starts_on=datetime.date(2024, 1, 1),
        ends_on=datetime.date(2030, 12, 31),
    )
    indicator = IndicatorFactory(
        tenant=tenant,
        action=action,
        name="Aangesloten schoolbesturen",
        baseline_value=Decimal("10"),
        baseline_on=today - datetime.timedelta(days=400),
    )
    TargetFactory(
        tenant=tenant,
        indicator=indicator,
        due_on=today + datetime.timedelta(days=300),
        value=Decimal("100"),
    )
    MeasurementFactory(
        tenant=tenant,
        indicator=indicator,
        measured_on=today - datetime.timedelta(days=200),
        value=Decimal("20"),
    )
    MilestoneFactory(tenant=tenant, action=action, title="Bèta-conferentie", due_on=quarter.start)
    choose_language("en")
    log_in(lead)

    # when: he opens the agenda board
    page.goto(f"/{tenant.slug}/agenda/")

    # then: the action is there, on track, in words
    row = page.get_by_role("row", name="Bètapunt Noord")
    expect(row).to_contain_text("On track")
    expect(row).to_contain_text("Jeroen Bakker")
    assert_accessible(page)

    # when: he opens the action, then its indicator
    row.get_by_role("link", name="Bètapunt Noord").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Bètapunt Noord")
    expect(page.locator("#action-health")).to_contain_text("On track")
    assert_accessible(page)
    page.get_by_role("link", name="Aangesloten schoolbesturen").first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Aangesloten schoolbesturen")
    assert_accessible(page)
    chart_before = page.locator("figure.portal-chart svg").first.inner_html()

    # when: he adds this month's measurement
    form = page.locator("form", has=page.get_by_role("button", name="Add measurement"))
    form.get_by_label("Date").fill(today.isoformat())
    form.get_by_label("Value").fill("85")
    form.get_by_label("Source").fill("Telling Bètapunt")
    form.get_by_role("button", name="Add measurement").click()

    # then: it is stored, listed, and the chart shows it
    expect(page.get_by_role("cell", name="Telling Bètapunt")).to_be_visible()
    assert Measurement.objects.filter(indicator=indicator, value=Decimal("85")).exists()
    assert page.locator("figure.portal-chart svg").first.inner_html() != chart_before

    # when: he writes the progress update of this quarter, at risk, and submits it
    page.goto(f"/{tenant.slug}/agenda/actions/{action.pk}/")
    page.get_by_role("link", name="Write a progress update").click()
    expect(page.get_by_label("Period")).to_have_value(quarter.key)
    assert_accessible(page)
    page.get_by_label("Health").select_option(label="At risk")
    page.get_by_label("What was done").fill("Zes schoolbesturen aangesloten.")
    page.get_by_label("Risks").fill("Twee besturen twijfelen door personeelstekort.")
    page.get_by_role("button", name="Save draft").click()
    page.get_by_role("button", name="Submit for approval").click()

    # then: it waits for approval, and the action is at risk now
    expect(page.get_by_role("status")).to_contain_text("submitted for approval")
    page.get_by_role("link", name="Back to “Bètapunt Noord”").click()
    expect(page.locator("#action-health")).to_contain_text("At risk")
    assert Action.objects.get(pk=action.pk).health == Action.Health.AT_RISK
    update = ProgressUpdate.objects.get(action=action)

    # when: the programme office approves it
    context.clear_cookies()
    choose_language("en")
    log_in(tenant_a.member(Role.ADMIN).user)
    page.goto(f"/{tenant.slug}/agenda/updates/{update.pk}/")
    page.get_by_role("button", name="Approve and lock the period").click()

    # then: the quarter is locked for this action
    expect(page.get_by_role("status").first).to_contain_text(f"{quarter.label} is now locked")
    update.refresh_from_db()
    assert update.status == ProgressUpdate.Status.APPROVED

    # when: Jeroen comes back to change the update, and to mark the milestone done
    context.clear_cookies()
    choose_language("en")
    log_in(lead)
    page.goto(f"/{tenant.slug}/agenda/updates/{update.pk}/edit/")

    # then: the update cannot be changed: the page says why, and offers no form
    expect(page.get_by_text("Locked.")).to_be_visible()
    expect(page.get_by_label("What was done")).to_have_count(0)

    # and: marking the milestone done in the locked quarter is refused, nothing changes
    page.goto(f"/{tenant.slug}/agenda/actions/{action.pk}/")
    page.get_by_role("link", name="Mark done Bèta-conferentie").click()
    page.get_by_label("Done on").fill(today.isoformat())
    page.get_by_label("Evidence").fill("Foto's van de conferentie")
    page.get_by_role("button", name="Mark done").click()
    expect(page.get_by_role("alert")).to_contain_text(f"{quarter.label} of this action is locked")
    assert action.milestones.get().done_on is None


def test_the_other_agenda_pages_are_accessible(
    page: Page, live_server, choose_language, log_in, tenant_a: TenantWorld
):
    # given: an agenda with an owned action, a draft update and two reviews in between which
    # the agenda changed
    from agenda.services.reviews import DecisionInput, review_create

    today = timezone.localdate()
    tenant = tenant_a.tenant
    lead = tenant_a.member(Role.LEAD).user
    line = ActionLineFactory(tenant=tenant, theme=ThemeFactory(tenant=tenant, title="Talent"))
    action = ActionFactory(
        tenant=tenant, action_line=line, title="Techniekdagen", owner=lead, health="at_risk"
    )
    review_create(
        tenant=tenant, actor=lead, held_on=today - datetime.timedelta(days=90), title="Eerste"
    )
    Action.objects.filter(pk=action.pk).update(status=Action.Status.STOPPED)
    ActionFactory(tenant=tenant, action_line=line, title="Gastlessen", owner=lead)
    second = review_create(
        tenant=tenant,
        actor=lead,
        held_on=today,
        title="Tweede",
        decisions=[DecisionInput(kind="action_stopped", description="Gestopt", action=action)],
    )
    choose_language("en")
    log_in(lead)
    slug = tenant.slug

    for path, heading in [
        (f"/{slug}/agenda/?health=at_risk", "Agenda"),
        (f"/{slug}/agenda/actions/new/", "New action"),
        (f"/{slug}/agenda/actions/{action.pk}/links/?q=zzz", "Link contacts and stage places"),
        (f"/{slug}/agenda/actions/{action.pk}/milestones/new/", "New milestone"),
        (f"/{slug}/agenda/mine/", "My actions"),
        (f"/{slug}/agenda/updates-due/", "Updates due"),
        (f"/{slug}/agenda/reviews/", "Reviews"),
        (f"/{slug}/agenda/reviews/new/", "Record a review"),
        (f"/{slug}/agenda/reviews/{second.pk}/", "Tweede"),
    ]:
        # when: each page is opened
        page.goto(path)

        # then: it is the page asked for, and axe-core finds nothing serious
        expect(page.get_by_role("heading", level=1)).to_have_text(heading)
        assert_accessible(page)
