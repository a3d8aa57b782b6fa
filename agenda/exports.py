"""CSV and XLSX files of the indicators (with their figures) and of the budget lines.

The file formats are the CRM's (``partnerships.exports``): CSV for Dutch Excel (UTF-8 with
a byte order mark, ``;`` between fields) and XLSX, with text that a spreadsheet would run
as a formula (``=``, ``+``, ``-``, ``@``, ...) made inert by a leading quote.

Numbers stay numbers: in XLSX they are numeric cells; in CSV they are written with the
reader's decimal sign ("12,5" in Dutch, which Dutch Excel reads as a number; a "." would
turn it into a date or text) and are not quoted, since a negative number is not a formula.
"""

from __future__ import annotations

import csv
import datetime
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from decimal import Decimal

from django.utils.formats import get_format
from django.utils.numberformat import format as format_number
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from agenda.indicator_maths import Forecast
from agenda.metrics import metric_label
from agenda.selectors.budgets import budget_line_list
from agenda.selectors.indicators import (
    IndicatorSummary,
    indicator_list,
    indicator_summaries,
    tidy,
)
from partnerships.exports import (
    CSV_BOM,
    CSV_CONTENT_TYPE,
    CSV_DELIMITER,
    XLSX_CONTENT_TYPE,
    escape_formula,
    xlsx_bytes,
)
from portal.models import Tenant

__all__ = [
    "CSV_CONTENT_TYPE",
    "XLSX_CONTENT_TYPE",
    "budget_table",
    "csv_lines",
    "indicator_table",
    "xlsx_bytes",
]

CellValue = str | int | Decimal | datetime.date | None


@dataclass(frozen=True)
class Column:
    header: str
    value: Callable[[object], CellValue]


# --- indicators -----------------------------------------------------------------------------


def _attachment(summary: IndicatorSummary) -> tuple[str, str, str]:
    indicator = summary.indicator
    if indicator.action_id:
        action = indicator.action
        return action.action_line.theme.title, action.action_line.title, action.title
    if indicator.action_line_id:
        return indicator.action_line.theme.title, indicator.action_line.title, ""
    return indicator.theme.title, "", ""


def _forecast_date(summary: IndicatorSummary) -> datetime.date | None:
    return summary.forecast.on if summary.forecast.status == Forecast.EXPECTED else None


INDICATOR_COLUMNS = [
    Column(gettext_lazy("Theme"), lambda s: _attachment(s)[0]),
    Column(gettext_lazy("Action line"), lambda s: _attachment(s)[1]),
    Column(gettext_lazy("Action"), lambda s: _attachment(s)[2]),
    Column(gettext_lazy("Indicator"), lambda s: s.indicator.name),
    Column(gettext_lazy("Unit"), lambda s: s.indicator.unit),
    Column(gettext_lazy("Direction"), lambda s: s.indicator.get_direction_display()),
    Column(gettext_lazy("Kind"), lambda s: s.indicator.get_kind_display()),
    Column(
        gettext_lazy("Computed from"),
        lambda s: metric_label(s.indicator.metric) if s.indicator.metric else "",
    ),
    Column(gettext_lazy("Baseline"), lambda s: tidy(s.indicator.baseline_value, 4)),
    Column(gettext_lazy("Baseline date"), lambda s: s.indicator.baseline_on),
    Column(gettext_lazy("Latest value"), lambda s: tidy(s.latest.value, 4) if s.latest else None),
    Column(gettext_lazy("Latest date"), lambda s: s.latest_on),
    Column(gettext_lazy("Target path on that date"), lambda s: s.expected_value),
    Column(gettext_lazy("Status"), lambda s: s.rag_label),
    Column(gettext_lazy("Next target"), lambda s: s.next_target_value),
    Column(gettext_lazy("Next target date"), lambda s: s.next_target_on),
    Column(gettext_lazy("Progress (%)"), lambda s: s.progress_percent),
    Column(gettext_lazy("Forecast date"), _forecast_date),
    Column(gettext_lazy("Forecast"), lambda s: s.forecast_text),
]


