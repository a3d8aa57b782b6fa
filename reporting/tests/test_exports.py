"""A run's figures as CSV and XLSX: the stored figures, one table per section, formulas
made inert."""

from __future__ import annotations

import io

import pytest
from openpyxl import load_workbook

from reporting.exports import figures_csv_response, figures_xlsx_response
from reporting.figures import report_figures
from reporting.models import ReportRun
from reporting.tests.factories import ReportRunFactory
from reporting.tests.known_dataset import Q1, UPDATE_TEXT, known_dataset


@pytest.fixture
def run_with_figures(tenant_a) -> ReportRun:
    data = known_dataset(tenant_a.tenant, language="en")
    data.definition.title = '=HYPERLINK("http://evil")'
    data.definition.save()
    figures = report_figures(tenant=data.tenant, definition=data.definition, period=data.period)
    figures["updates"]["rows"][0]["done"] = "=1+1 and more"
    return ReportRunFactory(
        tenant=data.tenant,
        definition=data.definition,
        period_start=Q1.start,
        period_end=Q1.end,
        figures=figures,
    )


@pytest.mark.django_db
def test_csv_has_one_table_per_section_for_dutch_excel(run_with_figures):
    # given a run with stored figures
    # when they are exported as CSV
    response = figures_csv_response(run_with_figures)
    text = response.content.decode("utf-8")

    # then it is UTF-8 with a BOM, ;-separated, a file name from the title and period
    assert text.startswith("\ufeffKey figures\r\n")
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"] == (
        'attachment; filename="hyperlinkhttpevil-2026-01-01-2026-03-31.csv"'
    )
    lines = text.splitlines()
    for title in (
        "Indicators",
        "Action lines",
        "Milestones reached",
        "Budget per funding source",
        "Stage places and placements",
        "Contacts logged per kind",
        "Progress updates",
    ):
        assert title in lines
    # and holds the stored figures, "<5" included, with formulas made inert
    assert "Leerlingen bereikt;leerlingen;Techniek in de klas" in text
    assert "Phone call;<5;0" in text
    assert "Spent in the period (EUR);7500.00;2500.00;5000.00" in text
    assert "'=1+1 and more" in text
    assert ";=1+1" not in text


@pytest.mark.django_db
def test_csv_numbers_use_decimal_commas_in_dutch(tenant_a):
    data = known_dataset(tenant_a.tenant, language="nl")
    figures = report_figures(tenant=data.tenant, definition=data.definition, period=data.period)
    run = ReportRunFactory(tenant=data.tenant, definition=data.definition, figures=figures)

    text = figures_csv_response(run).content.decode("utf-8")

    assert ";7500,00;2500,00;5000,00" in text


@pytest.mark.django_db
def test_xlsx_has_a_sheet_per_table_with_numbers_as_numbers(run_with_figures):
    # when the figures are exported as XLSX
    response = figures_xlsx_response(run_with_figures)
    workbook = load_workbook(io.BytesIO(response.content))

    # then each table is a sheet, numbers are numbers, "<5" is text, formulas are inert
    assert response["Content-Disposition"].endswith('-2026-01-01-2026-03-31.xlsx"')
    assert workbook.sheetnames[:3] == ["Key figures", "Indicators", "Action lines"]
    summary = {row[0]: row[1:] for row in workbook["Key figures"].iter_rows(values_only=True)}
    assert summary["Milestones reached"] == (2, 1, 1)
    assert summary["Spent in the period (EUR)"] == (7500, 2500, 5000)
    contacts = {
        row[0]: row[1] for row in workbook["Contacts logged per kind"].iter_rows(values_only=True)
    }
    assert contacts["Meeting"] == "x"  # hidden too, or 9 minus it would give the 2 calls
    assert contacts["Phone call"] == "<5"
    updates = list(workbook["Progress updates"].iter_rows(values_only=True))
    assert updates[1][5] == "'=1+1 and more"


@pytest.mark.django_db
def test_a_run_without_figures_exports_empty_files(tenant_a):
    run = ReportRunFactory(tenant=tenant_a.tenant)
    assert figures_csv_response(run).content.decode("utf-8") == "\ufeff"
    assert load_workbook(io.BytesIO(figures_xlsx_response(run).content)).sheetnames == ["-"]


def _run_of(data, figures) -> ReportRun:
    return ReportRunFactory(
        tenant=data.tenant,
        definition=data.definition,
        period_start=Q1.start,
        period_end=Q1.end,
        figures=figures,
    )


@pytest.mark.django_db
def test_editing_the_definition_later_does_not_change_an_old_runs_files(tenant_a):
    # given a run of a summary-and-milestones report in English, with its figures stored
    data = known_dataset(tenant_a.tenant, language="en", sections=["summary", "milestones"])
    figures = report_figures(tenant=data.tenant, definition=data.definition, period=data.period)
    run = _run_of(data, figures)
    csv_before = figures_csv_response(run).content
    xlsx_before = load_workbook(io.BytesIO(figures_xlsx_response(run).content)).sheetnames

    # when the definition is edited afterwards: another section, another order and language
    data.definition.sections = ["updates", "milestones", "summary"]
    data.definition.language = "nl"
    data.definition.save()
    run.refresh_from_db()

    # then the run's CSV and XLSX are the same as before, without the updates
    csv_after = figures_csv_response(run).content
    assert csv_after == csv_before
    assert csv_after.decode("utf-8").startswith("\ufeffKey figures\r\n")
    assert "Progress updates" not in csv_after.decode("utf-8")
    assert "Voortgangsupdates" not in csv_after.decode("utf-8")
    assert UPDATE_TEXT not in csv_after.decode("utf-8")
    workbook = load_workbook(io.BytesIO(figures_xlsx_response(run).content))
    assert (
        workbook.sheetnames
        == xlsx_before
        == [
            "Key figures",
            "Milestones reached",
            "Milestones missed",
        ]
    )


@pytest.mark.django_db
def test_figures_stored_before_they_recorded_their_sections_follow_the_definition(tenant_a):
    # given a run whose figures were stored without "sections" (version 1): all sections
    data = known_dataset(tenant_a.tenant, language="en")
    figures = report_figures(tenant=data.tenant, definition=data.definition, period=data.period)
    del figures["sections"]
    figures["version"] = 1
    data.definition.sections = ["milestones", "summary"]
    data.definition.save()
    run = _run_of(data, figures)

    # when it is exported
    text = figures_csv_response(run).content.decode("utf-8")

    # then the definition's sections are used, in its order
    assert text.startswith("\ufeffMilestones reached\r\n")
    assert "Key figures" in text
    assert "Progress updates" not in text
