"""Reading import files: encodings, separators, XLSX, header names in Dutch and English,
and the checks of one row's values."""

from __future__ import annotations

import codecs
import io
from pathlib import Path

import pytest
from django.utils import translation
from openpyxl import Workbook

from partnerships.importers import (
    ImportFileError,
    RowCleaner,
    decode_text,
    error_message,
    header_key,
    map_columns,
    read_table,
    rows_as_values,
    sniff_delimiter,
)

FIXTURES = Path(__file__).parent / "fixtures"


def fixture(name: str) -> bytes:
    return (FIXTURES / name).read_bytes()


def read(name: str):
    table = read_table(fixture(name))
    return table, map_columns(table), rows_as_values(table, map_columns(table))


# --- encodings and separators -----------------------------------------------------------------


def test_utf8_without_bom_is_read_as_utf8():
    # given a UTF-8 file without a byte order mark, with é and ü in it
    data = fixture("utf8.csv")
    assert not data.startswith(codecs.BOM_UTF8)

    # when it is read
    table, _columns, rows = read("utf8.csv")

    # then the accented letters survive and the encoding is named
    assert table.file_format == "CSV (UTF-8, ,)"
    assert rows[0]["values"]["name"] == "Café Bouwtechniek Emmen BV"
    assert rows[1]["values"]["contact_name"] == "Jeroen Müller"


def test_utf8_with_bom_loses_the_bom():
    # given the same kind of file with a BOM (as Excel's "CSV UTF-8" writes it)
    assert fixture("utf8_bom.csv").startswith(codecs.BOM_UTF8)

    # when it is read
    table, columns, rows = read("utf8_bom.csv")

    # then the BOM is not part of the first header, which is recognised as the name
    assert table.header[0] == "naam"
    assert columns.fields[0] == "name"
    assert table.file_format == "CSV (UTF-8 with BOM, ,)"
    assert rows[1]["values"]["contact_function"] == "Stagecoördinator"


def test_windows_1252_semicolon_crlf_as_dutch_excel_writes_it():
    # given a file as Dutch Excel saves "CSV (gescheiden door lijstscheidingsteken)"
    data = fixture("cp1252_semicolon.csv")
    assert b"\r\n" in data and b";" in data
    with pytest.raises(UnicodeDecodeError):
        data.decode("utf-8")

    # when it is read
    table, columns, rows = read("cp1252_semicolon.csv")

    # then the separator, the encoding and the letters é, ë and ü come out right
    assert table.file_format == "CSV (Windows-1252, ;)"
    assert [row["values"]["contact_name"] for row in rows] == [
        "Renée Jansen",
        "Chloë Bakker",
        "Jürgen Müller",
    ]
    assert rows[1]["values"]["name"] == "Café De Brëdervoort"
    assert all("\r" not in value for row in rows for value in row["values"].values())
    assert set(columns.fields.values()) >= {"name", "kvk_number", "contact_email"}


def test_decode_refuses_bytes_that_are_neither_utf8_nor_windows_1252():
    # given bytes that are invalid UTF-8 and hold a byte Windows-1252 leaves undefined
    data = b"naam\nBedrijf \x81\xe9\n"

    # when they are decoded, then the file is refused with advice
    with pytest.raises(ImportFileError) as refused:
        decode_text(data)
    assert "UTF-8" in str(refused.value.message)


def test_utf16_with_bom_is_read():
    # given a file saved as "Unicode text" (UTF-16 with a BOM, tab separated)
    data = codecs.BOM_UTF16_LE + "naam\tplaats\nÉénhoorn BV\tEmmen\n".encode("utf-16-le")

    # when it is read
    table = read_table(data)
    rows = rows_as_values(table, map_columns(table))

    # then it is recognised by its BOM, and the tab separates
    assert table.file_format == "CSV (UTF-16, tab)"
    assert rows == [{"number": 2, "values": {"name": "Éénhoorn BV", "municipality": "Emmen"}}]


