"""Contacts: who adds and changes them, and a person's rights: the export of their data for an
access request, and erasure (anonymised; the contact moments and their counts stay)."""

from __future__ import annotations

import datetime
import json

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext

from partnerships.models import Contact, Interaction
from partnerships.services.contacts import contact_update
from partnerships.tests.factories import (
    ContactFactory,
    InteractionFactory,
    OrganisationFactory,
)
from portal.models import AuditEvent
from portal.roles import Role

TODAY = timezone.localdate()


def english(client: Client) -> Client:
    client.cookies["portal_language"] = "en"
    return client


def erased_name(tenant) -> str:
    """What an erased person is called, in the tenant's language ("Verwijderd contact")."""
    with translation.override(tenant.default_language):
        return gettext("Erased contact")


def contact_data(**overrides) -> dict:
    data = {
        "name": "Jan Jansen",
        "function": "Praktijkopleider",
        "email": "jan@hondsrug.example.nl",
        "phone": "0591 123 456",
        "preferred_language": Contact.Language.DUTCH,
        "is_ambassador": "on",
        "is_active": "on",
        "lawful_basis": Contact.LawfulBasis.LEGITIMATE_INTEREST,
    }
    data.update(overrides)
    return data


# --- adding and changing ----------------------------------------------------------------------


@pytest.mark.parametrize("role", [Role.RELATIONS, Role.ADMIN, Role.COMPANY])
def test_contact_is_added_by_those_who_keep_the_organisation(tenant_a, client_for, role):
    # given the company (the company member's own)
    url = reverse("contact_create", args=[tenant_a.tenant.slug, tenant_a.company.pk])

    # when a relationship manager, the office or the company's own contact adds a person
    response = client_for(tenant_a.member(role)).post(url, contact_data())

    # then the person is added to the company, audited, and the page shows them
    assert response.status_code == 302
    assert response["Location"] == reverse(
        "organisation_detail", args=[tenant_a.tenant.slug, tenant_a.company.pk]
    )
    contact = Contact.objects.for_tenant(tenant_a.tenant).get()
    assert (contact.organisation, contact.name, contact.is_ambassador) == (
        tenant_a.company,
        "Jan Jansen",
        True,
    )
    event = AuditEvent.objects.for_tenant(tenant_a.tenant).get(action="contact.create")
    assert event.actor == tenant_a.member(role).user


@pytest.mark.parametrize(
    ("role", "status"), [(Role.LEAD, 403), (Role.FUNDER, 403), (Role.COMPANY, 404)]
)
def test_others_may_not_add_contacts(tenant_a, client_for, role, status):
    # given another company than the company member's own
    other = OrganisationFactory(tenant=tenant_a.tenant)
    url = reverse("contact_create", args=[tenant_a.tenant.slug, other.pk])

    # when a lead, a funder or another company's contact tries
    response = client_for(tenant_a.member(role)).post(url, contact_data())

    # then refused (a company contact does not learn the company exists), nothing added
    assert response.status_code == status
    assert not Contact.objects.for_tenant(tenant_a.tenant).exists()


def test_invalid_contact_is_refused_with_a_field_error_and_nothing_changes(tenant_a, client_for):
    # given a contact
    contact = ContactFactory(organisation=tenant_a.company, email="oud@example.org")
    url = reverse("contact_edit", args=[tenant_a.tenant.slug, contact.pk])
    client = english(client_for(tenant_a.member(Role.RELATIONS)))

    # when it is saved with a broken e-mail address
    response = client.post(url, contact_data(email="geen-adres"))

    # then the error is shown on the field with a 400, and the contact is as it was
    assert response.status_code == 400
    assert "Enter a valid email address." in response.content.decode()
    contact.refresh_from_db()
    assert contact.email == "oud@example.org"


def test_company_contact_changes_a_person_at_their_own_company(tenant_a, client_for):
    # given a person at the company member's own company
    contact = ContactFactory(organisation=tenant_a.company, function="HR")
    url = reverse("contact_edit", args=[tenant_a.tenant.slug, contact.pk])

    # when the company contact saves a new function
    response = client_for(tenant_a.member(Role.COMPANY)).post(
        url, contact_data(name=contact.name, function="Directeur")
    )

    # then it is changed and the change audited
    assert response.status_code == 302
    contact.refresh_from_db()
    assert contact.function == "Directeur"
    event = AuditEvent.objects.for_tenant(tenant_a.tenant).get(action="contact.update")
    assert event.changes["function"] == ["HR", "Directeur"]


# --- export -----------------------------------------------------------------------------------


