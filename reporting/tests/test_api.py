"""Report runs through the API: who may list and download them, the same bytes as stored,
the audit trail, another tenant's runs, and a constant number of queries."""

from __future__ import annotations

import datetime
import hashlib

import pytest
from django.core.files.base import ContentFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from django.utils.http import content_disposition_header

from portal.models import AuditEvent
from portal.roles import Role
from reporting.models import ReportDefinition, ReportRun, report_storage, report_upload_to
from reporting.tests.factories import ReportDefinitionFactory, ReportRunFactory

pytestmark = pytest.mark.django_db


def done_run(definition, *, quarter: int = 1, figures: dict | None = None) -> ReportRun:
    start = datetime.date(2025, 3 * quarter - 2, 1)
    end = (start + datetime.timedelta(days=92)).replace(day=1) - datetime.timedelta(days=1)
    run = ReportRunFactory(
        tenant=definition.tenant, definition=definition, period_start=start, period_end=end
    )
    content = f"%PDF-1.7 report {definition.pk} Q{quarter}".encode()
    run.pdf.name = report_storage.save(report_upload_to(run, "r.pdf"), ContentFile(content))
    run.sha256 = hashlib.sha256(content).hexdigest()
    run.pages, run.size = 4, len(content)
    run.status = ReportRun.Status.DONE
    run.finished_at = timezone.now()
    run.figures = figures or {"summary": {"rows": [{"key": "places_offered", "value": 12}]}}
    run.save()
    return run


def runs_url(world, suffix: str = "") -> str:
    return f"/api/v1/{world.tenant.slug}/report-runs/{suffix}"


def test_funder_lists_the_runs_of_their_tenant_with_a_token(tenant_a, tenant_b, api_client_for):
    # given a done run in A and one in B, and a funder of A with a read-only token
    own = done_run(ReportDefinitionFactory(tenant=tenant_a.tenant))
    done_run(ReportDefinitionFactory(tenant=tenant_b.tenant))
    client = api_client_for(tenant_a.member(Role.FUNDER), read_only=True)

    # when they list A's runs
    response = client.get(runs_url(tenant_a))

    # then they see A's run only, without who asked for it
    assert response.status_code == 200
    results = response.json()["results"]
    assert [run["id"] for run in results] == [own.pk]
    assert results[0]["sha256"] == own.sha256
    assert "requested_by" not in results[0]
    assert "figures" not in results[0]


def test_run_detail_carries_the_figures_it_was_built_from(tenant_a, api_client_for):
    # given a done run with its figures
    run = done_run(ReportDefinitionFactory(tenant=tenant_a.tenant))
    client = api_client_for(tenant_a.member(Role.LEAD))

    # when a lead reads it
    response = client.get(runs_url(tenant_a, f"{run.pk}/"))

    # then the stored figures come with it
    assert response.status_code == 200
    assert response.json()["figures"] == run.figures


@pytest.mark.parametrize("role", [Role.RELATIONS, Role.COMPANY])
def test_roles_without_reports_are_refused(role, tenant_a, api_client_for):
    # given a done run and a member whose role sees no reports
    run = done_run(ReportDefinitionFactory(tenant=tenant_a.tenant))
    client = api_client_for(tenant_a.member(role), token=True)

    # when they list runs and try to download one
    responses = [
        client.get(runs_url(tenant_a)),
        client.get(runs_url(tenant_a, f"{run.pk}/download/")),
    ]

    # then both are a 403 problem
    assert [response.status_code for response in responses] == [403, 403]
    assert responses[1]["Content-Type"].startswith("application/problem+json")


def test_download_gives_the_stored_bytes_every_time_and_is_audited(tenant_a, api_client_for):
    # given a done run and a funder's token
    run = done_run(ReportDefinitionFactory(tenant=tenant_a.tenant))
    with report_storage.open(run.pdf.name, "rb") as stored:
        stored_bytes = stored.read()
    client = api_client_for(tenant_a.member(Role.FUNDER), read_only=True)

    # when the funder downloads it twice
    first = client.get(runs_url(tenant_a, f"{run.pk}/download/"))
    second = client.get(runs_url(tenant_a, f"{run.pk}/download/"))

    # then both are the stored PDF, byte for byte, and both downloads are on record
    assert first.status_code == second.status_code == 200
    assert first["Content-Type"] == "application/pdf"
    assert "attachment;" in first["Content-Disposition"]
    assert first.content == second.content == stored_bytes
    downloads = AuditEvent.objects.for_tenant(tenant_a.tenant).filter(
        action="report_run.download", actor=tenant_a.member(Role.FUNDER).user
    )
    assert downloads.count() == 2


