"""The stage market's workflows through its services: opportunities (draft -> published ->
filled -> closed), applications (submitted -> in conversation -> accepted | declined |
withdrawn) and placements (planned -> active -> completed | cancelled). Illegal steps and bad
input are refused with a clear message and change nothing."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import translation

from internships.models import Application, ApplicationMessage, Opportunity, Placement
from internships.services import applications as application_services
from internships.services import opportunities as opportunity_services
from internships.services import placements as placement_services
from internships.services.transitions import APPLICATION, OPPORTUNITY, PLACEMENT, can_transition
from internships.tests.factories import OpportunityFactory, PlacementFactory
from internships.tests.stage_world import (
    accept,
    company_member,
    create,
    days,
    opportunity_values,
    published,
    school_member,
    submit,
)
from partnerships.tests.factories import ContactFactory, OrganisationFactory, SectorFactory
from portal.models import AuditEvent
from portal.roles import Role
from portal.tests.factories import MembershipFactory


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


def actions(tenant, target) -> list[str]:
    return list(
        AuditEvent.objects.for_tenant(tenant)
        .filter(target_type=target._meta.label_lower, target_id=str(target.pk))
        .order_by("pk")
        .values_list("action", flat=True)
    )


# --- the transition tables ---------------------------------------------------------------------


def test_the_transition_tables_are_the_documented_workflows():
    # given the tables
    # then each action leads from the documented statuses to the documented one
    assert (
        OPPORTUNITY["publish"].sources == {"draft"} and OPPORTUNITY["publish"].target == "published"
    )
    assert OPPORTUNITY["close"].sources == {"published", "filled"}
    assert OPPORTUNITY["unpublish"].sources == {"published"}
    assert APPLICATION["accept"].sources == {"submitted", "in_conversation"}
    assert APPLICATION["withdraw"].sources == {"submitted", "in_conversation", "accepted"}
    assert PLACEMENT["complete"].sources == {"active"}
    assert PLACEMENT["cancel"].sources == {"planned", "active"}


# --- opportunities -----------------------------------------------------------------------------


def test_a_company_member_creates_a_draft_of_the_own_company(tenant_a):
    # given sectors of the tenant
    sector = SectorFactory(tenant=tenant_a.tenant, name="Techniek")

    # when the company member creates an opportunity
    opportunity = create(tenant_a, sectors=[sector])

    # then it is a draft of that company, with its sectors, audited
    assert opportunity.status == Opportunity.Status.DRAFT
    assert opportunity.company == tenant_a.company
    assert opportunity.published_at is None
    assert list(opportunity.sectors.all()) == [sector]
    assert actions(tenant_a.tenant, opportunity) == ["opportunity.create"]


@pytest.mark.parametrize("role", [Role.RELATIONS, Role.ADMIN])
def test_only_a_member_of_the_company_creates_for_it(tenant_a, role):
    # given a member who is not tied to the company
    actor = tenant_a.member(role).user

    # when they create an opportunity for the company, then it is refused and nothing made
    with pytest.raises(PermissionDenied):
        opportunity_services.opportunity_create(
            tenant=tenant_a.tenant, actor=actor, company=tenant_a.company, **opportunity_values()
        )
    assert not Opportunity.objects.for_tenant(tenant_a.tenant).exists()


def test_a_member_of_another_company_cannot_create_for_this_one(tenant_a):
    # given a company member of another company in the same tenant
    other = OrganisationFactory(tenant=tenant_a.tenant, name="Ander Bedrijf BV")
    stranger = MembershipFactory(tenant=tenant_a.tenant, role=Role.COMPANY, organisation=other)

    # when they create for tenant_a's company, then it is refused
    with pytest.raises(PermissionDenied):
        opportunity_services.opportunity_create(
            tenant=tenant_a.tenant,
            actor=stranger.user,
            company=tenant_a.company,
            **opportunity_values(),
        )
    assert not Opportunity.objects.for_tenant(tenant_a.tenant).exists()


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        (
            {"starts_on": days(30), "ends_on": days(10)},
            "ends_on",
            "The end cannot be before the start.",
        ),
        ({"places": 0}, "places", "Offer at least one place."),
        (
            {"application_deadline": days(-1)},
            "application_deadline",
            "The deadline cannot be in the past.",
        ),
        (
            {"application_deadline": days(200)},
            "application_deadline",
            "The deadline cannot be after the end.",
        ),
        (
            {"starts_on": None, "ends_on": None},
            "starts_on",
            "Give a start date, or mark the opportunity as ongoing.",
        ),
        (
            {"is_ongoing": True, "ends_on": days(90)},
            "ends_on",
            "An ongoing opportunity has no end date; leave it empty.",
        ),
        (
            {"crebo_codes": ["25391"], "education_levels": ["hbo"]},
            "crebo_codes",
            "Crebo codes are for MBO levels only; choose an MBO level too.",
        ),
    ],
)
def test_bad_input_is_a_field_error_and_nothing_is_made(tenant_a, overrides, field, message):
    # given input with one thing wrong
    # when the company member creates the opportunity
    with pytest.raises(ValidationError) as raised:
        create(tenant_a, **overrides)

    # then the field says what is wrong, and nothing was made
    assert message in raised.value.message_dict[field]
    assert not Opportunity.objects.for_tenant(tenant_a.tenant).exists()


def test_the_supervisor_must_be_a_contact_of_the_own_company(tenant_a):
    # given a contact person of another organisation
    stranger = ContactFactory(
        tenant=tenant_a.tenant, organisation=OrganisationFactory(tenant=tenant_a.tenant)
    )

    # when it is named as supervisor, then that field is refused
    with pytest.raises(ValidationError) as raised:
        create(tenant_a, supervisor=stranger)
    assert "supervisor" in raised.value.message_dict


def test_publishing_a_draft_sets_the_moment_and_publishing_twice_is_refused(tenant_a):
    # given a draft
    opportunity = create(tenant_a)

    # when it is published
    opportunity_services.opportunity_publish(
        tenant=tenant_a.tenant, actor=company_member(tenant_a).user, opportunity=opportunity
    )

    # then it is published, with the moment; a second publish is an illegal transition
    opportunity.refresh_from_db()
    assert opportunity.status == Opportunity.Status.PUBLISHED
    assert opportunity.published_at is not None
    with pytest.raises(ValidationError) as raised:
        opportunity_services.opportunity_publish(
            tenant=tenant_a.tenant, actor=company_member(tenant_a).user, opportunity=opportunity
        )
    assert raised.value.messages == ["This opportunity is published, so it cannot be published."]
    assert actions(tenant_a.tenant, opportunity) == ["opportunity.create", "opportunity.publish"]


def test_a_draft_whose_deadline_has_passed_cannot_be_published(tenant_a):
    # given a draft (a copy, say) whose deadline is yesterday
    opportunity = OpportunityFactory(
        company=tenant_a.company,
        tenant=tenant_a.tenant,
        status=Opportunity.Status.DRAFT,
        published_at=None,
        application_deadline=days(-1),
    )

    # when it is published, then the deadline is the reason, and it stays a draft
    with pytest.raises(ValidationError) as raised:
        opportunity_services.opportunity_publish(
            tenant=tenant_a.tenant, actor=company_member(tenant_a).user, opportunity=opportunity
        )
    assert "application_deadline" in raised.value.message_dict
    opportunity.refresh_from_db()
    assert opportunity.status == Opportunity.Status.DRAFT


def test_duplicating_makes_a_new_draft_with_the_same_offer(tenant_a):
    # given a published opportunity with a sector and a place taken
    sector = SectorFactory(tenant=tenant_a.tenant)
    original = published(tenant_a, places=3, places_taken=1, title="Snuffelstage")
    original.sectors.add(sector)

    # when the company duplicates it
    copy = opportunity_services.opportunity_duplicate(
        tenant=tenant_a.tenant, actor=company_member(tenant_a).user, opportunity=original
    )

    # then the copy is a fresh draft with the same offer and a "(copy)" title
    assert copy.pk != original.pk
    assert copy.title == "Snuffelstage (copy)"
    assert copy.status == Opportunity.Status.DRAFT
    assert (copy.places, copy.places_taken, copy.published_at) == (3, 0, None)
    assert list(copy.sectors.all()) == [sector]
    assert copy.description == original.description
    assert actions(tenant_a.tenant, copy) == ["opportunity.duplicate"]


def test_closing_a_published_opportunity_and_not_a_draft(tenant_a):
    # given a published opportunity and a draft
    opportunity = published(tenant_a)
    draft = create(tenant_a)
    actor = company_member(tenant_a).user

    # when both are closed
    opportunity_services.opportunity_close(
        tenant=tenant_a.tenant, actor=actor, opportunity=opportunity
    )
    with pytest.raises(ValidationError) as raised:
        opportunity_services.opportunity_close(
            tenant=tenant_a.tenant, actor=actor, opportunity=draft
        )

    # then the published one is closed; the draft is refused with its status named
    opportunity.refresh_from_db()
    assert opportunity.status == Opportunity.Status.CLOSED and opportunity.closed_at
    assert raised.value.messages == ["This opportunity is draft, so it cannot be closed."]


def test_a_closed_opportunity_cannot_be_edited(tenant_a):
    opportunity = published(tenant_a, status=Opportunity.Status.CLOSED)
    with pytest.raises(ValidationError):
        opportunity_services.opportunity_update(
            tenant=tenant_a.tenant,
            actor=company_member(tenant_a).user,
            opportunity=opportunity,
            title="Nieuw",
        )
    opportunity.refresh_from_db()
    assert opportunity.title != "Nieuw"


def test_editing_places_fills_and_reopens_and_never_goes_below_the_taken(tenant_a):
    # given a published opportunity with 2 of 3 places taken
    opportunity = published(tenant_a, places=3, places_taken=2)
    actor = company_member(tenant_a).user

    def update(**values):
        return opportunity_services.opportunity_update(
            tenant=tenant_a.tenant, actor=actor, opportunity=opportunity, **values
        )

    # when the places go down to the taken, then it is filled; up again, published
    assert update(places=2).status == Opportunity.Status.FILLED
    assert update(places=4).status == Opportunity.Status.PUBLISHED
    # and below the taken is a field error
    with pytest.raises(ValidationError) as raised:
        update(places=1)
    assert raised.value.message_dict["places"] == [
        "2 places are already taken; offer at least that many."
    ]


def test_editing_keeps_a_passed_deadline_that_was_not_changed(tenant_a):
    # given a published opportunity whose deadline passed yesterday, and an old reminder
    opportunity = published(tenant_a, application_deadline=days(-1))
    Opportunity.objects.filter(pk=opportunity.pk).update(
        expiry_reminder_sent_at=opportunity.published_at
    )
    actor = company_member(tenant_a).user

    # when the description is edited, then that is fine
    opportunity_services.opportunity_update(
        tenant=tenant_a.tenant, actor=actor, opportunity=opportunity, description="Nieuw"
    )
    # and a new end earns a new reminder
    updated = opportunity_services.opportunity_update(
        tenant=tenant_a.tenant,
        actor=actor,
        opportunity=opportunity,
        ends_on=days(200),
        application_deadline=days(10),
    )
    assert updated.description == "Nieuw"
    assert updated.expiry_reminder_sent_at is None


def test_the_programme_office_unpublishes_with_a_reason(
    tenant_a, mailoutbox, django_capture_on_commit_callbacks
):
    # given a published opportunity
    opportunity = published(tenant_a)
    admin = tenant_a.member(Role.ADMIN).user

    # when the programme office takes it offline with a reason
    with django_capture_on_commit_callbacks(execute=True):
        opportunity_services.opportunity_unpublish(
            tenant=tenant_a.tenant,
            actor=admin,
            opportunity=opportunity,
            reason="  Dit is geen stageplaats maar een vacature.  ",
        )

    # then it is a draft with the reason, audited with it, and the company hears of it
    opportunity.refresh_from_db()
    assert opportunity.status == Opportunity.Status.DRAFT
    assert opportunity.unpublished_reason == "Dit is geen stageplaats maar een vacature."
    event = AuditEvent.objects.get(action="opportunity.unpublish")
    assert event.changes["unpublished_reason"][1] == opportunity.unpublished_reason
    assert [message.to for message in mailoutbox] == [[company_member(tenant_a).user.email]]
    assert "Dit is geen stageplaats" in mailoutbox[0].body


def test_unpublishing_needs_a_reason_and_the_moderation_right(tenant_a):
    opportunity = published(tenant_a)
    with pytest.raises(ValidationError) as raised:
        opportunity_services.opportunity_unpublish(
            tenant=tenant_a.tenant,
            actor=tenant_a.member(Role.ADMIN).user,
            opportunity=opportunity,
            reason="  ",
        )
    assert "reason" in raised.value.message_dict
    with pytest.raises(PermissionDenied):
        opportunity_services.opportunity_unpublish(
            tenant=tenant_a.tenant,
            actor=company_member(tenant_a).user,
            opportunity=opportunity,
            reason="Zelf offline halen",
        )
    opportunity.refresh_from_db()
    assert opportunity.status == Opportunity.Status.PUBLISHED


def test_republishing_clears_the_moderators_reason(tenant_a):
    opportunity = published(tenant_a)
    opportunity_services.opportunity_unpublish(
        tenant=tenant_a.tenant,
        actor=tenant_a.member(Role.ADMIN).user,
        opportunity=opportunity,
        reason="Onvolledig",
    )
    opportunity_services.opportunity_publish(
        tenant=tenant_a.tenant, actor=company_member(tenant_a).user, opportunity=opportunity
    )
    opportunity.refresh_from_db()
    assert (opportunity.status, opportunity.unpublished_reason) == ("published", "")


# --- applications ------------------------------------------------------------------------------


def test_a_school_applies_for_one_student_with_minimal_data(tenant_a):
    # given a published opportunity
    opportunity = published(tenant_a)

    # when the school member applies, typing a little sloppily
    application = submit(
        tenant_a,
        opportunity,
        student_first_name="  Sem ",
        student_last_initial="b.",
        note=" Graag! ",
    )

    # then the application holds the minimal data, tidied, and no student data is audited
    assert application.status == Application.Status.SUBMITTED
    assert (application.student_first_name, application.student_last_initial) == ("Sem", "B")
    assert application.note == "Graag!"
    assert application.school == tenant_a.school
    assert application.submitted_by == school_member(tenant_a).user
    event = AuditEvent.objects.get(action="application.submit")
    assert "Sem" not in str(event.changes)


def test_a_group_registers_interest_without_names(tenant_a):
    opportunity = published(tenant_a)
    application = submit(
        tenant_a, opportunity, student_first_name="", student_last_initial="", group_size=12
    )
    assert application.group_size == 12
    assert application.student_display == "Group of 12"


def test_no_citizen_service_number_or_birth_date_can_be_stored():
    # given the application and placement models
    names = {field.name for model in (Application, Placement) for field in model._meta.get_fields()}

    # then nothing there could hold a BSN or a date of birth
    assert not [
        name for name in names if any(word in name for word in ("bsn", "birth", "citizen", "born"))
    ]


@pytest.mark.parametrize(
    ("values", "field"),
    [
        ({"student_first_name": ""}, "student_first_name"),
        ({"student_last_initial": "Bakker"}, "student_last_initial"),
        ({"student_level": ""}, "student_level"),
        ({"group_size": 5}, "student_first_name"),
        ({"group_size": 0}, "group_size"),
    ],
)
def test_bad_student_data_is_refused(tenant_a, values, field):
    opportunity = published(tenant_a)
    with pytest.raises(ValidationError) as raised:
        submit(tenant_a, opportunity, **values)
    assert field in raised.value.message_dict
    assert not Application.objects.for_tenant(tenant_a.tenant).exists()


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"status": Opportunity.Status.CLOSED}, "This opportunity is not open for applications."),
        ({"status": Opportunity.Status.DRAFT}, "This opportunity is not open for applications."),
        ({"status": Opportunity.Status.FILLED}, "All places of this opportunity are taken."),
        ({"application_deadline": days(-1)}, "The deadline for applications has passed."),
    ],
)
def test_applying_to_an_opportunity_that_is_not_open_is_refused(tenant_a, fields, message):
    # given an opportunity that is closed, a draft, filled, or past its deadline
    opportunity = published(tenant_a, **fields)

    # when the school applies, then the reason is given and nothing is made
    with pytest.raises(ValidationError) as raised:
        submit(tenant_a, opportunity)
    assert raised.value.messages == [message]
    assert not Application.objects.for_tenant(tenant_a.tenant).exists()


def test_a_company_member_cannot_apply(tenant_a):
    opportunity = published(tenant_a)
    with pytest.raises(PermissionDenied):
        application_services.application_submit(
            tenant=tenant_a.tenant,
            actor=company_member(tenant_a).user,
            opportunity=opportunity,
            school=tenant_a.school,
            student_first_name="Sem",
            student_last_initial="B",
            student_level="mbo3",
        )


def test_messages_from_both_sides_and_the_companys_reply_starts_the_conversation(tenant_a):
    # given a submitted application
    application = submit(tenant_a, published(tenant_a))

    # when the school writes, then the company answers
    application_services.application_message_send(
        tenant=tenant_a.tenant,
        actor=school_member(tenant_a).user,
        application=application,
        body="Past maandag?",
    )
    application.refresh_from_db()
    status_after_school = application.status
    application_services.application_message_send(
        tenant=tenant_a.tenant,
        actor=company_member(tenant_a).user,
        application=application,
        body="Ja, prima.",
    )

    # then both messages are in the thread, each for its organisation; the reply moved it on
    application.refresh_from_db()
    thread = list(application.messages.order_by("pk").values_list("author_organisation", "body"))
    assert thread == [(tenant_a.school.pk, "Past maandag?"), (tenant_a.company.pk, "Ja, prima.")]
    assert status_after_school == Application.Status.SUBMITTED
    assert application.status == Application.Status.IN_CONVERSATION


def test_an_outsider_cannot_write_in_the_thread_and_an_empty_message_is_refused(tenant_a):
    application = submit(tenant_a, published(tenant_a))
    other_school = OrganisationFactory(tenant=tenant_a.tenant, kind="school", name="Ander College")
    outsider = MembershipFactory(
        tenant=tenant_a.tenant, role=Role.RELATIONS, organisation=other_school
    )
    with pytest.raises(PermissionDenied):
        application_services.application_message_send(
            tenant=tenant_a.tenant, actor=outsider.user, application=application, body="Hallo"
        )
    with pytest.raises(ValidationError) as raised:
        application_services.application_message_send(
            tenant=tenant_a.tenant,
            actor=school_member(tenant_a).user,
            application=application,
            body="   ",
        )
    assert raised.value.message_dict == {"body": ["Write a message first."]}
    assert not ApplicationMessage.objects.exists()


def test_the_company_starts_the_conversation_explicitly_once(tenant_a):
    application = submit(tenant_a, published(tenant_a))
    actor = company_member(tenant_a).user
    application_services.application_start_conversation(
        tenant=tenant_a.tenant, actor=actor, application=application
    )
    application.refresh_from_db()
    assert application.status == Application.Status.IN_CONVERSATION
    with pytest.raises(ValidationError):
        application_services.application_start_conversation(
            tenant=tenant_a.tenant, actor=actor, application=application
        )


def test_accepting_takes_a_place_and_plans_a_placement_with_the_opportunitys_dates(
    tenant_a, mailoutbox, django_capture_on_commit_callbacks
):
    # given a published opportunity with 2 places and an application to it
    supervisor = ContactFactory(tenant=tenant_a.tenant, organisation=tenant_a.company)
    opportunity = published(tenant_a, places=2, supervisor=supervisor)
    application = submit(tenant_a, opportunity)

    # when the company accepts
    with django_capture_on_commit_callbacks(execute=True):
        placement = accept(tenant_a, application)

    # then one place is taken, the placement is planned with the opportunity's dates
    opportunity.refresh_from_db()
    application.refresh_from_db()
    assert opportunity.places_taken == 1
    assert opportunity.status == Opportunity.Status.PUBLISHED
    assert application.status == Application.Status.ACCEPTED
    assert application.decided_by == company_member(tenant_a).user
    assert placement.status == Placement.Status.PLANNED
    assert (placement.starts_on, placement.ends_on) == (opportunity.starts_on, opportunity.ends_on)
    assert placement.school == tenant_a.school and placement.company == tenant_a.company
    assert placement.company_supervisor == supervisor
    assert placement.school_supervisor == school_member(tenant_a).user
    assert actions(tenant_a.tenant, application) == ["application.submit", "application.accept"]
    assert actions(tenant_a.tenant, placement) == ["placement.create"]


def test_the_last_place_fills_the_opportunity_and_a_further_accept_is_refused(tenant_a):
    # given an opportunity with one place and two applications
    opportunity = published(tenant_a, places=1)
    first = submit(tenant_a, opportunity)
    second = submit(tenant_a, opportunity, student_first_name="Noor")

    # when the company accepts the first, then the second
    accept(tenant_a, first)
    with pytest.raises(ValidationError) as raised:
        accept(tenant_a, second)

    # then the opportunity is filled, the second is refused clearly and unchanged
    opportunity.refresh_from_db()
    second.refresh_from_db()
    assert opportunity.status == Opportunity.Status.FILLED
    assert opportunity.places_taken == 1
    assert raised.value.messages == ["All places of this opportunity are taken."]
    assert second.status == Application.Status.SUBMITTED
    assert Placement.objects.count() == 1


def test_accepting_with_chosen_dates_and_refusing_impossible_ones(tenant_a):
    # given an ongoing opportunity without an end
    opportunity = published(tenant_a, is_ongoing=True, ends_on=None, application_deadline=None)
    application = submit(tenant_a, opportunity)

    # when accepted without an end, then the end is asked for; with chosen dates, it works
    with pytest.raises(ValidationError) as raised:
        accept(tenant_a, application)
    assert "ends_on" in raised.value.message_dict
    with pytest.raises(ValidationError) as raised:
        accept(tenant_a, application, starts_on=days(10), ends_on=days(5))
    assert raised.value.message_dict["ends_on"] == ["The end cannot be before the start."]
    placement = accept(tenant_a, application, starts_on=days(10), ends_on=days(40))
    assert (placement.starts_on, placement.ends_on) == (days(10), days(40))
    opportunity.refresh_from_db()
    assert opportunity.places_taken == 1


def test_a_declined_application_cannot_be_accepted(
    tenant_a, mailoutbox, django_capture_on_commit_callbacks
):
    application = submit(tenant_a, published(tenant_a))
    with django_capture_on_commit_callbacks(execute=True):
        application_services.application_decline(
            tenant=tenant_a.tenant, actor=company_member(tenant_a).user, application=application
        )
    with pytest.raises(ValidationError) as raised:
        accept(tenant_a, application)
    assert raised.value.messages == ["This application is declined, so it cannot be accepted."]
    application.refresh_from_db()
    assert application.status == Application.Status.DECLINED and application.decided_at
    assert not Placement.objects.exists()


def test_withdrawing_an_accepted_application_frees_the_place_and_cancels_the_placement(tenant_a):
    # given a filled opportunity: its only place taken by an accepted application
    opportunity = published(tenant_a, places=1)
    application = submit(tenant_a, opportunity)
    placement = accept(tenant_a, application)

    # when the school withdraws it
    application_services.application_withdraw(
        tenant=tenant_a.tenant, actor=school_member(tenant_a).user, application=application
    )

    # then the place is free, the opportunity open again and the placement cancelled
    opportunity.refresh_from_db()
    placement.refresh_from_db()
    application.refresh_from_db()
    assert opportunity.places_taken == 0
    assert opportunity.status == Opportunity.Status.PUBLISHED
    assert placement.status == Placement.Status.CANCELLED
    assert application.status == Application.Status.WITHDRAWN


def test_a_completed_placement_cannot_be_withdrawn_from(tenant_a):
    placement = PlacementFactory(
        application__opportunity=published(tenant_a, places=1, places_taken=1),
        application__school=tenant_a.school,
        status=Placement.Status.COMPLETED,
    )
    with pytest.raises(ValidationError):
        application_services.application_withdraw(
            tenant=tenant_a.tenant,
            actor=school_member(tenant_a).user,
            application=placement.application,
        )
    placement.application.refresh_from_db()
    assert placement.application.status == Application.Status.ACCEPTED


def test_the_company_cannot_withdraw_and_the_school_cannot_accept(tenant_a):
    application = submit(tenant_a, published(tenant_a))
    with pytest.raises(PermissionDenied):
        application_services.application_withdraw(
            tenant=tenant_a.tenant, actor=company_member(tenant_a).user, application=application
        )
    with pytest.raises(PermissionDenied):
        application_services.application_accept(
            tenant=tenant_a.tenant, actor=school_member(tenant_a).user, application=application
        )


# --- placements --------------------------------------------------------------------------------


def test_a_placement_runs_planned_active_completed_and_not_back(tenant_a):
    placement = accept(tenant_a, submit(tenant_a, published(tenant_a)))
    actor = company_member(tenant_a).user

    with pytest.raises(ValidationError):
        placement_services.placement_complete(
            tenant=tenant_a.tenant, actor=actor, placement=placement
        )
    placement_services.placement_start(tenant=tenant_a.tenant, actor=actor, placement=placement)
    placement_services.placement_complete(tenant=tenant_a.tenant, actor=actor, placement=placement)
    placement.refresh_from_db()
    assert placement.status == Placement.Status.COMPLETED
    assert not can_transition(placement, "cancel")
    with pytest.raises(ValidationError) as raised:
        placement_services.placement_cancel(
            tenant=tenant_a.tenant, actor=actor, placement=placement
        )
    assert raised.value.messages == ["This placement is completed, so it cannot be cancelled."]


def test_cancelling_a_placement_gives_the_place_back(tenant_a):
    opportunity = published(tenant_a, places=1)
    placement = accept(tenant_a, submit(tenant_a, opportunity))
    placement_services.placement_cancel(
        tenant=tenant_a.tenant, actor=school_member(tenant_a).user, placement=placement
    )
    opportunity.refresh_from_db()
    assert (opportunity.places_taken, opportunity.status) == (0, Opportunity.Status.PUBLISHED)


def test_each_side_evaluates_once_after_completion(tenant_a):
    # given a completed placement
    placement = accept(tenant_a, submit(tenant_a, published(tenant_a)))
    Placement.objects.filter(pk=placement.pk).update(status=Placement.Status.COMPLETED)
    school, company = school_member(tenant_a).user, company_member(tenant_a).user

    # when both sides evaluate
    placement_services.placement_evaluate(
        tenant=tenant_a.tenant, actor=school, placement=placement, rating=4, text="Goed begeleid."
    )
    placement_services.placement_evaluate(
        tenant=tenant_a.tenant, actor=company, placement=placement, rating=5, text="Leergierig."
    )

    # then each side's rating is kept, and a second evaluation is refused
    placement.refresh_from_db()
    assert (placement.school_rating, placement.company_rating) == (4, 5)
    assert placement.school_evaluation == "Goed begeleid."
    with pytest.raises(ValidationError) as raised:
        placement_services.placement_evaluate(
            tenant=tenant_a.tenant, actor=school, placement=placement, rating=1, text="Toch niet"
        )
    assert raised.value.messages == ["Your side has already evaluated this placement."]
    placement.refresh_from_db()
    assert placement.school_rating == 4


def test_evaluation_waits_for_the_last_two_weeks_and_checks_its_input(tenant_a):
    # given an active placement ending in 30 days
    placement = accept(tenant_a, submit(tenant_a, published(tenant_a)))
    Placement.objects.filter(pk=placement.pk).update(
        status=Placement.Status.ACTIVE, starts_on=days(-60), ends_on=days(30)
    )
    school = school_member(tenant_a).user

    # when the school evaluates now, then it is too early
    with pytest.raises(ValidationError):
        placement_services.placement_evaluate(
            tenant=tenant_a.tenant, actor=school, placement=placement, rating=4, text="Goed"
        )
    # and in the last two weeks, a rating of 6 is refused
    with pytest.raises(ValidationError) as raised:
        placement_services.placement_evaluate(
            tenant=tenant_a.tenant,
            actor=school,
            placement=placement,
            rating=6,
            text="",
            today=days(20),
        )
    assert set(raised.value.message_dict) == {"rating", "text"}
    placement_services.placement_evaluate(
        tenant=tenant_a.tenant,
        actor=school,
        placement=placement,
        rating=3,
        text="Prima",
        today=days(20),
    )
    placement.refresh_from_db()
    assert placement.school_rating == 3


def test_services_refuse_records_of_another_tenant(tenant_a, tenant_b):
    # given an application in tenant B
    application = submit(tenant_b, published(tenant_b))

    # when tenant A's company member acts on it inside tenant A, then it is not found there
    with pytest.raises(Application.DoesNotExist):
        application_services.application_decline(
            tenant=tenant_a.tenant, actor=company_member(tenant_a).user, application=application
        )
