"""The stage market's API: opportunities, applications, placements and the public listing.

The same rules as the pages: what each role sees, who writes through which service, the
tenant in the URL scoping every id (in the path: 404; in the body: 400, nothing changed).
"""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from rest_framework.test import APIClient

from internships.models import Application, Opportunity, Placement
from internships.tests.factories import ApplicationFactory, PlacementFactory
from internships.tests.stage_world import (
    company_member,
    days,
    published,
    school_member,
    submit,
)
from partnerships.models import Organisation
from partnerships.tests.factories import ContactFactory, OrganisationFactory, SectorFactory
from portal.models import AuditEvent
from portal.roles import Role

pytestmark = pytest.mark.django_db


def api(membership=None) -> APIClient:
    client = APIClient()
    client.cookies["portal_language"] = "en"
    if membership is not None:
        client.force_login(membership.user)
    return client


def url(world, path: str) -> str:
    return f"/api/v1/{world.tenant.slug}/{path}"


def ids(response) -> set[int]:
    return {row["id"] for row in response.json()["results"]}


def list_queries(client, path: str) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(path)
    assert response.status_code == 200, response.content
    return len(queries)


def draft(world, **fields) -> Opportunity:
    return published(world, status=Opportunity.Status.DRAFT, published_at=None, **fields)


def other_company(world) -> Organisation:
    return OrganisationFactory(tenant=world.tenant, kind=Organisation.Kind.COMPANY)


NEW_OPPORTUNITY = {
    "kind": "bpv",
    "title": "BPV-plaats elektrotechniek",
    "description": "Meewerken aan installaties bij klanten in de regio.",
    "education_levels": ["mbo3", "mbo4"],
    "places": 2,
    "municipality": "Emmen",
}


def new_opportunity(**overrides) -> dict:
    return {
        **NEW_OPPORTUNITY,
        "starts_on": days(30).isoformat(),
        "ends_on": days(150).isoformat(),
        "application_deadline": days(20).isoformat(),
        **overrides,
    }


# --- opportunities ---------------------------------------------------------------------------


def test_company_member_sees_own_drafts_and_others_published_not_others_drafts(tenant_a):
    # given the own company's draft, another company's published one and its draft
    supervisor = ContactFactory(tenant=tenant_a.tenant, organisation=tenant_a.company)
    own_draft = draft(tenant_a, supervisor=supervisor)
    other = other_company(tenant_a)
    others_published = published(
        tenant_a,
        company=other,
        supervisor=ContactFactory(tenant=tenant_a.tenant, organisation=other),
    )
    others_draft = draft(tenant_a, company=other)

    # when the company member lists the opportunities
    response = api(company_member(tenant_a)).get(url(tenant_a, "opportunities/"))

    # then they see their own draft and the other's published one, not its draft
    assert response.status_code == 200
    assert ids(response) == {own_draft.pk, others_published.pk}
    assert others_draft.pk not in ids(response)
    # ... and the supervisor (a CRM contact) only of their own
    rows = {row["id"]: row for row in response.json()["results"]}
    assert rows[own_draft.pk]["supervisor"] == supervisor.pk
    assert rows[others_published.pk]["supervisor"] is None


def test_programme_office_sees_every_opportunity_drafts_included(tenant_a):
    # given a draft and a published opportunity
    hidden, shown = draft(tenant_a), published(tenant_a)

    # when the programme office lists them
    response = api(tenant_a.member(Role.ADMIN)).get(url(tenant_a, "opportunities/"))

    # then both are there, as on the moderation page
    assert ids(response) == {hidden.pk, shown.pk}


def test_funder_and_anonymous_are_refused_the_opportunities(tenant_a):
    # given an opportunity
    published(tenant_a)

    # when a funder and an anonymous client ask for the list
    funder = api(tenant_a.member(Role.FUNDER)).get(url(tenant_a, "opportunities/"))
    anonymous = api().get(url(tenant_a, "opportunities/"))

    # then the funder is not allowed and the anonymous client must authenticate
    assert funder.status_code == 403
    assert funder["Content-Type"].startswith("application/problem+json")
    assert anonymous.status_code == 401


