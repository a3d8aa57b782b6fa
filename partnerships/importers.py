"""Reading import files: CSV in the encodings and separators real spreadsheets use, XLSX, and
the header names people give their columns, in Dutch or English.

Only reading and recognising happen here; checking the values of a row and writing them
are the import services' work (``partnerships.services.imports``).
"""

from __future__ import annotations

import codecs
import csv
import datetime
import io
import re
import unicodedata
import zipfile
from dataclasses import dataclass, field
from decimal import Decimal

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

MAX_FILE_SIZE = 20 * 1024 * 1024
MAX_ROWS = 50_000
CSV_DELIMITERS = (";", ",", "\t")

ZIP_MAGIC = b"PK\x03\x04"
OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # the old binary .xls


class ImportFileError(Exception):
    """The file cannot be imported at all; ``message`` says why, in the reader's language."""

    def __init__(self, message: str | Promise):
        super().__init__(str(message))
        self.message = message


@dataclass(frozen=True)
class ImportField:
    """A field an import column can fill, the names people give that column, and whether
    it belongs to the organisation or to the contact person of the row."""

    name: str
    label: Promise
    synonyms: tuple[str, ...]
    required: bool = False


IMPORT_FIELDS: tuple[ImportField, ...] = (
    ImportField(
        "name",
        _("organisation name"),
        (
            "naam",
            "name",
            "bedrijfsnaam",
            "organisatie",
            "organisatienaam",
            "naam organisatie",
            "instelling",
            "instellingsnaam",
            "organisation",
            "organization",
            "organisation name",
            "organization name",
            "company",
            "company name",
        ),
        required=True,
    ),
    ImportField(
        "kind",
        _("kind"),
        ("soort", "type", "kind", "soort organisatie", "organisatietype", "organisation type"),
    ),
    ImportField(
        "kvk_number",
        _("KvK number"),
        (
            "kvk",
            "kvk-nummer",
            "kvk nummer",
            "kvk_number",
            "kvk number",
            "kvknr",
            "chamber of commerce",
            "chamber of commerce number",
            "coc",
            "coc number",
        ),
    ),
    ImportField(
        "brin_code",
        _("BRIN code"),
        ("brin", "brin-code", "brin code", "brinnummer", "instellingscode", "institution code"),
    ),
    ImportField(
        "street_address",
        _("address"),
        ("adres", "straat", "bezoekadres", "straat en huisnummer", "address", "street"),
    ),
    ImportField("postal_code", _("postal code"), ("postcode", "postal code", "zip", "zip code")),
    ImportField(
        "municipality",
        _("municipality"),
        (
            "plaats",
            "gemeente",
            "woonplaats",
            "vestigingsplaats",
            "stad",
            "municipality",
            "city",
            "town",
            "place",
        ),
    ),
    ImportField("province", _("province"), ("provincie", "province")),
    ImportField(
        "website", _("website"), ("website", "webadres", "internetadres", "url", "homepage")
    ),
    ImportField("sectors", _("sectors"), ("sector", "sectoren", "branche", "sectors", "industry")),
    ImportField(
        "recognised_training_company",
        _("recognised training company (SBB)"),
        (
            "erkend leerbedrijf",
            "erkend",
            "sbb erkend",
            "sbb-erkend",
            "leerbedrijf",
            "recognised training company",
            "recognized training company",
        ),
    ),
    ImportField("sbb_number", _("SBB number"), ("sbb-nummer", "sbb nummer", "sbb", "sbb number")),
    ImportField(
        "status", _("relationship status"), ("status", "relatiestatus", "relationship status")
    ),
    ImportField(
        "contact_name",
        _("contact name"),
        (
            "contactpersoon",
            "contact",
            "naam contactpersoon",
            "contact name",
            "contact person",
        ),
    ),
    ImportField(
        "contact_function",
        _("function"),
        ("functie", "function", "functietitel", "job title", "functie contactpersoon"),
    ),
    ImportField(
        "contact_email",
        _("e-mail address"),
        (
            "e-mail",
            "email",
            "e-mailadres",
            "emailadres",
            "mail",
            "e-mail address",
            "email address",
            "e-mail contactpersoon",
        ),
    ),
    ImportField(
        "contact_phone",
        _("phone"),
        (
            "telefoon",
            "telefoonnummer",
            "tel",
            "mobiel",
            "phone",
            "phone number",
            "telephone",
            "mobile",
        ),
    ),
)

FIELDS_BY_NAME = {import_field.name: import_field for import_field in IMPORT_FIELDS}
CONTACT_FIELDS = ("contact_name", "contact_function", "contact_email", "contact_phone")


