"""CSV and XLSX files of the organisation list.

CSV is written the way Dutch Excel reads it without asking: UTF-8 *with* a byte order
mark (without one Excel assumes Windows-1252 and garbles "é" and "ë") and ``;`` as the
separator (Excel in a Dutch locale uses the comma as the decimal sign and so expects
semicolons between fields). Other tools (LibreOffice, pandas, the portal's own import)
read such files as well.

A cell that starts with ``=``, ``+``, ``-`` or ``@`` (or a tab or carriage return) would
be taken for a formula by a spreadsheet: a name like ``=HYPERLINK(...)`` typed into the
portal must not run in the reader's Excel (CSV/formula injection). Such text gets a
leading single quote, in both formats.
"""

from __future__ import annotations

import csv
import datetime
import io
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Font

from partnerships.models import EducationLevel, Organisation
from partnerships.selectors.organisations import relationship_status_label

CSV_DELIMITER = ";"
CSV_BOM = "\ufeff"
CSV_CONTENT_TYPE = "text/csv; charset=utf-8"
XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
# Rows fetched per query while streaming (each chunk also prefetches its sectors).
CHUNK_SIZE = 500

CellValue = str | int | float | datetime.date | None


def escape_formula(value: CellValue) -> CellValue:
    """Text a spreadsheet would run as a formula, made inert by a leading quote."""
    if isinstance(value, str) and value.startswith(FORMULA_PREFIXES):
        return "'" + value
    return value


@dataclass(frozen=True)
class Column:
    header: str
    value: Callable[[Organisation], CellValue]


def _joined(values: Iterable[str]) -> str:
    return ", ".join(str(value) for value in values)


def _levels(organisation: Organisation) -> str:
    labels = dict(EducationLevel.choices)
    return _joined(labels.get(level, level) for level in organisation.education_levels)


def _yes_no(value: bool) -> str:
    return _("yes") if value else _("no")


ORGANISATION_COLUMNS = [
    Column(gettext_lazy("Name"), lambda o: o.name),
    Column(gettext_lazy("Kind"), lambda o: o.get_kind_display()),
    Column(gettext_lazy("KvK number"), lambda o: o.kvk_number),
    Column(gettext_lazy("BRIN code"), lambda o: o.brin_code),
    Column(gettext_lazy("Education levels"), _levels),
    Column(gettext_lazy("Sectors"), lambda o: _joined(s.name for s in o.sectors.all())),
    Column(gettext_lazy("Address"), lambda o: o.street_address),
    Column(gettext_lazy("Postal code"), lambda o: o.postal_code),
    Column(gettext_lazy("Municipality"), lambda o: o.municipality),
    Column(gettext_lazy("Province"), lambda o: o.get_province_display()),
    Column(gettext_lazy("Website"), lambda o: o.website),
    Column(
        gettext_lazy("Recognised training company (SBB)"),
        lambda o: _yes_no(o.recognised_training_company),
    ),
    Column(gettext_lazy("SBB number"), lambda o: o.sbb_number),
    Column(gettext_lazy("Size"), lambda o: o.get_size_class_display()),
    Column(
        gettext_lazy("Relationship status"),
        lambda o: relationship_status_label(o.relationship_status),
    ),
    Column(gettext_lazy("Last contact"), lambda o: o.last_contact_on),
    Column(gettext_lazy("Tags"), lambda o: _joined(o.tags)),
]


def organisation_header() -> list[str]:
    return [str(column.header) for column in ORGANISATION_COLUMNS]


def organisation_rows(organisations) -> Iterator[list[CellValue]]:
    """One row per organisation, formulas escaped. ``organisations`` comes from
    ``partnerships.selectors.organisations.organisation_list`` (status annotated,
    sectors prefetched) and is read in chunks, so a long list never sits in memory."""
    for organisation in organisations.iterator(chunk_size=CHUNK_SIZE):
        yield [escape_formula(column.value(organisation)) for column in ORGANISATION_COLUMNS]


# --- CSV ------------------------------------------------------------------------------------


class _Echo:
    """A file-like object whose ``write`` hands the line back, for streaming csv.writer."""

    def write(self, value: str) -> str:
        return value


def _csv_value(value: CellValue) -> CellValue:
    if isinstance(value, datetime.date):
        return value.isoformat()
    return value


def csv_lines(header: list[str], rows: Iterable[list[CellValue]]) -> Iterator[str]:
    """The lines of a CSV file for Dutch Excel: BOM first, ``;`` between fields, CRLF."""
    writer = csv.writer(_Echo(), delimiter=CSV_DELIMITER)
    yield CSV_BOM + writer.writerow([escape_formula(cell) for cell in header])
    for row in rows:
        yield writer.writerow([_csv_value(escape_formula(cell)) for cell in row])


# --- XLSX -----------------------------------------------------------------------------------


def _xlsx_value(value: CellValue) -> CellValue:
    if isinstance(value, str):
        # Control characters make openpyxl refuse the whole file.
        return ILLEGAL_CHARACTERS_RE.sub("", value)
    return value


def xlsx_bytes(header: list[str], rows: Iterable[list[CellValue]], *, title: str) -> bytes:
    """An XLSX workbook of one sheet, written row by row (openpyxl's write-only mode)."""
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title=title[:31])
    sheet.freeze_panes = "A2"
    bold = Font(bold=True)
    header_cells = []
    for text in header:
        cell = WriteOnlyCell(sheet, value=_xlsx_value(escape_formula(text)))
        cell.font = bold
        header_cells.append(cell)
    sheet.append(header_cells)
    for row in rows:
        cells = []
        for value in row:
            value = _xlsx_value(escape_formula(value))
            if isinstance(value, datetime.date):
                cell = WriteOnlyCell(sheet, value=value)
                cell.number_format = "yyyy-mm-dd"
                cells.append(cell)
            else:
                cells.append(value)
        sheet.append(cells)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
