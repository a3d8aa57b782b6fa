"""The organisation page: profile, contacts and their actions, contact log (paginated),
agreements, open follow-ups, the "Log a contact" button, and a query count that does not grow
with contacts, entries or agreements."""

from __future__ import annotations

import datetime

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from partnerships.models import Agreement, Organisation
from partnerships.tests.factories import (
    AgreementFactory,
    ContactFactory,
    InteractionFactory,
    SchoolFactory,
    SectorFactory,
)
from partnerships.views.detail import TIMELINE_PAGE_SIZE
from portal.roles import Role

TODAY = timezone.localdate()


def english(client: Client) -> Client:
    client.cookies["portal_language"] = "en"
    return client


def detail_url(tenant, organisation, **params) -> str:
    url = reverse("organisation_detail", args=[tenant.slug, organisation.pk])
    if params:
        from urllib.parse import urlencode

        url += "?" + urlencode(params)
    return url


def test_profile_agreements_and_follow_ups_are_shown(tenant_a, client_for):
    # given a company with a profile, an agreement, and an open and a done follow-up
    company = tenant_a.company
    Organisation.objects.filter(pk=company.pk).update(
        kvk_number="04011234",
        street_address="Industrieweg 1",
        postal_code="7801 AA",
        website="https://hondsrug.example.nl",
        recognised_training_company=True,
        sbb_number="SBB-123",
        tags=["techniek"],
    )
    company.sectors.add(SectorFactory(tenant=tenant_a.tenant, name="Maakindustrie"))
    agreement = AgreementFactory(tenant=tenant_a.tenant, title="Raamafspraak BPV")
    agreement.parties.set([company, tenant_a.school])
    AgreementFactory(tenant=tenant_a.tenant, title="Convenant zonder dit bedrijf")
    InteractionFactory(
        logged_by=tenant_a.school,
        organisations=[company],
        subject="Open vervolg",
        follow_up_on=TODAY + datetime.timedelta(days=5),
        follow_up_assignee=tenant_a.member(Role.RELATIONS).user,
    )
    InteractionFactory(
        logged_by=tenant_a.school,
        organisations=[company],
        subject="Afgerond vervolg",
        follow_up_on=TODAY,
        follow_up_done_at=timezone.now(),
    )

    # when the relationship manager opens the page
    html = (
        english(client_for(tenant_a.member(Role.RELATIONS)))
        .get(detail_url(tenant_a.tenant, company))
        .content.decode()
    )

    # then the profile, only this company's agreement, and only the open follow-up
    assert "04011234" in html and "Industrieweg 1, 7801 AA Emmen" in html
    assert "Maakindustrie" in html and "SBB-123" in html and "techniek" in html
    assert "Raamafspraak BPV" in html and "Convenant zonder dit bedrijf" not in html
    follow_ups = html.split('id="follow-ups-heading"')[1].split("</section>")[0]
    assert "Open vervolg" in follow_ups and "Afgerond vervolg" not in follow_ups
    assert "Done" in follow_ups


def test_log_a_contact_opens_the_dialog_for_this_organisation(tenant_a, client_for):
    # when a relationship manager opens the page
    html = (
        english(client_for(tenant_a.member(Role.RELATIONS)))
        .get(detail_url(tenant_a.tenant, tenant_a.company))
        .content.decode()
    )

    # then "Log a contact" is a link to the form, enhanced to load the dialog into #dialog,
    # and the contact log refreshes itself when an entry is logged
    create = reverse("interaction_create", args=[tenant_a.tenant.slug])
    assert f'hx-get="{create}?organisation={tenant_a.company.pk}&amp;next=' in html
    assert 'hx-target="#dialog"' in html
    assert '<div id="dialog"></div>' in html
    assert 'hx-trigger="interactionLogged from:body"' in html
    assert 'id="crm-live"' in html and "js/crm-dialog.js" in html


def test_contact_actions_follow_the_members_rights(tenant_a, client_for):
    # given a contact at the company
    contact = ContactFactory(organisation=tenant_a.company)
    edit = reverse("contact_edit", args=[tenant_a.tenant.slug, contact.pk])
    erase = reverse("contact_erase", args=[tenant_a.tenant.slug, contact.pk])

    # when the programme office, a relationship manager and a lead open the page
    pages = {
        role: client_for(tenant_a.member(role))
        .get(detail_url(tenant_a.tenant, tenant_a.company))
        .content.decode()
        for role in (Role.ADMIN, Role.RELATIONS, Role.LEAD)
    }

    # then the office may change, export and erase; the manager only change; the lead none
    assert edit in pages[Role.ADMIN] and erase in pages[Role.ADMIN]
    assert edit in pages[Role.RELATIONS] and erase not in pages[Role.RELATIONS]
    assert edit not in pages[Role.LEAD] and erase not in pages[Role.LEAD]


