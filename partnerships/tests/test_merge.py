"""Merging two organisations: everything moves to the one kept, once, and it is audited."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from partnerships.models import Interaction, Organisation
from partnerships.selectors.merge import organisation_merge_preview, organisation_relations
from partnerships.services.merge import organisation_merge
from partnerships.tests.factories import (
    AgreementFactory,
    ContactFactory,
    ImportRowFactory,
    InteractionFactory,
    OrganisationFactory,
    SectorFactory,
)
from portal.models import AuditEvent, Membership
from portal.roles import Role
from portal.tests.factories import InvitationFactory


@pytest.fixture
def pair(tenant_a):
    """A duplicate (source) with links of every kind, and the organisation to keep (target)."""
    tenant = tenant_a.tenant
    ict, zorg = SectorFactory(tenant=tenant, name="ICT"), SectorFactory(tenant=tenant, name="Zorg")
    source = OrganisationFactory(
        tenant=tenant,
        name="Hondsrug Precisie B.V.",
        kvk_number="12345678",
        website="https://hondsrug.example.nl",
        municipality="Emmen",
        tags=["metaal", "stage"],
        recognised_training_company=True,
        sbb_number="100200",
        last_contact_on=datetime.date(2026, 3, 1),
    )
    source.sectors.set([ict])
    target = OrganisationFactory(
        tenant=tenant,
        name="Hondsrug Precisietechniek BV",
        municipality="Klazienaveen",
        tags=["stage", "cnc"],
        last_contact_on=datetime.date(2025, 1, 1),
    )
    target.sectors.set([zorg])
    contacts = ContactFactory.create_batch(2, tenant=tenant, organisation=source)
    shared = InteractionFactory(
        tenant=tenant,
        logged_by=tenant_a.school,
        organisations=[source, target],
        occurred_on=datetime.date(2026, 2, 1),
    )
    only_source = InteractionFactory(
        tenant=tenant,
        logged_by=tenant_a.school,
        organisations=[source],
        occurred_on=datetime.date(2026, 3, 1),
    )
    logged = InteractionFactory(tenant=tenant, logged_by=source, organisations=[tenant_a.school])
    agreement = AgreementFactory(tenant=tenant)
    agreement.parties.set([source, target])
    membership = tenant_a.member(Role.COMPANY)
    membership.organisation = source
    membership.save()
    invitation = InvitationFactory(tenant=tenant, organisation=source)
    return {
        "tenant": tenant,
        "source": source,
        "target": target,
        "contacts": contacts,
        "shared": shared,
        "only_source": only_source,
        "logged": logged,
        "agreement": agreement,
        "membership": membership,
        "invitation": invitation,
        "sectors": (ict, zorg),
    }


def test_merge_moves_every_link_to_the_target_once(pair, tenant_a):
    # given two organisations that are one, with contacts, interactions, agreements, members
    admin = tenant_a.member(Role.ADMIN).user
    source, target = pair["source"], pair["target"]

    # when the source is merged into the target
    kept = organisation_merge(tenant=pair["tenant"], actor=admin, source=source, target=target)

    # then the source is gone and everything points at the target, without doubles
    assert kept.pk == target.pk
    assert not Organisation.objects.filter(pk=source.pk).exists()
    assert set(target.contacts.all()) == set(pair["contacts"])
    assert list(pair["shared"].organisations.all()) == [target]
    assert list(pair["only_source"].organisations.all()) == [target]
    assert Interaction.objects.get(pk=pair["logged"].pk).logged_by == target
    assert list(pair["agreement"].parties.all()) == [target]
    assert Membership.objects.get(pk=pair["membership"].pk).organisation == target
    pair["invitation"].refresh_from_db()
    assert pair["invitation"].organisation == target


def test_merge_fills_the_targets_empty_fields_and_keeps_its_own(pair, tenant_a):
    admin = tenant_a.member(Role.ADMIN).user
    organisation_merge(
        tenant=pair["tenant"], actor=admin, source=pair["source"], target=pair["target"]
    )
    target = Organisation.objects.get(pk=pair["target"].pk)
    # empty before: taken over
    assert target.kvk_number == "12345678"
    assert target.website == "https://hondsrug.example.nl"
    assert target.recognised_training_company is True
    assert target.sbb_number == "100200"
    # its own: kept
    assert target.name == "Hondsrug Precisietechniek BV"
    assert target.municipality == "Klazienaveen"
    # lists joined without doubles
    assert target.tags == ["stage", "cnc", "metaal"]
    assert set(target.sectors.all()) == set(pair["sectors"])


def test_merge_recomputes_last_contact_from_the_contact_log(pair, tenant_a):
    admin = tenant_a.member(Role.ADMIN).user
    organisation_merge(
        tenant=pair["tenant"], actor=admin, source=pair["source"], target=pair["target"]
    )
    assert Organisation.objects.get(pk=pair["target"].pk).last_contact_on == datetime.date(
        2026, 3, 1
    )


def test_merge_is_audited_with_counts(pair, tenant_a):
    # when an admin merges
    admin = tenant_a.member(Role.ADMIN).user
    organisation_merge(
        tenant=pair["tenant"], actor=admin, source=pair["source"], target=pair["target"]
    )

    # then one event on the target says what was merged and how much moved
    event = AuditEvent.objects.for_tenant(pair["tenant"]).get(action="organisation.merge")
    assert event.actor == admin
    assert event.target_id == str(pair["target"].pk)
    assert event.changes["merged"] == ["Hondsrug Precisie B.V.", "Hondsrug Precisietechniek BV"]
    assert event.changes["partnerships.contact.organisation"] == [None, 2]
    assert event.changes["partnerships.interaction.organisations"] == [None, 2]
    assert event.changes["partnerships.interaction.logged_by"] == [None, 1]
    assert event.changes["partnerships.agreement.parties"] == [None, 1]
    assert event.changes["portal.membership.organisation"] == [None, 1]
    assert event.changes["kvk_number"] == [None, "12345678"]


def test_merging_into_itself_is_refused(pair, tenant_a):
    admin = tenant_a.member(Role.ADMIN).user
    with pytest.raises(ValidationError):
        organisation_merge(
            tenant=pair["tenant"], actor=admin, source=pair["source"], target=pair["source"]
        )
    assert Organisation.objects.filter(pk=pair["source"].pk).exists()


def test_merge_across_tenants_is_impossible(pair, tenant_a, tenant_b):
    admin = tenant_a.member(Role.ADMIN).user
    with pytest.raises(Organisation.DoesNotExist):
        organisation_merge(
            tenant=pair["tenant"], actor=admin, source=pair["source"], target=tenant_b.company
        )
    assert Organisation.objects.filter(pk=pair["source"].pk).exists()
    assert pair["source"].contacts.count() == 2


def test_relations_are_found_through_the_registry():
    # every foreign key and many-to-many field to Organisation, including import rows'
    keys = {relation.key for relation in organisation_relations()}
    assert {
        "partnerships.contact.organisation",
        "partnerships.interaction.logged_by",
        "partnerships.interaction.organisations",
        "partnerships.agreement.parties",
        "portal.membership.organisation",
        "portal.invitation.organisation",
        "partnerships.importrow.merge_into",
    } <= keys


def test_a_pending_import_choice_follows_the_merge(pair, tenant_a):
    # given an import row that would merge into the source
    row = ImportRowFactory(job__tenant=pair["tenant"], merge_into=pair["source"], decision="merge")

    # when the source is merged away
    organisation_merge(
        tenant=pair["tenant"],
        actor=tenant_a.member(Role.ADMIN).user,
        source=pair["source"],
        target=pair["target"],
    )

    # then the row merges into the target
    row.refresh_from_db()
    assert row.merge_into_id == pair["target"].pk


# --- the page ---------------------------------------------------------------------------------


def merge_url(tenant, organisation) -> str:
    return reverse("organisation_merge", args=[tenant.slug, organisation.pk])


def english_client(client_for, membership):
    client = client_for(membership)
    client.cookies["portal_language"] = "en"
    return client


def test_page_suggests_likely_duplicates_and_searches(pair, tenant_a, client_for):
    client = english_client(client_for, tenant_a.member(Role.ADMIN))
    response = client.get(merge_url(pair["tenant"], pair["source"]))
    assert response.status_code == 200
    assert pair["target"] in response.context["suggestions"]
    searched = client.get(merge_url(pair["tenant"], pair["source"]) + "?q=Verband")
    assert tenant_a.company in searched.context["results"]
    assert pair["source"] not in searched.context["results"]


def test_confirmation_shows_what_moves(pair, tenant_a, client_for):
    # when the admin chooses the target
    client = english_client(client_for, tenant_a.member(Role.ADMIN))
    response = client.get(
        merge_url(pair["tenant"], pair["source"]) + f"?target={pair['target'].pk}"
    )

    # then the page lists the counts, and nothing has moved yet
    assert response.status_code == 200
    lines = {line.label: line.count for line in response.context["lines"]}
    assert lines == {
        "Agreements": 1,
        "Contacts": 2,
        "Interactions this organisation logged": 1,
        "Interactions with this organisation": 2,
        "Invitations for this organisation": 1,
        "Members whose organisation it is": 1,
    }
    assert lines == {
        line.label: line.count
        for line in organisation_merge_preview(
            tenant=pair["tenant"], source=pair["source"], target=pair["target"]
        )
    }
    assert Organisation.objects.filter(pk=pair["source"].pk).exists()


def test_posting_the_confirmation_merges(pair, tenant_a, client_for):
    client = english_client(client_for, tenant_a.member(Role.ADMIN))
    response = client.post(merge_url(pair["tenant"], pair["source"]), {"target": pair["target"].pk})
    assert response.status_code == 302
    assert not Organisation.objects.filter(pk=pair["source"].pk).exists()
    assert pair["target"].contacts.count() == 2


def test_page_refuses_merging_into_itself(pair, tenant_a, client_for):
    client = english_client(client_for, tenant_a.member(Role.ADMIN))
    response = client.post(merge_url(pair["tenant"], pair["source"]), {"target": pair["source"].pk})
    assert response.status_code == 400
    assert "cannot be merged into itself" in " ".join(response.context["form"].errors["target"])
    assert Organisation.objects.filter(pk=pair["source"].pk).exists()


def test_target_of_another_tenant_is_not_found(pair, tenant_a, tenant_b, client_for):
    client = client_for(tenant_a.member(Role.ADMIN))
    url = merge_url(pair["tenant"], pair["source"])
    assert client.get(url + f"?target={tenant_b.company.pk}").status_code == 404
    assert client.post(url, {"target": tenant_b.company.pk}).status_code == 404
    assert Organisation.objects.filter(pk=pair["source"].pk).exists()
    assert Organisation.objects.filter(pk=tenant_b.company.pk).exists()


@pytest.mark.parametrize("role", [Role.RELATIONS, Role.LEAD, Role.COMPANY, Role.FUNDER])
def test_only_the_programme_office_merges(role, pair, tenant_a, client_for):
    client = client_for(tenant_a.member(role))
    response = client.post(merge_url(pair["tenant"], pair["source"]), {"target": pair["target"].pk})
    assert response.status_code == 403
    assert Organisation.objects.filter(pk=pair["source"].pk).exists()
