"""A run's stored figures as CSV and XLSX: one table per section of the report, in the
report's order and language, made from the figures stored on the run (never recomputed,
so they match the PDF). CSV is for Dutch Excel: a BOM, ``;`` between fields, decimal
commas in Dutch. Text a spreadsheet would run as a formula is made inert
(``partnerships.exports.escape_formula``)."""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal

from django.http import HttpResponse
from django.utils import translation
from django.utils.formats import number_format
from django.utils.translation import gettext as _
from django.utils.translation import pgettext
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Font

from partnerships.exports import CSV_BOM, escape_formula
from reporting.figures import stored_language, stored_sections
from reporting.models import ReportDefinition, ReportRun
from reporting.services.runs import report_run_filename

DECIMAL = re.compile(r"^-?[0-9]+(\.[0-9]+)?$")


@dataclass
class Table:
    title: str
    header: list[str]
    rows: list[list] = field(default_factory=list)


def _number(value):
    """A stored figure as a number where it is one (int, or a decimal string); "<5" and
    text stay text; None stays empty."""
    if value is None or isinstance(value, bool):
        return value
    if isinstance(value, int | float | Decimal):
        return value
    if isinstance(value, str) and DECIMAL.match(value):
        return Decimal(value)
    return value


def _summary(figures: dict) -> list[Table]:
    period, previous = figures["period"]["label"], figures["previous_period"]["label"]
    change = pgettext("difference between periods", "Change")
    table = Table(_("Key figures"), [_("Figure"), period, previous, change])
    for row in figures["summary"]["rows"]:
        table.rows.append([row["label"], row["value"], row["previous"], row["change"]])
    return [table]


def _indicators(figures: dict) -> list[Table]:
    table = Table(
        _("Indicators"),
        [
            _("Indicator"),
            _("Unit"),
            _("Theme"),
            _("Attached to"),
            _("Baseline"),
            _("Baseline date"),
            _("Latest"),
            _("Measured on"),
            _("Expected"),
            _("Next target"),
            _("Next target date"),
            _("Progress (%)"),
            _("Status"),
            _("Forecast"),
        ],
    )
    for row in figures["indicators"]["rows"]:
        table.rows.append(
            [
                row["name"],
                row["unit"],
                row["theme"],
                row["attached_to"],
                row["baseline"],
                row["baseline_on"],
                row["latest"],
                row["latest_on"],
                row["expected"],
                row["next_target"],
                row["next_target_on"],
                row["progress_percent"],
                row["rag_label"],
                row["forecast"],
            ]
        )
    return [table]


def _action_lines(figures: dict) -> list[Table]:
    section = figures["action_lines"]
    statuses = list(section["status_labels"])
    table = Table(
        _("Action lines"),
        [_("Theme"), _("Action line"), _("Actions")]
        + [section["status_labels"][code] for code in statuses]
        + [_("Health")],
    )
    for row in section["rows"]:
        table.rows.append(
            [row["theme"], row["title"], row["actions"]]
            + [row["by_status"].get(code, 0) for code in statuses]
            + [row["health_label"]]
        )
    return [table]


def _milestones(figures: dict) -> list[Table]:
    done = pgettext("milestone column", "Done")
    header = [_("Milestone"), _("Action"), _("Action line"), _("Due"), done]
    tables = []
    for key, title in (("reached", _("Milestones reached")), ("missed", _("Milestones missed"))):
        table = Table(title, header)
        for row in figures["milestones"][key]:
            table.rows.append(
                [row["title"], row["action"], row["action_line"], row["due_on"], row["done_on"]]
            )
        tables.append(table)
    return tables


