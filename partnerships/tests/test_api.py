"""The CRM's API: the same rules as the pages, scoped to the tenant in the URL."""

from __future__ import annotations

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from partnerships.models import Agreement, Contact, Interaction, Organisation
from partnerships.tests.factories import (
    AgreementFactory,
    ContactFactory,
    InteractionFactory,
    OrganisationFactory,
    SchoolFactory,
    SectorFactory,
)
from portal.models import AuditEvent
from portal.roles import Role

PROBLEM = "application/problem+json"


def api(world, resource: str, object_id: int | None = None) -> str:
    url = f"/api/v1/{world.tenant.slug}/{resource}/"
    return f"{url}{object_id}/" if object_id is not None else url


def crm_rows(world) -> dict:
    """Every CRM row of the world's tenant: a refused request must leave this alone."""
    tenant = world.tenant
    return {
        "organisations": list(Organisation.objects.filter(tenant=tenant).values_list()),
        "contacts": list(Contact.objects.filter(tenant=tenant).values_list()),
        "interactions": list(Interaction.objects.filter(tenant=tenant).values_list()),
        "agreements": list(Agreement.objects.filter(tenant=tenant).values_list()),
    }


def count_queries(client, url: str) -> tuple[int, dict]:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200, response.content
    return len(queries), response.json()


# --- list query counts do not grow with rows ----------------------------------------------------


def _add_rows(world, resource: str, n: int) -> None:
    tenant = world.tenant
    if resource == "organisations":
        sector = SectorFactory(tenant=tenant)
        for organisation in OrganisationFactory.create_batch(n, tenant=tenant):
            organisation.sectors.add(sector)
    elif resource == "contacts":
        ContactFactory.create_batch(n, organisation=OrganisationFactory(tenant=tenant))
    elif resource == "interactions":
        contact = ContactFactory(organisation=world.company)
        for _ in range(n):
            interaction = InteractionFactory(
                logged_by=world.school, organisations=[world.company, world.school]
            )
            interaction.contacts.add(contact)
    else:
        for _ in range(n):
            AgreementFactory(tenant=tenant).parties.set([world.school, world.company])


@pytest.mark.parametrize(
    "resource, query",
    [
        ("organisations", ""),
        ("organisations", "?q=Techniekbedrijf&kind=company&status=dormant&sort=-last_contact"),
        ("contacts", ""),
        ("interactions", "?follow_up_open=false&ordering=-occurred_on"),
        ("agreements", "?status=active"),
    ],
)
def test_list_query_count_does_not_grow_with_rows(resource, query, tenant_a, api_client_for):
    # given a relationship manager's token and some rows
    client = api_client_for(tenant_a.member(Role.RELATIONS), token=True)
    url = api(tenant_a, resource) + query + ("&" if query else "?") + "page_size=200"
    _add_rows(tenant_a, resource, 4)
    client.get(url)
    few, few_body = count_queries(client, url)

    # when there are three times as many
    _add_rows(tenant_a, resource, 8)
    many, many_body = count_queries(client, url)

    # then the same number of queries answers three times the rows
    assert many_body["count"] >= few_body["count"] + 8
    assert len(many_body["results"]) == many_body["count"]
    assert many == few


# --- tenant isolation: ids of another tenant in paths and bodies -------------------------------


@pytest.mark.parametrize("resource", ["organisations", "contacts", "interactions", "agreements"])
def test_other_tenants_object_is_not_found_and_not_changed(
    resource, tenant_a, tenant_b, api_client_for
):
    # given an object of tenant B, and the programme office of A with a read-write token
    foreign = {
        "organisations": lambda: tenant_b.company,
        "contacts": lambda: ContactFactory(organisation=tenant_b.company),
        "interactions": lambda: InteractionFactory(
            logged_by=tenant_b.school, organisations=[tenant_b.company]
        ),
        "agreements": lambda: AgreementFactory(tenant=tenant_b.tenant),
    }[resource]()
    client = api_client_for(tenant_a.member(Role.ADMIN), token=True)
    before = crm_rows(tenant_b)

    # when A's member reads and changes it under A's slug
    read = client.get(api(tenant_a, resource, foreign.pk))
    change = client.patch(api(tenant_a, resource, foreign.pk), {"name": "x"}, format="json")

    # then it does not exist there, and B's data is as it was
    assert (read.status_code, change.status_code) == (404, 404)
    assert read["Content-Type"] == PROBLEM
    assert crm_rows(tenant_b) == before


