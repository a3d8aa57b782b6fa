"""E-mail of the stage market: who hears of a new application, a decision and the start of
a placement; sent only once the change is committed, in the tenant's language."""

from __future__ import annotations

import pytest
from django.db import transaction
from django.utils import translation
from django.utils.formats import date_format

from internships.services import applications as application_services
from internships.services import placements as placement_services
from internships.tests.stage_world import accept, company_member, published, school_member, submit
from partnerships.tests.factories import OrganisationFactory
from portal.roles import Role
from portal.tests.factories import MembershipFactory


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


def recipients(outbox) -> list[str]:
    return sorted(address for message in outbox for address in message.to)


def test_a_new_application_goes_to_the_companys_members_only(
    tenant_a, mailoutbox, django_capture_on_commit_callbacks
):
    tenant_a.tenant.default_language = "en"  # mail goes out in the tenant's language
    tenant_a.tenant.save(update_fields=["default_language"])
    # given a second member of the company, a member of another company, and the admin
    colleague = MembershipFactory(
        tenant=tenant_a.tenant, role=Role.COMPANY, organisation=tenant_a.company
    )
    other_company = OrganisationFactory(tenant=tenant_a.tenant, name="Concurrent BV")
    MembershipFactory(tenant=tenant_a.tenant, role=Role.COMPANY, organisation=other_company)
    opportunity = published(tenant_a, title="Stage lastechniek")

    # when a school applies
    with django_capture_on_commit_callbacks(execute=True):
        submit(tenant_a, opportunity)

    # then each member of the company gets one message of their own, with a link
    assert recipients(mailoutbox) == sorted(
        [company_member(tenant_a).user.email, colleague.user.email]
    )
    assert all(len(message.to) == 1 for message in mailoutbox)
    message = mailoutbox[0]
    assert message.subject == "New application for “Stage lastechniek”"
    assert tenant_a.school.name in message.body
    assert "/stages/company/applications/" in message.body


def test_nothing_is_sent_before_the_commit_or_for_a_rolled_back_change(
    tenant_a, mailoutbox, django_capture_on_commit_callbacks
):
    opportunity = published(tenant_a)

    # when an application is made inside a transaction that is rolled back
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        try:
            with transaction.atomic():
                submit(tenant_a, opportunity)
                assert mailoutbox == []
                raise RuntimeError("roll back")
        except RuntimeError:
            pass

    # then no e-mail left
    assert mailoutbox == []
    assert callbacks == []


def test_the_decision_goes_to_the_school_member_who_applied(
    tenant_a, mailoutbox, django_capture_on_commit_callbacks
):
    tenant_a.tenant.default_language = "en"  # mail goes out in the tenant's language
    tenant_a.tenant.save(update_fields=["default_language"])
    # given another member of the same school who did not apply
    MembershipFactory(tenant=tenant_a.tenant, role=Role.RELATIONS, organisation=tenant_a.school)
    accepted = submit(tenant_a, published(tenant_a))
    declined = submit(tenant_a, published(tenant_a, title="Tweede plek"))

    # when the company accepts one and declines the other
    with django_capture_on_commit_callbacks(execute=True):
        accept(tenant_a, accepted)
    with django_capture_on_commit_callbacks(execute=True):
        application_services.application_decline(
            tenant=tenant_a.tenant, actor=company_member(tenant_a).user, application=declined
        )

    # then only the member who applied hears of each decision
    applicant = school_member(tenant_a).user.email
    assert [message.to for message in mailoutbox] == [[applicant], [applicant]]
    assert "accepted" in mailoutbox[0].subject
    assert "declined" in mailoutbox[1].subject
    assert "Sem B." in mailoutbox[0].body


def test_the_start_of_a_placement_goes_to_both_sides(
    tenant_a, mailoutbox, django_capture_on_commit_callbacks
):
    # given a planned placement
    placement = accept(tenant_a, submit(tenant_a, published(tenant_a)))
    mailoutbox.clear()

    # when the company starts it
    with django_capture_on_commit_callbacks(execute=True):
        placement_services.placement_start(
            tenant=tenant_a.tenant, actor=company_member(tenant_a).user, placement=placement
        )

    # then the company's member and the school member who applied are told, each with
    # a link to their own side's page
    assert recipients(mailoutbox) == sorted(
        [company_member(tenant_a).user.email, school_member(tenant_a).user.email]
    )
    bodies = {message.to[0]: message.body for message in mailoutbox}
    assert "/stages/company/placements/" in bodies[company_member(tenant_a).user.email]
    assert "/stages/school/placements/" in bodies[school_member(tenant_a).user.email]


def test_mail_is_written_in_the_tenants_default_language(
    tenant_a, mailoutbox, django_capture_on_commit_callbacks
):
    # given a tenant speaking Dutch by default, and a planned placement
    tenant_a.tenant.default_language = "nl"
    tenant_a.tenant.save()
    placement = accept(tenant_a, submit(tenant_a, published(tenant_a)))
    mailoutbox.clear()

    # when it starts while the actor's request speaks English
    with django_capture_on_commit_callbacks(execute=True):
        placement_services.placement_start(
            tenant=tenant_a.tenant, actor=company_member(tenant_a).user, placement=placement
        )

    # then the dates in the message are Dutch
    with translation.override("nl"):
        dutch = date_format(placement.ends_on, "j F Y")
    assert dutch in mailoutbox[0].body
