"""The figures' pages in a real Chromium, with the Content Security Policy in force: a lead
adds a measurement and the chart and status change; axe-core finds nothing serious on the
indicator page, the indicator list and the budget pages."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from agenda.models import BudgetEntry, Measurement
from agenda.tests.factories import BudgetEntryFactory
from agenda.tests.figures_data import betapunt, budget_line_in, source_in
from portal.roles import Role
from tests.browser.conftest import assert_accessible

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def desc_of(page) -> str:
    return page.locator("main svg.indicator-chart desc").text_content()


def test_lead_adds_a_measurement_and_the_chart_and_status_change(
    page, log_in, choose_language, tenant_a
):
    # given Bètapunt's indicator, whose latest value (55, end of 2018) is on track
    indicator = betapunt(tenant_a.tenant)
    log_in(tenant_a.member(Role.LEAD).user)
    choose_language("en")
    page.goto(reverse("indicator_detail", args=[tenant_a.tenant.slug, indicator.pk]))
    assert "Latest value 55" in desc_of(page)
    assert page.locator("main .portal-rag").first.text_content() == "On track (green)"
    assert page.locator("main svg.indicator-chart circle.indicator-chart__measurement").count() == 3
    assert_accessible(page)

    # when the lead adds a far lower figure for the end of 2019 through the form
    form = page.locator("form", has=page.get_by_role("heading", name="Add a measurement"))
    form.get_by_label("Date").fill("2019-12-31")
    form.get_by_label("Value").fill("40")
    form.get_by_label("Source").fill("Telling scholen december")
    form.get_by_role("button", name="Add measurement").click()
    page.wait_for_load_state()

    # then the page says so, the chart has a fourth dot and describes the new figures, and
    # the status turned red (the path asked 30 + 47 * 1095 / 1461 = 65.2 for that date)
    assert "The measurement was added." in page.locator(".portal-messages").text_content()
    assert page.locator("main svg.indicator-chart circle.indicator-chart__measurement").count() == 4
    assert "Latest value 40" in desc_of(page)
    assert page.locator("main .portal-rag").first.text_content() == "Behind (red)"
    assert page.locator("main svg.indicator-chart .indicator-chart__latest--red").count() == 1
    assert Measurement.objects.filter(indicator=indicator, value=Decimal(40)).exists()
    assert_accessible(page)


def test_a_bad_measurement_shows_the_error_at_its_field(page, log_in, choose_language, tenant_a):
    indicator = betapunt(tenant_a.tenant)
    log_in(tenant_a.member(Role.LEAD).user)
    choose_language("en")
    page.goto(reverse("indicator_detail", args=[tenant_a.tenant.slug, indicator.pk]))

    form = page.locator("form", has=page.get_by_role("heading", name="Add a measurement"))
    form.get_by_label("Date").fill("2013-05-01")
    form.get_by_label("Value").fill("12")
    form.get_by_role("button", name="Add measurement").click()
    page.wait_for_load_state()

    error = page.locator(".utrecht-form-field-error-message")
    assert "cannot be dated before the baseline" in error.first.text_content()
    assert Measurement.objects.filter(indicator=indicator).count() == 3
    assert_accessible(page)


@pytest.mark.parametrize("language", ["nl", "en"])
def test_figures_pages_are_accessible(page, log_in, choose_language, tenant_a, language):
    # given indicators and a budget with an entry
    tenant = tenant_a.tenant
    betapunt(tenant)
    line = budget_line_in(
        tenant,
        funding_source=source_in(tenant, is_cofinancing=True),
        year=timezone.localdate().year,
    )
    BudgetEntryFactory(budget_line=line, kind=BudgetEntry.Kind.SPENDING, in_kind=True)
    log_in(tenant_a.member(Role.LEAD).user)
    choose_language(language)

    # when each page of the figures is opened, then axe finds nothing serious
    for url in (
        reverse("indicator_list", args=[tenant.slug]),
        reverse("budget_overview", args=[tenant.slug]),
        reverse("budget_line_list", args=[tenant.slug]),
        reverse("budget_line_detail", args=[tenant.slug, line.pk]),
        reverse("funding_source_list", args=[tenant.slug]),
        reverse("indicator_create", args=[tenant.slug]),
    ):
        response = page.goto(url)
        assert response.status == 200, url
        assert_accessible(page)
