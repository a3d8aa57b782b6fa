"""CSV and XLSX exports of the indicators (with their figures) and of the budget lines:
numbers stay numbers, text that looks like a formula is made inert, bad formats refused."""

from __future__ import annotations

import csv
import datetime
import io
from decimal import Decimal

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from agenda.models import BudgetEntry, Indicator
from agenda.tests.factories import BudgetEntryFactory
from agenda.tests.figures_data import (
    action_in,
    betapunt,
    budget_line_in,
    english,
    indicator_in,
    source_in,
)
from partnerships.exports import CSV_BOM
from portal.roles import Role

D = Decimal


def content_of(response) -> bytes:
    if response.streaming:
        return b"".join(response.streaming_content)
    return response.content


def csv_rows(response) -> list[list[str]]:
    text = content_of(response).decode("utf-8")
    assert text.startswith(CSV_BOM)
    return list(csv.reader(io.StringIO(text.removeprefix(CSV_BOM)), delimiter=";"))


def xlsx_rows(response) -> list[list]:
    workbook = load_workbook(io.BytesIO(content_of(response)), read_only=True)
    return [list(row) for row in workbook.active.iter_rows(values_only=True)]


def export(client, name, tenant, file_format):
    return client.get(reverse(name, args=[tenant.slug]), {"format": file_format})


@pytest.fixture
def funder(tenant_a, client_for):
    return english(client_for(tenant_a.member(Role.FUNDER)))


def test_indicator_export_as_xlsx_has_the_figures(tenant_a, funder):
    # given Bètapunt's indicator on an action
    action = action_in(tenant_a.tenant, title="Bètapunt Noord")
    betapunt(tenant_a.tenant, action=action)

    # when the funder downloads the indicators as XLSX
    response = export(funder, "indicator_export", tenant_a.tenant, "xlsx")

    # then there is one row with its latest value, next target, status and forecast
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith('attachment; filename="indicators-')
    header, row = xlsx_rows(response)
    values = dict(zip(header, row, strict=True))
    assert values["Action"] == "Bètapunt Noord"
    assert values["Latest value"] == 55
    assert values["Latest date"].date() == datetime.date(2018, 12, 31)
    assert values["Next target"] == 77
    assert values["Status"] in {"On track (green)", "Slightly behind (amber)", "Behind (red)"}
    assert values["Forecast date"].date() == datetime.date(2021, 1, 17)
    assert values["Progress (%)"] == 53


def test_indicator_export_as_csv_for_dutch_excel(tenant_a, client_for):
    # given an indicator with a value with decimals and a name that looks like a formula
    indicator = indicator_in(
        tenant_a.tenant,
        name='=HYPERLINK("http://example.org")',
        kind=Indicator.Kind.POINT_IN_TIME,
        baseline_value=D("-2.5"),
        baseline_on=datetime.date(2024, 1, 1),
    )
    assert indicator.pk
    client = client_for(tenant_a.member(Role.LEAD))
    client.cookies["portal_language"] = "nl"

    # when it is exported as CSV in Dutch
    rows = csv_rows(export(client, "indicator_export", tenant_a.tenant, "csv"))

    # then the name is made inert, and the negative number is a Dutch number, not text
    header, row = rows
    assert row[header.index("Indicator")] == '\'=HYPERLINK("http://example.org")'
    assert "-2,5" in row


def test_budget_export_lists_every_line_with_its_sums(tenant_a, funder):
    # given a line of 100,000 with 2,500 spent and 1,000 committed
    line = budget_line_in(
        tenant_a.tenant,
        action=action_in(tenant_a.tenant, title="+Leerlingen naar techniek"),
        funding_source=source_in(tenant_a.tenant, name="Provincie", is_cofinancing=False),
    )
    BudgetEntryFactory(budget_line=line)
    BudgetEntryFactory(budget_line=line, kind=BudgetEntry.Kind.COMMITMENT, amount=D(1000))

    # when exported as XLSX and as CSV
    header, row = xlsx_rows(export(funder, "budget_export", tenant_a.tenant, "xlsx"))
    csv_header, csv_row = csv_rows(export(funder, "budget_export", tenant_a.tenant, "csv"))

    # then the sums are numbers, available and burn rate worked out, formulas inert
    values = dict(zip(header, row, strict=True))
    assert values["Action"] == "'+Leerlingen naar techniek"
    assert (values["Planned (EUR)"], values["Spent (EUR)"], values["Committed (EUR)"]) == (
        100000,
        2500,
        1000,
    )
    assert values["Available (EUR)"] == 96500
    assert values["Burn rate (%)"] == 2.5
    assert values["Co-financing"] == "no"
    assert csv_header == header
    assert csv_row[header.index("Available (EUR)")] == "96500.00"


@pytest.mark.parametrize("name", ["indicator_export", "budget_export"])
@pytest.mark.parametrize("file_format", ["", "pdf", "CSV"])
def test_an_unknown_format_is_a_bad_request(name, file_format, tenant_a, funder):
    response = export(funder, name, tenant_a.tenant, file_format)
    assert response.status_code == 400
    assert "Choose CSV or XLSX" in response.content.decode()


def test_exports_hold_only_the_own_tenants_rows(tenant_a, tenant_b, funder):
    betapunt(tenant_a.tenant, name="Ons eigen")
    betapunt(tenant_b.tenant, name="Van de buren")

    rows = csv_rows(export(funder, "indicator_export", tenant_a.tenant, "csv"))

    names = [row[3] for row in rows[1:]]
    assert names == ["Ons eigen"]