def test_company_member_creates_a_draft_through_the_service(tenant_a):
    # given a company member and a sector of the tenant
    sector = SectorFactory(tenant=tenant_a.tenant)

    # when they post a new opportunity
    response = api(company_member(tenant_a)).post(
        url(tenant_a, "opportunities/"), new_opportunity(sectors=[sector.pk]), format="json"
    )

    # then it is a draft of their company, with the sector, audited
    assert response.status_code == 201, response.content
    opportunity = Opportunity.objects.get(pk=response.json()["id"])
    assert (opportunity.company, opportunity.status) == (
        tenant_a.company,
        Opportunity.Status.DRAFT,
    )
    assert list(opportunity.sectors.all()) == [sector]
    assert response.json()["sectors"] == [sector.pk]
    assert AuditEvent.objects.filter(action="opportunity.create", target_id=str(opportunity.pk))


def test_school_member_cannot_create_an_opportunity(tenant_a):
    # when a relations member posts a new opportunity
    response = api(school_member(tenant_a)).post(
        url(tenant_a, "opportunities/"), new_opportunity(), format="json"
    )

    # then it is refused and nothing is stored
    assert response.status_code == 403
    assert not Opportunity.objects.exists()


def test_other_tenants_sector_in_the_body_is_a_400_and_nothing_is_stored(tenant_a, tenant_b):
    # given a sector of tenant B
    foreign = SectorFactory(tenant=tenant_b.tenant)

    # when A's company member names it
    response = api(company_member(tenant_a)).post(
        url(tenant_a, "opportunities/"), new_opportunity(sectors=[foreign.pk]), format="json"
    )

    # then it does not exist for them, and nothing was stored
    assert response.status_code == 400
    assert [error["field"] for error in response.json()["errors"]] == ["sectors"]
    assert not Opportunity.objects.exists()


def test_service_rules_come_back_as_field_errors(tenant_a):
    # when a company member posts an opportunity that ends before it starts
    response = api(company_member(tenant_a)).post(
        url(tenant_a, "opportunities/"),
        new_opportunity(starts_on=days(30).isoformat(), ends_on=days(10).isoformat()),
        format="json",
    )

    # then the service's rule is a 400 on the field, and nothing is stored
    assert response.status_code == 400
    fields = {error["field"] for error in response.json()["errors"]}
    assert "ends_on" in fields
    assert not Opportunity.objects.exists()


def test_unknown_field_is_refused(tenant_a):
    # when a company member sends a field opportunities do not have
    response = api(company_member(tenant_a)).post(
        url(tenant_a, "opportunities/"), new_opportunity(salary="1000"), format="json"
    )

    # then it is a 400 naming the field
    assert response.status_code == 400
    assert "salary" in {error["field"] for error in response.json()["errors"]}
    assert not Opportunity.objects.exists()


def test_company_member_changes_and_publishes_own_draft(tenant_a):
    # given a draft of the own company
    opportunity = draft(tenant_a, application_deadline=days(20))
    client = api(company_member(tenant_a))

    # when the member changes its title, then publishes it
    changed = client.patch(
        url(tenant_a, f"opportunities/{opportunity.pk}/"), {"title": "Nieuw"}, format="json"
    )
    publish = client.post(url(tenant_a, f"opportunities/{opportunity.pk}/publish/"))

    # then both went through the services
    assert changed.status_code == 200, changed.content
    assert publish.status_code == 200, publish.content
    opportunity.refresh_from_db()
    assert (opportunity.title, opportunity.status) == ("Nieuw", Opportunity.Status.PUBLISHED)
    assert publish.json()["status"] == "published"


def test_another_companys_opportunity_cannot_be_changed(tenant_a):
    # given another company's published opportunity
    other = published(tenant_a, company=other_company(tenant_a), title="Van een ander")

    # when A's company member changes and closes it
    client = api(company_member(tenant_a))
    changed = client.patch(
        url(tenant_a, f"opportunities/{other.pk}/"), {"title": "Gekaapt"}, format="json"
    )
    closed = client.post(url(tenant_a, f"opportunities/{other.pk}/close/"))

    # then the service refuses both, and nothing changed
    assert (changed.status_code, closed.status_code) == (403, 403)
    other.refresh_from_db()
    assert (other.title, other.status) == ("Van een ander", Opportunity.Status.PUBLISHED)


def test_other_tenants_opportunity_in_the_path_is_not_found(tenant_a, tenant_b):
    # given a published opportunity of tenant B
    foreign = published(tenant_b, title="Van B")

    # when A's members ask for it under A's slug, and try to change it
    admin = api(tenant_a.member(Role.ADMIN))
    read = admin.get(url(tenant_a, f"opportunities/{foreign.pk}/"))
    company = api(company_member(tenant_a))
    changed = company.patch(
        url(tenant_a, f"opportunities/{foreign.pk}/"), {"title": "X"}, format="json"
    )

    # then it does not exist there, and nothing changed
    assert (read.status_code, changed.status_code) == (404, 404)
    foreign.refresh_from_db()
    assert foreign.title == "Van B"


