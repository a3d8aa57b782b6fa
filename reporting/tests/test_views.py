"""The report pages of a tenant: the overview, defining a report, a definition's page with its
runs and the request form, a run's page with its polling status, retry, download and the
figures exports; per role, with bad input, and with query counts that do not grow."""

from __future__ import annotations

import datetime
import hashlib

import pytest
from django.core.files.base import ContentFile
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import empty

from portal.models import AuditEvent
from portal.roles import Role
from reporting.figures import report_figures
from reporting.models import ReportDefinition, ReportRun, report_storage, report_upload_to
from reporting.periods import finished_periods, period_containing
from reporting.tests.factories import (
    ReportDefinitionFactory,
    ReportRunFactory,
    ReportScheduleFactory,
)

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.7\n% a stored report\n%%EOF\n"
FIGURES = {
    "summary": {
        "rows": [
            {
                "key": "places_offered",
                "label": "Stage places offered",
                "value": 42,
                "previous": 40,
                "change": 2,
            },
            {
                "key": "placements_started",
                "label": "Placements started",
                "value": "<5",
                "previous": 7,
                "change": None,
            },
        ]
    }
}


@pytest.fixture(autouse=True)
def reports_root(tmp_path, settings):
    """Report PDFs of a test go to a directory of its own."""
    settings.REPORTS_ROOT = str(tmp_path / "reports")
    report_storage._wrapped = empty
    yield
    report_storage._wrapped = empty


def english(client: Client) -> Client:
    client.cookies["portal_language"] = "en"
    return client


def quarter(offset: int = 0):
    """A finished quarter: the last one (0), the one before (1), ..."""
    return finished_periods("quarter", today=timezone.localdate(), count=offset + 1)[offset]


def done_run(*, tenant, definition, period=None, content: bytes = PDF, figures=None) -> ReportRun:
    """A run as the worker leaves it: the PDF stored, its checksum, pages and size."""
    period = period or quarter()
    run = ReportRunFactory(
        tenant=tenant, definition=definition, period_start=period.start, period_end=period.end
    )
    run.pdf.name = report_storage.save(report_upload_to(run, "report.pdf"), ContentFile(content))
    run.sha256 = hashlib.sha256(content).hexdigest()
    run.pages = 12
    run.size = len(content)
    run.status = ReportRun.Status.DONE
    run.started_at = run.finished_at = timezone.now()
    run.figures = FIGURES if figures is None else figures
    run.save()
    return run


def url(name: str, tenant, *args) -> str:
    return reverse(name, args=[tenant.slug, *args])


# --- who sees what ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("role", "status"),
    [
        (Role.ADMIN, 200),
        (Role.LEAD, 200),
        (Role.FUNDER, 200),
        (Role.RELATIONS, 403),
        (Role.COMPANY, 403),
    ],
)
def test_reports_overview_per_role(tenant_a, client_for, role, status):
    # given a report of tenant A
    ReportScheduleFactory(tenant=tenant_a.tenant, definition__title="Kwartaalrapportage A")

    # when a member with the role opens the reports
    response = english(client_for(tenant_a.member(role))).get(
        url("report_overview", tenant_a.tenant)
    )

    # then only roles that may see reports get them, with the menu entry
    assert response.status_code == status
    if status == 200:
        assert "Kwartaalrapportage A" in response.content.decode()
        menu = [item["label"] for item in response.context["tenant_menu"]]
        assert "Reports" in menu


def test_the_menu_offers_reports_only_to_roles_that_see_them(tenant_a, client_for):
    # given a company contact and a funder
    dashboard = url("tenant_dashboard", tenant_a.tenant)

    # when both open the dashboard
    company = english(client_for(tenant_a.member(Role.COMPANY))).get(dashboard)
    funder = english(client_for(tenant_a.member(Role.FUNDER))).get(dashboard)

    # then only the funder's menu has Reports
    assert "Reports" not in [str(item["label"]) for item in company.context["tenant_menu"]]
    assert "Reports" in [str(item["label"]) for item in funder.context["tenant_menu"]]


