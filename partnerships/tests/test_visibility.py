"""Who sees what of the CRM, per role: a relationship manager sees their own school's entries
and those shared with the partnership, never another school's private notes; a company
contact sees only their own company's profile and contacts; a funder sees none of it."""

from __future__ import annotations

import datetime
import json

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from partnerships.models import Interaction
from partnerships.tests.factories import ContactFactory, InteractionFactory, SchoolFactory
from portal.roles import Role

TODAY = timezone.localdate()
OWN, SHARED = Interaction.Visibility.OWN, Interaction.Visibility.PARTNERSHIP


def english(client: Client) -> Client:
    client.cookies["portal_language"] = "en"
    return client


class Log:
    """Four entries with the company: the member's school and another school, each one
    private and one shared, each with recognisable subject and notes."""

    def __init__(self, tenant_a):
        self.other_school = SchoolFactory(tenant=tenant_a.tenant, name="Ander College")
        self.contact = ContactFactory(organisation=tenant_a.company, name="Petra Persoon")
        self.entries = {}
        for who, school in (("own", tenant_a.school), ("other", self.other_school)):
            for visibility in (OWN, SHARED):
                key = f"{who}-{visibility}"
                self.entries[key] = InteractionFactory(
                    tenant=tenant_a.tenant,
                    logged_by=school,
                    organisations=[tenant_a.company],
                    visibility=visibility,
                    subject=f"SUBJECT-{key}",
                    notes=f"NOTES-{key}",
                    occurred_on=TODAY - datetime.timedelta(days=len(self.entries)),
                    follow_up_on=TODAY + datetime.timedelta(days=2),
                    follow_up_assignee=tenant_a.member(Role.ADMIN).user,
                )
                self.entries[key].contacts.set([self.contact])


@pytest.fixture
def log(tenant_a) -> Log:
    return Log(tenant_a)


def page(client: Client, tenant_a) -> str:
    url = reverse("organisation_detail", args=[tenant_a.tenant.slug, tenant_a.company.pk])
    response = client.get(url)
    assert response.status_code == 200
    return response.content.decode()


def dashboard(client: Client, tenant_a) -> str:
    response = client.get(reverse("crm_dashboard", args=[tenant_a.tenant.slug]))
    assert response.status_code == 200
    return response.content.decode()


def test_relationship_manager_sees_own_and_shared_entries_but_only_own_notes(
    tenant_a, log, client_for
):
    # when the school's relationship manager opens the company's page
    html = page(english(client_for(tenant_a.member(Role.RELATIONS))), tenant_a)

    # then their own entries with notes, the other school's shared entry without its notes,
    # and nothing of the other school's private entry
    assert "SUBJECT-own-own" in html and "NOTES-own-own" in html
    assert "SUBJECT-own-partnership" in html and "NOTES-own-partnership" in html
    assert "SUBJECT-other-partnership" in html
    assert "NOTES-other-partnership" not in html
    assert "SUBJECT-other-own" not in html and "NOTES-other-own" not in html


def test_who_else_is_in_contact_counts_only_shared_entries_of_other_schools(
    tenant_a, log, client_for
):
    # given a second shared entry of the other school
    InteractionFactory(
        tenant=tenant_a.tenant,
        logged_by=log.other_school,
        organisations=[tenant_a.company],
        subject="SUBJECT-other-second",
        notes="NOTES-other-second",
        occurred_on=TODAY - datetime.timedelta(days=30),
    )

    # when the relationship manager opens the company's page
    html = page(english(client_for(tenant_a.member(Role.RELATIONS))), tenant_a)

    # then the other school is listed with its two shared entries (not its private one) and
    # the date of the newest; the member's own school is not "someone else"
    others = html.split('id="others-heading"')[1].split("</section>")[0]
    assert "Ander College" in others
    assert '<td class="utrecht-table__cell">2</td>' in others
    newest_shared = log.entries["other-partnership"].occurred_on
    assert f'datetime="{newest_shared.isoformat()}"' in others
    assert tenant_a.school.name not in others
    assert "NOTES-other-second" not in html


@pytest.mark.parametrize("role", [Role.ADMIN, Role.LEAD])
def test_programme_office_and_lead_see_everything(tenant_a, log, client_for, role):
    # when the programme office or a lead opens the company's page
    html = page(english(client_for(tenant_a.member(role))), tenant_a)

    # then every entry and every note
    for key in log.entries:
        assert f"SUBJECT-{key}" in html
        assert f"NOTES-{key}" in html


def test_dashboard_never_shows_another_schools_notes_or_private_entries(tenant_a, log, client_for):
    # given the follow-ups are the relationship manager's
    relations = tenant_a.member(Role.RELATIONS)
    Interaction.objects.for_tenant(tenant_a.tenant).update(follow_up_assignee=relations.user)

    # when they open their dashboard
    html = dashboard(english(client_for(relations)), tenant_a)

    # then the other school's private entry is absent, even though assigned to them, and no
    # other school's notes appear anywhere
    assert "SUBJECT-own-own" in html and "SUBJECT-other-partnership" in html
    assert "SUBJECT-other-own" not in html
    assert "NOTES-other" not in html


def test_company_contact_sees_their_own_company_profile_and_contacts_only(
    tenant_a, log, client_for
):
    # when the company's own contact opens its page
    html = page(english(client_for(tenant_a.member(Role.COMPANY))), tenant_a)

    # then profile and contacts, but nothing of the schools' contact log
    assert tenant_a.company.name in html
    assert "Petra Persoon" in html
    assert "SUBJECT-" not in html and "NOTES-" not in html
    assert "Contact log" not in html
    assert "Ander College" not in html
    assert "Log a contact" not in html


def test_company_contact_gets_404_for_another_organisation(tenant_a, client_for):
    # when the company contact asks for the school's page
    url = reverse("organisation_detail", args=[tenant_a.tenant.slug, tenant_a.school.pk])
    response = client_for(tenant_a.member(Role.COMPANY)).get(url)

    # then it does not exist for them
    assert response.status_code == 404


@pytest.mark.parametrize(
    "url_name", ["organisation_detail", "crm_dashboard", "calendar_feed_manage"]
)
def test_funder_sees_none_of_the_crm(tenant_a, log, client_for, url_name):
    # when the funder opens a CRM page
    args = [tenant_a.tenant.slug]
    if url_name == "organisation_detail":
        args.append(tenant_a.company.pk)
    response = client_for(tenant_a.member(Role.FUNDER)).get(reverse(url_name, args=args))

    # then refused
    assert response.status_code == 403


def test_export_of_a_person_holds_no_notes(tenant_a, log, client_for):
    # when the programme office exports the contact who took part in all four entries
    url = reverse("contact_export", args=[tenant_a.tenant.slug, log.contact.pk])
    response = client_for(tenant_a.member(Role.ADMIN)).get(url)

    # then every entry they took part in is there, and no notes at all
    body = response.content.decode()
    data = json.loads(body)
    assert sorted(item["subject"] for item in data["interactions"]) == sorted(
        f"SUBJECT-{key}" for key in log.entries
    )
    assert "NOTES-" not in body
