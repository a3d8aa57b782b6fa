"""Agreements: the list and its filters, create and edit with the PDF checks, the download."""

from __future__ import annotations

import datetime

import pytest
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from partnerships.models import Agreement
from partnerships.services.agreements import MAX_DOCUMENT_SIZE, agreement_update
from partnerships.tests.factories import AgreementFactory, OrganisationFactory
from portal.models import AuditEvent
from portal.roles import Role

PDF = b"%PDF-1.7\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"


@pytest.fixture
def english(client_for):
    def make(membership):
        client = client_for(membership)
        client.cookies["portal_language"] = "en"
        return client

    return make


def form_data(tenant_world, **changes) -> dict:
    data = {
        "kind": Agreement.Kind.COVENANT,
        "title": "Convenant Techniekpact Zuidoost-Drenthe",
        "parties": [tenant_world.school.pk, tenant_world.company.pk],
        "starts_on": "2026-01-01",
        "ends_on": "2028-12-31",
        "goals": "Meer stageplaatsen in de techniek.",
        "status": Agreement.Status.ACTIVE,
        "remind_days_before_end": "90",
    }
    return data | changes


def create_url(tenant) -> str:
    return reverse("agreement_create", args=[tenant.slug])


# --- create -----------------------------------------------------------------------------------


def test_create_with_a_pdf(tenant_a, english):
    # given a relationship manager with a signed covenant as PDF
    client = english(tenant_a.member(Role.RELATIONS))
    document = SimpleUploadedFile("getekend.pdf", PDF, content_type="application/pdf")

    # when they enter it
    response = client.post(create_url(tenant_a.tenant), form_data(tenant_a, document=document))

    # then it is saved with its parties and document, and audited
    assert response.status_code == 302
    agreement = Agreement.objects.for_tenant(tenant_a.tenant).get()
    assert set(agreement.parties.all()) == {tenant_a.school, tenant_a.company}
    assert agreement.ends_on == datetime.date(2028, 12, 31)
    assert agreement.remind_days_before_end == 90
    assert agreement.created_by == tenant_a.member(Role.RELATIONS).user
    assert agreement.document.name.endswith(".pdf")
    assert "getekend" not in agreement.document.name
    with agreement.document.open("rb") as stored:
        assert stored.read() == PDF
    event = AuditEvent.objects.for_tenant(tenant_a.tenant).get(action="agreement.create")
    assert event.changes["document"] == [None, True]


def test_end_before_start_is_a_form_error(tenant_a, english):
    client = english(tenant_a.member(Role.ADMIN))
    response = client.post(
        create_url(tenant_a.tenant),
        form_data(tenant_a, starts_on="2026-06-01", ends_on="2026-05-31"),
    )
    assert response.status_code == 400
    assert response.context["form"].errors["ends_on"] == ["The end cannot be before the start."]
    assert not Agreement.objects.for_tenant(tenant_a.tenant).exists()


@pytest.mark.parametrize(
    ("name", "content", "content_type", "message"),
    [
        ("covenant.pdf", b"<html>not a pdf</html>", "application/pdf", "not a PDF"),
        ("covenant.pdf", b"PK\x03\x04 a zip calling itself pdf", "application/pdf", "not a PDF"),
        ("scan.pdf", b" %PDF-1.4 leading space", "application/pdf", "not a PDF"),
        (
            "groot.pdf",
            b"%PDF-1.7\n" + b"0" * MAX_DOCUMENT_SIZE,
            "application/pdf",
            "larger than 10 MB",
        ),
    ],
)
def test_wrong_or_too_large_document_is_refused(
    name, content, content_type, message, tenant_a, english
):
    # given an upload that is not a PDF by its bytes, or is too large
    client = english(tenant_a.member(Role.ADMIN))
    document = SimpleUploadedFile(name, content, content_type=content_type)

    # when it is posted
    response = client.post(create_url(tenant_a.tenant), form_data(tenant_a, document=document))

    # then the form says why and nothing is saved
    assert response.status_code == 400
    assert message in " ".join(response.context["form"].errors["document"])
    assert not Agreement.objects.for_tenant(tenant_a.tenant).exists()


def test_a_pdf_of_exactly_ten_megabytes_is_accepted(tenant_a, english):
    client = english(tenant_a.member(Role.ADMIN))
    content = b"%PDF-" + b"0" * (MAX_DOCUMENT_SIZE - 5)
    document = SimpleUploadedFile("precies.pdf", content, content_type="application/pdf")
    response = client.post(create_url(tenant_a.tenant), form_data(tenant_a, document=document))
    assert response.status_code == 302
    assert Agreement.objects.for_tenant(tenant_a.tenant).get().document.size == MAX_DOCUMENT_SIZE


def test_parties_of_another_tenant_cannot_be_chosen(tenant_a, tenant_b, english):
    client = english(tenant_a.member(Role.ADMIN))
    response = client.post(
        create_url(tenant_a.tenant), form_data(tenant_a, parties=[tenant_b.company.pk])
    )
    assert response.status_code == 400
    assert "parties" in response.context["form"].errors
    assert not Agreement.objects.exists()


