"""The contact log: the "Log a contact" dialog (htmx) and its full-page twin, the organisation
picker, changing an entry, and ticking off a follow-up."""

from __future__ import annotations

import datetime
import json

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from partnerships.models import Interaction, Organisation
from partnerships.services.interactions import interaction_log, interaction_update
from partnerships.tests.factories import (
    ContactFactory,
    InteractionFactory,
    OrganisationFactory,
    SchoolFactory,
)
from portal.models import AuditEvent
from portal.roles import Role
from portal.tests.factories import MembershipFactory

TODAY = timezone.localdate()
HTMX = {"HTTP_HX_REQUEST": "true"}


def english(client: Client) -> Client:
    client.cookies["portal_language"] = "en"
    return client


def create_url(tenant, **params) -> str:
    url = reverse("interaction_create", args=[tenant.slug])
    if params:
        from urllib.parse import urlencode

        url += "?" + urlencode(params, doseq=True)
    return url


def valid_post(organisation, **overrides) -> dict:
    data = {
        "organisations": [organisation.pk],
        "occurred_on": TODAY.isoformat(),
        "kind": Interaction.Kind.PHONE,
        "subject": "Stageplaatsen voor mbo-4",
        "notes": "Vertrouwelijk: budget is krap.",
        "outcome": "Twee plaatsen toegezegd.",
        "visibility": Interaction.Visibility.PARTNERSHIP,
        "follow_up_on": "",
        "follow_up_assignee": "",
    }
    data.update(overrides)
    return data


@pytest.fixture
def relations(tenant_a, client_for):
    return english(client_for(tenant_a.member(Role.RELATIONS)))


# --- opening the form -------------------------------------------------------------------------


def test_htmx_request_gets_a_labelled_dialog_prefilled_with_the_organisation(tenant_a, relations):
    # given a company of the partnership with a contact
    contact = ContactFactory(organisation=tenant_a.company, name="Els Visser")

    # when the relationship manager clicks "Log a contact" on its page (htmx)
    response = relations.get(create_url(tenant_a.tenant, organisation=tenant_a.company.pk), **HTMX)

    # then the answer is the dialog partial, not a page, labelled by its heading
    html = response.content.decode()
    assert response.status_code == 200
    assert "<html" not in html
    assert '<dialog class="portal-dialog" id="interaction-dialog"' in html
    assert 'aria-labelledby="interaction-dialog-title"' in html
    assert 'id="interaction-dialog-title">Log a contact</h2>' in html
    # the company is ticked, its contact offered, today's date filled in
    assert (
        f'name="organisations" value="{tenant_a.company.pk}" '
        f'id="choice-organisation-{tenant_a.company.pk}" checked' in html
    )
    assert f'value="{contact.pk}" id="choice-contact-{contact.pk}"' in html
    assert f'value="{TODAY.isoformat()}"' in html
    assert 'hx-post="/verband-a/interactions/new/"' in html
    assert "Logged in the contact log of Verband A College." in html


def test_without_htmx_the_same_form_is_a_full_page(tenant_a, relations):
    # when the link is followed without JavaScript
    response = relations.get(create_url(tenant_a.tenant, organisation=tenant_a.company.pk))

    # then a full page with the same form, which posts normally, and a search without JS
    html = response.content.decode()
    assert response.status_code == 200
    assert "<html" in html and "<dialog" not in html
    assert 'id="interaction-form"' in html and "hx-post" not in html
    assert "<noscript>" in html
    assert f'id="choice-organisation-{tenant_a.company.pk}" checked' in html


def test_prefilled_form_does_not_grow_with_the_number_of_organisations(tenant_a, relations):
    # given a partnership with few organisations, measured; then with many more
    url = create_url(tenant_a.tenant, organisation=tenant_a.company.pk)
    OrganisationFactory.create_batch(5, tenant=tenant_a.tenant)
    with CaptureQueriesContext(connection) as few:
        small = relations.get(url, **HTMX)
    OrganisationFactory.create_batch(40, tenant=tenant_a.tenant)
    with CaptureQueriesContext(connection) as many:
        large = relations.get(url, **HTMX)

    # then the dialog lists only the chosen organisation and costs the same
    assert small.status_code == large.status_code == 200
    assert len(few) == len(many)
    assert large.content.decode().count('name="organisations"') == 1