def test_funder_sees_runs_and_downloads_but_not_recipients_or_management(tenant_a, client_for):
    # given a definition with a recipient member and an e-mail address, and a done run
    tenant = tenant_a.tenant
    funder_member = tenant_a.member(Role.FUNDER)
    definition = ReportDefinitionFactory(
        tenant=tenant, recipient_emails=["geheim-adres@provincie.example.org"]
    )
    definition.recipient_memberships.set([tenant_a.member(Role.LEAD)])
    run = done_run(tenant=tenant, definition=definition)

    # when the funder and the admin open the definition
    funder = english(client_for(funder_member)).get(
        url("report_definition_detail", tenant, definition.pk)
    )
    admin = english(client_for(tenant_a.member(Role.ADMIN))).get(
        url("report_definition_detail", tenant, definition.pk)
    )

    # then both see the run and its download; only the admin sees recipients and forms
    download = url("report_run_download", tenant, run.pk)
    lead_email = tenant_a.member(Role.LEAD).user.email
    funder_page, admin_page = funder.content.decode(), admin.content.decode()
    assert download in funder_page and download in admin_page
    assert "geheim-adres@provincie.example.org" not in funder_page
    assert lead_email not in funder_page
    assert "Request a report" not in funder_page
    assert url("report_definition_edit", tenant, definition.pk) not in funder_page
    assert "geheim-adres@provincie.example.org" in admin_page
    assert lead_email in admin_page
    assert "Request a report for a finished period" in admin_page


@pytest.mark.parametrize("role", [Role.FUNDER, Role.RELATIONS])
def test_only_managers_define_request_and_retry(tenant_a, client_for, role):
    # given a definition with a failed run
    tenant = tenant_a.tenant
    definition = ReportDefinitionFactory(tenant=tenant)
    failed = ReportRunFactory(
        tenant=tenant, definition=definition, status=ReportRun.Status.FAILED, error="x"
    )
    client = client_for(tenant_a.member(role))

    # when a funder or relations member tries to manage reports
    responses = [
        client.get(url("report_definition_create", tenant)),
        client.post(url("report_definition_edit", tenant, definition.pk), {"title": "Weg"}),
        client.post(
            url("report_run_request", tenant, definition.pk),
            {"period_start": quarter(1).start.isoformat()},
        ),
        client.post(url("report_run_retry", tenant, failed.pk)),
    ]

    # then every attempt is forbidden and nothing changed
    assert [response.status_code for response in responses] == [403] * 4
    definition.refresh_from_db()
    assert definition.title != "Weg"
    assert ReportRun.objects.count() == 1
    failed.refresh_from_db()
    assert failed.status == ReportRun.Status.FAILED


# --- defining a report ------------------------------------------------------------------------


def definition_post(**overrides) -> dict:
    data = {
        "title": "Kwartaalrapportage Groeifonds",
        "audience": "funder",
        "sections": ["summary", "stages"],
        "period_kind": "quarter",
        "language": "nl",
        "recipient_emails": "fonds@example.org\n\n  Provincie@Example.org  \n",
        "schedule_enabled": "on",
        "days_after_period_end": "10",
    }
    data.update(overrides)
    return data


def test_admin_defines_a_report_with_a_funder_recipient(tenant_a, client_for):
    # given the admin and the funder member of tenant A
    tenant = tenant_a.tenant
    funder = tenant_a.member(Role.FUNDER)
    client = english(client_for(tenant_a.member(Role.ADMIN)))
    form_page = client.get(url("report_definition_create", tenant))
    assert funder.user.email in form_page.content.decode()

    # when the form is posted
    response = client.post(
        url("report_definition_create", tenant),
        definition_post(recipient_memberships=[funder.pk]),
    )

    # then the definition is saved with its recipients and schedule, and its page opens
    definition = ReportDefinition.objects.get(tenant=tenant)
    assert response.status_code == 302
    assert response["Location"] == url("report_definition_detail", tenant, definition.pk)
    assert definition.sections == ["summary", "stages"]
    assert list(definition.recipient_memberships.all()) == [funder]
    assert definition.recipient_emails == ["fonds@example.org", "provincie@example.org"]
    assert definition.schedule.enabled
    assert definition.schedule.days_after_period_end == 10


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"sections": []}, "Choose at least one section for the report."),
        ({"recipient_emails": "fonds@example.org\ngeen adres"}, "Not a valid e-mail address"),
        ({"title": ""}, "This field is required."),
        ({"days_after_period_end": "999"}, "less than or equal to 365"),
    ],
)
def test_bad_definitions_are_refused_with_a_message_and_nothing_saved(
    tenant_a, client_for, overrides, message
):
    # given the admin of tenant A
    client = english(client_for(tenant_a.member(Role.ADMIN)))

    # when a definition with bad input is posted
    response = client.post(
        url("report_definition_create", tenant_a.tenant), definition_post(**overrides)
    )

    # then the form comes back with the message and nothing was saved
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not ReportDefinition.objects.exists()


