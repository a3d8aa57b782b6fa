"""School pages: "fits your school", applying for a student or a group, the school's
applications and placements with their evaluation."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from internships.models import Application, Opportunity, Placement
from internships.selectors.school import school_opportunity_matches
from internships.tests.factories import ApplicationFactory, PlacementFactory
from internships.tests.stage_world import accept, days, english, published, school_member, submit
from partnerships.tests.factories import OrganisationFactory, SchoolFactory, SectorFactory
from portal.roles import Role
from portal.tests.factories import MembershipFactory


@pytest.fixture
def school_client(tenant_a, client_for):
    return english(client_for(school_member(tenant_a)))


def url(name: str, world, **kwargs) -> str:
    return reverse(name, kwargs={"tenant_slug": world.tenant.slug, **kwargs})


@pytest.mark.parametrize("role", [Role.COMPANY, Role.LEAD, Role.FUNDER, Role.ADMIN])
def test_only_school_members_reach_the_school_pages(tenant_a, client_for, role):
    response = client_for(tenant_a.member(role)).get(url("school_application_list", tenant_a))
    assert response.status_code == 403


# --- fits your school --------------------------------------------------------------------------


def test_fits_your_school_ranks_by_shared_levels_sectors_and_municipality(tenant_a):
    # given a school in Emmen teaching mbo3 and mbo4 in the sectors Techniek and Zorg
    techniek = SectorFactory(tenant=tenant_a.tenant, name="Techniek")
    zorg = SectorFactory(tenant=tenant_a.tenant, name="Zorg")
    bouw = SectorFactory(tenant=tenant_a.tenant, name="Bouw")
    school = tenant_a.school
    school.education_levels = ["mbo3", "mbo4"]
    school.municipality = "Emmen"
    school.save()
    school.sectors.set([techniek, zorg])

    def offer(title, levels, sectors=(), municipality="Assen", **fields):
        opportunity = published(
            tenant_a, title=title, education_levels=levels, municipality=municipality, **fields
        )
        opportunity.sectors.set(sectors)
        return opportunity

    # ... and opportunities that fit better and worse, and some that must not appear
    offer("Beste", ["mbo3", "mbo4"], [techniek, zorg], municipality="emmen")  # 2 + 2 + 1
    offer("Goed", ["mbo3", "mbo4"], [techniek])  # 2 + 1
    offer("Matig", ["mbo4", "hbo"])  # 1
    offer("Alleen sector", ["wo"], [zorg])  # 0 + 1
    offer("Niets gemeen", ["hbo"], [bouw], municipality="Emmen")  # no level, no sector
    offer("Concept", ["mbo3"], status=Opportunity.Status.DRAFT, published_at=None)
    offer("Vol", ["mbo3"], status=Opportunity.Status.FILLED)
    offer("Deadline voorbij", ["mbo3"], application_deadline=days(-1))
    offer("Afgelopen", ["mbo3"], starts_on=days(-90), ends_on=days(-1), application_deadline=None)

    # when the matches are read
    matches = list(school_opportunity_matches(tenant=tenant_a.tenant, school=school))

    # then the open, fitting ones come best fit first, with their score
    # (a tie without deadlines: the newest first)
    assert [(m.title, m.fit_score) for m in matches] == [
        ("Beste", 5),
        ("Goed", 3),
        ("Alleen sector", 1),
        ("Matig", 1),
    ]
    best = matches[0]
    assert (best.level_overlap, best.sector_overlap, best.same_municipality) == (2, 2, 1)


def test_ties_go_to_the_nearest_deadline(tenant_a):
    school = tenant_a.school
    school.education_levels = ["mbo3"]
    school.save()
    published(tenant_a, title="Later", education_levels=["mbo3"], application_deadline=days(15))
    published(tenant_a, title="Eerder", education_levels=["mbo3"], application_deadline=days(5))
    matches = school_opportunity_matches(tenant=tenant_a.tenant, school=school)
    assert [m.title for m in matches] == ["Eerder", "Later"]


def test_a_school_without_a_profile_sees_every_open_opportunity(tenant_a):
    school = tenant_a.school
    school.education_levels = []
    school.save()
    published(tenant_a, title="Iets", education_levels=["hbo"])
    matches = school_opportunity_matches(tenant=tenant_a.tenant, school=school)
    assert [m.title for m in matches] == ["Iets"]


def test_the_page_marks_what_the_school_applied_to_and_pages_in_constant_queries(
    tenant_a, school_client
):
    # given fitting opportunities, one applied to
    applied = published(tenant_a, title="Al gesolliciteerd", education_levels=["mbo3"])
    submit(tenant_a, applied)

    def make(count: int) -> None:
        for _ in range(count):
            opportunity = published(tenant_a, education_levels=["mbo3"])
            opportunity.sectors.add(SectorFactory(tenant=tenant_a.tenant))

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            response = school_client.get(url("school_opportunity_matches", tenant_a))
        assert response.status_code == 200
        return len(captured)

    make(2)
    few = queries()
    make(4)
    many = queries()
    response = school_client.get(url("school_opportunity_matches", tenant_a))
    assert "Your school has applied" in response.content.decode()
    assert response.context["page"].paginator.count == 7
    assert few == many


# --- applying ----------------------------------------------------------------------------------


def test_applying_for_one_student(tenant_a, school_client):
    opportunity = published(tenant_a)
    form = school_client.get(
        url("school_application_create", tenant_a, opportunity_id=opportunity.pk)
    )
    assert form.status_code == 200
    assert "citizen service number" in form.content.decode()  # the promise, not a field
    assert "bsn" not in form.context["form"].fields

    response = school_client.post(
        url("school_application_create", tenant_a, opportunity_id=opportunity.pk),
        {
            "applies_for": "student",
            "student_first_name": "Lotte",
            "student_last_initial": "V",
            "student_level": "mbo3",
            "student_programme": "Mechatronica",
            "group_size": "",
            "note": "Zoekt een plek dichtbij huis.",
        },
    )

    application = Application.objects.get()
    assert response.url == url("school_application_detail", tenant_a, application_id=application.pk)
    assert (application.student_first_name, application.group_size) == ("Lotte", 1)
    assert application.school == tenant_a.school


def test_registering_a_groups_interest(tenant_a, school_client):
    opportunity = published(tenant_a, kind=Opportunity.Kind.COMPANY_VISIT)
    school_client.post(
        url("school_application_create", tenant_a, opportunity_id=opportunity.pk),
        {"applies_for": "group", "group_size": "24", "student_level": "vmbo"},
    )
    application = Application.objects.get()
    assert (application.group_size, application.student_first_name) == (24, "")


def test_a_group_without_a_size_is_a_field_error(tenant_a, school_client):
    opportunity = published(tenant_a)
    response = school_client.post(
        url("school_application_create", tenant_a, opportunity_id=opportunity.pk),
        {"applies_for": "group", "group_size": "1"},
    )
    assert response.status_code == 400
    assert response.context["form"].errors["group_size"] == ["A group has 2 students or more."]
    assert not Application.objects.exists()


def test_applying_to_a_closed_opportunity_is_refused_clearly(tenant_a, school_client):
    # given a closed opportunity
    opportunity = published(tenant_a, status=Opportunity.Status.CLOSED)

    # when the school opens the form, and posts it anyway
    page = school_client.get(
        url("school_application_create", tenant_a, opportunity_id=opportunity.pk)
    )
    response = school_client.post(
        url("school_application_create", tenant_a, opportunity_id=opportunity.pk),
        {
            "applies_for": "student",
            "student_first_name": "Lotte",
            "student_last_initial": "V",
            "student_level": "mbo3",
        },
    )

    # then the page says it is closed; the post is refused with the reason; nothing made
    assert "This opportunity is closed." in page.content.decode()
    assert page.context["is_open"] is False
    assert response.status_code == 400
    assert "This opportunity is not open for applications." in response.content.decode()
    assert not Application.objects.exists()


def test_a_draft_does_not_exist_for_a_school(tenant_a, school_client):
    draft = published(tenant_a, status=Opportunity.Status.DRAFT, published_at=None)
    response = school_client.get(
        url("school_application_create", tenant_a, opportunity_id=draft.pk)
    )
    assert response.status_code == 404


# --- the school's applications and placements ----------------------------------------------


def test_the_schools_applications_with_their_status(tenant_a, school_client):
    mine = submit(tenant_a, published(tenant_a, title="Mijn aanvraag"))
    other_school = SchoolFactory(tenant=tenant_a.tenant)
    ApplicationFactory(opportunity=published(tenant_a, title="Niet de mijne"), school=other_school)

    response = school_client.get(url("school_application_list", tenant_a))

    assert list(response.context["page"].object_list) == [mine]
    content = response.content.decode()
    assert "Mijn aanvraag" in content and "Submitted" in content
    assert "Niet de mijne" not in content


def test_another_schools_application_is_not_found(tenant_a, school_client):
    other = ApplicationFactory(
        opportunity=published(tenant_a), school=SchoolFactory(tenant=tenant_a.tenant)
    )
    detail = school_client.get(url("school_application_detail", tenant_a, application_id=other.pk))
    withdraw = school_client.post(
        url("school_application_withdraw", tenant_a, application_id=other.pk)
    )
    assert (detail.status_code, withdraw.status_code) == (404, 404)
    other.refresh_from_db()
    assert other.status == Application.Status.SUBMITTED


def test_the_schools_application_list_needs_the_same_queries_for_three_times_the_rows(
    tenant_a, school_client
):
    def make(count: int) -> None:
        for _ in range(count):
            opportunity = published(tenant_a, company=OrganisationFactory(tenant=tenant_a.tenant))
            application = ApplicationFactory(opportunity=opportunity, school=tenant_a.school)
            application.messages.create(
                tenant=tenant_a.tenant, author_organisation=tenant_a.school, body="Hallo"
            )

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            response = school_client.get(url("school_application_list", tenant_a))
        assert response.status_code == 200
        return len(captured)

    make(3)
    few = queries()
    make(6)
    many = queries()
    assert few == many


def test_withdrawing_from_the_application_page(tenant_a, school_client):
    application = submit(tenant_a, published(tenant_a))
    page = school_client.get(
        url("school_application_detail", tenant_a, application_id=application.pk)
    )
    assert page.context["can_withdraw"] is True
    school_client.post(url("school_application_withdraw", tenant_a, application_id=application.pk))
    application.refresh_from_db()
    assert application.status == Application.Status.WITHDRAWN


def test_the_schools_placements_and_its_evaluation(tenant_a, school_client):
    # given a completed placement of this school, and one of another school
    placement = accept(tenant_a, submit(tenant_a, published(tenant_a)))
    Placement.objects.filter(pk=placement.pk).update(status=Placement.Status.COMPLETED)
    PlacementFactory(
        application__opportunity=published(tenant_a),
        application__school=SchoolFactory(tenant=tenant_a.tenant),
    )

    # when the school lists its placements and evaluates this one
    listing = school_client.get(url("school_placement_list", tenant_a))
    response = school_client.post(
        url("school_placement_evaluate", tenant_a, placement_id=placement.pk),
        {"rating": "4", "text": "Goede begeleiding."},
    )

    # then only its own placement is listed, and its evaluation is kept
    assert list(listing.context["page"].object_list) == [placement]
    assert response.status_code == 302
    placement.refresh_from_db()
    assert (placement.school_rating, placement.company_rating) == (4, None)
    page = school_client.get(url("school_placement_detail", tenant_a, placement_id=placement.pk))
    assert "Your side has evaluated this placement." in page.content.decode()


def test_a_school_member_of_another_school_in_the_tenant_cannot_see_the_placement(
    tenant_a, client_for
):
    placement = accept(tenant_a, submit(tenant_a, published(tenant_a)))
    other = MembershipFactory(
        tenant=tenant_a.tenant,
        role=Role.RELATIONS,
        organisation=SchoolFactory(tenant=tenant_a.tenant),
    )
    response = client_for(other).get(
        url("school_placement_detail", tenant_a, placement_id=placement.pk)
    )
    assert response.status_code == 404