@pytest.mark.parametrize(
    ("header_line", "expected"),
    [
        ("naam;plaats;kvk", ";"),
        ("naam,plaats,kvk", ","),
        ("naam\tplaats", "\t"),
        ('"naam, officieel";plaats', ";"),
        ("naam", ","),
    ],
)
def test_separator_is_counted_on_the_header_line(header_line, expected):
    # given a header line, when its separator is sniffed, then the most frequent one wins
    # (separators inside quotes do not count, a single column falls back to a comma)
    assert sniff_delimiter(header_line + "\nwaarde") == expected


def test_quoted_cell_with_separator_stays_one_cell():
    # given a comma file with a quoted name that holds a comma
    table, _columns, rows = read("utf8.csv")

    # then the name is one value
    assert rows[2]["values"]["name"] == "Smederij Ter Apel, Van Dijk & Zn"


# --- XLSX -------------------------------------------------------------------------------------


def test_xlsx_with_dutch_headers():
    # given a workbook with Dutch headers, a KvK number stored as a number, and a blank row
    table, columns, rows = read("dutch_headers.xlsx")

    # then every header is recognised, numbers read as their digits, the blank row left out
    assert table.file_format == "XLSX"
    assert set(columns.fields.values()) == {
        "name",
        "kind",
        "kvk_number",
        "municipality",
        "recognised_training_company",
        "sectors",
        "contact_name",
        "contact_function",
        "contact_email",
        "contact_phone",
    }
    assert [row["number"] for row in rows] == [2, 3, 5]
    assert rows[0]["values"]["kvk_number"] == "56781234"
    assert rows[2]["values"]["name"] == "ROC Zuidoost-Drenthe"


def test_xlsx_is_recognised_by_content_not_name():
    # given a workbook (any name), built in memory
    workbook = Workbook()
    workbook.active.append(["Name", "City"])
    workbook.active.append(["Acme Robotics", "Assen"])
    buffer = io.BytesIO()
    workbook.save(buffer)

    # when its bytes are read
    table = read_table(buffer.getvalue())

    # then it is read as XLSX
    assert table.file_format == "XLSX"
    assert rows_as_values(table, map_columns(table))[0]["values"] == {
        "name": "Acme Robotics",
        "municipality": "Assen",
    }


@pytest.mark.parametrize(
    ("data", "fragment"),
    [
        (b"", "empty"),
        (b"PK\x03\x04not really a zip", "Excel workbook"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 100, ".xls"),
        (b"naam,plaats\n", "no rows"),
        (b"\x00\x01\x02binary", "not a CSV"),
    ],
)
def test_unreadable_files_are_refused_with_a_reason(data, fragment):
    # when a file that cannot be imported is read, then it is refused, saying why
    with translation.override("en"):
        with pytest.raises(ImportFileError) as refused:
            read_table(data)
        assert fragment in str(refused.value.message)


# --- header names -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("header", "field"),
    [
        ("Naam", "name"),
        ("Bedrijfsnaam", "name"),
        ("KvK-nummer", "kvk_number"),
        ("kvk_number", "kvk_number"),
        ("Chamber of Commerce", "kvk_number"),
        ("Instellingscode", "brin_code"),
        ("Plaats", "municipality"),
        ("Gemeente", "municipality"),
        ("City", "municipality"),
        ("E-mailadres", "contact_email"),
        ("E-mail", "contact_email"),
        ("email", "contact_email"),
        ("Telefoon", "contact_phone"),
        ("Functie", "contact_function"),
        ("Contactpersoon", "contact_name"),
        ("Soort", "kind"),
        (" TYPE ", "kind"),
    ],
)
def test_header_synonyms(header, field):
    # given a file with that header, when its columns are mapped, the field is found
    table = read_table(f"{header}\nwaarde\n".encode())
    assert map_columns(table).fields[0] == field


def test_header_key_ignores_case_accents_and_punctuation():
    assert header_key(" E-mail_Adrès ") == "emailadres"