def test_organisation_search_offers_matches_of_this_tenant_only(tenant_a, tenant_b, relations):
    # given a company with the same name in both tenants
    mine = OrganisationFactory(tenant=tenant_a.tenant, name="Hondsrug Precisietechniek BV")
    theirs = OrganisationFactory(tenant=tenant_b.tenant, name="Hondsrug Precisietechniek BV")

    # when the dialog's search field asks for "hondsrug", with the company already chosen
    response = relations.get(
        create_url(tenant_a.tenant, q="hondsrug", organisations=[tenant_a.company.pk]),
        HTTP_HX_REQUEST="true",
        HTTP_HX_TARGET="organisation-choices",
    )

    # then only the choices come back: the chosen one ticked, the match to tick
    html = response.content.decode()
    assert response.status_code == 200
    assert "<dialog" not in html
    assert (
        f'value="{tenant_a.company.pk}" id="choice-organisation-{tenant_a.company.pk}" checked'
        in html
    )
    assert f'value="{mine.pk}" id="choice-organisation-{mine.pk}">' in html
    assert f'value="{theirs.pk}"' not in html


def test_ticking_organisations_refreshes_their_contacts(tenant_a, relations):
    # given two companies with a contact each, and an inactive one
    other = OrganisationFactory(tenant=tenant_a.tenant)
    first = ContactFactory(organisation=tenant_a.company, name="Anna Eerste")
    second = ContactFactory(organisation=other, name="Bert Tweede")
    ContactFactory(organisation=other, name="Carla Vertrokken", is_active=False)

    # when both are ticked and the first contact was ticked too
    response = relations.get(
        create_url(
            tenant_a.tenant, organisations=[tenant_a.company.pk, other.pk], contacts=[first.pk]
        ),
        HTTP_HX_REQUEST="true",
        HTTP_HX_TARGET="interaction-contacts",
    )

    # then both companies' active people are offered, the ticked one still ticked
    html = response.content.decode()
    assert f'id="choice-contact-{first.pk}" checked' in html
    assert f'id="choice-contact-{second.pk}">' in html
    assert "Carla Vertrokken" not in html


# --- saving -----------------------------------------------------------------------------------


def test_htmx_save_closes_the_dialog_announces_and_triggers_a_refresh(tenant_a, relations):
    # given the company, not contacted before
    company = tenant_a.company
    contact = ContactFactory(organisation=company)
    follow_up_on = TODAY + datetime.timedelta(days=3)

    # when the dialog is saved with a follow-up
    response = relations.post(
        create_url(tenant_a.tenant),
        valid_post(company, contacts=[contact.pk], follow_up_on=follow_up_on.isoformat()),
        **HTMX,
    )

    # then no dialog comes back (it closes), the message goes to the live region out of band,
    # and the page is told to refresh its contact log
    html = response.content.decode()
    assert response.status_code == 200
    assert "<dialog" not in html
    assert 'id="crm-live" hx-swap-oob="innerHTML"' in html
    assert "“Stageplaatsen voor mbo-4” was logged" in html
    trigger = json.loads(response["HX-Trigger"])
    assert trigger == {"interactionLogged": {"organisations": [company.pk]}}
    # and the entry is in the school's log, with the follow-up for the one who logged it
    interaction = Interaction.objects.for_tenant(tenant_a.tenant).get()
    member = tenant_a.member(Role.RELATIONS)
    assert interaction.logged_by == tenant_a.school
    assert list(interaction.contacts.all()) == [contact]
    assert interaction.follow_up_on == follow_up_on
    assert interaction.follow_up_assignee == member.user
    assert interaction.created_by == member.user
    company.refresh_from_db()
    assert company.last_contact_on == TODAY
    assert AuditEvent.objects.for_tenant(tenant_a.tenant).filter(action="interaction.log").exists()