def test_the_download_names_its_file_as_the_pages_do(tenant_a, api_client_for, client_for):
    # given a done run of a report whose title is not plain ASCII
    definition = ReportDefinitionFactory(tenant=tenant_a.tenant, title="Rapportage “Zuid” – Q1")
    run = done_run(definition)
    client = api_client_for(tenant_a.member(Role.FUNDER), read_only=True)

    # when it is downloaded through the API and on the page
    api = client.get(runs_url(tenant_a, f"{run.pk}/download/"))
    page = client_for(tenant_a.member(Role.FUNDER)).get(
        f"/{tenant_a.tenant.slug}/reports/runs/{run.pk}/download/"
    )

    # then both carry the same headers, built by Django's content_disposition_header
    expected = content_disposition_header(
        as_attachment=True,
        filename=f"rapportage-zuid-q1-{run.period_start:%Y-%m-%d}-{run.period_end:%Y-%m-%d}.pdf",
    )
    assert api.status_code == page.status_code == 200
    assert api["Content-Disposition"] == page["Content-Disposition"] == expected
    assert api["Cache-Control"] == page["Cache-Control"] == "private, no-store"
    assert api["X-Content-Type-Options"] == "nosniff"


def test_a_funder_gets_no_internal_reports(tenant_a, api_client_for):
    # given a done run of an internal report and one of a report for the province
    internal = done_run(
        ReportDefinitionFactory(tenant=tenant_a.tenant, audience=ReportDefinition.Audience.INTERNAL)
    )
    province = done_run(
        ReportDefinitionFactory(tenant=tenant_a.tenant, audience=ReportDefinition.Audience.PROVINCE)
    )
    funder = api_client_for(tenant_a.member(Role.FUNDER), read_only=True)
    lead = api_client_for(tenant_a.member(Role.LEAD), read_only=True)

    # when the funder and the lead list, read and download them
    funder_list = funder.get(runs_url(tenant_a)).json()["results"]
    lead_list = lead.get(runs_url(tenant_a)).json()["results"]
    funder_reads = [
        funder.get(runs_url(tenant_a, f"{internal.pk}/")),
        funder.get(runs_url(tenant_a, f"{internal.pk}/download/")),
        funder.get(runs_url(tenant_a, f"{province.pk}/download/")),
    ]
    lead_reads = [
        lead.get(runs_url(tenant_a, f"{internal.pk}/")),
        lead.get(runs_url(tenant_a, f"{internal.pk}/download/")),
    ]

    # then the internal run does not exist for the funder; the lead has both
    assert [run["id"] for run in funder_list] == [province.pk]
    assert sorted(run["id"] for run in lead_list) == sorted([internal.pk, province.pk])
    assert [response.status_code for response in funder_reads] == [404, 404, 200]
    assert [response.status_code for response in lead_reads] == [200, 200]
    assert not AuditEvent.objects.filter(
        action="report_run.download",
        actor=tenant_a.member(Role.FUNDER).user,
        target_id=str(internal.pk),
    ).exists()


def test_a_run_that_is_not_done_cannot_be_downloaded(tenant_a, api_client_for):
    # given a queued run
    run = ReportRunFactory(tenant=tenant_a.tenant)
    client = api_client_for(tenant_a.member(Role.ADMIN))

    # when it is downloaded
    response = client.get(runs_url(tenant_a, f"{run.pk}/download/"))

    # then a 409 problem says it is not ready, and nothing is audited
    assert response.status_code == 409
    assert response["Content-Type"].startswith("application/problem+json")
    assert response.json()["code"] == "report_not_ready"
    assert not AuditEvent.objects.filter(action="report_run.download").exists()


def test_another_tenants_run_under_the_own_slug_is_not_found(tenant_a, tenant_b, api_client_for):
    # given a done run of B and a funder of A
    run = done_run(ReportDefinitionFactory(tenant=tenant_b.tenant))
    client = api_client_for(tenant_a.member(Role.FUNDER), token=True)

    # when the funder asks for it under A's slug
    responses = [
        client.get(runs_url(tenant_a, f"{run.pk}/")),
        client.get(runs_url(tenant_a, f"{run.pk}/download/")),
    ]

    # then it does not exist for them, and no download is recorded
    assert [response.status_code for response in responses] == [404, 404]
    assert not AuditEvent.objects.filter(action="report_run.download").exists()


def test_runs_are_read_only(tenant_a, api_client_for):
    # given an admin with a read-write token
    client = api_client_for(tenant_a.member(Role.ADMIN), token=True)
    definition = ReportDefinitionFactory(tenant=tenant_a.tenant)

    # when they try to create a run through the API
    response = client.post(
        runs_url(tenant_a), {"definition": definition.pk, "period_start": "2025-01-01"}
    )

    # then the resource does not take POST, and no run exists
    assert response.status_code == 405
    assert not ReportRun.objects.exists()


def list_queries(client, url: str) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries)


def test_list_queries_do_not_grow_with_runs(tenant_a, api_client_for):
    # given a funder's token and one run in each of two definitions
    client = api_client_for(tenant_a.member(Role.FUNDER), read_only=True)
    definitions = [ReportDefinitionFactory(tenant=tenant_a.tenant) for _ in range(2)]
    for definition in definitions:
        done_run(definition)
    client.get(runs_url(tenant_a))  # the token's first use records its last-used time
    few = list_queries(client, runs_url(tenant_a))

    # when there are three times as many runs
    for quarter in (2, 3):
        for definition in ReportDefinitionFactory._meta.model.objects.for_tenant(tenant_a.tenant):
            done_run(definition, quarter=quarter)
    many = list_queries(client, runs_url(tenant_a))

    # then the list costs the same number of queries
    assert ReportRun.objects.for_tenant(tenant_a.tenant).count() == 6
    assert many == few
