"""Creating and editing organisations: who may, field validation (KvK, BRIN, uniqueness in
the tenant), the likely-duplicate warning before saving, and the audit trail."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse

from partnerships.models import Organisation
from partnerships.services.organisations import organisation_create, organisation_update
from partnerships.tests.factories import OrganisationFactory, SchoolFactory, SectorFactory
from portal.models import AuditEvent
from portal.roles import Role


def english(client: Client) -> Client:
    client.cookies["portal_language"] = "en"
    return client


def create_url(tenant) -> str:
    return reverse("organisation_create", args=[tenant.slug])


def edit_url(tenant, organisation) -> str:
    return reverse("organisation_edit", args=[tenant.slug, organisation.pk])


def profile(**values) -> dict:
    """A valid form submission for a company; ``values`` override fields."""
    data = {
        "kind": "company",
        "name": "Vechtdal Chemie BV",
        "kvk_number": "05023456",
        "brin_code": "",
        "street_address": "Industrieweg 4",
        "postal_code": "7772ab",
        "municipality": "Hardenberg",
        "province": "overijssel",
        "website": "vechtdalchemie.example.org",
        "sbb_number": "",
        "size_class": "medium",
        "status": "prospect",
        "tags": "techniekpact, gastlessen, Techniekpact",
    }
    data.update(values)
    return {key: value for key, value in data.items() if value is not None}


def organisations_named(tenant, name: str):
    return Organisation.objects.for_tenant(tenant).filter(name=name)


@pytest.fixture
def relations(tenant_a, client_for):
    return english(client_for(tenant_a.member(Role.RELATIONS)))


# --- who may ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("role", "status"),
    [
        (Role.ADMIN, 200),
        (Role.RELATIONS, 200),
        (Role.LEAD, 403),
        (Role.COMPANY, 403),
        (Role.FUNDER, 403),
    ],
)
def test_create_form_is_for_crm_editors(role, status, tenant_a, client_for):
    # when a member in a role opens the new-organisation form
    response = client_for(tenant_a.member(role)).get(create_url(tenant_a.tenant))

    # then only the programme office and relationship managers get it
    assert response.status_code == status


@pytest.mark.parametrize("role", [Role.LEAD, Role.COMPANY, Role.FUNDER])
def test_roles_without_the_right_create_nothing(role, tenant_a, client_for):
    # when a member without the right posts a valid profile
    response = client_for(tenant_a.member(role)).post(create_url(tenant_a.tenant), profile())

    # then it is refused and nothing is saved
    assert response.status_code == 403
    assert not organisations_named(tenant_a.tenant, "Vechtdal Chemie BV").exists()


@pytest.mark.parametrize(
    ("role", "status"),
    [(Role.ADMIN, 200), (Role.RELATIONS, 200), (Role.LEAD, 403), (Role.FUNDER, 403)],
)
def test_edit_form_is_for_crm_editors(role, status, tenant_a, client_for):
    # when a member in a role opens the edit form of some company
    company = OrganisationFactory(tenant=tenant_a.tenant)
    response = client_for(tenant_a.member(role)).get(edit_url(tenant_a.tenant, company))

    # then only the programme office and relationship managers get it
    assert response.status_code == status


def test_company_member_edits_their_own_profile(tenant_a, client_for):
    # given the company contact of "Verband A BV"
    client = english(client_for(tenant_a.member(Role.COMPANY)))
    company = tenant_a.company

    # when they change their website and try to change the CRM's status and tags too
    form = client.get(edit_url(tenant_a.tenant, company))
    response = client.post(
        edit_url(tenant_a.tenant, company),
        profile(
            name=company.name,
            kvk_number="",
            website="https://verband-a-bv.example.org",
            status="former",
            tags="geheim",
            kind="school",
        ),
    )

    # then the profile is saved, but status, tags and kind are not theirs to set
    assert form.status_code == 200
    assert "id_status" not in form.content.decode()
    assert response.status_code == 302
    company.refresh_from_db()
    assert company.website == "https://verband-a-bv.example.org"
    assert (company.status, company.tags, company.kind) == ("active", [], "company")
    assert response["Location"] == edit_url(tenant_a.tenant, company)


def test_company_member_cannot_edit_another_organisation(tenant_a, client_for):
    # given the company contact of "Verband A BV" and another company
    client = client_for(tenant_a.member(Role.COMPANY))
    other = OrganisationFactory(tenant=tenant_a.tenant, name="Concurrent BV")

    # when they open or post its edit form
    opened = client.get(edit_url(tenant_a.tenant, other))
    posted = client.post(edit_url(tenant_a.tenant, other), profile(name="Overgenomen BV"))

    # then it does not exist for them, and nothing changed
    assert (opened.status_code, posted.status_code) == (404, 404)
    other.refresh_from_db()
    assert other.name == "Concurrent BV"


def test_other_tenants_organisation_is_not_found(tenant_a, tenant_b, client_for):
    # when A's relationship manager opens B's company under A's URL
    response = client_for(tenant_a.member(Role.RELATIONS)).get(
        edit_url(tenant_a.tenant, tenant_b.company)
    )

    # then it does not exist
    assert response.status_code == 404


# --- saving -----------------------------------------------------------------------------------


def test_create_saves_the_whole_profile_and_audits_it(tenant_a, relations):
    # given two sectors of the tenant
    chemie = SectorFactory(tenant=tenant_a.tenant, name="Chemie")
    SectorFactory(tenant=tenant_a.tenant, name="Zorg")

    # when a relationship manager adds a company
    response = relations.post(
        create_url(tenant_a.tenant),
        profile(sectors=[chemie.pk], recognised_training_company="on", sbb_number="100200300"),
    )

    # then it is saved with normalised values, its sectors and tags, and the event is recorded
    assert response.status_code == 302
    organisation = organisations_named(tenant_a.tenant, "Vechtdal Chemie BV").get()
    assert organisation.kvk_number == "05023456"
    assert organisation.postal_code == "7772 AB"
    assert organisation.website == "https://vechtdalchemie.example.org"
    assert organisation.tags == ["techniekpact", "gastlessen"]
    assert organisation.recognised_training_company is True
    assert organisation.sbb_number == "100200300"
    assert list(organisation.sectors.all()) == [chemie]
    event = AuditEvent.objects.for_tenant(tenant_a.tenant).get(action="organisation.create")
    assert event.actor == tenant_a.member(Role.RELATIONS).user
    assert event.target_id == str(organisation.pk)


def test_create_a_school_with_brin_and_levels(tenant_a, relations):
    # when a school is added with its BRIN code (lower case, with a location) and levels
    response = relations.post(
        create_url(tenant_a.tenant),
        profile(
            kind="school",
            name="Esdal College",
            kvk_number="",
            brin_code="05zk01",
            education_levels=["mbo2", "mbo3"],
        ),
    )

    # then it is saved with the code in its normal form
    assert response.status_code == 302
    school = organisations_named(tenant_a.tenant, "Esdal College").get()
    assert school.brin_code == "05ZK01"
    assert school.education_levels == ["mbo2", "mbo3"]


def test_edit_saves_changes_and_audits_them(tenant_a, relations):
    # given a company
    company = OrganisationFactory(
        tenant=tenant_a.tenant, name="Hoogeveen Kunststof BV", municipality="Hoogeveen"
    )

    # when its municipality is changed
    response = relations.post(
        edit_url(tenant_a.tenant, company),
        profile(name="Hoogeveen Kunststof BV", kvk_number="", municipality="De Wolden"),
    )

    # then it is saved and the change is in the audit trail
    assert response.status_code == 302
    company.refresh_from_db()
    assert company.municipality == "De Wolden"
    event = AuditEvent.objects.for_tenant(tenant_a.tenant).get(action="organisation.update")
    assert event.changes["municipality"] == ["Hoogeveen", "De Wolden"]


# --- validation -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("values", "field"),
    [
        ({"kvk_number": "1234567"}, "kvk_number"),
        ({"kvk_number": "1234567a"}, "kvk_number"),
        ({"kind": "school", "kvk_number": "", "brin_code": "0000"}, "brin_code"),
        ({"brin_code": "05ZK"}, "brin_code"),  # a valid code, but this is a company
        ({"name": ""}, "name"),
        ({"website": "not a website"}, "website"),
        ({"tags": "x" * 51}, "tags"),
        ({"kind": "spaceship"}, "kind"),
    ],
    ids=[
        "kvk-short",
        "kvk-letter",
        "brin-invalid",
        "brin-not-school",
        "name-empty",
        "website",
        "tag-long",
        "kind",
    ],
)
def test_invalid_input_is_a_field_error_and_saves_nothing(values, field, tenant_a, relations):
    # when a profile with one invalid field is posted
    before = Organisation.objects.for_tenant(tenant_a.tenant).count()
    response = relations.post(create_url(tenant_a.tenant), profile(**values))

    # then that field has an error, shown on the form, and nothing is saved
    assert response.status_code == 400
    assert field in response.context["form"].errors
    assert 'class="utrecht-form-field-error-message"' in response.content.decode()
    assert Organisation.objects.for_tenant(tenant_a.tenant).count() == before


def test_kvk_number_is_unique_in_the_tenant(tenant_a, tenant_b, relations):
    # given a company with a KvK number in A, and the same number in B
    OrganisationFactory(tenant=tenant_a.tenant, name="Eerste BV", kvk_number="05023456")
    OrganisationFactory(tenant=tenant_b.tenant, name="Elders BV", kvk_number="04011234")

    # when another company with A's number is added, and one with B's number
    taken = relations.post(
        create_url(tenant_a.tenant), profile(name="Tweede BV", kvk_number="0502 3456")
    )
    free = relations.post(
        create_url(tenant_a.tenant), profile(name="Derde BV", kvk_number="04011234")
    )

    # then A's number is a clear field error, B's number is free in A
    assert taken.status_code == 400
    assert taken.context["form"].errors["kvk_number"] == [
        "Another organisation in this partnership has KvK number 05023456."
    ]
    assert not organisations_named(tenant_a.tenant, "Tweede BV").exists()
    assert free.status_code == 302


def test_brin_code_is_unique_in_the_tenant(tenant_a, relations):
    # given a school with a BRIN code
    SchoolFactory(tenant=tenant_a.tenant, name="Drenthe College", brin_code="25LY")

    # when another school with that code is added
    response = relations.post(
        create_url(tenant_a.tenant),
        profile(kind="school", name="Ander College", kvk_number="", brin_code="25ly"),
    )

    # then it is a field error
    assert response.status_code == 400
    assert "brin_code" in response.context["form"].errors


def test_name_is_unique_in_the_tenant(tenant_a, relations):
    # when a company is added under the name of an existing one (other case)
    response = relations.post(
        create_url(tenant_a.tenant), profile(name="verband a bv", kvk_number="")
    )

    # then it is a field error, not a server error
    assert response.status_code == 400
    assert "name" in response.context["form"].errors


def test_edit_to_a_taken_kvk_number_is_a_field_error(tenant_a, relations):
    # given two companies
    OrganisationFactory(tenant=tenant_a.tenant, name="Eerste BV", kvk_number="05023456")
    second = OrganisationFactory(tenant=tenant_a.tenant, name="Tweede BV", kvk_number="04011234")

    # when the second is given the first's number
    response = relations.post(
        edit_url(tenant_a.tenant, second), profile(name="Tweede BV", kvk_number="05023456")
    )

    # then it is a field error and nothing changed
    assert response.status_code == 400
    assert "kvk_number" in response.context["form"].errors
    second.refresh_from_db()
    assert second.kvk_number == "04011234"


def test_sector_of_another_tenant_is_refused(tenant_a, tenant_b, relations):
    # given a sector of B
    foreign = SectorFactory(tenant=tenant_b.tenant)

    # when A's relationship manager posts it
    response = relations.post(create_url(tenant_a.tenant), profile(sectors=[foreign.pk]))

    # then it is not a valid choice
    assert response.status_code == 400
    assert "sectors" in response.context["form"].errors


def test_services_raise_field_errors_for_duplicates(tenant_a):
    # given a company with a KvK number (as the import would meet it)
    OrganisationFactory(tenant=tenant_a.tenant, name="Eerste BV", kvk_number="05023456")
    actor = tenant_a.member(Role.ADMIN).user

    # when a service is asked to create or update into the same number
    with pytest.raises(ValidationError) as created:
        organisation_create(
            tenant=tenant_a.tenant,
            actor=actor,
            kind="company",
            name="Tweede BV",
            kvk_number="05023456",
        )
    with pytest.raises(ValidationError) as updated:
        organisation_update(
            tenant=tenant_a.tenant,
            actor=actor,
            organisation=tenant_a.company,
            kvk_number="05023456",
        )

    # then the error names the field
    assert set(created.value.message_dict) == {"kvk_number"}
    assert set(updated.value.message_dict) == {"kvk_number"}


# --- likely duplicates ---------------------------------------------------------------------


def test_likely_duplicate_is_warned_and_nothing_saved_until_confirmed(tenant_a, relations):
    # given "Hondsrug Precisietechniek BV"
    existing = OrganisationFactory(
        tenant=tenant_a.tenant, name="Hondsrug Precisietechniek BV", kvk_number="04011234"
    )
    data = profile(name="Hondsrug Precisietechniek B.V.", kvk_number="")

    # when "Hondsrug Precisietechniek B.V." is added
    warned = relations.post(create_url(tenant_a.tenant), data)

    # then the form comes back with a warning naming the existing one, and nothing is saved
    html = warned.content.decode()
    assert warned.status_code == 200
    assert "This organisation may already exist" in html
    assert "Hondsrug Precisietechniek BV" in html
    assert f'name="duplicates_seen" value="{existing.pk}"' in html
    assert not organisations_named(tenant_a.tenant, "Hondsrug Precisietechniek B.V.").exists()

    # when the person confirms it is a different organisation
    confirmed = relations.post(
        create_url(tenant_a.tenant),
        {**data, "save_anyway": "1", "duplicates_seen": str(existing.pk)},
    )

    # then it is saved
    assert confirmed.status_code == 302
    assert organisations_named(tenant_a.tenant, "Hondsrug Precisietechniek B.V.").exists()


def test_confirmation_covers_only_the_matches_that_were_shown(tenant_a, relations):
    # given an existing similar organisation that was not shown to the person
    OrganisationFactory(tenant=tenant_a.tenant, name="Hondsrug Precisietechniek BV")

    # when "save anyway" arrives without that match among those seen
    response = relations.post(
        create_url(tenant_a.tenant),
        {
            **profile(name="Hondsrug Precisietechniek B.V.", kvk_number=""),
            "save_anyway": "1",
            "duplicates_seen": "999999",
        },
    )

    # then the warning is shown again and nothing is saved
    assert "This organisation may already exist" in response.content.decode()
    assert not organisations_named(tenant_a.tenant, "Hondsrug Precisietechniek B.V.").exists()


def test_editing_without_changing_the_identity_does_not_warn(tenant_a, relations):
    # given two similarly named companies
    OrganisationFactory(tenant=tenant_a.tenant, name="Hondsrug Precisietechniek BV")
    second = OrganisationFactory(tenant=tenant_a.tenant, name="Hondsrug Precisietechniek Emmen")

    # when the second's municipality is changed
    response = relations.post(
        edit_url(tenant_a.tenant, second),
        profile(name=second.name, kvk_number="", municipality="Assen"),
    )

    # then it is saved without a warning
    assert response.status_code == 302
    second.refresh_from_db()
    assert second.municipality == "Assen"