def test_programme_office_unpublishes_with_a_reason(tenant_a):
    # given a published opportunity
    opportunity = published(tenant_a)

    # when the programme office takes it offline, once without and once with a reason
    client = api(tenant_a.member(Role.ADMIN))
    path = url(tenant_a, f"opportunities/{opportunity.pk}/unpublish/")
    refused = client.post(path, {"reason": "  "}, format="json")
    done = client.post(path, {"reason": "Onvolledige omschrijving."}, format="json")

    # then the empty reason is refused, the real one unpublishes it
    assert refused.status_code == 400
    assert done.status_code == 200, done.content
    opportunity.refresh_from_db()
    assert opportunity.status == Opportunity.Status.DRAFT
    assert done.json()["unpublished_reason"] == "Onvolledige omschrijving."


def test_opportunity_list_queries_do_not_grow_with_rows(tenant_a):
    # given N opportunities with sectors
    def make(n):
        for _ in range(n):
            opportunity = published(tenant_a, company=other_company(tenant_a))
            opportunity.sectors.add(SectorFactory(tenant=tenant_a.tenant))

    client = api(tenant_a.member(Role.ADMIN))
    make(2)
    few = list_queries(client, url(tenant_a, "opportunities/"))

    # when there are three times as many
    make(4)
    many = list_queries(client, url(tenant_a, "opportunities/"))

    # then the list costs the same number of queries
    assert many == few


# --- applications ----------------------------------------------------------------------------


def test_school_member_applies_for_a_student(tenant_a):
    # given a published opportunity
    opportunity = published(tenant_a, application_deadline=days(20))

    # when the school member applies through the API
    response = api(school_member(tenant_a)).post(
        url(tenant_a, "applications/"),
        {
            "opportunity": opportunity.pk,
            "student_first_name": "Sem",
            "student_last_initial": "B",
            "student_level": "mbo3",
            "student_programme": "Mechatronica",
        },
        format="json",
    )

    # then the application is the school's, and shows the student as the pages do
    assert response.status_code == 201, response.content
    application = Application.objects.get(pk=response.json()["id"])
    assert application.school == tenant_a.school
    assert response.json()["student_display"] == "Sem B."
    assert "student_first_name" not in response.json()


def test_company_member_cannot_apply(tenant_a):
    # given a published opportunity
    opportunity = published(tenant_a)

    # when the company member tries to apply
    response = api(company_member(tenant_a)).post(
        url(tenant_a, "applications/"),
        {"opportunity": opportunity.pk, "group_size": 3},
        format="json",
    )

    # then it is refused, nothing stored
    assert response.status_code == 403
    assert not Application.objects.exists()


def test_other_tenants_opportunity_in_an_application_is_a_400(tenant_a, tenant_b):
    # given a published opportunity of tenant B
    foreign = published(tenant_b)

    # when A's school member applies to it
    response = api(school_member(tenant_a)).post(
        url(tenant_a, "applications/"), {"opportunity": foreign.pk, "group_size": 3}, format="json"
    )

    # then the id does not exist for A, nothing stored
    assert response.status_code == 400
    assert [error["field"] for error in response.json()["errors"]] == ["opportunity"]
    assert not Application.objects.exists()


def test_each_side_sees_only_its_own_applications(tenant_a):
    # given an application of A's school to A's company, and one of another school to
    # another company
    own = submit(tenant_a, published(tenant_a))
    other_school = OrganisationFactory(tenant=tenant_a.tenant, kind=Organisation.Kind.SCHOOL)
    stranger = ApplicationFactory(
        tenant=tenant_a.tenant,
        opportunity=published(tenant_a, company=other_company(tenant_a)),
        school=other_school,
    )

    # when the school, the company and the programme office list applications
    school = api(school_member(tenant_a)).get(url(tenant_a, "applications/"))
    company = api(company_member(tenant_a)).get(url(tenant_a, "applications/"))
    admin = api(tenant_a.member(Role.ADMIN)).get(url(tenant_a, "applications/"))
    strangers = api(company_member(tenant_a)).get(url(tenant_a, f"applications/{stranger.pk}/"))

    # then the school and the company see theirs; no page shows student data to others
    assert ids(school) == {own.pk}
    assert ids(company) == {own.pk}
    assert ids(admin) == set()
    assert strangers.status_code == 404


