"""The overview across partnerships at ``/reports/``: a person's reports of every tenant where
they may see reports, and those tenants' key figures side by side; nothing of any other
tenant; a fixed number of queries however many tenants and runs."""

from __future__ import annotations

import hashlib

import pytest
from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret
from django.core.files.base import ContentFile
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import empty

from portal.access import membership_needs_mfa
from portal.roles import Role
from portal.tests.factories import MembershipFactory, TenantFactory, UserFactory
from reporting.models import ReportRun, report_storage, report_upload_to
from reporting.periods import finished_periods
from reporting.selectors import funder_overview, report_tenant_count_for_user
from reporting.tests.factories import ReportDefinitionFactory, ReportRunFactory

pytestmark = pytest.mark.django_db

OVERVIEW = "/reports/"


@pytest.fixture(autouse=True)
def reports_root(tmp_path, settings):
    settings.REPORTS_ROOT = str(tmp_path / "reports")
    report_storage._wrapped = empty
    yield
    report_storage._wrapped = empty


def summary(places: int, placements: int) -> dict:
    return {
        "summary": {
            "rows": [
                {"key": "places_offered", "label": "Stage places offered", "value": places},
                {"key": "placements_started", "label": "Placements started", "value": placements},
            ]
        }
    }


def done_run(definition, *, offset: int = 0, figures: dict | None = None) -> ReportRun:
    period = finished_periods(definition.period_kind, today=timezone.localdate(), count=offset + 1)[
        offset
    ]
    run = ReportRunFactory(
        tenant=definition.tenant,
        definition=definition,
        period_start=period.start,
        period_end=period.end,
    )
    content = f"%PDF-1.7 {definition.pk} {offset}".encode()
    run.pdf.name = report_storage.save(report_upload_to(run, "r.pdf"), ContentFile(content))
    run.sha256 = hashlib.sha256(content).hexdigest()
    run.pages, run.size = 3, len(content)
    run.status = ReportRun.Status.DONE
    run.finished_at = timezone.now()
    run.figures = figures or {}
    run.save()
    return run


def english(user) -> Client:
    client = Client()
    client.force_login(user)
    client.cookies["portal_language"] = "en"
    return client


def test_funder_sees_reports_and_key_figures_of_their_tenants_only(tenant_a, tenant_b):
    # given Sanne, funder in A and lead in B; tenant C, where she is not a member; and
    # tenant D, where she is a company contact (a role that sees no reports)
    sanne = UserFactory(email="sanne@example.org")
    MembershipFactory(tenant=tenant_a.tenant, user=sanne, role=Role.FUNDER)
    MembershipFactory(tenant=tenant_b.tenant, user=sanne, role=Role.LEAD)
    tenant_c = TenantFactory(slug="verband-c", name="Verband C")
    tenant_d = TenantFactory(slug="verband-d", name="Verband D")
    MembershipFactory(tenant=tenant_d, user=sanne, role=Role.COMPANY)
    in_a = ReportDefinitionFactory(tenant=tenant_a.tenant, title="Rapportage A")
    in_b = ReportDefinitionFactory(tenant=tenant_b.tenant, title="Rapportage B")
    in_c = ReportDefinitionFactory(tenant=tenant_c, title="Rapportage C")
    in_d = ReportDefinitionFactory(tenant=tenant_d, title="Rapportage D")
    run_a = done_run(in_a, figures=summary(101, 11))
    done_run(in_a, offset=1, figures=summary(77, 7))
    run_b = done_run(in_b, figures=summary(202, 22))
    run_c = done_run(in_c, figures=summary(98765, 33))
    done_run(in_d, figures=summary(87654, 44))

    # when she opens the overview
    response = english(sanne).get(OVERVIEW)

    # then A and B are there with their reports, downloads and latest key figures, side by side
    text = response.content.decode()
    assert response.status_code == 200
    assert "Rapportage A" in text and "Rapportage B" in text
    assert reverse("report_run_download", args=[tenant_a.tenant.slug, run_a.pk]) in text
    assert reverse("report_run_download", args=[tenant_b.tenant.slug, run_b.pk]) in text
    overview = response.context["overview"]
    assert [entry.tenant for entry in overview.tenants] == [tenant_a.tenant, tenant_b.tenant]
    rows = {row.label: [cell.value for cell in row.cells] for row in overview.figure_rows}
    assert rows == {"Stage places offered": [101, 202], "Placements started": [11, 22]}
    # and nothing of C or D (D is in her partnership switcher, being her tenant, not in the page)
    text = text.split('<main id="main"')[1]
    assert ">101<" in text
    for secret in ("Verband C", "Rapportage C", ">98765<", "Verband D", "Rapportage D", ">87654<"):
        assert secret not in text
    assert f"/{tenant_c.slug}/" not in text
    assert reverse("report_run_download", args=[tenant_c.slug, run_c.pk]) not in text