def indicator_table(
    *, tenant: Tenant, today: datetime.date | None = None
) -> tuple[list[str], list[list[CellValue]]]:
    """Header and rows of every indicator of ``tenant`` with its figures (four queries)."""
    indicators = list(indicator_list(tenant=tenant))
    summaries = indicator_summaries(tenant=tenant, indicators=indicators, today=today)
    header = [str(column.header) for column in INDICATOR_COLUMNS]
    rows = [
        [column.value(summaries[indicator.pk]) for column in INDICATOR_COLUMNS]
        for indicator in indicators
    ]
    return header, rows


# --- budgets --------------------------------------------------------------------------------


def _money(value: Decimal | None) -> Decimal:
    return value if value is not None else Decimal("0.00")


def _burn_percent(line) -> Decimal | None:
    if not line.planned_amount:
        return None
    return (_money(line.spent) * 100 / line.planned_amount).quantize(Decimal("0.1"))


def _yes_no(value: bool) -> str:
    return _("yes") if value else _("no")


BUDGET_COLUMNS = [
    Column(gettext_lazy("Theme"), lambda line: line.action.action_line.theme.title),
    Column(gettext_lazy("Action line"), lambda line: line.action.action_line.title),
    Column(gettext_lazy("Action"), lambda line: line.action.title),
    Column(gettext_lazy("Funding source"), lambda line: line.funding_source.name),
    Column(gettext_lazy("Kind of source"), lambda line: line.funding_source.get_kind_display()),
    Column(gettext_lazy("Co-financing"), lambda line: _yes_no(line.funding_source.is_cofinancing)),
    Column(gettext_lazy("Year"), lambda line: line.year),
    Column(gettext_lazy("Planned (EUR)"), lambda line: line.planned_amount),
    Column(gettext_lazy("Committed (EUR)"), lambda line: _money(line.committed)),
    Column(gettext_lazy("Spent (EUR)"), lambda line: _money(line.spent)),
    Column(
        gettext_lazy("Available (EUR)"),
        lambda line: line.planned_amount - _money(line.committed) - _money(line.spent),
    ),
    Column(gettext_lazy("Burn rate (%)"), _burn_percent),
]


def budget_table(*, tenant: Tenant) -> tuple[list[str], Iterator[list[CellValue]]]:
    """Header and rows of every budget line with its committed and spent sums (one query,
    read in chunks)."""
    header = [str(column.header) for column in BUDGET_COLUMNS]
    lines = budget_line_list(tenant=tenant)

    def rows():
        for line in lines.iterator(chunk_size=500):
            yield [column.value(line) for column in BUDGET_COLUMNS]

    return header, rows()


# --- CSV ----------------------------------------------------------------------------------------


class _Echo:
    def write(self, value: str) -> str:
        return value


def _csv_cell(value: CellValue, decimal_sep: str) -> str | CellValue:
    if isinstance(value, bool):
        return value
    if isinstance(value, Decimal | int):
        return format_number(value, decimal_sep, grouping=0, thousand_sep="")
    if isinstance(value, datetime.date):
        return value.isoformat()
    return escape_formula(value)


def csv_lines(header: list[str], rows: Iterable[list[CellValue]]) -> Iterator[str]:
    """The lines of a CSV file for Dutch Excel: BOM first, ``;`` between fields, CRLF;
    text escaped against formulas, numbers in the active language's notation."""
    writer = csv.writer(_Echo(), delimiter=CSV_DELIMITER)
    decimal_sep = get_format("DECIMAL_SEPARATOR")
    yield CSV_BOM + writer.writerow([escape_formula(cell) for cell in header])
    for row in rows:
        yield writer.writerow([_csv_cell(cell, decimal_sep) for cell in row])
