"""``seed_demo`` gives every demo partnership a scheduled quarterly report for its funder or
province with a first, downloadable report of the last finished quarter (TechOost also an
internal half-year report); running it again changes nothing."""

from __future__ import annotations

import hashlib
from io import StringIO

import pytest
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import empty

from portal.demo import TENANTS
from portal.models import AuditEvent, Tenant, User
from reporting.models import ReportDefinition, ReportRun, ReportSchedule, report_storage
from reporting.periods import finished_periods

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def reports_root(tmp_path, settings):
    settings.REPORTS_ROOT = str(tmp_path / "reports")
    report_storage._wrapped = empty
    yield
    report_storage._wrapped = empty


def seed_demo() -> None:
    call_command("seed_demo", "--quiet-logins", stdout=StringIO())


def state() -> dict:
    return {
        "definitions": list(ReportDefinition.objects.order_by("pk").values_list("pk", "title")),
        "schedules": ReportSchedule.objects.count(),
        "runs": list(ReportRun.objects.order_by("pk").values_list("pk", "status", "sha256")),
        "report_events": AuditEvent.objects.filter(action__startswith="report_").count(),
    }


def test_every_demo_partnership_gets_a_scheduled_report_with_a_first_pdf():
    # seed_demo renders six PDFs: one run, checked on all sides
    seed_demo()

    last_quarter = finished_periods("quarter", today=timezone.localdate(), count=1)[0]
    financier = User.objects.get(email="financier@example.org")
    for values in TENANTS:
        tenant = Tenant.objects.get(slug=values["slug"])
        definition = ReportDefinition.objects.for_tenant(tenant).get(
            title=f"Kwartaalrapportage {tenant.name}"
        )
        # a quarterly Dutch report for the funder or province, on a schedule
        assert definition.period_kind == "quarter"
        assert definition.language == "nl"
        assert definition.audience in ("funder", "province")
        assert definition.schedule.enabled
        # sent to the demo funder where she is a member, else to an address of the province
        is_member = tenant.pk in financier.memberships.values_list("tenant_id", flat=True)
        recipients = [m.user for m in definition.recipient_memberships.all()]
        assert (recipients == [financier]) is is_member
        assert is_member or definition.recipient_emails
        # and the first report, of the last finished quarter, is done and stored
        run = ReportRun.objects.for_tenant(tenant).get(definition=definition)
        assert (run.period_start, run.period_end) == (last_quarter.start, last_quarter.end)
        assert run.status == ReportRun.Status.DONE
        with report_storage.open(run.pdf.name, "rb") as stored:
            content = stored.read()
        assert content.startswith(b"%PDF")
        assert hashlib.sha256(content).hexdigest() == run.sha256
        assert run.figures["summary"]["rows"]

    techoost = Tenant.objects.get(slug="techoost")
    internal = ReportDefinition.objects.for_tenant(techoost).get(audience="internal")
    assert internal.period_kind == "half_year"
    assert internal.themes.count() == 1
    assert ReportRun.objects.get(definition=internal).status == ReportRun.Status.DONE

    # the demo funder finds them on her overview and downloads one
    client = Client()
    client.force_login(financier)
    overview = client.get(reverse("report_funder_overview"))
    assert {entry.tenant.slug for entry in overview.context["overview"].tenants} == {
        "techniekpact-noord",
        "techoost",
        "vierkant-voor-werk",
    }
    assert overview.context["overview"].figure_rows
    run = ReportRun.objects.for_tenant(techoost).exclude(definition=internal).get()
    download = client.get(reverse("report_run_download", args=["techoost", run.pk]))
    assert download.status_code == 200
    assert download.content.startswith(b"%PDF")

    # and a second run changes nothing
    before = state()
    seed_demo()
    assert state() == before
