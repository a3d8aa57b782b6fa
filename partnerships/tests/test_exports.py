"""The organisation export: exactly the filtered, searched and sorted list (all pages) as
CSV for Dutch Excel or XLSX, formulas made inert, bad requests refused, exports audited."""

from __future__ import annotations

import csv
import datetime
import io
from urllib.parse import urlencode

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext
from openpyxl import load_workbook

from partnerships.exports import (
    CSV_BOM,
    csv_lines,
    escape_formula,
    organisation_header,
    xlsx_bytes,
)
from partnerships.filters import OrganisationFilter
from partnerships.models import Organisation
from partnerships.tests.factories import OrganisationFactory, SectorFactory
from portal.models import AuditEvent
from portal.roles import Role


def english(client: Client) -> Client:
    client.cookies["portal_language"] = "en"
    return client


def export_url(tenant, **params) -> str:
    return reverse("organisation_export", args=[tenant.slug]) + "?" + urlencode(params)


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


def listed(tenant, **params) -> list[str]:
    return [o.name for o in OrganisationFilter(params, tenant=tenant).qs]


@pytest.fixture
def relations(tenant_a, client_for):
    return english(client_for(tenant_a.member(Role.RELATIONS)))


# --- formula escaping ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "escaped"),
    [
        ('=HYPERLINK("http://evil.example")', '\'=HYPERLINK("http://evil.example")'),
        ("+31 6 12345678", "'+31 6 12345678"),
        ("-2+3", "'-2+3"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\t=1+1", "'\t=1+1"),
        ("\r=1+1", "'\r=1+1"),
        ("Hondsrug = top", "Hondsrug = top"),
        ("", ""),
        (42, 42),
        (None, None),
        (datetime.date(2026, 1, 2), datetime.date(2026, 1, 2)),
    ],
)
def test_escape_formula(value, escaped):
    # when a value is prepared for a spreadsheet cell
    # then text that starts like a formula gets a leading quote, anything else stays
    assert escape_formula(value) == escaped


def test_csv_lines_are_for_dutch_excel():
    # when a small table is written as CSV
    text = "".join(csv_lines(["Naam", "Plaats"], [["Café; De Hoek", "Emmen"], ["=1+1", None]]))

    # then it starts with a BOM, separates with semicolons (quoting where needed),
    # ends lines with CRLF and escapes formulas
    assert text == '\ufeffNaam;Plaats\r\n"Café; De Hoek";Emmen\r\n\'=1+1;\r\n'


def test_xlsx_bytes_keeps_formulas_as_text():
    # when a table with formula-like text and a date is written as XLSX
    content = xlsx_bytes(
        ["Naam", "Datum"], [["=cmd|' /C calc'!A0", datetime.date(2026, 5, 1)]], title="Test"
    )

    # then the cell is text with a leading quote, never a formula, and the date is a date
    sheet = load_workbook(io.BytesIO(content)).active
    assert sheet["A2"].value == "'=cmd|' /C calc'!A0"
    assert sheet["A2"].data_type == "s"
    assert sheet["B2"].value.date() == datetime.date(2026, 5, 1)


# --- the export of the list ---------------------------------------------------------------


def export_world(tenant):
    chemie = SectorFactory(tenant=tenant, name="Chemie")
    for i in range(30):
        OrganisationFactory(
            tenant=tenant,
            name=f"Chemiebedrijf {i:02d} BV",
            municipality="Emmen" if i % 2 else "Coevorden",
            kvk_number=f"0400{i:04d}",
            last_contact_on=datetime.date(2026, 1, 1) + datetime.timedelta(days=i),
        ).sectors.set([chemie])
    OrganisationFactory(tenant=tenant, name="Bakkerij Jansen", municipality="Emmen")


@pytest.mark.parametrize("file_format", ["csv", "xlsx"])
def test_export_is_exactly_the_filtered_sorted_list(file_format, tenant_a, tenant_b, relations):
    # given 30 chemical companies (more than a page), a bakery, and B's organisations
    export_world(tenant_a.tenant)
    export_world(tenant_b.tenant)
    params = {"q": "chemiebedrijf", "municipality": "Emmen", "sort": "-last_contact", "page": "1"}

    # when the searched, filtered and sorted list is exported
    response = relations.get(export_url(tenant_a.tenant, format=file_format, **params))

    # then the file holds every row of that list (not one page), in its order, and nothing else
    assert response.status_code == 200
    rows = csv_rows(response) if file_format == "csv" else xlsx_rows(response)
    header, body = rows[0], rows[1:]
    assert header == organisation_header()
    names = [row[0] for row in body]
    assert names == listed(tenant_a.tenant, **params)
    assert len(names) == 15
    assert names[0] == "Chemiebedrijf 29 BV"
    first = dict(zip(header, body[0], strict=True))
    assert first["KvK number"] == "04000029"
    assert first["Sectors"] == "Chemie"
    assert first["Municipality"] == "Emmen"
    assert first["Kind"] == "Company"
    assert str(first["Last contact"])[:10] == "2026-01-30"