def test_a_recipient_from_another_tenant_is_refused(tenant_a, tenant_b, client_for):
    # given tenant B's funder membership
    outsider = tenant_b.member(Role.FUNDER)
    client = english(client_for(tenant_a.member(Role.ADMIN)))

    # when its id is posted as a recipient of a report of tenant A
    response = client.post(
        url("report_definition_create", tenant_a.tenant),
        definition_post(recipient_memberships=[tenant_a.member(Role.FUNDER).pk, outsider.pk]),
    )

    # then the form refuses it and nothing was saved
    assert response.status_code == 400
    assert response.context["form"].errors["recipient_memberships"]
    assert not ReportDefinition.objects.exists()


def test_lead_edits_a_definition(tenant_a, client_for):
    # given a definition with a schedule
    tenant = tenant_a.tenant
    schedule = ReportScheduleFactory(tenant=tenant, definition__title="Oud")
    definition = schedule.definition
    client = english(client_for(tenant_a.member(Role.LEAD)))
    edit = url("report_definition_edit", tenant, definition.pk)
    assert 'value="Oud"' in client.get(edit).content.decode()

    # when the lead changes title, period and schedule
    response = client.post(
        edit,
        definition_post(
            title="Halfjaarrapportage",
            period_kind="half_year",
            schedule_enabled="",
            days_after_period_end="20",
        ),
    )

    # then it is saved
    assert response.status_code == 302
    definition.refresh_from_db()
    schedule.refresh_from_db()
    assert (definition.title, definition.period_kind) == ("Halfjaarrapportage", "half_year")
    assert (schedule.enabled, schedule.days_after_period_end) == (False, 20)


# --- requesting a report ----------------------------------------------------------------------


def test_the_request_form_offers_finished_periods_only(tenant_a, client_for):
    # given a quarterly definition
    tenant = tenant_a.tenant
    definition = ReportDefinitionFactory(tenant=tenant)

    # when the admin opens its page
    response = client_for(tenant_a.member(Role.ADMIN)).get(
        url("report_definition_detail", tenant, definition.pk)
    )

    # then the choice holds the last finished quarters, not the running one
    form = response.context["request_form"]
    offered = [value for value, _label in form.fields["period_start"].widget.choices]
    running = period_containing("quarter", timezone.localdate())
    assert offered[0] == quarter().start.isoformat()
    assert running.start.isoformat() not in offered
    assert len(offered) == 8


def test_admin_requests_a_report_of_a_finished_period(tenant_a, client_for):
    # given a quarterly definition
    tenant = tenant_a.tenant
    admin = tenant_a.member(Role.ADMIN)
    definition = ReportDefinitionFactory(tenant=tenant)
    period = quarter(2)

    # when the admin requests the report of an earlier quarter, twice
    request_url = url("report_run_request", tenant, definition.pk)
    first = client_for(admin).post(request_url, {"period_start": period.start.isoformat()})
    second = client_for(admin).post(request_url, {"period_start": period.start.isoformat()})

    # then one run is queued for that period, and both requests lead to it
    run = ReportRun.objects.get(definition=definition)
    assert (run.period_start, run.period_end) == (period.start, period.end)
    assert run.status == ReportRun.Status.QUEUED
    assert run.requested_by == admin.user
    assert first["Location"] == second["Location"] == url("report_run_detail", tenant, run.pk)