def _budget(figures: dict) -> list[Table]:
    budget = figures["budget"]
    money = [_("Planned"), _("Committed"), _("Spent"), _("Available"), _("Burn rate (%)")]
    sources = Table(
        _("Budget per funding source"), [_("Funding source"), _("Kind"), _("Co-financing")] + money
    )
    for row in budget["funding_sources"]:
        sources.rows.append(
            [row["label"], row["kind"], _("yes") if row["is_cofinancing"] else _("no")]
            + [row[key] for key in ("planned", "committed", "spent", "available", "burn_percent")]
        )
    total = budget["total"]
    sources.rows.append(
        [_("Total"), "", ""]
        + [total[key] for key in ("planned", "committed", "spent", "available", "burn_percent")]
    )
    themes = Table(_("Budget per theme"), [_("Theme")] + money + [_("Co-financing (%)")])
    for row in budget["themes"]:
        themes.rows.append(
            [row["label"]]
            + [
                row[key]
                for key in (
                    "planned",
                    "committed",
                    "spent",
                    "available",
                    "burn_percent",
                    "cofinancing_percent",
                )
            ]
        )
    period = Table(
        _("Spending and co-financing"),
        [_("Figure"), _("Value")],
        [
            [_("Spent in the period (EUR)"), budget["spent_in_period"]],
            [_("Spent in the previous period (EUR)"), budget["spent_in_previous_period"]],
            [_("Co-financing ratio, planned (%)"), budget["cofinancing_percent"]],
            [_("Co-financing ratio, spent (%)"), budget["cofinancing_spent_percent"]],
        ],
    )
    return [sources, themes, period]


def _stages(figures: dict) -> list[Table]:
    stages = figures["stages"]
    period, previous = figures["period"]["label"], figures["previous_period"]["label"]
    totals = Table(_("Stage places and placements"), [_("Figure"), period, previous])
    for label, now, before in (
        (
            _("Opportunities offered"),
            stages["totals"]["opportunities"],
            stages["previous_totals"]["opportunities"],
        ),
        (
            _("Places offered"),
            stages["totals"]["places_offered"],
            stages["previous_totals"]["places_offered"],
        ),
        (
            _("Places filled"),
            stages["totals"]["places_filled"],
            stages["previous_totals"]["places_filled"],
        ),
        (
            _("Placements started"),
            stages["placements"]["started"],
            stages["previous_placements"]["started"],
        ),
        (
            _("Placements completed"),
            stages["placements"]["completed"],
            stages["previous_placements"]["completed"],
        ),
        (
            _("Placements cancelled"),
            stages["placements"]["cancelled"],
            stages["previous_placements"]["cancelled"],
        ),
        (
            _("Average rating by schools (1–5)"),
            stages["placements"]["school_rating"],
            stages["previous_placements"]["school_rating"],
        ),
        (
            _("Average rating by companies (1–5)"),
            stages["placements"]["company_rating"],
            stages["previous_placements"]["company_rating"],
        ),
    ):
        totals.rows.append([label, now, before])
    header = [_("Opportunities"), _("Places offered"), _("Places filled")]
    tables = [totals]
    for key, title, first in (
        ("by_kind", _("Places per kind"), _("Kind")),
        ("by_level", _("Places per level"), _("Level")),
    ):
        table = Table(title, [first] + header)
        for row in stages[key]:
            table.rows.append(
                [row["label"], row["opportunities"], row["places_offered"], row["places_filled"]]
            )
        tables.append(table)
    return tables


def _partnership(figures: dict) -> list[Table]:
    activity = figures["partnership"]
    period, previous = figures["period"]["label"], figures["previous_period"]["label"]
    tables = []
    for key, title in (
        ("interactions", _("Contacts logged per kind")),
        ("organisations", _("Organisations added per kind")),
        ("agreements", _("Agreements started per kind")),
    ):
        table = Table(title, [_("Kind"), period, previous])
        for row in activity[key]:
            table.rows.append([row["label"], row["count"], row["previous"]])
        tables.append(table)
    tables.append(
        Table(
            _("Agreements active at the end of the period"),
            [_("Figure"), period, previous],
            [
                [
                    _("Agreements active"),
                    activity["agreements_active"],
                    activity["agreements_previously_active"],
                ]
            ],
        )
    )
    return tables


def _updates(figures: dict) -> list[Table]:
    table = Table(
        _("Progress updates"),
        [
            _("Theme"),
            _("Action line"),
            _("Action"),
            _("Period"),
            _("Health"),
            _("What was done"),
            _("What comes next"),
            _("Risks"),
            _("Help needed"),
        ],
    )
    for row in figures["updates"]["rows"]:
        table.rows.append(
            [
                row["theme"],
                row["action_line"],
                row["action"],
                row["period"],
                row["health_label"],
                row["done"],
                row["next_steps"],
                row["risks"],
                row["help_needed"],
            ]
        )
    return [table]