def header_key(header: str) -> str:
    """A header as compared with the synonyms: lower case, no accents, only letters and
    digits ("E-mailadres " -> "emailadres", "KvK_nummer" -> "kvknummer")."""
    decomposed = unicodedata.normalize("NFKD", header)
    plain = "".join(char for char in decomposed if not unicodedata.combining(char))
    return re.sub(r"[^0-9a-z]", "", plain.lower())


SYNONYMS: dict[str, str] = {
    header_key(synonym): import_field.name
    for import_field in IMPORT_FIELDS
    for synonym in (import_field.name, *import_field.synonyms)
}


@dataclass
class Table:
    """A file as read: its header, its rows (numbered as a spreadsheet numbers them, the
    header being row 1), and how it was read."""

    header: list[str]
    rows: list[tuple[int, list[str]]]
    file_format: str


@dataclass
class ColumnMap:
    """Which column fills which field, and what could not be recognised."""

    fields: dict[int, str] = field(default_factory=dict)  # column index -> field name
    unknown: list[str] = field(default_factory=list)
    doubled: list[tuple[str, list[str]]] = field(default_factory=list)  # field -> its headers
    missing: list[str] = field(default_factory=list)  # required fields without a column

    @property
    def refused(self) -> bool:
        return bool(self.missing or self.doubled)


# --- reading ----------------------------------------------------------------------------------


def decode_text(data: bytes) -> tuple[str, str]:
    """The text of a CSV file and the encoding it was read with.

    UTF-16 is recognised by its byte order mark (Excel's "Unicode text"). Otherwise strict
    UTF-8 is tried first, with or without a BOM (``utf-8-sig`` drops it): bytes written as
    Windows-1252 with any accented letter (é = 0xE9 followed by a plain letter) are invalid
    UTF-8, so a file that decodes as UTF-8 really is UTF-8. If it does not, Windows-1252 (what
    Dutch Excel writes for "CSV (gescheiden door lijstscheidingsteken)") is tried, strictly:
    the five bytes it leaves undefined mean the file is neither, and it is refused.
    """
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        try:
            return data.decode("utf-16"), "UTF-16"
        except UnicodeDecodeError:
            pass
    else:
        try:
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError:
            pass
        else:
            return text, "UTF-8 with BOM" if data.startswith(codecs.BOM_UTF8) else "UTF-8"
        try:
            return data.decode("cp1252"), "Windows-1252"
        except UnicodeDecodeError:
            pass
    raise ImportFileError(
        _(
            "The file's characters could not be read: it is not UTF-8 or Windows-1252 text. "
            'In Excel, save it as "CSV UTF-8" or as an Excel workbook (.xlsx).'
        )
    )


def sniff_delimiter(text: str) -> str:
    """The separator of a CSV text, decided by counting on its header line: Dutch Excel
    writes ``;``, most other software ``,``, some exports a tab. Header names hardly ever
    contain any of them, which makes the header line a better witness than
    ``csv.Sniffer``, whose guesses on short files with commas inside quoted cells vary.
    A header line with none of them is a file of one column."""
    header_line = text.split("\n", 1)[0]
    header_line = re.sub(r'"[^"]*"', "", header_line)  # separators inside quotes do not count
    counts = {delimiter: header_line.count(delimiter) for delimiter in CSV_DELIMITERS}
    best = max(CSV_DELIMITERS, key=lambda delimiter: counts[delimiter])
    return best if counts[best] else ","


def _read_csv(data: bytes) -> Table:
    if b"\x00" in data[:4096] and not data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        raise ImportFileError(_("This is not a CSV file or an Excel workbook (.xlsx)."))
    text, encoding = decode_text(data)
    delimiter = sniff_delimiter(text)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        records = list(reader)
    except csv.Error as error:
        raise ImportFileError(
            _("The file could not be read as CSV (line %(line)s: %(error)s).")
            % {"line": reader.line_num, "error": error}
        ) from error
    # Language-neutral, as it is stored: "CSV (Windows-1252, ;)".
    shown = {"\t": "tab"}.get(delimiter, delimiter)
    return _table(records, f"CSV ({encoding}, {shown})")