@pytest.mark.parametrize("which", ["running", "future", "not a start", "garbage"])
def test_a_period_that_is_not_finished_is_refused_even_posted_by_hand(tenant_a, client_for, which):
    # given a quarterly definition
    tenant = tenant_a.tenant
    definition = ReportDefinitionFactory(tenant=tenant)
    running = period_containing("quarter", timezone.localdate())
    posted = {
        "running": running.start.isoformat(),
        "future": (running.end + datetime.timedelta(days=1)).isoformat(),
        "not a start": (quarter().start + datetime.timedelta(days=3)).isoformat(),
        "garbage": "gisteren",
    }[which]

    # when a period that is not a finished quarter is posted by hand
    response = english(client_for(tenant_a.member(Role.ADMIN))).post(
        url("report_run_request", tenant, definition.pk), {"period_start": posted}
    )

    # then the page says why, and no run was made
    assert response.status_code == 400
    text = response.content.decode()
    if which in ("running", "future"):
        assert "has not finished yet" in text
    else:
        assert "Choose one of the periods in the list." in text
    assert not ReportRun.objects.exists()


@pytest.mark.parametrize("posted", ["0001-01-01", "1999-01-01"])
def test_a_period_in_the_distant_past_is_refused_with_a_message(tenant_a, client_for, posted):
    # given a quarterly definition
    tenant = tenant_a.tenant
    definition = ReportDefinitionFactory(tenant=tenant)

    # when the start of a quarter long ago is posted by hand
    response = english(client_for(tenant_a.member(Role.ADMIN))).post(
        url("report_run_request", tenant, definition.pk), {"period_start": posted}
    )

    # then the form says how far back reports go, at the period, and no run was made
    assert response.status_code == 400
    form = response.context["request_form"]
    assert "Reports go back at most 10 years" in form.errors["period_start"][0]
    assert "Reports go back at most 10 years" in response.content.decode()
    assert not ReportRun.objects.exists()


def test_a_period_past_the_calendar_is_refused_not_an_error(tenant_a, client_for):
    # given a quarterly definition
    tenant = tenant_a.tenant
    definition = ReportDefinitionFactory(tenant=tenant)

    # when the last quarter the calendar has is posted (its end would be in year 10000)
    response = english(client_for(tenant_a.member(Role.ADMIN))).post(
        url("report_run_request", tenant, definition.pk), {"period_start": "9999-10-01"}
    )

    # then it is refused like any other wrong period
    assert response.status_code == 400
    assert "Choose one of the periods in the list." in response.content.decode()
    assert not ReportRun.objects.exists()


# --- a run's page -----------------------------------------------------------------------------


def test_a_queued_run_polls_its_status_and_a_done_one_stops(tenant_a, client_for):
    # given a queued run
    tenant = tenant_a.tenant
    definition = ReportDefinitionFactory(tenant=tenant)
    period = quarter()
    run = ReportRunFactory(
        tenant=tenant, definition=definition, period_start=period.start, period_end=period.end
    )
    client = english(client_for(tenant_a.member(Role.FUNDER)))
    status_url = url("report_run_status", tenant, run.pk)

    # when its page and its status fragment are fetched
    page = client.get(url("report_run_detail", tenant, run.pk)).content.decode()
    queued = client.get(status_url, headers={"HX-Request": "true"})

    # then both poll every two seconds inside a polite live region, with no download yet
    assert 'aria-live="polite"' in page
    assert f'hx-get="{status_url}"' in page and 'hx-trigger="every 2s"' in page
    assert 'hx-trigger="every 2s"' in queued.content.decode()
    # with a link to refresh that is part of one sentence (one string to translate)
    refresh = f'<a class="utrecht-link" href="{url("report_run_detail", tenant, run.pk)}">'
    assert f"{refresh}Refresh this page</a> to see the latest state;" in queued.content.decode()
    assert "Queued" in queued.content.decode()
    assert queued["Cache-Control"] == "no-store"
    assert url("report_run_download", tenant, run.pk) not in queued.content.decode()

    # and when the worker has finished it, the fragment shows the download and stops polling
    run.delete()
    run = done_run(tenant=tenant, definition=definition, period=period)
    done = client.get(url("report_run_status", tenant, run.pk)).content.decode()
    assert "hx-trigger" not in done
    assert "Done" in done
    assert url("report_run_download", tenant, run.pk) in done