@pytest.mark.parametrize(
    ("role", "status"), [(Role.LEAD, 403), (Role.COMPANY, 403), (Role.FUNDER, 403)]
)
def test_only_editors_create(role, status, tenant_a, client_for):
    response = client_for(tenant_a.member(role)).post(
        create_url(tenant_a.tenant), form_data(tenant_a)
    )
    assert response.status_code == status
    assert not Agreement.objects.exists()


# --- edit -------------------------------------------------------------------------------------


def test_relationship_manager_edits_only_agreements_of_their_organisation(tenant_a, client_for):
    # given an agreement between other organisations, and one their school is a party to
    other = AgreementFactory(tenant=tenant_a.tenant)
    other.parties.set([OrganisationFactory(tenant=tenant_a.tenant)])
    own = AgreementFactory(tenant=tenant_a.tenant)
    own.parties.set([tenant_a.school])
    client = client_for(tenant_a.member(Role.RELATIONS))

    # then only their own is theirs to change
    assert (
        client.get(reverse("agreement_edit", args=[tenant_a.tenant.slug, other.pk])).status_code
        == 403
    )
    assert (
        client.get(reverse("agreement_edit", args=[tenant_a.tenant.slug, own.pk])).status_code
        == 200
    )


def test_edit_replaces_the_document_and_rearms_the_reminder(
    tenant_a, english, django_capture_on_commit_callbacks
):
    # given an agreement whose reminder went out, with a document
    agreement = AgreementFactory(tenant=tenant_a.tenant, reminder_sent_at=timezone.now())
    agreement.parties.set([tenant_a.school])
    agreement.document.save("old.pdf", ContentFile(PDF), save=True)
    old_name = agreement.document.name
    client = english(tenant_a.member(Role.ADMIN))
    new_pdf = PDF.replace(b"Catalog", b"Catalog /Lang (nl)")

    # when it is extended by a year with a new PDF (the old file goes once that is committed)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("agreement_edit", args=[tenant_a.tenant.slug, agreement.pk]),
            form_data(
                tenant_a,
                parties=[tenant_a.school.pk],
                starts_on="2026-01-01",
                ends_on="2028-12-31",
                document=SimpleUploadedFile(
                    "verlengd.pdf", new_pdf, content_type="application/pdf"
                ),
            ),
        )

    # then the new end and PDF are saved, the old file is gone, the reminder will go out again
    assert response.status_code == 302, response.context["form"].errors
    agreement.refresh_from_db()
    assert agreement.ends_on == datetime.date(2028, 12, 31)
    assert agreement.reminder_sent_at is None
    with agreement.document.open("rb") as stored:
        assert stored.read() == new_pdf
    assert not agreement.document.storage.exists(old_name)
    event = AuditEvent.objects.for_tenant(tenant_a.tenant).get(action="agreement.update")
    assert event.changes["ends_on"] == ["2027-12-31", "2028-12-31"]
    assert event.changes["document"] == [True, True]


def test_a_refused_edit_changes_nothing(tenant_a, english):
    agreement = AgreementFactory(tenant=tenant_a.tenant, title="Oud")
    agreement.parties.set([tenant_a.school])
    client = english(tenant_a.member(Role.ADMIN))
    response = client.post(
        reverse("agreement_edit", args=[tenant_a.tenant.slug, agreement.pk]),
        form_data(
            tenant_a,
            title="Nieuw",
            document=SimpleUploadedFile("x.pdf", b"GIF89a", content_type="application/pdf"),
        ),
    )
    assert response.status_code == 400
    agreement.refresh_from_db()
    assert agreement.title == "Oud"
    assert not agreement.document


def test_service_refuses_end_before_start_and_foreign_parties(tenant_a, tenant_b):
    from django.core.exceptions import ValidationError

    agreement = AgreementFactory(tenant=tenant_a.tenant)
    agreement.parties.set([tenant_a.school])
    admin = tenant_a.member(Role.ADMIN).user
    with pytest.raises(ValidationError):
        agreement_update(
            tenant=tenant_a.tenant,
            actor=admin,
            agreement=agreement,
            ends_on=datetime.date(2020, 1, 1),
        )
    with pytest.raises(ValidationError):
        agreement_update(
            tenant=tenant_a.tenant, actor=admin, agreement=agreement, parties=[tenant_b.company]
        )
    agreement.refresh_from_db()
    assert agreement.ends_on == datetime.date(2027, 12, 31)
    assert list(agreement.parties.all()) == [tenant_a.school]


# --- list and detail --------------------------------------------------------------------------


def list_url(tenant, query: str = "") -> str:
    return reverse("agreement_list", args=[tenant.slug]) + query