def test_unknown_columns_are_listed_and_empty_unnamed_columns_ignored():
    # given a file with two unknown columns and a trailing separator (empty, nameless column)
    data = fixture("unknown_columns.csv").replace(b"\n", b",\n")

    # when the columns are mapped
    columns = map_columns(read_table(data))

    # then the two unknown ones are listed by name, the empty one is not, nothing is missing
    assert columns.unknown == ["Omzet", "Opmerkingen"]
    assert not columns.missing
    assert not columns.refused


def test_missing_name_column_and_doubled_columns_refuse_the_file():
    # given files without a name column, and with two columns that both mean "municipality"
    missing = map_columns(read_table(b"plaats,kvk\nEmmen,12345678\n"))
    doubled = map_columns(read_table(b"naam,plaats,gemeente\nAcme,Emmen,Emmen\n"))

    # then both are refused, and say why
    assert missing.missing == ["name"] and missing.refused
    assert doubled.doubled == [("municipality", ["plaats", "gemeente"])] and doubled.refused


# --- one row's values -------------------------------------------------------------------------


def test_row_cleaner_normalises_values():
    # given a row as people type it
    cleaner = RowCleaner(sectors={"ICT": 1, "Zorg": 2})
    values = {
        "name": "  Acme   Robotics  ",
        "kind": "Bedrijf",
        "kvk_number": "1234 5678",
        "postal_code": "7811ab",
        "province": "noord-holland",
        "website": "www.acme.example.nl",
        "recognised_training_company": "Ja",
        "sectors": "ict, zorg",
        "status": "actief",
        "contact_name": "An Smit",
        "contact_email": "an@acme.example.nl",
    }

    # when it is cleaned
    check = cleaner.clean(values)

    # then everything is in the form the model keeps
    assert check.errors == []
    organisation = check.organisation
    assert organisation["name"] == "Acme Robotics"
    assert organisation["kind"] == "company"
    assert organisation["kvk_number"] == "12345678"
    assert organisation["postal_code"] == "7811 AB"
    assert organisation["province"] == "noord_holland"
    assert organisation["website"] == "https://www.acme.example.nl"
    assert organisation["recognised_training_company"] is True
    assert organisation["sectors"] == [1, 2]
    assert organisation["status"] == "active"
    assert check.contact["email"] == "an@acme.example.nl"


def test_kind_is_a_school_when_a_brin_code_is_given_and_no_kind():
    cleaner = RowCleaner(sectors={})
    assert cleaner.clean({"name": "X College", "brin_code": "05zk"}).organisation == (
        cleaner.clean({"name": "X College", "brin_code": "05ZK"}).organisation
    )
    assert cleaner.clean({"name": "X College", "brin_code": "05ZK"}).organisation["kind"] == (
        "school"
    )
    assert cleaner.clean({"name": "Y BV"}).organisation["kind"] == "company"


def test_row_errors_name_the_field_and_read_in_the_chosen_language():
    # given a row with several mistakes
    cleaner = RowCleaner(sectors={"ICT": 1})
    check = cleaner.clean(
        {
            "name": "",
            "kvk_number": "1234",
            "brin_code": "XYZ",
            "kind": "vereniging",
            "sectors": "Ruimtevaart",
            "recognised_training_company": "misschien",
            "contact_email": "geen-adres",
        }
    )

    # then each is an error on its own field, put into words in English on request
    fields = [error["field"] for error in check.errors]
    assert fields == [
        "name",
        "kvk_number",
        "brin_code",
        "kind",
        "recognised_training_company",
        "sectors",
        "contact_name",
        "contact_email",
    ]
    with translation.override("en"):
        messages = [error_message(error) for error in check.errors]
    assert "exactly 8 digits" in messages[1]
    assert "“XYZ” is not a valid BRIN code" in messages[2]
    assert "“vereniging” is not a kind of organisation" in messages[3]
    assert "Ruimtevaart" in messages[5] and "ICT" in messages[5]
