"""Company pages: the own opportunities (list, form, preview, publish, duplicate, close),
the applications to them, placements, and the programme office's moderation."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from internships.models import Opportunity, Placement
from internships.tests.factories import ApplicationFactory, OpportunityFactory
from internships.tests.stage_world import (
    accept,
    company_member,
    days,
    english,
    published,
    school_member,
    submit,
)
from partnerships.tests.factories import OrganisationFactory, SectorFactory
from portal.roles import Role


@pytest.fixture
def company_client(tenant_a, client_for):
    return english(client_for(company_member(tenant_a)))


def url(name: str, world, **kwargs) -> str:
    return reverse(name, kwargs={"tenant_slug": world.tenant.slug, **kwargs})


def form_data(**overrides) -> dict:
    data = {
        "kind": "bpv",
        "title": "BPV-plaats installatietechniek",
        "description": "Je werkt mee met onze monteurs.",
        "education_levels": ["mbo3"],
        "starts_on": days(30).isoformat(),
        "ends_on": days(120).isoformat(),
        "places": "2",
        "municipality": "Emmen",
        "application_deadline": days(20).isoformat(),
    }
    data.update(overrides)
    return {key: value for key, value in data.items() if value is not None}


# --- access ------------------------------------------------------------------------------------


@pytest.mark.parametrize("role", [Role.RELATIONS, Role.LEAD, Role.FUNDER, Role.ADMIN])
def test_only_company_members_reach_the_company_pages(tenant_a, client_for, role):
    response = client_for(tenant_a.member(role)).get(url("company_opportunity_list", tenant_a))
    assert response.status_code == 403


def test_another_companys_opportunity_is_not_found(tenant_a, company_client):
    # given an opportunity of another company in the same tenant
    other = OpportunityFactory(
        tenant=tenant_a.tenant, company=OrganisationFactory(tenant=tenant_a.tenant)
    )

    # when the company member opens it for editing, or posts to it
    edit = company_client.get(url("company_opportunity_edit", tenant_a, opportunity_id=other.pk))
    close = company_client.post(url("company_opportunity_close", tenant_a, opportunity_id=other.pk))

    # then it does not exist for them, and it is unchanged
    assert (edit.status_code, close.status_code) == (404, 404)
    other.refresh_from_db()
    assert other.status == Opportunity.Status.PUBLISHED


# --- the list ----------------------------------------------------------------------------------


def test_the_list_shows_the_own_opportunities_with_their_application_counts(
    tenant_a, company_client
):
    # given two opportunities of the company (one with applications) and one of another
    busy = published(tenant_a, title="Drukke plek")
    ApplicationFactory.create_batch(3, opportunity=busy, school=tenant_a.school)
    published(tenant_a, title="Stille plek", status=Opportunity.Status.DRAFT, published_at=None)
    published(tenant_a, title="Andermans plek", company=OrganisationFactory(tenant=tenant_a.tenant))

    # when the list is opened, and filtered to drafts
    response = company_client.get(url("company_opportunity_list", tenant_a))
    drafts = company_client.get(url("company_opportunity_list", tenant_a), {"status": "draft"})

    # then both own ones are listed with counts; the other company's is not
    content = response.content.decode()
    assert "Drukke plek" in content and "Stille plek" in content
    assert "Andermans plek" not in content
    rows = {row.title: row for row in response.context["page"].object_list}
    assert (rows["Drukke plek"].application_count, rows["Drukke plek"].open_application_count) == (
        3,
        3,
    )
    assert "3 applications" in content
    assert [row.title for row in drafts.context["page"].object_list] == ["Stille plek"]


def test_the_list_needs_the_same_queries_for_three_times_the_rows(tenant_a, company_client):
    def make(count: int) -> None:
        for _ in range(count):
            opportunity = published(tenant_a)
            ApplicationFactory.create_batch(2, opportunity=opportunity, school=tenant_a.school)

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            response = company_client.get(url("company_opportunity_list", tenant_a))
        assert response.status_code == 200
        return len(captured)

    make(3)
    few = queries()
    make(6)
    many = queries()
    assert (
        len(
            company_client.get(url("company_opportunity_list", tenant_a))
            .context["page"]
            .object_list
        )
        == 9
    )
    assert few == many


# --- create, preview, publish, duplicate, close ------------------------------------------------


def test_creating_saves_a_draft_and_shows_its_preview(tenant_a, company_client):
    # given a sector
    sector = SectorFactory(tenant=tenant_a.tenant, name="Installatietechniek")

    # when the form is posted
    response = company_client.post(
        url("company_opportunity_create", tenant_a),
        form_data(sectors=[sector.pk], crebo_codes="25391, 25392"),
    )

    # then a draft is made and the preview follows, with the publish button
    opportunity = Opportunity.objects.get()
    assert response.status_code == 302
    assert response.url == url(
        "company_opportunity_preview", tenant_a, opportunity_id=opportunity.pk
    )
    assert opportunity.status == Opportunity.Status.DRAFT
    assert opportunity.crebo_codes == ["25391", "25392"]
    assert list(opportunity.sectors.all()) == [sector]
    preview = company_client.get(response.url)
    content = preview.content.decode()
    assert "BPV-plaats installatietechniek" in content
    assert "Nobody else sees it yet" in content
    assert url("company_opportunity_publish", tenant_a, opportunity_id=opportunity.pk) in content


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        (
            {"starts_on": days(30).isoformat(), "ends_on": days(5).isoformat()},
            "ends_on",
            "The end cannot be before the start.",
        ),
        ({"places": "0"}, "places", "Offer at least one place."),
        (
            {"application_deadline": days(-3).isoformat()},
            "application_deadline",
            "The deadline cannot be in the past.",
        ),
    ],
)
def test_bad_input_comes_back_on_its_field_and_nothing_is_saved(
    tenant_a, company_client, overrides, field, message
):
    response = company_client.post(
        url("company_opportunity_create", tenant_a), form_data(**overrides)
    )
    assert response.status_code == 400
    assert message in response.context["form"].errors[field]
    assert message in response.content.decode()
    assert not Opportunity.objects.exists()


def test_publishing_from_the_preview(tenant_a, company_client):
    draft = published(tenant_a, status=Opportunity.Status.DRAFT, published_at=None)
    response = company_client.post(
        url("company_opportunity_publish", tenant_a, opportunity_id=draft.pk)
    )
    draft.refresh_from_db()
    assert response.status_code == 302
    assert draft.status == Opportunity.Status.PUBLISHED and draft.published_at


def test_a_refused_publish_says_why_and_changes_nothing(tenant_a, company_client):
    # given a draft whose deadline has passed
    draft = published(
        tenant_a, status=Opportunity.Status.DRAFT, published_at=None, application_deadline=days(-2)
    )

    # when it is published
    response = company_client.post(
        url("company_opportunity_publish", tenant_a, opportunity_id=draft.pk), follow=True
    )

    # then the preview says why, and it is still a draft
    assert "The deadline cannot be in the past." in response.content.decode()
    draft.refresh_from_db()
    assert draft.status == Opportunity.Status.DRAFT


def test_editing_an_opportunity(tenant_a, company_client):
    opportunity = published(tenant_a)
    form = company_client.get(
        url("company_opportunity_edit", tenant_a, opportunity_id=opportunity.pk)
    )
    assert form.context["form"].initial["title"] == opportunity.title
    response = company_client.post(
        url("company_opportunity_edit", tenant_a, opportunity_id=opportunity.pk),
        form_data(title="Nieuwe titel", places="3"),
    )
    opportunity.refresh_from_db()
    assert response.status_code == 302
    assert (opportunity.title, opportunity.places) == ("Nieuwe titel", 3)


def test_duplicate_and_close_buttons(tenant_a, company_client):
    opportunity = published(tenant_a, title="Origineel")
    duplicate = company_client.post(
        url("company_opportunity_duplicate", tenant_a, opportunity_id=opportunity.pk)
    )
    copy = Opportunity.objects.exclude(pk=opportunity.pk).get()
    assert duplicate.url == url("company_opportunity_edit", tenant_a, opportunity_id=copy.pk)
    assert copy.title == "Origineel (copy)" and copy.status == Opportunity.Status.DRAFT

    company_client.post(url("company_opportunity_close", tenant_a, opportunity_id=opportunity.pk))
    opportunity.refresh_from_db()
    assert opportunity.status == Opportunity.Status.CLOSED


def test_the_buttons_are_posts(tenant_a, company_client):
    opportunity = published(tenant_a)
    response = company_client.get(
        url("company_opportunity_close", tenant_a, opportunity_id=opportunity.pk)
    )
    assert response.status_code == 405
    opportunity.refresh_from_db()
    assert opportunity.status == Opportunity.Status.PUBLISHED


# --- applications ------------------------------------------------------------------------------


def test_applications_of_one_opportunity_and_of_all(tenant_a, company_client):
    first = published(tenant_a, title="Eerste")
    second = published(tenant_a, title="Tweede")
    submit(tenant_a, first, student_first_name="Ayla")
    submit(tenant_a, second, student_first_name="Bram")
    elsewhere = published(tenant_a, company=OrganisationFactory(tenant=tenant_a.tenant))
    ApplicationFactory(opportunity=elsewhere, school=tenant_a.school, student_first_name="Cas")

    one = company_client.get(
        url("company_opportunity_applications", tenant_a, opportunity_id=first.pk)
    )
    every = company_client.get(url("company_application_list", tenant_a))

    assert [a.student_first_name for a in one.context["page"].object_list] == ["Ayla"]
    assert sorted(a.student_first_name for a in every.context["page"].object_list) == [
        "Ayla",
        "Bram",
    ]
    assert "Cas" not in every.content.decode()


def test_the_applications_list_needs_the_same_queries_for_three_times_the_rows(
    tenant_a, company_client
):
    def make(count: int) -> None:
        for _ in range(count):
            application = ApplicationFactory(
                opportunity=published(tenant_a), school=tenant_a.school
            )
            application.messages.create(
                tenant=tenant_a.tenant, author_organisation=tenant_a.school, body="Hallo"
            )

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            response = company_client.get(url("company_application_list", tenant_a))
        assert response.status_code == 200
        return len(captured)

    make(3)
    few = queries()
    make(6)
    many = queries()
    assert few == many


def test_accepting_from_the_application_page(tenant_a, company_client):
    # given an application
    application = submit(tenant_a, published(tenant_a, places=1))

    # when the company accepts it with other dates
    response = company_client.post(
        url("company_application_accept", tenant_a, application_id=application.pk),
        {"starts_on": days(40).isoformat(), "ends_on": days(100).isoformat()},
    )

    # then the placement with those dates is shown
    placement = Placement.objects.get()
    assert response.url == url("company_placement_detail", tenant_a, placement_id=placement.pk)
    assert (placement.starts_on, placement.ends_on) == (days(40), days(100))


def test_accepting_on_a_full_opportunity_says_all_places_are_taken(tenant_a, company_client):
    # given an opportunity whose one place went to another application
    opportunity = published(tenant_a, places=1)
    accept(tenant_a, submit(tenant_a, opportunity))
    # ... which still lets this one be accepted, as far as its own status goes
    late = ApplicationFactory(opportunity=opportunity, school=tenant_a.school)

    # when the company accepts it
    response = company_client.post(
        url("company_application_accept", tenant_a, application_id=late.pk), {}
    )

    # then the page says so and nothing changed
    assert response.status_code == 400
    assert "All places of this opportunity are taken." in response.content.decode()
    late.refresh_from_db()
    assert late.status == "submitted"
    assert Placement.objects.count() == 1


def test_declining_and_conversation_buttons(tenant_a, company_client):
    application = submit(tenant_a, published(tenant_a))
    company_client.post(
        url("company_application_converse", tenant_a, application_id=application.pk)
    )
    application.refresh_from_db()
    assert application.status == "in_conversation"
    company_client.post(url("company_application_decline", tenant_a, application_id=application.pk))
    application.refresh_from_db()
    assert application.status == "declined"
    # a second decline is refused with the reason, not a server error
    response = company_client.post(
        url("company_application_decline", tenant_a, application_id=application.pk), follow=True
    )
    assert "This application is declined, so it cannot be declined." in response.content.decode()


# --- placements --------------------------------------------------------------------------------


def test_placements_at_the_company_and_their_steps(tenant_a, company_client):
    placement = accept(tenant_a, submit(tenant_a, published(tenant_a)))
    listing = company_client.get(url("company_placement_list", tenant_a))
    assert list(listing.context["page"].object_list) == [placement]
    assert "Sem B." in listing.content.decode()

    company_client.post(url("company_placement_start", tenant_a, placement_id=placement.pk))
    company_client.post(url("company_placement_complete", tenant_a, placement_id=placement.pk))
    placement.refresh_from_db()
    assert placement.status == Placement.Status.COMPLETED

    page = company_client.get(url("company_placement_detail", tenant_a, placement_id=placement.pk))
    assert page.context["can_evaluate"] is True
    response = company_client.post(
        url("company_placement_evaluate", tenant_a, placement_id=placement.pk),
        {"rating": "5", "text": "Een aanwinst."},
    )
    assert response.status_code == 302
    placement.refresh_from_db()
    assert (placement.company_rating, placement.company_evaluation) == (5, "Een aanwinst.")


def test_an_evaluation_too_early_is_refused_on_the_page(tenant_a, company_client):
    placement = accept(tenant_a, submit(tenant_a, published(tenant_a)))
    response = company_client.post(
        url("company_placement_evaluate", tenant_a, placement_id=placement.pk),
        {"rating": "5", "text": "Te vroeg"},
    )
    assert response.status_code == 400
    assert "can be evaluated once it is completed" in response.content.decode()
    placement.refresh_from_db()
    assert placement.company_rating is None


# --- moderation --------------------------------------------------------------------------------


def test_the_programme_office_unpublishes_and_the_company_sees_why(
    tenant_a, client_for, company_client
):
    # given a published opportunity
    opportunity = published(tenant_a, title="Twijfelachtige plek")
    admin = english(client_for(tenant_a.member(Role.ADMIN)))

    # when the programme office takes it offline with a reason
    listing = admin.get(url("opportunity_moderation_list", tenant_a))
    response = admin.post(
        url("opportunity_moderate", tenant_a, opportunity_id=opportunity.pk),
        {"reason": "Geen leerdoelen beschreven."},
    )

    # then it is a draft, and the company's page shows the reason
    assert "Twijfelachtige plek" in listing.content.decode()
    assert response.status_code == 302
    opportunity.refresh_from_db()
    assert opportunity.status == Opportunity.Status.DRAFT
    detail = company_client.get(
        url("company_opportunity_detail", tenant_a, opportunity_id=opportunity.pk)
    )
    assert "Geen leerdoelen beschreven." in detail.content.decode()


def test_unpublishing_without_a_reason_is_a_form_error(tenant_a, client_for):
    opportunity = published(tenant_a)
    admin = english(client_for(tenant_a.member(Role.ADMIN)))
    response = admin.post(
        url("opportunity_moderate", tenant_a, opportunity_id=opportunity.pk), {"reason": ""}
    )
    assert response.status_code == 400
    assert "Give a reason; the company will see it." in response.content.decode()
    opportunity.refresh_from_db()
    assert opportunity.status == Opportunity.Status.PUBLISHED


@pytest.mark.parametrize("role", [Role.COMPANY, Role.RELATIONS, Role.LEAD])
def test_only_the_programme_office_moderates(tenant_a, client_for, role):
    opportunity = published(tenant_a)
    response = client_for(tenant_a.member(role)).post(
        url("opportunity_moderate", tenant_a, opportunity_id=opportunity.pk), {"reason": "Weg"}
    )
    assert response.status_code == 403
    opportunity.refresh_from_db()
    assert opportunity.status == Opportunity.Status.PUBLISHED


def test_a_school_member_cannot_use_the_company_pages_on_a_schools_application(
    tenant_a, client_for
):
    application = submit(tenant_a, published(tenant_a))
    response = client_for(school_member(tenant_a)).post(
        url("company_application_accept", tenant_a, application_id=application.pk), {}
    )
    assert response.status_code == 403