def test_htmx_validation_errors_are_shown_in_the_dialog_with_status_200(tenant_a, relations):
    # when the dialog is saved without a subject and without an organisation
    data = valid_post(tenant_a.company, subject="")
    data.pop("organisations")
    response = relations.post(create_url(tenant_a.tenant), data, **HTMX)

    # then the dialog comes back (htmx swaps 200s) with the errors in it; nothing is saved
    html = response.content.decode()
    assert response.status_code == 200
    assert "<dialog" in html
    assert 'id="id_subject_error">This field is required.' in html
    assert 'id="id_organisations_error">Choose at least one organisation.' in html
    assert 'aria-invalid="true"' in html
    assert not Interaction.objects.for_tenant(tenant_a.tenant).exists()


def test_full_page_save_redirects_back_to_next(tenant_a, relations):
    # when the full-page form is saved, coming from the dashboard
    dashboard = reverse("crm_dashboard", args=[tenant_a.tenant.slug])
    response = relations.post(
        create_url(tenant_a.tenant), valid_post(tenant_a.company, next=dashboard)
    )

    # then back to where it came from, with a message there
    assert response.status_code == 302
    assert response["Location"] == dashboard
    assert "was logged" in relations.get(dashboard).content.decode()
    assert Interaction.objects.for_tenant(tenant_a.tenant).count() == 1


def test_full_page_errors_answer_400_and_an_outside_next_is_not_followed(tenant_a, relations):
    # when the full page is saved with an invalid date, then correctly with a foreign "next"
    invalid = relations.post(
        create_url(tenant_a.tenant), valid_post(tenant_a.company, occurred_on="31-02-2026")
    )
    valid = relations.post(
        create_url(tenant_a.tenant),
        valid_post(tenant_a.company, next="https://evil.example.com/"),
    )

    # then the first is refused with the error shown, the second goes to the company's page
    assert invalid.status_code == 400
    assert "Enter a valid date." in invalid.content.decode()
    assert valid.status_code == 302
    assert valid["Location"] == reverse(
        "organisation_detail", args=[tenant_a.tenant.slug, tenant_a.company.pk]
    )


def test_relationship_manager_always_logs_for_their_own_school(tenant_a, relations):
    # given another school in the partnership
    other_school = SchoolFactory(tenant=tenant_a.tenant)

    # when a "logged_by" of that school is slipped into the post
    relations.post(
        create_url(tenant_a.tenant), valid_post(tenant_a.company, logged_by=other_school.pk)
    )

    # then the entry is still in the member's own school's log
    assert Interaction.objects.for_tenant(tenant_a.tenant).get().logged_by == tenant_a.school


def test_programme_office_without_organisation_chooses_the_logging_school(tenant_a, client_for):
    # given the programme office member (no organisation of their own)
    admin = english(client_for(tenant_a.member(Role.ADMIN)))
    company_field = f'value="{tenant_a.company.pk}"'

    # when they open the form, save without a school, then with one
    form = admin.get(create_url(tenant_a.tenant, organisation=tenant_a.company.pk), **HTMX)
    missing = admin.post(create_url(tenant_a.tenant), valid_post(tenant_a.company), **HTMX)
    saved = admin.post(
        create_url(tenant_a.tenant),
        valid_post(tenant_a.company, logged_by=tenant_a.school.pk),
        **HTMX,
    )

    # then the form asks which school logs it, only schools and networks are offered
    assert 'name="logged_by"' in form.content.decode()
    select = form.content.decode().split('name="logged_by"')[1].split("</select>")[0]
    assert tenant_a.school.name in select and company_field not in select
    assert 'id="id_logged_by_error"' in missing.content.decode()
    assert saved.status_code == 200 and "<dialog" not in saved.content.decode()
    assert Interaction.objects.for_tenant(tenant_a.tenant).get().logged_by == tenant_a.school


def test_follow_up_for_someone_who_cannot_see_a_private_entry_is_refused(tenant_a, relations):
    # given a relationship manager of another school
    other_school = SchoolFactory(tenant=tenant_a.tenant)
    colleague = MembershipFactory(
        tenant=tenant_a.tenant, role=Role.RELATIONS, organisation=other_school
    )

    # when a private entry's follow-up is given to them
    response = relations.post(
        create_url(tenant_a.tenant),
        valid_post(
            tenant_a.company,
            visibility=Interaction.Visibility.OWN,
            follow_up_on=TODAY.isoformat(),
            follow_up_assignee=colleague.user.pk,
        ),
        **HTMX,
    )

    # then that is refused on the field, and nothing is logged
    assert 'id="id_follow_up_assignee_error"' in response.content.decode()
    assert not Interaction.objects.for_tenant(tenant_a.tenant).exists()