def test_export_gives_the_persons_data_and_their_contact_moments(tenant_a, client_for):
    # given a person who took part in one entry, with a colleague who took part in another
    contact = ContactFactory(
        organisation=tenant_a.company, name="Jan Jansen", email="jan@example.org"
    )
    colleague = ContactFactory(organisation=tenant_a.company, name="Karin Collega")
    with_jan = InteractionFactory(
        logged_by=tenant_a.school,
        organisations=[tenant_a.company],
        subject="Kennismaking",
        kind=Interaction.Kind.COMPANY_VISIT,
        occurred_on=datetime.date(2026, 3, 2),
        notes="Privé notitie van de school",
    )
    with_jan.contacts.set([contact, colleague])
    InteractionFactory(
        logged_by=tenant_a.school, organisations=[tenant_a.company], subject="Zonder Jan"
    ).contacts.set([colleague])
    url = reverse("contact_export", args=[tenant_a.tenant.slug, contact.pk])

    # when the programme office exports Jan's data
    response = english(client_for(tenant_a.member(Role.ADMIN))).get(url)

    # then a JSON attachment with Jan's fields and the one entry, without notes or colleagues
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/json")
    assert response["Content-Disposition"].startswith("attachment; filename=")
    data = json.loads(response.content)
    assert data["contact"]["name"] == "Jan Jansen"
    assert data["contact"]["email"] == "jan@example.org"
    assert data["contact"]["organisation"] == tenant_a.company.name
    assert data["contact"]["lawful_basis"] == "legitimate_interest"
    assert data["interactions"] == [
        {
            "date": "2026-03-02",
            "kind": "company_visit",
            "kind_display": "Company visit",
            "subject": "Kennismaking",
            "logged_by": tenant_a.school.name,
            "organisations": [tenant_a.company.name],
        }
    ]
    body = response.content.decode()
    assert "Privé notitie" not in body and "Karin Collega" not in body
    assert AuditEvent.objects.for_tenant(tenant_a.tenant).filter(action="contact.export").exists()


@pytest.mark.parametrize("role", [Role.RELATIONS, Role.LEAD, Role.COMPANY])
@pytest.mark.parametrize("url_name", ["contact_export", "contact_erase"])
def test_only_the_programme_office_handles_a_persons_rights(tenant_a, client_for, role, url_name):
    # given a person at the company
    contact = ContactFactory(organisation=tenant_a.company)
    url = reverse(url_name, args=[tenant_a.tenant.slug, contact.pk])

    # when anyone else asks for the export or the erasure
    get = client_for(tenant_a.member(role)).get(url)
    post = client_for(tenant_a.member(role)).post(url)

    # then refused, and the person is untouched
    assert (get.status_code, post.status_code) == (403, 403)
    contact.refresh_from_db()
    assert contact.erased_at is None


# --- erasure ----------------------------------------------------------------------------------


def test_erasure_anonymises_the_person_and_keeps_their_contact_moments(tenant_a, client_for):
    # given a person who took part in two entries, and whose e-mail was changed once
    admin = tenant_a.member(Role.ADMIN)
    contact = ContactFactory(
        organisation=tenant_a.company, name="Jan Jansen", email="jan@example.org", phone="06-1"
    )
    contact_update(
        tenant=tenant_a.tenant, actor=admin.user, contact=contact, email="jan.jansen@example.org"
    )
    for _ in range(2):
        InteractionFactory(
            logged_by=tenant_a.school, organisations=[tenant_a.company]
        ).contacts.set([contact])
    client = english(client_for(admin))
    url = reverse("contact_erase", args=[tenant_a.tenant.slug, contact.pk])

    # when the programme office confirms the erasure
    confirm = client.get(url)
    response = client.post(url)

    # then the confirmation page asked first; the person is anonymised and inactive
    assert confirm.status_code == 200 and "This cannot be undone." in confirm.content.decode()
    assert response.status_code == 302
    contact.refresh_from_db()
    assert contact.name == erased_name(tenant_a.tenant)
    assert (contact.function, contact.email, contact.phone) == ("", "", "")
    assert contact.erased_at is not None and not contact.is_active
    # and the entries remain, so the counts stay the same
    assert Interaction.objects.for_tenant(tenant_a.tenant).filter(contacts=contact).count() == 2
    # and the audit trail no longer holds the person's name or address
    events = AuditEvent.objects.for_tenant(tenant_a.tenant).filter(
        target_type="partnerships.contact", target_id=str(contact.pk)
    )
    assert {event.action for event in events} == {"contact.update", "contact.erase"}
    trail = json.dumps([[e.target_repr, e.changes] for e in events])
    assert "Jan" not in trail and "jan" not in trail


def test_erased_person_is_shown_as_such_and_cannot_be_changed(tenant_a, client_for):
    # given an erased person
    admin = english(client_for(tenant_a.member(Role.ADMIN)))
    contact = ContactFactory(organisation=tenant_a.company, name="Jan Jansen")
    admin.post(reverse("contact_erase", args=[tenant_a.tenant.slug, contact.pk]))
    edit = reverse("contact_edit", args=[tenant_a.tenant.slug, contact.pk])

    # when the company page is opened and a change is tried
    page = admin.get(
        reverse("organisation_detail", args=[tenant_a.tenant.slug, tenant_a.company.pk])
    )
    change = admin.post(edit, contact_data(name="Jan Terug"))

    # then the page shows an erased contact without actions, and the change is refused
    html = page.content.decode()
    assert "Erased contact" in html and "Jan Jansen" not in html
    assert edit not in html
    assert change.status_code == 302
    contact.refresh_from_db()
    assert contact.name == erased_name(tenant_a.tenant)