def test_a_done_runs_page_shows_the_figures_it_was_built_from(tenant_a, client_for):
    # given a done run with stored key figures
    run = done_run(
        tenant=tenant_a.tenant, definition=ReportDefinitionFactory(tenant=tenant_a.tenant)
    )

    # when the funder opens it
    response = english(client_for(tenant_a.member(Role.FUNDER))).get(
        url("report_run_detail", tenant_a.tenant, run.pk)
    )

    # then the summary table shows the stored figures, with the change signed
    text = response.content.decode()
    assert "Stage places offered" in text and ">42<" in text and ">+2<" in text
    assert "Placements started" in text and ">&lt;5<" in text
    assert url("report_run_figures_csv", tenant_a.tenant, run.pk) in text
    assert url("report_run_figures_xlsx", tenant_a.tenant, run.pk) in text
    assert run.sha256 in text


def test_a_failed_run_shows_its_error_and_managers_retry_it(tenant_a, client_for):
    # given a failed run
    tenant = tenant_a.tenant
    run = ReportRunFactory(
        tenant=tenant,
        status=ReportRun.Status.FAILED,
        error="Het rapport kon niet worden gemaakt.",
        definition=ReportDefinitionFactory(tenant=tenant),
    )
    detail = url("report_run_detail", tenant, run.pk)
    retry = url("report_run_retry", tenant, run.pk)

    # when the funder and the lead look at it
    funder_page = client_for(tenant_a.member(Role.FUNDER)).get(detail).content.decode()
    lead = client_for(tenant_a.member(Role.LEAD))
    lead_page = lead.get(detail).content.decode()

    # then both read the error; only the lead gets the retry button, which queues it again
    assert "Het rapport kon niet worden gemaakt." in funder_page
    assert "hx-trigger" not in funder_page
    assert retry not in funder_page
    assert retry in lead_page
    response = lead.post(retry)
    assert response.status_code == 302
    run.refresh_from_db()
    assert (run.status, run.error) == (ReportRun.Status.QUEUED, "")
    assert AuditEvent.objects.filter(action="report_run.retry", target_id=str(run.pk)).exists()


def test_retrying_a_run_that_did_not_fail_is_refused_with_a_message(tenant_a, client_for):
    # given a done run
    tenant = tenant_a.tenant
    run = done_run(tenant=tenant, definition=ReportDefinitionFactory(tenant=tenant))

    # when the admin posts a retry by hand
    response = english(client_for(tenant_a.member(Role.ADMIN))).post(
        url("report_run_retry", tenant, run.pk), follow=True
    )

    # then it is refused with a message and the run is unchanged
    assert "Only a report that failed can be tried again." in response.content.decode()
    run.refresh_from_db()
    assert run.status == ReportRun.Status.DONE


# --- downloads --------------------------------------------------------------------------------


def test_funder_downloads_the_same_pdf_every_time_and_each_download_is_audited(
    tenant_a, client_for
):
    # given a done run of "Kwartaalrapportage Groeifonds"
    tenant = tenant_a.tenant
    definition = ReportDefinitionFactory(tenant=tenant, title="Kwartaalrapportage Groeifonds")
    run = done_run(tenant=tenant, definition=definition)
    client = client_for(tenant_a.member(Role.FUNDER))

    # when the funder downloads it twice
    first = client.get(url("report_run_download", tenant, run.pk))
    second = client.get(url("report_run_download", tenant, run.pk))

    # then both are the stored PDF, as an attachment with a readable name
    assert first.status_code == second.status_code == 200
    assert first.content == second.content == PDF
    assert first["Content-Type"] == "application/pdf"
    disposition = first["Content-Disposition"]
    assert disposition.startswith("attachment;")
    assert (
        f"kwartaalrapportage-groeifonds-{run.period_start:%Y-%m-%d}-{run.period_end:%Y-%m-%d}.pdf"
        in disposition
    )
    assert (
        AuditEvent.objects.filter(
            tenant=tenant,
            action="report_run.download",
            target_id=str(run.pk),
            actor=tenant_a.member(Role.FUNDER).user,
        ).count()
        == 2
    )