def test_company_accepts_an_application_and_a_placement_is_planned(tenant_a):
    # given a submitted application to the company's opportunity
    application = submit(tenant_a, published(tenant_a))

    # when the company accepts it
    response = api(company_member(tenant_a)).post(
        url(tenant_a, f"applications/{application.pk}/accept/"), {}, format="json"
    )

    # then it is accepted with a placement
    assert response.status_code == 200, response.content
    assert response.json()["status"] == "accepted"
    placement = Placement.objects.get(application=application)
    assert response.json()["placement"] == placement.pk


def test_school_cannot_accept_its_own_application(tenant_a):
    # given a submitted application of the school
    application = submit(tenant_a, published(tenant_a))

    # when the school tries to accept it
    response = api(school_member(tenant_a)).post(
        url(tenant_a, f"applications/{application.pk}/accept/"), {}, format="json"
    )

    # then the service refuses it
    assert response.status_code == 403
    application.refresh_from_db()
    assert application.status == Application.Status.SUBMITTED


def test_application_list_queries_do_not_grow_with_rows(tenant_a):
    opportunity = published(tenant_a, places=20)

    def make(n):
        for _ in range(n):
            application = submit(tenant_a, opportunity)
            PlacementFactory(
                tenant=tenant_a.tenant,
                application=application,
                opportunity=opportunity,
                school=tenant_a.school,
                company=tenant_a.company,
            )

    client = api(company_member(tenant_a))
    make(2)
    few = list_queries(client, url(tenant_a, "applications/"))
    make(4)
    many = list_queries(client, url(tenant_a, "applications/"))
    assert many == few


# --- placements ------------------------------------------------------------------------------


def _placement(world, **fields) -> Placement:
    application = ApplicationFactory(
        tenant=world.tenant,
        opportunity=published(world),
        school=world.school,
        status=Application.Status.ACCEPTED,
    )
    return PlacementFactory(tenant=world.tenant, application=application, **fields)


def test_both_sides_see_their_placement_and_start_it(tenant_a):
    # given a planned placement of A's school at A's company
    placement = _placement(tenant_a, school_supervisor=school_member(tenant_a).user)

    # when the school lists placements, and the company starts it
    listed = api(school_member(tenant_a)).get(url(tenant_a, "placements/"))
    started = api(company_member(tenant_a)).post(url(tenant_a, f"placements/{placement.pk}/start/"))

    # then the school sees it, and it is active
    assert ids(listed) == {placement.pk}
    assert listed.json()["results"][0]["student_display"] == "Sem B."
    assert started.status_code == 200, started.content
    placement.refresh_from_db()
    assert placement.status == Placement.Status.ACTIVE


def test_placements_of_others_are_not_found(tenant_a, tenant_b):
    # given a placement of tenant B and one of another school in A
    foreign = _placement(tenant_b)
    other_school = OrganisationFactory(tenant=tenant_a.tenant, kind=Organisation.Kind.SCHOOL)
    strangers = _placement(tenant_a)
    Placement.objects.filter(pk=strangers.pk).update(
        school=other_school, company=other_company(tenant_a)
    )

    # when A's school member asks for both, and tries to cancel B's
    client = api(school_member(tenant_a))
    read_foreign = client.get(url(tenant_a, f"placements/{foreign.pk}/"))
    read_strangers = client.get(url(tenant_a, f"placements/{strangers.pk}/"))
    cancel = client.post(url(tenant_a, f"placements/{foreign.pk}/cancel/"))

    # then neither exists for them, and nothing changed
    assert (read_foreign.status_code, read_strangers.status_code, cancel.status_code) == (
        404,
        404,
        404,
    )
    foreign.refresh_from_db()
    assert foreign.status == Placement.Status.PLANNED


def test_funder_is_refused_placements(tenant_a):
    _placement(tenant_a)
    response = api(tenant_a.member(Role.FUNDER)).get(url(tenant_a, "placements/"))
    assert response.status_code == 403


def test_placement_list_queries_do_not_grow_with_rows(tenant_a):
    client = api(company_member(tenant_a))
    for _ in range(2):
        _placement(tenant_a, company_supervisor=ContactFactory(tenant=tenant_a.tenant))
    few = list_queries(client, url(tenant_a, "placements/"))
    for _ in range(4):
        _placement(tenant_a, company_supervisor=ContactFactory(tenant=tenant_a.tenant))
    many = list_queries(client, url(tenant_a, "placements/"))
    assert many == few


# --- the public listing ----------------------------------------------------------------------