def test_other_tenants_ids_in_the_body_are_refused_like_missing_ids(
    tenant_a, tenant_b, api_client_for
):
    # given a relationship manager of A, and a sector and a contact of B
    client = api_client_for(tenant_a.member(Role.RELATIONS), token=True)
    foreign_sector = SectorFactory(tenant=tenant_b.tenant)
    foreign_contact = ContactFactory(organisation=tenant_b.company)
    before_a, before_b = crm_rows(tenant_a), crm_rows(tenant_b)

    # when they use B's ids, and an id that exists nowhere, in request bodies
    organisation = client.post(
        api(tenant_a, "organisations"),
        {"kind": "company", "name": "Nieuw BV", "sectors": [foreign_sector.pk]},
        format="json",
    )
    missing = client.post(
        api(tenant_a, "organisations"),
        {"kind": "company", "name": "Nieuw BV", "sectors": [foreign_sector.pk + 100000]},
        format="json",
    )
    contact = client.post(
        api(tenant_a, "contacts"),
        {"organisation": tenant_b.company.pk, "name": "Iemand"},
        format="json",
    )
    interaction = client.post(
        api(tenant_a, "interactions"),
        {
            "occurred_on": "2026-03-02",
            "kind": "meeting",
            "subject": "Overleg",
            "organisations": [tenant_a.company.pk],
            "contacts": [foreign_contact.pk],
        },
        format="json",
    )
    agreement = client.post(
        api(tenant_a, "agreements"),
        {
            "kind": "covenant",
            "title": "Convenant",
            "starts_on": "2026-01-01",
            "parties": [tenant_a.school.pk, tenant_b.company.pk],
        },
        format="json",
    )

    # then each is a 400 at the field, worded as for an id that does not exist
    def field_error(response, field):
        assert response.status_code == 400, response.content
        assert response["Content-Type"] == PROBLEM
        errors = [e for e in response.json()["errors"] if e["field"] == field]
        assert errors, response.json()
        return errors[0]["code"]

    assert field_error(organisation, "sectors") == field_error(missing, "sectors")
    assert field_error(organisation, "sectors") == "does_not_exist"
    assert field_error(contact, "organisation") == "does_not_exist"
    assert field_error(interaction, "contacts") == "does_not_exist"
    assert field_error(agreement, "parties") == "does_not_exist"
    # and nothing changed in either tenant
    assert (crm_rows(tenant_a), crm_rows(tenant_b)) == (before_a, before_b)


# --- organisations ------------------------------------------------------------------------------


def test_relationship_manager_creates_and_updates_an_organisation(tenant_a, api_client_for):
    # given a relationship manager's token and a sector
    client = api_client_for(tenant_a.member(Role.RELATIONS), token=True)
    sector = SectorFactory(tenant=tenant_a.tenant, name="Robotica")

    # when they create an organisation and then change its municipality
    created = client.post(
        api(tenant_a, "organisations"),
        {
            "kind": "company",
            "name": "Robotbouw Emmen BV",
            "kvk_number": "12345678",
            "sectors": [sector.pk],
            "education_levels": ["mbo3"],
            "tags": ["robotica"],
        },
        format="json",
    )
    organisation_id = created.json()["id"]
    changed = client.patch(
        api(tenant_a, "organisations", organisation_id), {"municipality": "Coevorden"}
    )

    # then the service saved both, with an audit trail
    assert created.status_code == 201, created.content
    assert created.json()["sectors"] == [sector.pk]
    assert created.json()["relationship_status"] == "prospect"
    assert changed.status_code == 200, changed.content
    organisation = Organisation.objects.get(pk=organisation_id)
    assert (organisation.municipality, organisation.kvk_number) == ("Coevorden", "12345678")
    assert list(organisation.sectors.all()) == [sector]
    actions = set(
        AuditEvent.objects.filter(target_id=str(organisation_id)).values_list("action", flat=True)
    )
    assert actions == {"organisation.create", "organisation.update"}