SECTION_TABLES: dict[str, Callable[[dict], list[Table]]] = {
    ReportDefinition.Section.SUMMARY: _summary,
    ReportDefinition.Section.INDICATORS: _indicators,
    ReportDefinition.Section.ACTION_LINES: _action_lines,
    ReportDefinition.Section.MILESTONES: _milestones,
    ReportDefinition.Section.BUDGET: _budget,
    ReportDefinition.Section.STAGES: _stages,
    ReportDefinition.Section.PARTNERSHIP: _partnership,
    ReportDefinition.Section.UPDATES: _updates,
}


def figures_tables(run: ReportRun) -> list[Table]:
    """The tables of ``run``'s stored figures, one or more per section, in the order and
    language the run was built with (stored in its figures, so that editing the definition
    later does not change an old run's files); the annex repeats the other sections' data,
    so it has none of its own."""
    figures = run.figures or {}
    if not figures.get("period"):
        return []
    tables = []
    with translation.override(stored_language(figures, run.definition)):
        for section in stored_sections(figures, run.definition):
            builder = SECTION_TABLES.get(section)
            if builder is not None and section in figures:
                tables.extend(builder(figures))
    return tables


def _sanitised(value):
    value = escape_formula(value)
    if isinstance(value, str):
        return ILLEGAL_CHARACTERS_RE.sub("", value)
    return value


# --- CSV ------------------------------------------------------------------------------------


def figures_csv(run: ReportRun) -> str:
    """All tables in one CSV file: each table's title on a line of its own, its header,
    its rows, and an empty line between tables."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";", lineterminator="\r\n")
    with translation.override(stored_language(run.figures, run.definition)):
        for index, table in enumerate(figures_tables(run)):
            if index:
                writer.writerow([])
            writer.writerow([_sanitised(table.title)])
            writer.writerow([_sanitised(cell) for cell in table.header])
            for row in table.rows:
                writer.writerow([_csv_cell(cell) for cell in row])
    return CSV_BOM + buffer.getvalue()


def _csv_cell(value):
    number = _number(value)
    if isinstance(number, int | Decimal) and not isinstance(number, bool):
        return number_format(number, use_l10n=True)
    return _sanitised("" if value is None else value)


def figures_csv_response(run: ReportRun) -> HttpResponse:
    response = HttpResponse(figures_csv(run), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = (
        f'attachment; filename="{report_run_filename(run, extension="csv")}"'
    )
    return response


# --- XLSX -----------------------------------------------------------------------------------


def figures_xlsx(run: ReportRun) -> bytes:
    """One sheet per table; numbers as numbers, "<5" as text."""
    workbook = Workbook(write_only=True)
    bold = Font(bold=True)
    used_titles: set[str] = set()
    tables = figures_tables(run)
    if not tables:
        workbook.create_sheet(title="-")
    for table in tables:
        title = _sheet_title(table.title, used_titles)
        sheet = workbook.create_sheet(title=title)
        sheet.freeze_panes = "A2"
        header = []
        for text in table.header:
            cell = WriteOnlyCell(sheet, value=_sanitised(text))
            cell.font = bold
            header.append(cell)
        sheet.append(header)
        for row in table.rows:
            sheet.append([_xlsx_cell(value) for value in row])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _xlsx_cell(value):
    number = _number(value)
    if isinstance(number, Decimal):
        return float(number) if number != number.to_integral_value() else int(number)
    if isinstance(number, int | float):
        return number
    return _sanitised(value)


def _sheet_title(title: str, used: set[str]) -> str:
    cleaned = "".join(" " if character in "[]:*?/\\" else character for character in title)
    cleaned = cleaned.strip()[:31] or "-"
    candidate, number = cleaned, 2
    while candidate.lower() in used:
        suffix = f" {number}"
        candidate, number = cleaned[: 31 - len(suffix)] + suffix, number + 1
    used.add(candidate.lower())
    return candidate


def figures_xlsx_response(run: ReportRun) -> HttpResponse:
    response = HttpResponse(
        figures_xlsx(run),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    response["Content-Disposition"] = (
        f'attachment; filename="{report_run_filename(run, extension="xlsx")}"'
    )
    return response