def test_the_overview_needs_a_login_and_is_empty_without_report_roles(tenant_a):
    # given an anonymous visitor and a relationship manager of A
    relations = tenant_a.member(Role.RELATIONS).user
    ReportDefinitionFactory(tenant=tenant_a.tenant, title="Rapportage A")

    # when both open the overview
    anonymous = Client().get(OVERVIEW)
    signed_in = english(relations).get(OVERVIEW)

    # then the visitor is sent to log in, and the relationship manager sees no reports
    assert anonymous.status_code == 302
    assert anonymous["Location"].startswith(reverse("account_login"))
    assert signed_in.status_code == 200
    assert "Rapportage A" not in signed_in.content.decode()
    assert "You do not see reports in any partnership." in signed_in.content.decode()


def test_the_reports_page_links_to_the_overview_for_people_in_several_tenants(tenant_a, tenant_b):
    # given a funder of A only, and a person who sees reports in A and B
    only_a = tenant_a.member(Role.FUNDER).user
    both = UserFactory()
    MembershipFactory(tenant=tenant_a.tenant, user=both, role=Role.FUNDER)
    MembershipFactory(tenant=tenant_b.tenant, user=both, role=Role.ADMIN)
    page = reverse("report_overview", args=[tenant_a.tenant.slug])

    # when both open A's reports
    single = english(only_a).get(page).content.decode()
    several = english(both).get(page).content.decode()

    # then only the second is offered the overview across partnerships
    assert f'href="{OVERVIEW}"' not in single
    assert f'href="{OVERVIEW}"' in several


def test_a_tenant_named_reports_cannot_exist():
    # given the reserved first path segments of the portal
    from django.core.exceptions import ValidationError

    from portal.models import validate_tenant_slug

    # when "reports" is checked as a tenant's address
    with pytest.raises(ValidationError):
        validate_tenant_slug("reports")


def overview_queries(user) -> int:
    client = Client()
    client.force_login(user)
    client.get(OVERVIEW)
    with CaptureQueriesContext(connection) as captured:
        response = client.get(OVERVIEW)
    assert response.status_code == 200
    return len(captured)


def test_query_count_does_not_grow_with_tenants_definitions_or_runs():
    # given a funder in 2 tenants with a definition and 2 runs each, then in 6 tenants with
    # 2 definitions and 3 runs each
    funder = UserFactory()

    def tenant_with_reports(definitions: int, runs: int) -> None:
        tenant = TenantFactory()
        MembershipFactory(tenant=tenant, user=funder, role=Role.FUNDER)
        for _n in range(definitions):
            definition = ReportDefinitionFactory(tenant=tenant)
            for offset in range(runs):
                done_run(definition, offset=offset, figures=summary(offset, offset))

    for _n in range(2):
        tenant_with_reports(1, 2)
    few = overview_queries(funder)
    for _n in range(4):
        tenant_with_reports(2, 3)
    many = overview_queries(funder)

    # then the count is the same
    assert len(funder_overview(user=funder).tenants) == 6
    assert many == few


def test_selector_reads_only_the_users_own_tenants(tenant_a, tenant_b):
    # given a funder of A, and reports in A and B
    funder = tenant_a.member(Role.FUNDER).user
    done_run(ReportDefinitionFactory(tenant=tenant_a.tenant), figures=summary(1, 1))
    done_run(ReportDefinitionFactory(tenant=tenant_b.tenant), figures=summary(2, 2))

    # when the overview is read for them
    overview = funder_overview(user=funder)

    # then it holds A only
    assert [entry.tenant for entry in overview.tenants] == [tenant_a.tenant]
    assert [row.cells[0].value for row in overview.figure_rows] == [1, 1]


def test_header_links_the_overview_for_readers_of_reports_in_several_tenants(tenant_a, tenant_b):
    # given Sanne, funder in A and B, and Joost, funder in A only
    sanne = UserFactory(email="sanne@example.org")
    MembershipFactory(tenant=tenant_a.tenant, user=sanne, role=Role.FUNDER)
    MembershipFactory(tenant=tenant_b.tenant, user=sanne, role=Role.FUNDER)
    joost = UserFactory(email="joost@example.org")
    MembershipFactory(tenant=tenant_a.tenant, user=joost, role=Role.FUNDER)

    # when each opens the home page
    pages = {user.email: english(user).get("/").content.decode() for user in (sanne, joost)}

    # then only Sanne's header links the overview across partnerships
    link = f'href="{OVERVIEW}"'
    assert link in pages["sanne@example.org"]
    assert link not in pages["joost@example.org"]


# --- the two-factor policy of each tenant ------------------------------------------------------


