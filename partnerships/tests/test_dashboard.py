"""The relationship manager's dashboard: my overdue and upcoming follow-ups, recent contact
moments, partners going dormant; and a query count that does not grow with rows."""

from __future__ import annotations

import datetime

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from partnerships.models import Organisation, PartnershipSettings
from partnerships.selectors.dashboard import RECENT_LIMIT, crm_dashboard_get
from partnerships.selectors.settings import months_before
from partnerships.tests.factories import InteractionFactory, OrganisationFactory, SchoolFactory
from portal.roles import Role

TODAY = timezone.localdate()


def english(client: Client) -> Client:
    client.cookies["portal_language"] = "en"
    return client


def dashboard_url(tenant) -> str:
    return reverse("crm_dashboard", args=[tenant.slug])


def days(n: int) -> datetime.date:
    return TODAY + datetime.timedelta(days=n)


def test_follow_ups_are_split_into_overdue_and_the_next_two_weeks(tenant_a):
    # given follow-ups of the relationship manager: overdue, today, in 14 and in 15 days,
    # one done, and one for someone else
    member = tenant_a.member(Role.RELATIONS)
    mine = {"user": member.user}
    for subject, on, extra in [
        ("te laat", days(-3), {}),
        ("vandaag", days(0), {}),
        ("over twee weken", days(14), {}),
        ("later", days(15), {}),
        ("al gedaan", days(-1), {"follow_up_done_at": timezone.now()}),
    ]:
        InteractionFactory(
            logged_by=tenant_a.school,
            organisations=[tenant_a.company],
            subject=subject,
            follow_up_on=on,
            follow_up_assignee=mine["user"],
            **extra,
        )
    InteractionFactory(
        logged_by=tenant_a.school,
        organisations=[tenant_a.company],
        subject="van de lead",
        follow_up_on=days(1),
        follow_up_assignee=tenant_a.member(Role.LEAD).user,
    )

    # when their dashboard is read
    dashboard = crm_dashboard_get(tenant=tenant_a.tenant, membership=member)

    # then
    assert [i.subject for i in dashboard.overdue] == ["te laat"]
    assert [i.subject for i in dashboard.upcoming] == ["vandaag", "over twee weken"]


def test_recent_contact_moments_are_the_latest_visible_ones(tenant_a):
    # given more entries than the dashboard shows, the oldest a year ago
    member = tenant_a.member(Role.RELATIONS)
    InteractionFactory(
        logged_by=tenant_a.school,
        organisations=[tenant_a.company],
        subject="het oudste",
        occurred_on=days(-365),
    )
    InteractionFactory.create_batch(
        RECENT_LIMIT, logged_by=tenant_a.school, organisations=[tenant_a.company]
    )

    # when the dashboard is read
    recent = crm_dashboard_get(tenant=tenant_a.tenant, membership=member).recent

    # then the latest ones, not the oldest
    assert len(recent) == RECENT_LIMIT
    assert "het oudste" not in [i.subject for i in recent]


def test_partners_going_dormant_are_those_close_to_the_threshold(tenant_a):
    # given a 12-month threshold and active companies last contacted just under 12, just over
    # 10, over 12 and 6 months ago, a prospect, and a company only another school spoke to
    PartnershipSettings.objects.update_or_create(
        tenant=tenant_a.tenant, defaults={"dormant_after_months": 12}
    )
    other_school = SchoolFactory(tenant=tenant_a.tenant)

    def company(name, on, *, status=Organisation.Status.ACTIVE, school=tenant_a.school):
        organisation = OrganisationFactory(tenant=tenant_a.tenant, name=name, status=status)
        InteractionFactory(logged_by=school, organisations=[organisation], occurred_on=on)
        Organisation.objects.filter(pk=organisation.pk).update(last_contact_on=on)
        return organisation

    one_day = datetime.timedelta(days=1)
    soon = company("Bijna slapend BV", months_before(TODAY, 12) + one_day)
    company("Net binnen de marge BV", months_before(TODAY, 10) - one_day)
    company("Al slapend BV", months_before(TODAY, 12) - one_day)
    company("Recent gesproken BV", months_before(TODAY, 6))
    company("Prospect BV", months_before(TODAY, 11), status=Organisation.Status.PROSPECT)
    theirs = company("Van een andere school BV", months_before(TODAY, 11), school=other_school)

    # when the school's relationship manager and the programme office read their dashboard
    relations = crm_dashboard_get(
        tenant=tenant_a.tenant, membership=tenant_a.member(Role.RELATIONS)
    ).going_dormant
    office = crm_dashboard_get(
        tenant=tenant_a.tenant, membership=tenant_a.member(Role.ADMIN)
    ).going_dormant

    # then active partners within two months of the threshold, soonest first; the manager
    # sees only the companies their own school spoke to
    assert [item.organisation.name for item in relations] == [
        "Bijna slapend BV",
        "Net binnen de marge BV",
    ]
    assert [item.organisation.name for item in office] == [
        "Bijna slapend BV",
        "Van een andere school BV",
        "Net binnen de marge BV",
    ]
    first = relations[0]
    soon.refresh_from_db()
    assert first.organisation == soon
    assert first.dormant_from == months_before(soon.last_contact_on, -12) + datetime.timedelta(
        days=1
    )
    assert theirs not in [item.organisation for item in relations]