def test_follow_up_assignee_must_be_a_member_of_this_tenant(tenant_a, tenant_b):
    # when the service is asked to give a follow-up to a member of another tenant
    outsider = tenant_b.member(Role.ADMIN).user

    # then it refuses, and nothing is written
    with pytest.raises(Exception, match="member of this partnership"):
        interaction_log(
            tenant=tenant_a.tenant,
            actor=tenant_a.member(Role.ADMIN).user,
            logged_by=tenant_a.school,
            organisations=[tenant_a.company],
            occurred_on=TODAY,
            kind=Interaction.Kind.EMAIL,
            subject="Mail",
            follow_up_on=TODAY,
            follow_up_assignee=outsider,
        )
    assert not Interaction.objects.for_tenant(tenant_a.tenant).exists()


def test_members_who_do_not_log_get_403(tenant_a, client_for):
    # when a company contact and a funder open the form
    statuses = [
        client_for(tenant_a.member(role)).get(create_url(tenant_a.tenant)).status_code
        for role in (Role.COMPANY, Role.FUNDER)
    ]

    # then they are refused
    assert statuses == [403, 403]


# --- changing an entry ------------------------------------------------------------------------


def test_relationship_manager_changes_their_own_entry(tenant_a, relations):
    # given an entry of the member's school, a year ago
    entry = InteractionFactory(
        logged_by=tenant_a.school,
        organisations=[tenant_a.company],
        occurred_on=TODAY - datetime.timedelta(days=365),
        notes="Eigen notitie",
    )
    url = reverse("interaction_edit", args=[tenant_a.tenant.slug, entry.pk])

    # when they open it and save a new subject
    form = relations.get(url, **HTMX)
    data = valid_post(
        tenant_a.company, subject="Nieuw onderwerp", occurred_on=entry.occurred_on.isoformat()
    )
    response = relations.post(url, data, **HTMX)

    # then the form showed their own notes, and the change is saved and audited
    assert "Eigen notitie" in form.content.decode()
    assert 'id="interaction-dialog-title">Change contact moment' in form.content.decode()
    assert response.status_code == 200, response.content.decode()
    assert response.has_header("HX-Trigger"), response.content.decode()
    entry.refresh_from_db()
    assert entry.subject == "Nieuw onderwerp"
    event = AuditEvent.objects.for_tenant(tenant_a.tenant).get(action="interaction.update")
    assert event.changes["subject"][1] == "Nieuw onderwerp"
    assert event.changes["notes"] == ["…", "…"]


@pytest.mark.parametrize(
    ("visibility", "status"),
    [(Interaction.Visibility.PARTNERSHIP, 403), (Interaction.Visibility.OWN, 404)],
)
def test_another_schools_entry_cannot_be_changed(tenant_a, relations, visibility, status):
    # given an entry of another school: shared (seen) or private (not seen)
    entry = InteractionFactory(
        tenant=tenant_a.tenant,
        logged_by=SchoolFactory(tenant=tenant_a.tenant),
        organisations=[tenant_a.company],
        visibility=visibility,
    )
    url = reverse("interaction_edit", args=[tenant_a.tenant.slug, entry.pk])

    # when the relationship manager tries to change it
    response = relations.post(url, valid_post(tenant_a.company, subject="Gekaapt"))

    # then a shared one is forbidden, a private one does not exist for them; nothing changed
    assert response.status_code == status
    entry.refresh_from_db()
    assert entry.subject != "Gekaapt"