def test_an_admin_without_totp_sees_nothing_of_a_tenant_that_demands_it(tenant_a, tenant_b):
    # given Sanne, admin of A (which demands two-factor authentication of its admins) and
    # funder of B, without TOTP; each tenant has a report with a summary
    tenant_a.tenant.require_mfa_for_admins = True
    tenant_a.tenant.save()
    sanne = UserFactory()
    MembershipFactory(tenant=tenant_a.tenant, user=sanne, role=Role.ADMIN)
    MembershipFactory(tenant=tenant_b.tenant, user=sanne, role=Role.FUNDER)
    run_a = done_run(
        ReportDefinitionFactory(tenant=tenant_a.tenant, title="Rapportage A"),
        figures=summary(111, 1),
    )
    done_run(ReportDefinitionFactory(tenant=tenant_b.tenant), figures=summary(222, 2))

    # when she opens the overview (A's own reports page sends her to set up TOTP)
    response = english(sanne).get(OVERVIEW)
    own_page = english(sanne).get(reverse("report_overview", args=[tenant_a.tenant.slug]))

    # then A is left out, as on A's own pages; B is there and counted alone
    text = response.content.decode().split('<main id="main"')[1]
    assert own_page.status_code == 302
    assert [entry.tenant for entry in response.context["overview"].tenants] == [tenant_b.tenant]
    assert "Rapportage A" not in text and ">111<" not in text
    assert reverse("report_run_download", args=[tenant_a.tenant.slug, run_a.pk]) not in text
    assert report_tenant_count_for_user(user=sanne) == 1

    # and once she has set up TOTP, A is there too
    TOTP.activate(sanne, generate_totp_secret())
    assert [entry.tenant for entry in funder_overview(user=sanne).tenants] == [
        tenant_a.tenant,
        tenant_b.tenant,
    ]
    assert report_tenant_count_for_user(user=sanne) == 2


def test_the_overview_leaves_out_exactly_what_the_mfa_rule_holds_back():
    # given a user with and one without TOTP, each in every combination of role and policy
    with_totp, without_totp = UserFactory(), UserFactory()
    TOTP.activate(with_totp, generate_totp_secret())
    memberships = []
    for user in (with_totp, without_totp):
        for role in (Role.ADMIN, Role.LEAD, Role.FUNDER):
            for demands in (True, False):
                tenant = TenantFactory(require_mfa_for_admins=demands)
                memberships.append(MembershipFactory(tenant=tenant, user=user, role=role))

    # when the overview of each is read
    shown = {
        entry.membership.pk
        for user in (with_totp, without_totp)
        for entry in funder_overview(user=user).tenants
    }

    # then a membership is on it exactly when portal.access lets it in
    expected = {m.pk for m in memberships if not membership_needs_mfa(m)}
    assert shown == expected
    assert len(expected) == len(memberships) - 1


def test_query_count_does_not_grow_with_tenants_that_demand_two_factors():
    # given an admin with TOTP of 2, then 6, tenants that demand it (each of them shown)
    admin = UserFactory()
    TOTP.activate(admin, generate_totp_secret())

    def tenant_with_a_report() -> None:
        tenant = TenantFactory(require_mfa_for_admins=True)
        MembershipFactory(tenant=tenant, user=admin, role=Role.ADMIN)
        done_run(ReportDefinitionFactory(tenant=tenant), figures=summary(1, 1))

    for _n in range(2):
        tenant_with_a_report()
    few = overview_queries(admin)
    for _n in range(4):
        tenant_with_a_report()
    many = overview_queries(admin)

    # then all six are shown, for the same number of queries
    assert len(funder_overview(user=admin).tenants) == 6
    assert many == few


# --- internal reports ---------------------------------------------------------------------------


def test_a_funder_sees_no_internal_reports_or_their_figures(tenant_a, tenant_b):
    # given Sanne, funder of A and lead of B; each tenant has a report for funders and a newer
    # internal one, with different key figures
    sanne = UserFactory()
    MembershipFactory(tenant=tenant_a.tenant, user=sanne, role=Role.FUNDER)
    MembershipFactory(tenant=tenant_b.tenant, user=sanne, role=Role.LEAD)
    runs = {}
    for world, name in ((tenant_a, "A"), (tenant_b, "B")):
        external = ReportDefinitionFactory(
            tenant=world.tenant, title=f"Voor financiers {name}", audience="funder"
        )
        internal = ReportDefinitionFactory(
            tenant=world.tenant, title=f"Intern {name}", audience="internal", period_kind="month"
        )
        runs[name] = (
            done_run(external, offset=1, figures=summary(10, 1)),
            done_run(internal, figures=summary(99999, 9)),
        )

    # when she opens the overview
    response = english(sanne).get(OVERVIEW)

    # then in A (funder) only the report for funders and its figures are there; in B (lead)
    # the internal report is there too, with its newer figures
    text = response.content.decode().split('<main id="main"')[1]
    overview = response.context["overview"]
    assert "Voor financiers A" in text and "Intern A" not in text
    assert reverse("report_run_download", args=[tenant_a.tenant.slug, runs["A"][1].pk]) not in text
    assert "Voor financiers B" in text and "Intern B" in text
    assert [entry.key_run for entry in overview.tenants] == [runs["A"][0], runs["B"][1]]
    rows = {row.label: [cell.value for cell in row.cells] for row in overview.figure_rows}
    assert rows["Stage places offered"] == [10, 99999]