PERSONAL_OR_INTERNAL = {
    "supervisor",
    "created_by",
    "places_taken",
    "unpublished_reason",
    "company_id",
}


def test_public_list_is_anonymous_published_only_and_cacheable(tenant_a):
    # given a published opportunity with a supervisor, and a draft
    shown = published(
        tenant_a, supervisor=ContactFactory(tenant=tenant_a.tenant, organisation=tenant_a.company)
    )
    draft(tenant_a)

    # when an anonymous client lists the public opportunities
    response = api().get(url(tenant_a, "public/opportunities/"))

    # then only the published one is there, without CRM data, cacheable with an ETag
    assert response.status_code == 200, response.content
    assert ids(response) == {shown.pk}
    row = response.json()["results"][0]
    assert row["company"] == tenant_a.company.name
    assert not PERSONAL_OR_INTERNAL & set(row)
    assert "public_contact_email" not in row
    assert "max-age=300" in response["Cache-Control"]
    assert "public" in response["Cache-Control"]
    assert response["ETag"]


def test_public_list_answers_304_while_nothing_changed(tenant_a):
    # given the public list fetched once
    opportunity = published(tenant_a)
    client = api()
    first = client.get(url(tenant_a, "public/opportunities/"))

    # when it is asked again with its ETag, and again after a change
    same = client.get(url(tenant_a, "public/opportunities/"), HTTP_IF_NONE_MATCH=first["ETag"])
    Opportunity.objects.filter(pk=opportunity.pk).update(title="Anders")
    changed = client.get(url(tenant_a, "public/opportunities/"), HTTP_IF_NONE_MATCH=first["ETag"])

    # then the first repeat is a 304 with no body, the one after the change a fresh 200
    assert same.status_code == 304
    assert same.content == b""
    assert changed.status_code == 200
    assert changed["ETag"] != first["ETag"]


def test_public_detail_shows_the_public_page_fields_only(tenant_a):
    # given a published opportunity with a public contact and a CRM supervisor
    opportunity = published(
        tenant_a,
        public_contact_name="Anna de Vries",
        supervisor=ContactFactory(tenant=tenant_a.tenant, organisation=tenant_a.company),
    )
    hidden = draft(tenant_a)

    # when an anonymous client opens it and the draft
    client = api()
    response = client.get(url(tenant_a, f"public/opportunities/{opportunity.pk}/"))
    missing = client.get(url(tenant_a, f"public/opportunities/{hidden.pk}/"))

    # then the published one shows what its public page shows; the draft does not exist
    assert response.status_code == 200
    assert response.json()["public_contact_name"] == "Anna de Vries"
    assert not PERSONAL_OR_INTERNAL & set(response.json())
    assert missing.status_code == 404


def test_public_list_filters_as_the_page(tenant_a):
    # given a BPV place and a guest lesson
    bpv = published(tenant_a, kind=Opportunity.Kind.BPV)
    published(tenant_a, kind=Opportunity.Kind.GUEST_LESSON)

    # when the list is filtered by kind, and by a bad date
    client = api()
    filtered = client.get(url(tenant_a, "public/opportunities/?kind=bpv"))
    bad = client.get(url(tenant_a, "public/opportunities/?available_from=gisteren"))

    # then only the BPV place is there; the bad date is a 400 problem
    assert ids(filtered) == {bpv.pk}
    assert bad.status_code == 400
    assert bad["Content-Type"].startswith("application/problem+json")


def test_private_tenants_public_list_is_not_found(tenant_a, tenant_b):
    # given tenant B without a public page
    tenant_b.tenant.public_page = False
    tenant_b.tenant.save()
    published(tenant_b)

    # when an anonymous client, a member of A and a member of B ask for its list
    path = url(tenant_b, "public/opportunities/")
    anonymous = api().get(path)
    outsider = api(tenant_a.member(Role.ADMIN)).get(path)
    insider = api(tenant_b.member(Role.FUNDER)).get(path)

    # then only B's member sees it, as the page
    assert (anonymous.status_code, outsider.status_code, insider.status_code) == (404, 404, 200)


def test_public_list_queries_do_not_grow_with_rows(tenant_a):
    client = api()
    for _ in range(2):
        published(tenant_a, company=other_company(tenant_a))
    few = list_queries(client, url(tenant_a, "public/opportunities/"))
    for _ in range(4):
        published(tenant_a, company=other_company(tenant_a))
    many = list_queries(client, url(tenant_a, "public/opportunities/"))
    assert many == few
