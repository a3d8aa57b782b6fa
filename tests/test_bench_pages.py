"""Every page ``make bench`` drives answers its role, and its query count does not grow with
the rows: seeded tiny, counted; seeded four times larger, counted again; equal."""

from __future__ import annotations

import sys
from io import StringIO

import pytest
from django.core.management import call_command
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from bench import crm_import, queries
from bench.jobs import measure
from bench.pages import BASELINE, PAGES, Page
from portal.management.commands.seed_scale import size_defaults
from portal.models import Membership, Tenant
from portal.scale import LARGE_TENANT_SLUG

pytestmark = pytest.mark.django_db


def seed_scale(size: int, small_tenants: int) -> None:
    arguments = ["--force", "--small-tenants", str(small_tenants), "--small-fraction", "0.5"]
    for name in size_defaults():
        arguments += ["--" + name.replace("_", "-"), str(size)]
    call_command("seed_scale", *arguments, stdout=StringIO())


def request_queries(page: Page) -> tuple[int, int]:
    """(status, query count) of the page's second request as its role (the first warms up)."""
    path, membership = page.resolve()
    client = Client()
    if membership is not None:
        client.force_login(membership.user)
    client.get(path, headers=page.headers)
    with CaptureQueriesContext(connection) as captured:
        response = client.get(path, headers=page.headers)
    return response.status_code, len(captured)


def test_every_page_answers_its_role_and_its_query_count_does_not_grow():
    # One load per size for all pages: a load per page would make this minutes long.
    pages = [BASELINE, *PAGES]
    seed_scale(size=3, small_tenants=2)
    few_rows = {page.name: request_queries(page) for page in pages}

    seed_scale(size=12, small_tenants=4)
    assert Membership.objects.filter(tenant__slug=LARGE_TENANT_SLUG).count() == 5 + 12
    more_rows = {page.name: request_queries(page) for page in pages}

    not_ok = {
        name: (status, more_rows[name][0])
        for name, (status, _count) in few_rows.items()
        if (status, more_rows[name][0]) != (200, 200)
    }
    assert not not_ok, f"pages that did not answer 200 (few rows, more rows): {not_ok}"
    grew = {
        name: (count, more_rows[name][1])
        for name, (_status, count) in few_rows.items()
        if count != more_rows[name][1]
    }
    assert not grew, f"query counts that grew with the rows (few rows, more rows): {grew}"


def test_page_profile_counts_queries_and_flags_sequential_scans(monkeypatch):
    seed_scale(size=3, small_tenants=2)
    audit_log = next(page for page in PAGES if page.name == "audit log")
    path, membership = audit_log.resolve()
    client = Client()
    client.force_login(membership.user)
    _status, expected = request_queries(audit_log)
    # Every table counts as large, so the seq scans PostgreSQL picks for tiny tables show.
    monkeypatch.setattr(queries, "LARGE_TABLE_ROWS", -1)

    profile = queries.profile_request(client, path, headers={})

    assert profile.status == 200
    assert profile.query_count == expected
    assert profile.alone_ms > 0
    assert profile.slowest_sql.startswith("SELECT")
    assert "Execution Time" in profile.slowest_plan
    assert profile.seq_scans
    assert all(scan.sql.lstrip().upper().startswith("SELECT") for scan in profile.seq_scans)


def test_plans_are_flagged_for_scans_sorts_and_indexes_that_do_not_start_with_the_tenant():
    catalogue = queries.Catalogue(
        rows={"big": 50_000, "small": 10},
        tenant_tables={"big", "small"},
        indexes={
            "big_name_idx": ("big", False, "name"),
            "big_tenant_idx": ("big", False, "tenant_id"),
            "big_pkey": ("big", True, "id"),
            "small_name_idx": ("small", False, "name"),
        },
    )
    scan = {"Node Type": "Seq Scan", "Relation Name": "big", "Actual Rows": 50_000}
    plan = {
        "Node Type": "Limit",
        "Plans": [
            {
                "Node Type": "Sort",
                "Sort Key": ["big.name"],
                "Plans": [{**scan, "Actual Loops": 1}],
            },
            {"Node Type": "Index Scan", "Relation Name": "big", "Index Name": "big_name_idx"},
            {"Node Type": "Bitmap Index Scan", "Index Name": "big_tenant_idx"},
            {"Node Type": "Index Scan", "Relation Name": "big", "Index Name": "big_pkey"},
            {"Node Type": "Seq Scan", "Relation Name": "small"},
            {"Node Type": "Index Scan", "Relation Name": "small", "Index Name": "small_name_idx"},
        ],
    }

    flags = queries.plan_flags(plan, "SELECT ...", catalogue)

    assert [(flag.kind, flag.table, flag.detail) for flag in flags] == [
        ("sort", "big", "big.name"),
        ("seq scan", "big", ""),
        ("index without tenant", "big", "big_name_idx"),
    ]


def test_a_server_side_cursor_is_explained_by_its_select_and_writes_are_not():
    cursor = 'DECLARE "_django_curs_1" NO SCROLL CURSOR WITH HOLD FOR SELECT "id" FROM "t"'

    assert queries.read_statement(cursor) == 'SELECT "id" FROM "t"'
    assert queries.read_statement("WITH x AS (SELECT 1) SELECT * FROM x").startswith("WITH")
    assert queries.read_statement('UPDATE "django_session" SET "expire_date" = now()') is None


def test_the_import_job_imports_its_file_and_leaves_the_scale_data_as_it_was(
    monkeypatch, tmp_path, capsys
):
    from partnerships.models import ImportJob, Organisation

    seed_scale(size=3, small_tenants=1)
    tenant = Tenant.objects.get(slug=LARGE_TENANT_SLUG)
    organisations = Organisation.objects.for_tenant(tenant).count()
    monkeypatch.setattr(crm_import, "ROWS", 40)
    crm_import.import_file_write(tenant=tenant, workdir=tmp_path)

    crm_import.import_run(tenant=tenant, workdir=tmp_path)

    assert "imported 40 rows" in capsys.readouterr().out
    assert Organisation.objects.for_tenant(tenant).count() == organisations
    assert not ImportJob.objects.for_tenant(tenant).exists()


def test_job_measurement_reports_wall_time_and_peak_memory_of_the_process(tmp_path):
    allocate = "import time; b = bytearray(120 * 2**20); b[::4096] = b'x' * len(b[::4096]); "
    allocate += "time.sleep(0.2); print('done')"

    measured = measure([sys.executable, "-c", allocate], env={}, cwd=str(tmp_path))

    assert measured.returncode == 0
    assert measured.stdout.strip() == "done"
    assert measured.seconds >= 0.2
    assert measured.peak_mb >= 120