@pytest.mark.parametrize(
    ("role", "status"),
    [
        (Role.ADMIN, 200),
        (Role.LEAD, 200),
        (Role.FUNDER, 200),
        (Role.RELATIONS, 403),
        (Role.COMPANY, 403),
    ],
)
def test_download_per_role(tenant_a, client_for, role, status):
    # given a done run
    tenant = tenant_a.tenant
    run = done_run(tenant=tenant, definition=ReportDefinitionFactory(tenant=tenant))

    # when a member with the role downloads it
    response = client_for(tenant_a.member(role)).get(url("report_run_download", tenant, run.pk))

    # then only roles that may see reports get it
    assert response.status_code == status


def test_nothing_to_download_before_a_run_is_done(tenant_a, client_for):
    # given a queued and a failed run
    tenant = tenant_a.tenant
    definition = ReportDefinitionFactory(tenant=tenant)
    queued = ReportRunFactory(tenant=tenant, definition=definition)
    failed = ReportRunFactory(
        tenant=tenant,
        definition=definition,
        period_start=quarter(3).start,
        period_end=quarter(3).end,
        status=ReportRun.Status.FAILED,
    )
    client = client_for(tenant_a.member(Role.FUNDER))

    # when the funder asks for their PDFs and figures
    responses = [
        client.get(url(name, tenant, run.pk))
        for run in (queued, failed)
        for name in ("report_run_download", "report_run_figures_csv", "report_run_figures_xlsx")
    ]

    # then there is nothing there, and nothing was recorded as downloaded
    assert {response.status_code for response in responses} == {404}
    assert not AuditEvent.objects.filter(action="report_run.download").exists()


def test_a_done_runs_figures_download_as_csv_and_xlsx(tenant_a, client_for):
    # given a done run with the figures the engine makes of this tenant
    tenant = tenant_a.tenant
    definition = ReportDefinitionFactory(tenant=tenant, language="en")
    figures = report_figures(tenant=tenant, definition=definition, period=quarter())
    run = done_run(tenant=tenant, definition=definition, figures=figures)
    client = client_for(tenant_a.member(Role.FUNDER))

    # when the funder downloads its figures
    csv = client.get(url("report_run_figures_csv", tenant, run.pk))
    xlsx = client.get(url("report_run_figures_xlsx", tenant, run.pk))

    # then both are files of those figures
    assert csv.status_code == xlsx.status_code == 200
    assert csv["Content-Type"].startswith("text/csv")
    assert "attachment" in csv["Content-Disposition"]
    text = csv.content.decode("utf-8-sig")
    assert figures["summary"]["rows"][0]["label"] in text
    assert figures["period"]["label"] in text
    assert xlsx["Content-Type"].startswith(
        "application/vnd.openxmlformats-officedocument.spreadsheetml"
    )
    assert xlsx.content[:2] == b"PK"


# --- query counts -----------------------------------------------------------------------------


def queries(client: Client, path: str) -> int:
    client.get(path)
    with CaptureQueriesContext(connection) as captured:
        response = client.get(path)
    assert response.status_code == 200
    return len(captured)


@pytest.mark.parametrize("role", [Role.ADMIN, Role.FUNDER])
def test_overview_query_count_does_not_grow_with_definitions(tenant_a, client_for, role):
    # given N definitions with a schedule and runs, then 3N
    tenant = tenant_a.tenant
    client = client_for(tenant_a.member(role))

    def add(count: int) -> None:
        for _n in range(count):
            definition = ReportScheduleFactory(tenant=tenant).definition
            done_run(tenant=tenant, definition=definition)
            ReportRunFactory(
                tenant=tenant,
                definition=definition,
                period_start=quarter(1).start,
                period_end=quarter(1).end,
            )

    add(2)
    few = queries(client, url("report_overview", tenant))
    add(4)
    many = queries(client, url("report_overview", tenant))

    # then the count is the same
    assert ReportDefinition.objects.count() == 6
    assert many == few