def _cell_text(value) -> str:
    """A spreadsheet cell as the text a person sees in it."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float | Decimal) and value == int(value):
        return str(int(value))
    if isinstance(value, datetime.datetime):
        return value.date().isoformat() if value.time() == datetime.time() else value.isoformat()
    if isinstance(value, datetime.date):
        return value.isoformat()
    return str(value)


def _read_xlsx(data: bytes) -> Table:
    from openpyxl import load_workbook

    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, OSError, ValueError) as error:
        raise ImportFileError(
            _("The file could not be read as an Excel workbook (.xlsx).")
        ) from error
    try:
        sheet = workbook.worksheets[0]
        records = []
        for values in sheet.iter_rows(values_only=True):
            records.append([_cell_text(value) for value in values])
            if len(records) > MAX_ROWS + 1:
                break
    finally:
        workbook.close()
    return _table(records, "XLSX")


def _table(records: list[list[str]], file_format: str) -> Table:
    if not any(cell.strip() for record in records for cell in record):
        raise ImportFileError(_("The file is empty."))
    if not any(cell.strip() for cell in records[0]):
        raise ImportFileError(_("The first row of the file must hold the column names."))
    header = [cell.strip() for cell in records[0]]
    rows = [
        (number, [cell.strip() for cell in record])
        for number, record in enumerate(records[1:], start=2)
        if any(cell.strip() for cell in record)
    ]
    if not rows:
        raise ImportFileError(_("The file has column names but no rows."))
    if len(rows) > MAX_ROWS:
        raise ImportFileError(
            _("The file has more than %(max)s rows. Split it into smaller files.")
            % {"max": f"{MAX_ROWS:,}".replace(",", ".")}
        )
    return Table(header=header, rows=rows, file_format=file_format)


def read_table(data: bytes) -> Table:
    """Read an import file, deciding by its content (not its name) what it is: an XLSX
    workbook is a zip archive, the old binary .xls is refused with advice, anything
    else is read as CSV text."""
    if len(data) > MAX_FILE_SIZE:
        raise ImportFileError(
            _("The file is larger than %(size)s MB.") % {"size": MAX_FILE_SIZE // (1024 * 1024)}
        )
    if not data.strip():
        raise ImportFileError(_("The file is empty."))
    if data.startswith(ZIP_MAGIC):
        return _read_xlsx(data)
    if data.startswith(OLE_MAGIC):
        raise ImportFileError(
            _(
                "This is an old Excel file (.xls). Save it as an Excel workbook (.xlsx) or "
                "as CSV and upload that."
            )
        )
    return _read_csv(data)


# --- recognising columns ----------------------------------------------------------------------


def column_label(header: str, index: int) -> str:
    """How a column is named to people: its header, or its spreadsheet letter if it has none."""
    if header:
        return header
    letters = ""
    index += 1
    while index:
        index, remainder = divmod(index - 1, 26)
        letters = chr(ord("A") + remainder) + letters
    return str(_("column %(letter)s without a name") % {"letter": letters})


def map_columns(table: Table) -> ColumnMap:
    """Recognise each header through the synonym table. Columns without a header and
    without a value are left out silently (spreadsheets' trailing separators)."""
    column_map = ColumnMap()
    headers_of: dict[str, list[str]] = {}
    for index, header in enumerate(table.header):
        if not header and not any(index < len(cells) and cells[index] for _n, cells in table.rows):
            continue
        field_name = SYNONYMS.get(header_key(header)) if header else None
        if field_name is None:
            column_map.unknown.append(column_label(header, index))
            continue
        headers_of.setdefault(field_name, []).append(header)
        column_map.fields[index] = field_name
    column_map.doubled = [
        (field_name, headers) for field_name, headers in headers_of.items() if len(headers) > 1
    ]
    column_map.missing = [
        import_field.name
        for import_field in IMPORT_FIELDS
        if import_field.required and import_field.name not in headers_of
    ]
    return column_map


def rows_as_values(table: Table, column_map: ColumnMap) -> list[dict]:
    """Each row as ``{"number": 2, "values": {field: text}}``, only the recognised columns."""
    result = []
    for number, cells in table.rows:
        values = {
            field_name: cells[index] if index < len(cells) else ""
            for index, field_name in column_map.fields.items()
        }
        if any(values.values()):
            result.append({"number": number, "values": values})
    return result


def accepted_headers() -> list[tuple[Promise, list[str]]]:
    """For the help text and the unknown-columns message: each field with the names it takes."""
    return [
        (import_field.label, [import_field.name.replace("_", " "), *import_field.synonyms])
        for import_field in IMPORT_FIELDS
    ]


# --- the values of one row --------------------------------------------------------------------

# Errors are stored as codes with parameters and put into words when shown, so a person
# reads them in the language they have chosen, whichever language the check ran in.
ERROR_MESSAGES: dict[str, Promise] = {
    "required": _("Fill in the organisation's name."),
    "too_long": _("At most %(max)s characters; this has %(length)s."),
    "kvk_invalid": _(
        "“%(value)s” is not a KvK number: a KvK number has exactly 8 digits. (If Excel "
        "dropped a leading zero, format the column as text.)"
    ),
    "brin_invalid": _("“%(value)s” is not a valid BRIN code (like 05ZK or 05ZK01)."),
    "kind_invalid": _("“%(value)s” is not a kind of organisation. Use one of: %(choices)s."),
    "province_invalid": _("“%(value)s” is not a Dutch province."),
    "status_invalid": _("“%(value)s” is not a relationship status. Use one of: %(choices)s."),
    "boolean_invalid": _("“%(value)s” is not yes or no. Use ja or nee (yes or no)."),
    "email_invalid": _("“%(value)s” is not a valid e-mail address."),
    "website_invalid": _("“%(value)s” is not a valid web address."),
    "sector_unknown": _(
        "Unknown sector: %(names)s. Use the partnership's sectors (%(choices)s), or ask the "
        "programme office to add it."
    ),
    "contact_name_missing": _(
        "This row has contact details but no contact name. Fill in the contact's name or "
        "leave the contact columns empty."
    ),
    "kvk_clash_in_file": _(
        "Row %(row)s has the same organisation with another KvK number (%(value)s)."
    ),
    "brin_clash_in_file": _(
        "Row %(row)s has the same organisation with another BRIN code (%(value)s)."
    ),
    "email_twice_in_file": _("The e-mail address %(value)s is also in row %(row)s."),
}


def error_message(error: dict) -> str:
    """An error of a checked row, put into words in the active language."""
    template = ERROR_MESSAGES.get(error.get("code"), _("This value is not valid."))
    return str(template) % error.get("params", {})


def column_of(field_name: str, columns: list[dict]) -> str:
    """The name the file gives the column of ``field_name`` (for saying where an error is)."""
    for column in columns:
        if column.get("field") == field_name:
            return column["header"]
    return str(FIELDS_BY_NAME[field_name].label) if field_name in FIELDS_BY_NAME else ""


MAX_LENGTHS = {
    "name": 200,
    "street_address": 200,
    "postal_code": 7,
    "municipality": 100,
    "website": 200,
    "sbb_number": 20,
    "contact_name": 150,
    "contact_function": 150,
    "contact_email": 254,
    "contact_phone": 30,
}

KIND_WORDS = {
    "company": ("bedrijf", "onderneming", "werkgever", "company", "business", "employer"),
    "school": ("school", "onderwijsinstelling", "roc", "mbo", "vo", "education"),
    "government": ("overheid", "gemeente", "provincie", "government", "municipality"),
    "knowledge_institute": (
        "kennisinstelling",
        "kennisinstituut",
        "onderzoeksinstelling",
        "knowledge institute",
        "research institute",
    ),
    "intermediary": (
        "intermediair",
        "netwerk",
        "netwerkorganisatie",
        "intermediary",
        "network",
    ),
}
STATUS_WORDS = {
    "prospect": ("prospect", "potentieel", "nieuw", "new"),
    "active": ("actief", "active", "partner", "actieve partner", "active partner", "slapend"),
    "former": ("voormalig", "oud", "voormalige partner", "former", "former partner", "ex"),
}
TRUE_WORDS = {"ja", "j", "yes", "y", "true", "waar", "1", "x", "v"}
FALSE_WORDS = {"nee", "n", "no", "false", "onwaar", "0", "-"}
DUTCH_POSTAL_CODE = re.compile(r"^(\d{4})\s*([a-zA-Z]{2})$")


def _word_table(words: dict[str, tuple[str, ...]], choices) -> dict[str, str]:
    """Value words and the choices' own values and labels (in Dutch and English) -> value."""
    from django.utils import translation

    table = {}
    for value, label in choices:
        table[header_key(value)] = value
        for language in ("nl", "en"):
            with translation.override(language):
                table[header_key(str(label))] = value
    for value, synonyms in words.items():
        for word in synonyms:
            table[header_key(word)] = value
    return table


@dataclass
class RowCheck:
    """The cleaned values of one row (organisation and contact) and what is wrong with them."""

    organisation: dict = field(default_factory=dict)
    contact: dict = field(default_factory=dict)
    errors: list[dict] = field(default_factory=list)

    def error(self, field_name: str, code: str, **params) -> None:
        self.errors.append({"field": field_name, "code": code, "params": params})


class RowCleaner:
    """Checks and normalises the values of import rows. Built once per import: it holds
    the lookup tables (kinds, provinces, statuses, the tenant's sectors)."""

    def __init__(self, *, sectors: dict[str, int]):
        from partnerships.models import Organisation, Province

        self.kinds = _word_table(KIND_WORDS, Organisation.Kind.choices)
        self.statuses = _word_table(STATUS_WORDS, Organisation.Status.choices)
        self.provinces = _word_table({}, Province.choices)
        self.sectors = {header_key(name): pk for name, pk in sectors.items()}
        self.sector_names = sorted(sectors)
        self.kind_choices = ", ".join(label for label in self._labels(KIND_WORDS))
        self.status_choices = ", ".join(label for label in self._labels(STATUS_WORDS))

    @staticmethod
    def _labels(words: dict[str, tuple[str, ...]]) -> list[str]:
        return [synonyms[0] for synonyms in words.values()]

    def clean(self, values: dict[str, str]) -> RowCheck:
        from django.core.exceptions import ValidationError
        from django.core.validators import URLValidator, validate_email
        from stdnum.nl import brin

        check = RowCheck()
        for field_name, maximum in MAX_LENGTHS.items():
            value = values.get(field_name, "")
            if len(value) > maximum:
                check.error(field_name, "too_long", max=maximum, length=len(value))
        organisation = check.organisation

        name = " ".join(values.get("name", "").split())
        if not name:
            check.error("name", "required")
        organisation["name"] = name

        kvk = re.sub(r"[\s.]", "", values.get("kvk_number", ""))
        if kvk and not re.fullmatch(r"\d{8}", kvk):
            check.error("kvk_number", "kvk_invalid", value=values["kvk_number"])
        organisation["kvk_number"] = kvk

        brin_code = re.sub(r"\s", "", values.get("brin_code", "")).upper()
        if brin_code and not brin.is_valid(brin_code):
            check.error("brin_code", "brin_invalid", value=values["brin_code"])
        organisation["brin_code"] = brin_code

        kind_text = values.get("kind", "")
        if kind_text:
            kind = self.kinds.get(header_key(kind_text))
            if kind is None:
                check.error("kind", "kind_invalid", value=kind_text, choices=self.kind_choices)
        else:
            # Without a kind: a BRIN code makes it a school, anything else a company.
            kind = "school" if brin_code else "company"
        organisation["kind"] = kind or ""

        status_text = values.get("status", "")
        if status_text:
            status = self.statuses.get(header_key(status_text))
            if status is None:
                check.error(
                    "status", "status_invalid", value=status_text, choices=self.status_choices
                )
            else:
                organisation["status"] = status

        province_text = values.get("province", "")
        if province_text:
            province = self.provinces.get(header_key(province_text))
            if province is None:
                check.error("province", "province_invalid", value=province_text)
            organisation["province"] = province or ""

        postal_code = values.get("postal_code", "")
        match = DUTCH_POSTAL_CODE.match(postal_code)
        organisation["postal_code"] = (
            f"{match[1]} {match[2].upper()}" if match else postal_code.upper()
        )
        for field_name in ("street_address", "municipality", "sbb_number"):
            organisation[field_name] = " ".join(values.get(field_name, "").split())

        website = values.get("website", "")
        if website:
            if not re.match(r"^[a-z][a-z0-9+.-]*://", website, re.IGNORECASE):
                website = "https://" + website
            try:
                URLValidator(schemes=["http", "https"])(website)
            except ValidationError:
                check.error("website", "website_invalid", value=values["website"])
        organisation["website"] = website

        recognised_text = values.get("recognised_training_company", "").strip().lower()
        if recognised_text in TRUE_WORDS:
            organisation["recognised_training_company"] = True
        elif recognised_text in FALSE_WORDS or not recognised_text:
            organisation["recognised_training_company"] = False
        else:
            check.error(
                "recognised_training_company",
                "boolean_invalid",
                value=values["recognised_training_company"],
            )

        sector_ids, unknown = [], []
        for sector_name in re.split(r"[,;|]", values.get("sectors", "")):
            if not sector_name.strip():
                continue
            pk = self.sectors.get(header_key(sector_name))
            if pk is None:
                unknown.append(sector_name.strip())
            elif pk not in sector_ids:
                sector_ids.append(pk)
        if unknown:
            check.error(
                "sectors",
                "sector_unknown",
                names=", ".join(unknown),
                choices=", ".join(self.sector_names),
            )
        organisation["sectors"] = sector_ids

        contact = {
            "name": " ".join(values.get("contact_name", "").split()),
            "function": values.get("contact_function", ""),
            "email": values.get("contact_email", ""),
            "phone": values.get("contact_phone", ""),
        }
        if any(contact.values()):
            if not contact["name"]:
                check.error("contact_name", "contact_name_missing")
            if contact["email"]:
                try:
                    validate_email(contact["email"])
                except ValidationError:
                    check.error("contact_email", "email_invalid", value=contact["email"])
            check.contact = contact
        return check