def test_organisation_search_and_filters_are_the_pages(tenant_a, api_client_for):
    # given a school in Assen and a company in Emmen
    SchoolFactory(tenant=tenant_a.tenant, name="Drenthe College", municipality="Assen")
    OrganisationFactory(tenant=tenant_a.tenant, name="Machinefabriek Emmen BV")
    client = api_client_for(tenant_a.member(Role.LEAD), token=True)

    # when the lead searches with a typo and filters by kind and municipality
    search = client.get(api(tenant_a, "organisations"), {"q": "machinefabriek"}).json()
    schools = client.get(
        api(tenant_a, "organisations"), {"kind": "school", "municipality": "Assen"}
    ).json()
    bad = client.get(api(tenant_a, "organisations"), {"kind": "spaceship"})

    # then they get what the list page would show, and a bad filter is a 400 problem
    assert [o["name"] for o in search["results"]] == ["Machinefabriek Emmen BV"]
    assert [o["name"] for o in schools["results"]] == ["Drenthe College"]
    assert bad.status_code == 400
    assert bad.json()["errors"][0]["field"] == "kind"


def test_company_contact_sees_and_edits_only_their_own_company(tenant_a, api_client_for):
    # given a company contact of A's company, and another company
    client = api_client_for(tenant_a.member(Role.COMPANY), token=True)
    other = OrganisationFactory(tenant=tenant_a.tenant, name="Concurrent BV")
    own_url = api(tenant_a, "organisations", tenant_a.company.pk)

    # when they list, open the other company, change their own website and status
    listed = client.get(api(tenant_a, "organisations")).json()
    other_read = client.get(api(tenant_a, "organisations", other.pk))
    other_change = client.patch(
        api(tenant_a, "organisations", other.pk), {"website": "https://x.example"}
    )
    website = client.patch(own_url, {"website": "https://eigen.example.org"})
    status = client.patch(own_url, {"status": "former"})

    # then only their own company exists for them; the CRM's status is not theirs to set
    assert [o["id"] for o in listed["results"]] == [tenant_a.company.pk]
    assert (other_read.status_code, other_change.status_code) == (404, 404)
    assert website.status_code == 200
    assert status.status_code == 400
    assert status.json()["errors"][0]["field"] == "status"
    tenant_a.company.refresh_from_db()
    other.refresh_from_db()
    assert tenant_a.company.website == "https://eigen.example.org"
    assert tenant_a.company.status == Organisation.Status.ACTIVE
    assert other.website == ""


def test_funder_has_no_crm(tenant_a, api_client_for):
    # given a funder's token
    client = api_client_for(tenant_a.member(Role.FUNDER), token=True)

    # when they list organisations
    response = client.get(api(tenant_a, "organisations"))

    # then it is forbidden, as the list page is
    assert response.status_code == 403


# --- contacts -----------------------------------------------------------------------------------


def test_contacts_of_own_company_only_for_a_company_contact(tenant_a, api_client_for):
    # given contacts at A's company and at the school
    own = ContactFactory(organisation=tenant_a.company, name="Eigen Medewerker")
    ContactFactory(organisation=tenant_a.school, name="Docent Elders")
    client = api_client_for(tenant_a.member(Role.COMPANY), token=True)

    # when the company contact lists contacts and adds one at the school
    listed = client.get(api(tenant_a, "contacts")).json()
    added = client.post(
        api(tenant_a, "contacts"),
        {"organisation": tenant_a.school.pk, "name": "Niet Van Ons"},
        format="json",
    )

    # then they see their own company's people only and cannot add elsewhere
    assert [c["id"] for c in listed["results"]] == [own.pk]
    assert added.status_code == 400
    assert added.json()["errors"][0]["field"] == "organisation"
    assert not Contact.objects.filter(name="Niet Van Ons").exists()