def test_moving_an_entry_recomputes_last_contact(tenant_a):
    # given two entries with the company, the newest today
    admin = tenant_a.member(Role.ADMIN).user
    older = TODAY - datetime.timedelta(days=40)
    interaction_log(
        tenant=tenant_a.tenant,
        actor=admin,
        logged_by=tenant_a.school,
        organisations=[tenant_a.company],
        occurred_on=older,
        kind=Interaction.Kind.MEETING,
        subject="Oud",
    )
    newest = interaction_log(
        tenant=tenant_a.tenant,
        actor=admin,
        logged_by=tenant_a.school,
        organisations=[tenant_a.company],
        occurred_on=TODAY,
        kind=Interaction.Kind.MEETING,
        subject="Nieuw",
    )
    other = OrganisationFactory(tenant=tenant_a.tenant)

    # when the newest one turns out to have been with another company
    interaction_update(
        tenant=tenant_a.tenant,
        actor=admin,
        interaction=newest,
        organisations=[other],
        occurred_on=TODAY,
        kind=newest.kind,
        subject=newest.subject,
        notes="",
        outcome="",
        visibility=newest.visibility,
        follow_up_on=None,
        follow_up_assignee=None,
    )

    # then each company's last contact follows the log
    assert Organisation.objects.get(pk=tenant_a.company.pk).last_contact_on == older
    assert Organisation.objects.get(pk=other.pk).last_contact_on == TODAY


# --- ticking off a follow-up ------------------------------------------------------------------


def _follow_up(tenant_a, *, logged_by, assignee, visibility=Interaction.Visibility.PARTNERSHIP):
    return InteractionFactory(
        tenant=tenant_a.tenant,
        logged_by=logged_by,
        organisations=[tenant_a.company],
        visibility=visibility,
        follow_up_on=TODAY,
        follow_up_assignee=assignee,
    )


def test_assignee_ticks_off_a_follow_up(tenant_a, client_for):
    # given a follow-up of the school, assigned to the programme lead
    lead = tenant_a.member(Role.LEAD)
    entry = _follow_up(tenant_a, logged_by=tenant_a.school, assignee=lead.user)
    url = reverse("follow_up_done", args=[tenant_a.tenant.slug, entry.pk])
    dashboard = reverse("crm_dashboard", args=[tenant_a.tenant.slug])

    # when the lead ticks it off from the dashboard
    response = client_for(lead).post(url, {"next": dashboard})

    # then it is done, audited, and they are back on the dashboard
    assert response.status_code == 302 and response["Location"] == dashboard
    entry.refresh_from_db()
    assert entry.follow_up_done_at is not None
    assert (
        AuditEvent.objects.for_tenant(tenant_a.tenant)
        .filter(action="interaction.follow_up_done")
        .exists()
    )


def test_logging_schools_relationship_manager_and_admin_may_tick_off(tenant_a, client_for):
    # given two follow-ups of the school, assigned to the lead
    lead = tenant_a.member(Role.LEAD).user
    first = _follow_up(tenant_a, logged_by=tenant_a.school, assignee=lead)
    second = _follow_up(tenant_a, logged_by=tenant_a.school, assignee=lead)

    # when the school's relationship manager ticks off one, the programme office the other
    for role, entry in ((Role.RELATIONS, first), (Role.ADMIN, second)):
        url = reverse("follow_up_done", args=[tenant_a.tenant.slug, entry.pk])
        assert client_for(tenant_a.member(role)).post(url).status_code == 302

    # then both are done
    assert all(Interaction.objects.get(pk=entry.pk).follow_up_done_at for entry in (first, second))


def test_another_schools_manager_may_not_tick_off_a_shared_follow_up(tenant_a, client_for):
    # given a shared follow-up of another school, for the lead
    other_school = SchoolFactory(tenant=tenant_a.tenant)
    entry = _follow_up(tenant_a, logged_by=other_school, assignee=tenant_a.member(Role.LEAD).user)
    url = reverse("follow_up_done", args=[tenant_a.tenant.slug, entry.pk])

    # when the relationship manager of the first school tries; and GET is not a way either
    response = client_for(tenant_a.member(Role.RELATIONS)).post(url)
    get = client_for(tenant_a.member(Role.ADMIN)).get(url)

    # then refused, and still open
    assert response.status_code == 403
    assert get.status_code == 405
    entry.refresh_from_db()
    assert entry.follow_up_done_at is None
