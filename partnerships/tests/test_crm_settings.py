"""The CRM settings page: the programme office keeps the sector list and decides after how
many months without contact an active partner counts as dormant."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from partnerships.models import PartnershipSettings, Sector
from partnerships.selectors.settings import months_before
from partnerships.services.organisations import crm_settings_update
from partnerships.tests.factories import OrganisationFactory, SectorFactory
from portal.models import AuditEvent
from portal.roles import Role


def english(client: Client) -> Client:
    client.cookies["portal_language"] = "en"
    return client


def settings_url(tenant) -> str:
    return reverse("crm_settings", args=[tenant.slug])


def sector_names(tenant) -> list[str]:
    return list(Sector.objects.for_tenant(tenant).values_list("name", flat=True))


@pytest.fixture
def admin(tenant_a, client_for):
    return english(client_for(tenant_a.member(Role.ADMIN)))


@pytest.mark.parametrize(
    ("role", "status"),
    [
        (Role.ADMIN, 200),
        (Role.LEAD, 403),
        (Role.RELATIONS, 403),
        (Role.COMPANY, 403),
        (Role.FUNDER, 403),
    ],
)
def test_settings_are_for_the_programme_office(role, status, tenant_a, client_for):
    # when a member in a role opens the CRM settings
    response = client_for(tenant_a.member(role)).get(settings_url(tenant_a.tenant))

    # then only the programme office gets in
    assert response.status_code == status


def test_relations_cannot_post_settings(tenant_a, client_for):
    # when a relationship manager posts a sector
    response = client_for(tenant_a.member(Role.RELATIONS)).post(
        settings_url(tenant_a.tenant), {"action": "sector_add", "sector-name": "Ruimtevaart"}
    )

    # then it is refused and nothing changed
    assert response.status_code == 403
    assert "Ruimtevaart" not in sector_names(tenant_a.tenant)


# --- dormancy ---------------------------------------------------------------------------------


def test_dormancy_setting_is_created_when_missing_and_audited(tenant_a, admin):
    # given a tenant without a settings row
    PartnershipSettings.objects.for_tenant(tenant_a.tenant).delete()

    # when the admin sets 18 months
    response = admin.post(
        settings_url(tenant_a.tenant), {"action": "dormancy", "dormancy-dormant_after_months": "18"}
    )

    # then the row exists with 18 months and the change is recorded
    assert response.status_code == 302
    assert PartnershipSettings.objects.for_tenant(tenant_a.tenant).get().dormant_after_months == 18
    event = AuditEvent.objects.for_tenant(tenant_a.tenant).get(action="crm_settings.update")
    assert event.changes == {"dormant_after_months": [12, 18]}


def test_dormancy_setting_changes_the_derived_status(tenant_a, admin, client_for):
    # given an active partner last contacted 14 months ago (dormant after the default 12)
    today = timezone.localdate()
    OrganisationFactory(
        tenant=tenant_a.tenant,
        name="Slapend BV",
        status="active",
        last_contact_on=months_before(today, 14),
    )
    list_url = reverse("organisation_list", args=[tenant_a.tenant.slug]) + "?status=dormant"
    before = [o.name for o in admin.get(list_url).context["page"].object_list]

    # when the admin sets 24 months
    admin.post(
        settings_url(tenant_a.tenant), {"action": "dormancy", "dormancy-dormant_after_months": "24"}
    )

    # then it no longer counts as dormant
    after = [o.name for o in admin.get(list_url).context["page"].object_list]
    assert "Slapend BV" in before
    assert "Slapend BV" not in after


@pytest.mark.parametrize("months", ["0", "121", "twaalf", ""])
def test_invalid_dormancy_is_a_field_error(months, tenant_a, admin):
    # when the admin posts an impossible number of months
    response = admin.post(
        settings_url(tenant_a.tenant),
        {"action": "dormancy", "dormancy-dormant_after_months": months},
    )

    # then the form says so and nothing changed
    assert response.status_code == 400
    assert "dormant_after_months" in response.context["dormancy_form"].errors
    assert all(
        s.dormant_after_months == 12
        for s in PartnershipSettings.objects.for_tenant(tenant_a.tenant)
    )
    assert (
        not AuditEvent.objects.for_tenant(tenant_a.tenant)
        .filter(action="crm_settings.update")
        .exists()
    )


def test_service_refuses_impossible_months(tenant_a):
    with pytest.raises(ValidationError) as error:
        crm_settings_update(
            tenant=tenant_a.tenant, actor=tenant_a.member(Role.ADMIN).user, dormant_after_months=0
        )

    assert "dormant_after_months" in error.value.message_dict


# --- sectors ----------------------------------------------------------------------------------


def test_admin_adds_a_sector_that_organisations_can_then_get(tenant_a, admin, client_for):
    # when the admin adds a sector
    response = admin.post(
        settings_url(tenant_a.tenant), {"action": "sector_add", "sector-name": "  Ruimtevaart  "}
    )

    # then it is in the tenant's list, offered on the organisation form, and audited
    assert response.status_code == 302
    assert "Ruimtevaart" in sector_names(tenant_a.tenant)
    form = client_for(tenant_a.member(Role.RELATIONS)).get(
        reverse("organisation_create", args=[tenant_a.tenant.slug])
    )
    assert "Ruimtevaart" in form.content.decode()
    assert AuditEvent.objects.for_tenant(tenant_a.tenant).filter(action="sector.create").exists()


def test_a_sector_name_is_taken_whatever_its_case(tenant_a, tenant_b, admin):
    # given sector "ICT" in A, and "Ruimtevaart" in B
    SectorFactory(tenant=tenant_a.tenant, name="ICT")
    SectorFactory(tenant=tenant_b.tenant, name="Ruimtevaart")

    # when the admin adds "ict", and "Ruimtevaart"
    taken = admin.post(
        settings_url(tenant_a.tenant), {"action": "sector_add", "sector-name": "ict"}
    )
    free = admin.post(
        settings_url(tenant_a.tenant), {"action": "sector_add", "sector-name": "Ruimtevaart"}
    )

    # then "ict" is a field error, and B's sector names do not matter in A
    assert taken.status_code == 400
    assert taken.context["sector_form"].errors["name"] == ["There is already a sector called ict."]
    assert sector_names(tenant_a.tenant).count("ICT") == 1
    assert free.status_code == 302


def test_admin_renames_a_sector(tenant_a, admin):
    # given a sector used by an organisation
    sector = SectorFactory(tenant=tenant_a.tenant, name="Olie en gas")
    tenant_a.company.sectors.set([sector])

    # when the admin renames it
    response = admin.post(
        settings_url(tenant_a.tenant),
        {"action": "sector_rename", "sector": sector.pk, "name": "Energie en gas"},
    )

    # then the organisation's sector has the new name, and the rename is recorded
    assert response.status_code == 302
    assert [s.name for s in tenant_a.company.sectors.all()] == ["Energie en gas"]
    event = AuditEvent.objects.for_tenant(tenant_a.tenant).get(action="sector.rename")
    assert event.changes == {"name": ["Olie en gas", "Energie en gas"]}


def test_renaming_to_a_taken_name_is_shown_at_that_sector(tenant_a, admin):
    # given two sectors
    SectorFactory(tenant=tenant_a.tenant, name="Bouw")
    sector = SectorFactory(tenant=tenant_a.tenant, name="Installatie")

    # when one is renamed to the other's name
    response = admin.post(
        settings_url(tenant_a.tenant),
        {"action": "sector_rename", "sector": sector.pk, "name": "bouw"},
    )

    # then the error is shown next to it and nothing changed
    assert response.status_code == 400
    assert f'id="rename-{sector.pk}-error"' in response.content.decode()
    sector.refresh_from_db()
    assert sector.name == "Installatie"


def test_admin_removes_a_sector(tenant_a, admin):
    # given a sector used by an organisation
    sector = SectorFactory(tenant=tenant_a.tenant, name="Biobased")
    tenant_a.company.sectors.set([sector])

    # when the admin removes it
    response = admin.post(
        settings_url(tenant_a.tenant), {"action": "sector_remove", "sector": sector.pk}
    )

    # then it is gone from the list and from the organisation, and the removal is recorded
    assert response.status_code == 302
    assert "Biobased" not in sector_names(tenant_a.tenant)
    assert not tenant_a.company.sectors.exists()
    event = AuditEvent.objects.for_tenant(tenant_a.tenant).get(action="sector.delete")
    assert event.changes == {"name": ["Biobased", None], "organisations": [1, 0]}


@pytest.mark.parametrize("action", ["sector_remove", "sector_rename"])
def test_another_tenants_sector_is_not_found(action, tenant_a, tenant_b, admin):
    # given a sector of B
    foreign = SectorFactory(tenant=tenant_b.tenant, name="Van B")

    # when A's admin removes or renames it through A's page
    response = admin.post(
        settings_url(tenant_a.tenant), {"action": action, "sector": foreign.pk, "name": "Gekaapt"}
    )

    # then it does not exist for them and nothing changed
    assert response.status_code == 404
    foreign.refresh_from_db()
    assert foreign.name == "Van B"


@pytest.mark.parametrize("data", [{}, {"action": "drop_tables"}])
def test_unknown_action_is_a_400(data, tenant_a, admin):
    response = admin.post(settings_url(tenant_a.tenant), data)

    assert response.status_code == 400


def test_settings_page_lists_sectors_with_their_use(tenant_a, admin):
    # given a sector used by two organisations
    sector = SectorFactory(tenant=tenant_a.tenant, name="Maakindustrie")
    tenant_a.company.sectors.set([sector])
    tenant_a.school.sectors.set([sector])

    # when the page is shown
    response = admin.get(settings_url(tenant_a.tenant))

    # then the sector is listed with its count
    [listed] = [s for s in response.context["sectors"] if s.name == "Maakindustrie"]
    assert listed.organisation_count == 2
    assert "Maakindustrie" in response.content.decode()