def test_contact_cannot_move_and_an_erased_contact_cannot_change(tenant_a, api_client_for):
    # given a contact, and an erased one
    contact = ContactFactory(organisation=tenant_a.company)
    erased = ContactFactory(organisation=tenant_a.company)
    Contact.objects.filter(pk=erased.pk).update(erased_at=datetime.datetime.now(datetime.UTC))
    client = api_client_for(tenant_a.member(Role.RELATIONS), token=True)

    # when the relationship manager moves the first and renames the erased one
    moved = client.patch(
        api(tenant_a, "contacts", contact.pk), {"organisation": tenant_a.school.pk}
    )
    renamed = client.patch(api(tenant_a, "contacts", erased.pk), {"name": "Terug"})

    # then both are refused with a problem
    assert moved.status_code == 400
    assert moved.json()["errors"][0]["field"] == "organisation"
    assert renamed.status_code == 400
    contact.refresh_from_db()
    assert contact.organisation_id == tenant_a.company.pk


# --- interactions and their notes ---------------------------------------------------------------


@pytest.fixture
def other_school_world(tenant_a):
    """A second school of A with its own relationship manager, and log entries of both."""
    from portal.tests.factories import MembershipFactory

    other_school = SchoolFactory(tenant=tenant_a.tenant, name="Ander College")
    other_member = MembershipFactory(
        tenant=tenant_a.tenant, role=Role.RELATIONS, organisation=other_school
    )
    shared = InteractionFactory(
        logged_by=other_school,
        organisations=[tenant_a.company],
        notes="Geheim van de andere school",
        visibility=Interaction.Visibility.PARTNERSHIP,
    )
    private = InteractionFactory(
        logged_by=other_school,
        organisations=[tenant_a.company],
        notes="Alleen voor ons",
        visibility=Interaction.Visibility.OWN,
    )
    own = InteractionFactory(
        logged_by=tenant_a.school, organisations=[tenant_a.company], notes="Onze notitie"
    )
    return {"member": other_member, "shared": shared, "private": private, "own": own}


def test_another_schools_notes_never_come_back(tenant_a, api_client_for, other_school_world):
    # given a relationship manager of A's school and entries of both schools
    client = api_client_for(tenant_a.member(Role.RELATIONS), token=True)
    shared, private, own = (other_school_world[k] for k in ("shared", "private", "own"))

    # when they list the log and open the shared and the private entry of the other school
    listed = client.get(api(tenant_a, "interactions")).json()["results"]
    shared_read = client.get(api(tenant_a, "interactions", shared.pk))
    private_read = client.get(api(tenant_a, "interactions", private.pk))

    # then they see their own notes, the shared entry without its notes, and not the private one
    notes = {row["id"]: row["notes"] for row in listed}
    assert notes == {own.pk: "Onze notitie", shared.pk: ""}
    assert shared_read.json()["notes"] == ""
    assert private_read.status_code == 404
    assert "Geheim" not in shared_read.content.decode()


def test_programme_office_reads_every_note(tenant_a, api_client_for, other_school_world):
    # given the programme office's token
    client = api_client_for(tenant_a.member(Role.ADMIN), token=True)

    # when it lists the log
    listed = client.get(api(tenant_a, "interactions")).json()["results"]

    # then it sees all entries with their notes, as on the pages
    assert {row["notes"] for row in listed} == {
        "Geheim van de andere school",
        "Alleen voor ons",
        "Onze notitie",
    }