def test_csv_export_is_streamed_with_a_file_name(tenant_a, relations):
    # when the list is exported as CSV
    response = relations.get(export_url(tenant_a.tenant, format="csv"))

    # then it streams as a UTF-8 CSV attachment
    assert response.streaming
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"].startswith(
        'attachment; filename="organisations-verband-a-'
    )
    assert response["Content-Disposition"].endswith('.csv"')


def test_xlsx_export_content_type(tenant_a, relations):
    response = relations.get(export_url(tenant_a.tenant, format="xlsx"))

    assert response["Content-Type"] == (
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    assert response["Content-Disposition"].endswith('.xlsx"')


@pytest.mark.parametrize("file_format", ["csv", "xlsx"])
def test_export_escapes_formulas(file_format, tenant_a, relations):
    # given an organisation whose name and tag were typed as formulas
    OrganisationFactory(
        tenant=tenant_a.tenant, name='=HYPERLINK("http://x";"klik")', tags=["@evil"]
    )

    # when the list is exported
    response = relations.get(export_url(tenant_a.tenant, format=file_format, q="hyperlink"))

    # then the cells are inert text
    rows = csv_rows(response) if file_format == "csv" else xlsx_rows(response)
    row = dict(zip(rows[0], rows[1], strict=True))
    assert row["Name"] == '\'=HYPERLINK("http://x";"klik")'
    assert row["Tags"] == "'@evil"


def test_export_headers_are_translated(tenant_a, client_for):
    # given a member who reads Dutch
    client = client_for(tenant_a.member(Role.ADMIN))
    client.cookies["portal_language"] = "nl"

    # when they export
    rows = csv_rows(client.get(export_url(tenant_a.tenant, format="csv")))

    # then the headers are in their language
    with translation.override("nl"):
        assert rows[0][0] == gettext("Name")
        assert rows[0] == organisation_header()


@pytest.mark.parametrize("file_format", ["pdf", "", "CSV"])
def test_unknown_format_is_a_clear_400(file_format, tenant_a, relations):
    # when an export in a format the portal does not make is asked for
    response = relations.get(export_url(tenant_a.tenant, format=file_format))

    # then it is refused with a message saying which formats exist, and nothing is audited
    assert response.status_code == 400
    assert "Choose CSV or XLSX" in response.content.decode()
    assert (
        not AuditEvent.objects.for_tenant(tenant_a.tenant)
        .filter(action="organisation.export")
        .exists()
    )


def test_missing_format_is_a_400(tenant_a, relations):
    response = relations.get(reverse("organisation_export", args=[tenant_a.tenant.slug]))

    assert response.status_code == 400


def test_invalid_filters_refuse_the_export(tenant_a, relations):
    # when an export with an invalid filter is asked for
    response = relations.get(export_url(tenant_a.tenant, format="csv", no_contact_months="veel"))

    # then nothing is exported (it would not be the list the person asked for)
    assert response.status_code == 400
    assert "Some filters are not valid" in response.content.decode()


@pytest.mark.parametrize(
    ("role", "status"),
    [
        (Role.ADMIN, 200),
        (Role.LEAD, 200),
        (Role.RELATIONS, 200),
        (Role.COMPANY, 403),
        (Role.FUNDER, 403),
    ],
)
def test_export_is_for_crm_roles_only(role, status, tenant_a, client_for):
    response = client_for(tenant_a.member(role)).get(export_url(tenant_a.tenant, format="csv"))

    assert response.status_code == status


def test_export_is_not_found_for_another_tenants_member(tenant_a, tenant_b, client_for):
    response = client_for(tenant_b.member(Role.ADMIN)).get(
        export_url(tenant_a.tenant, format="csv")
    )

    assert response.status_code == 404


def test_export_is_audited(tenant_a, relations):
    # given 31 organisations in A besides its own two
    export_world(tenant_a.tenant)

    # when the Emmen organisations are exported
    relations.get(export_url(tenant_a.tenant, format="xlsx", municipality="Emmen", page="2"))

    # then who exported how many rows, in which format and with which filters is recorded
    event = AuditEvent.objects.for_tenant(tenant_a.tenant).get(action="organisation.export")
    assert event.actor == tenant_a.member(Role.RELATIONS).user
    expected = Organisation.objects.for_tenant(tenant_a.tenant).filter(municipality="Emmen").count()
    assert event.changes == {
        "format": [None, "xlsx"],
        "rows": [None, expected],
        "filters": [None, "municipality=Emmen"],
    }