def test_timeline_is_paginated(tenant_a, client_for):
    # given more entries than fit on a page
    InteractionFactory.create_batch(
        TIMELINE_PAGE_SIZE + 1,
        logged_by=tenant_a.school,
        organisations=[tenant_a.company],
        occurred_on=TODAY - datetime.timedelta(days=10),
    )
    InteractionFactory(
        logged_by=tenant_a.school,
        organisations=[tenant_a.company],
        subject="Het allereerste contact",
        occurred_on=TODAY - datetime.timedelta(days=500),
    )
    client = english(client_for(tenant_a.member(Role.RELATIONS)))

    # when the page and its second page are opened
    first = client.get(detail_url(tenant_a.tenant, tenant_a.company)).content.decode()
    second = client.get(detail_url(tenant_a.tenant, tenant_a.company, page=2)).content.decode()

    # then the newest fill the first page, the oldest is on the second
    assert first.count('class="portal-timeline__item"') == TIMELINE_PAGE_SIZE
    assert "Het allereerste contact" not in first and 'rel="next"' in first
    assert "Het allereerste contact" in second


def _fill(tenant_a, n: int) -> None:
    """``n`` contacts, entries (each with contacts and two organisations, a follow-up, from
    another school) and agreements around the company."""
    company = tenant_a.company
    other_school = SchoolFactory(tenant=tenant_a.tenant)
    for index in range(n):
        contact = ContactFactory(organisation=company)
        for school in (tenant_a.school, other_school):
            entry = InteractionFactory(
                logged_by=school,
                organisations=[company, SchoolFactory(tenant=tenant_a.tenant)],
                follow_up_on=TODAY + datetime.timedelta(days=index),
                follow_up_assignee=tenant_a.member(Role.RELATIONS).user,
            )
            entry.contacts.set([contact])
        agreement = AgreementFactory(tenant=tenant_a.tenant, kind=Agreement.Kind.SPONSORING)
        agreement.parties.set([company])
    company.sectors.add(SectorFactory(tenant=tenant_a.tenant))


@pytest.mark.parametrize("role", [Role.RELATIONS, Role.ADMIN, Role.COMPANY])
def test_query_count_does_not_grow_with_rows(tenant_a, client_for, role):
    # given a company with a few rows around it, measured; then with three times as many
    client = client_for(tenant_a.member(role))
    url = detail_url(tenant_a.tenant, tenant_a.company)
    _fill(tenant_a, 2)
    with CaptureQueriesContext(connection) as few:
        assert client.get(url).status_code == 200
    _fill(tenant_a, 4)
    with CaptureQueriesContext(connection) as many:
        response = client.get(url)

    # then the page costs the same number of queries
    assert response.status_code == 200
    assert len(few) == len(many), [q["sql"] for q in many.captured_queries]


def test_contact_log_region_refreshes_as_a_partial(tenant_a, client_for):
    # given an entry with the company
    InteractionFactory(
        logged_by=tenant_a.school, organisations=[tenant_a.company], subject="Net gelogd"
    )

    # when the region asks for itself again after "Log a contact" (htmx, targeting itself)
    response = client_for(tenant_a.member(Role.RELATIONS)).get(
        detail_url(tenant_a.tenant, tenant_a.company),
        HTTP_HX_REQUEST="true",
        HTTP_HX_TARGET="organisation-log",
    )

    # then only the region comes back (a whole page would carry another page's CSP nonce)
    html = response.content.decode()
    assert response.status_code == 200
    assert html.startswith('<div id="organisation-log"')
    assert "Net gelogd" in html and "<html" not in html and "<style" not in html


def test_only_own_entries_offer_a_change_link(tenant_a, client_for):
    # given an entry of the member's school and a shared one of another school
    own = InteractionFactory(logged_by=tenant_a.school, organisations=[tenant_a.company])
    theirs = InteractionFactory(
        logged_by=SchoolFactory(tenant=tenant_a.tenant), organisations=[tenant_a.company]
    )

    # when the relationship manager opens the company's page
    html = (
        client_for(tenant_a.member(Role.RELATIONS))
        .get(detail_url(tenant_a.tenant, tenant_a.company))
        .content.decode()
    )

    # then only their own entry can be changed from here
    assert reverse("interaction_edit", args=[tenant_a.tenant.slug, own.pk]) in html
    assert theirs.subject in html
    assert reverse("interaction_edit", args=[tenant_a.tenant.slug, theirs.pk]) not in html