def test_logging_through_the_api_uses_the_service(tenant_a, api_client_for):
    # given a relationship manager of A's school and a contact at A's company
    member = tenant_a.member(Role.RELATIONS)
    client = api_client_for(member, token=True)
    contact = ContactFactory(organisation=tenant_a.company)
    today = timezone.localdate()

    # when they log a contact moment with a follow-up, and try to log for another school
    logged = client.post(
        api(tenant_a, "interactions"),
        {
            "occurred_on": today.isoformat(),
            "kind": "company_visit",
            "subject": "Rondleiding",
            "notes": "Goed gesprek",
            "organisations": [tenant_a.company.pk],
            "contacts": [contact.pk],
            "follow_up_on": (today + datetime.timedelta(days=7)).isoformat(),
        },
        format="json",
    )
    other_school = SchoolFactory(tenant=tenant_a.tenant)
    for_other = client.post(
        api(tenant_a, "interactions"),
        {
            "logged_by": other_school.pk,
            "occurred_on": today.isoformat(),
            "kind": "meeting",
            "subject": "Namens een ander",
            "organisations": [tenant_a.company.pk],
        },
        format="json",
    )

    # then the entry is logged for their own school, with the service's side effects
    assert logged.status_code == 201, logged.content
    body = logged.json()
    assert body["logged_by"] == tenant_a.school.pk
    assert body["notes"] == "Goed gesprek"
    assert body["follow_up_assignee"] == member.user.pk
    assert body["follow_up_open"] is True
    tenant_a.company.refresh_from_db()
    assert tenant_a.company.last_contact_on == today
    assert AuditEvent.objects.filter(action="interaction.log", target_id=str(body["id"])).exists()
    # and logging for another school is refused
    assert for_other.status_code == 400
    assert not Interaction.objects.filter(subject="Namens een ander").exists()


def test_only_the_logging_school_changes_an_entry(tenant_a, api_client_for, other_school_world):
    # given the other school's shared entry, and this school's own
    client = api_client_for(tenant_a.member(Role.RELATIONS), token=True)
    shared, own = other_school_world["shared"], other_school_world["own"]

    # when the relationship manager changes both subjects
    foreign = client.patch(api(tenant_a, "interactions", shared.pk), {"subject": "Gewijzigd"})
    mine = client.patch(api(tenant_a, "interactions", own.pk), {"subject": "Bijgewerkt"})

    # then only their own school's entry changes; its organisations stay
    assert foreign.status_code == 403
    assert mine.status_code == 200, mine.content
    shared.refresh_from_db()
    own.refresh_from_db()
    assert (shared.subject, own.subject) == (other_school_world["shared"].subject, "Bijgewerkt")
    assert list(own.organisations.all()) == [tenant_a.company]


# --- agreements ---------------------------------------------------------------------------------


def test_agreements_create_filter_and_edit_rights(tenant_a, api_client_for):
    # given a relationship manager of A's school, and an agreement between two others
    client = api_client_for(tenant_a.member(Role.RELATIONS), token=True)
    outsiders = AgreementFactory(tenant=tenant_a.tenant, title="Buiten ons")
    outsiders.parties.set([OrganisationFactory(tenant=tenant_a.tenant)])

    # when they add an agreement their school is a party to, filter, and edit both
    created = client.post(
        api(tenant_a, "agreements"),
        {
            "kind": "stage_framework",
            "title": "Stagekader",
            "starts_on": "2026-01-01",
            "ends_on": "2026-02-01",
            "parties": [tenant_a.school.pk, tenant_a.company.pk],
        },
        format="json",
    )
    frameworks = client.get(api(tenant_a, "agreements"), {"kind": "stage_framework"}).json()
    foreign_edit = client.patch(api(tenant_a, "agreements", outsiders.pk), {"title": "Van ons"})
    own_edit = client.patch(
        api(tenant_a, "agreements", created.json()["id"]), {"ends_on": "2025-12-01"}
    )

    # then the agreement exists without a document; editing follows the page's rules
    assert created.status_code == 201, created.content
    assert created.json()["has_document"] is False
    assert [a["title"] for a in frameworks["results"]] == ["Stagekader"]
    assert foreign_edit.status_code == 403
    assert own_edit.status_code == 400
    assert own_edit.json()["errors"][0]["field"] == "ends_on"
    outsiders.refresh_from_db()
    assert outsiders.title == "Buiten ons"