def test_list_filters_by_status_kind_and_end(tenant_a, client_for):
    # given agreements of different status, kind and end
    today = timezone.localdate()
    soon = AgreementFactory(
        tenant=tenant_a.tenant,
        title="Eindigt binnenkort",
        ends_on=today + datetime.timedelta(days=20),
    )
    later = AgreementFactory(
        tenant=tenant_a.tenant,
        title="Eindigt later",
        kind=Agreement.Kind.SPONSORING,
        ends_on=today + datetime.timedelta(days=200),
    )
    ended = AgreementFactory(
        tenant=tenant_a.tenant,
        title="Afgelopen",
        status=Agreement.Status.ENDED,
        starts_on=today - datetime.timedelta(days=400),
        ends_on=today - datetime.timedelta(days=5),
    )
    AgreementFactory(tenant=tenant_a.tenant, title="Onbepaalde tijd", ends_on=None)
    client = client_for(tenant_a.member(Role.LEAD))

    def titles(query):
        return {a.title for a in client.get(list_url(tenant_a.tenant, query)).context["page"]}

    # then each filter narrows the list as asked
    assert titles("?ending_within=30") == {soon.title}
    assert titles("?ending_within=365") == {soon.title, later.title}
    assert titles("?status=ended") == {ended.title}
    assert titles("?kind=sponsoring") == {later.title}
    assert len(titles("")) == 4
    assert len(titles("?status=nonsense&ending_within=abc")) == 4


def test_list_shows_own_tenant_only(tenant_a, tenant_b, client_for):
    AgreementFactory(tenant=tenant_b.tenant, title="Van een ander verband")
    AgreementFactory(tenant=tenant_a.tenant, title="Van ons")
    response = client_for(tenant_a.member(Role.ADMIN)).get(list_url(tenant_a.tenant))
    assert "Van ons" in response.content.decode()
    assert "Van een ander verband" not in response.content.decode()


def count_queries(client, url: str) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries)


def test_list_query_count_is_constant(tenant_a, client_for):
    # given a few agreements, each with parties and a creator
    client = client_for(tenant_a.member(Role.ADMIN))
    url = list_url(tenant_a.tenant)

    def make(count):
        for _ in range(count):
            agreement = AgreementFactory(
                tenant=tenant_a.tenant, created_by=tenant_a.member(Role.RELATIONS).user
            )
            agreement.parties.set(OrganisationFactory.create_batch(2, tenant=tenant_a.tenant))

    make(4)
    client.get(url)
    few = count_queries(client, url)

    # when there are three times as many
    make(8)
    many = count_queries(client, url)

    # then the page needs the same number of queries
    assert Agreement.objects.for_tenant(tenant_a.tenant).count() == 12
    assert many == few


def test_detail_shows_the_agreement(tenant_a, english):
    agreement = AgreementFactory(tenant=tenant_a.tenant, goals="Twintig stageplaatsen per jaar")
    agreement.parties.set([tenant_a.school, tenant_a.company])
    response = english(tenant_a.member(Role.LEAD)).get(
        reverse("agreement_detail", args=[tenant_a.tenant.slug, agreement.pk])
    )
    content = response.content.decode()
    assert response.status_code == 200
    assert "Twintig stageplaatsen per jaar" in content
    assert tenant_a.school.name in content and tenant_a.company.name in content
    assert "none uploaded" in content


# --- the document -----------------------------------------------------------------------------


def document_url(tenant, agreement) -> str:
    return reverse("agreement_document", args=[tenant.slug, agreement.pk])


def test_document_download_has_the_right_headers_and_is_audited(tenant_a, client_for):
    # given an agreement with its PDF
    agreement = AgreementFactory(tenant=tenant_a.tenant, title="Convenant Techniek 2026")
    agreement.document.save("x.pdf", ContentFile(PDF), save=True)
    lead = tenant_a.member(Role.LEAD)

    # when a lead downloads it
    response = client_for(lead).get(document_url(tenant_a.tenant, agreement))

    # then it is the PDF, as an attachment named after the agreement, not cached
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == PDF
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == 'attachment; filename="convenant-techniek-2026.pdf"'
    assert response["X-Content-Type-Options"] == "nosniff"
    assert "no-store" in response["Cache-Control"]
    event = AuditEvent.objects.for_tenant(tenant_a.tenant).get(action="agreement.document_download")
    assert (event.actor, event.target_id) == (lead.user, str(agreement.pk))


@pytest.mark.parametrize("role", [Role.COMPANY, Role.FUNDER])
def test_document_only_for_members_who_see_the_crm(role, tenant_a, client_for):
    agreement = AgreementFactory(tenant=tenant_a.tenant)
    agreement.document.save("x.pdf", ContentFile(PDF), save=True)
    response = client_for(tenant_a.member(role)).get(document_url(tenant_a.tenant, agreement))
    assert response.status_code == 403
    assert not AuditEvent.objects.filter(action="agreement.document_download").exists()


def test_no_document_is_not_found(tenant_a, client_for):
    agreement = AgreementFactory(tenant=tenant_a.tenant)
    response = client_for(tenant_a.member(Role.ADMIN)).get(document_url(tenant_a.tenant, agreement))
    assert response.status_code == 404