@pytest.mark.parametrize("role", [Role.ADMIN, Role.FUNDER])
def test_definition_page_query_count_does_not_grow_with_runs(tenant_a, client_for, role):
    # given a definition with recipients and N runs, then 3N
    tenant = tenant_a.tenant
    definition = ReportScheduleFactory(tenant=tenant).definition
    definition.recipient_memberships.set([tenant_a.member(Role.FUNDER), tenant_a.member(Role.LEAD)])
    periods = finished_periods("month", today=timezone.localdate(), count=6)
    definition.period_kind = "month"
    definition.save()
    client = client_for(tenant_a.member(role))

    for period in periods[:2]:
        done_run(tenant=tenant, definition=definition, period=period)
    few = queries(client, url("report_definition_detail", tenant, definition.pk))
    for period in periods[2:]:
        done_run(tenant=tenant, definition=definition, period=period)
    many = queries(client, url("report_definition_detail", tenant, definition.pk))

    # then the count is the same
    assert ReportRun.objects.filter(definition=definition).count() == 6
    assert many == few


# --- internal reports are for the programme office ---------------------------------------------


def internal_and_funder_reports(tenant):
    """An internal report and a report for funders of ``tenant``, each with a done run."""
    internal = ReportDefinitionFactory(
        tenant=tenant, title="Intern halfjaaroverzicht", audience=ReportDefinition.Audience.INTERNAL
    )
    for_funders = ReportDefinitionFactory(
        tenant=tenant, title="Rapportage voor de provincie", audience="province"
    )
    return (
        done_run(tenant=tenant, definition=internal),
        done_run(tenant=tenant, definition=for_funders),
    )


def test_a_funder_does_not_see_internal_reports_on_the_overview(tenant_a, client_for):
    # given an internal report and one for the province
    internal_run, province_run = internal_and_funder_reports(tenant_a.tenant)
    overview = url("report_overview", tenant_a.tenant)

    # when the funder and the lead open the reports
    funder = client_for(tenant_a.member(Role.FUNDER)).get(overview).content.decode()
    lead = client_for(tenant_a.member(Role.LEAD)).get(overview).content.decode()

    # then the funder sees the province's report only; the lead sees both
    assert "Rapportage voor de provincie" in funder
    assert url("report_run_download", tenant_a.tenant, province_run.pk) in funder
    assert "Intern halfjaaroverzicht" not in funder
    assert url("report_run_download", tenant_a.tenant, internal_run.pk) not in funder
    assert "Intern halfjaaroverzicht" in lead
    assert url("report_run_download", tenant_a.tenant, internal_run.pk) in lead


@pytest.mark.parametrize(
    "name",
    [
        "report_definition_detail",
        "report_run_detail",
        "report_run_status",
        "report_run_download",
        "report_run_figures_csv",
        "report_run_figures_xlsx",
    ],
)
def test_an_internal_report_is_not_found_for_a_funder(tenant_a, client_for, name):
    # given an internal report with a done run, and a report for the province
    internal_run, province_run = internal_and_funder_reports(tenant_a.tenant)

    def address(run):
        ids = run.definition_id if name == "report_definition_detail" else run.pk
        return url(name, tenant_a.tenant, ids)

    # when the funder, the admin and the lead open the page or download
    funder = client_for(tenant_a.member(Role.FUNDER))
    admin = client_for(tenant_a.member(Role.ADMIN))
    lead = client_for(tenant_a.member(Role.LEAD))

    # then the internal one does not exist for the funder (as another tenant's would not),
    # while the province's report is there for them, and both are for the office
    assert funder.get(address(internal_run)).status_code == 404
    assert funder.get(address(province_run)).status_code == 200
    assert admin.get(address(internal_run)).status_code == 200
    assert lead.get(address(internal_run)).status_code == 200
    assert not AuditEvent.objects.filter(
        action="report_run.download",
        actor=tenant_a.member(Role.FUNDER).user,
        target_id=str(internal_run.pk),
    ).exists()