def test_dashboard_page_shows_the_sections_with_log_buttons(tenant_a, client_for):
    # given an overdue follow-up of the relationship manager
    member = tenant_a.member(Role.RELATIONS)
    entry = InteractionFactory(
        logged_by=tenant_a.school,
        organisations=[tenant_a.company],
        subject="Terugbellen over BPV",
        follow_up_on=days(-2),
        follow_up_assignee=member.user,
    )

    # when they open the dashboard
    html = english(client_for(member)).get(dashboard_url(tenant_a.tenant)).content.decode()

    # then the follow-up with "Log a contact" for its company and "Done"
    overdue = html.split('id="overdue-heading"')[1].split("</section>")[0]
    assert "Terugbellen over BPV" in overdue
    assert f'id="log-overdue-{entry.pk}"' in overdue
    assert f"?organisation={tenant_a.company.pk}&amp;next=" in overdue
    assert reverse("follow_up_done", args=[tenant_a.tenant.slug, entry.pk]) in overdue
    assert 'hx-trigger="interactionLogged from:body"' in html
    assert "Partners going dormant" in html


@pytest.mark.parametrize("role", [Role.COMPANY, Role.FUNDER])
def test_dashboard_is_for_those_who_log(tenant_a, client_for, role):
    assert client_for(tenant_a.member(role)).get(dashboard_url(tenant_a.tenant)).status_code == 403


def _fill(tenant_a, n: int) -> None:
    member = tenant_a.member(Role.RELATIONS)
    for index in range(n):
        company = OrganisationFactory(tenant=tenant_a.tenant)
        on = months_before(TODAY, 11) + datetime.timedelta(days=index + 1)
        for follow_up_on in (days(-index - 1), days(index)):
            InteractionFactory(
                logged_by=tenant_a.school,
                organisations=[company, tenant_a.company],
                occurred_on=on,
                follow_up_on=follow_up_on,
                follow_up_assignee=member.user,
            )
        Organisation.objects.filter(pk=company.pk).update(last_contact_on=on)


@pytest.mark.parametrize("role", [Role.RELATIONS, Role.ADMIN])
def test_query_count_does_not_grow_with_rows(tenant_a, client_for, role):
    # given some follow-ups, entries and companies going dormant, measured; then three times
    client = client_for(tenant_a.member(role))
    url = dashboard_url(tenant_a.tenant)
    _fill(tenant_a, 2)
    with CaptureQueriesContext(connection) as few:
        first = client.get(url)
    _fill(tenant_a, 4)
    with CaptureQueriesContext(connection) as many:
        second = client.get(url)

    # then the same number of queries, and the rows are really there
    assert first.status_code == second.status_code == 200
    assert len(second.context["dashboard"].going_dormant) == 6
    assert len(few) == len(many), [q["sql"] for q in many.captured_queries]


def test_dashboard_lists_refresh_as_a_partial(tenant_a, client_for):
    # given a follow-up of the relationship manager
    member = tenant_a.member(Role.RELATIONS)
    InteractionFactory(
        logged_by=tenant_a.school,
        organisations=[tenant_a.company],
        subject="Net gelogd",
        follow_up_on=days(1),
        follow_up_assignee=member.user,
    )

    # when the lists ask for themselves again after "Log a contact" (htmx)
    response = client_for(member).get(
        dashboard_url(tenant_a.tenant),
        HTTP_HX_REQUEST="true",
        HTTP_HX_TARGET="crm-dashboard-body",
    )

    # then only the lists come back
    html = response.content.decode()
    assert html.startswith('<div id="crm-dashboard-body"')
    assert "Net gelogd" in html and "<html" not in html
