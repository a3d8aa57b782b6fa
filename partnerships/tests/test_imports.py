"""Importing organisations and contacts: every awkward file, the preview with per-row
errors and duplicate choices, the all-or-nothing commit, and the pages."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils.html import escape
from django.utils.translation import gettext_lazy

from partnerships.importers import ERROR_MESSAGES
from partnerships.models import Contact, ImportJob, ImportRow, Organisation
from partnerships.services import imports as services
from partnerships.tests.factories import (
    ContactFactory,
    ImportJobFactory,
    OrganisationFactory,
    SchoolFactory,
    SectorFactory,
)
from portal.models import AuditEvent
from portal.roles import Role

FIXTURES = Path(__file__).parent / "fixtures"


def fixture(name: str) -> bytes:
    return (FIXTURES / name).read_bytes()


@pytest.fixture
def english(client_for):
    """``english(membership)``: a logged-in client that reads the portal in English."""

    def make(membership):
        client = client_for(membership)
        client.cookies["portal_language"] = "en"
        return client

    return make


def upload(client, tenant, name: str, content: bytes | None = None, **extra):
    content = fixture(name) if content is None else content
    return client.post(
        reverse("import_start", args=[tenant.slug]),
        {"file": SimpleUploadedFile(name, content), **extra},
    )


def job_from(response) -> ImportJob:
    assert response.status_code == 302, (
        getattr(response, "context", {}) and response.context["form"].errors
    )
    return ImportJob.objects.get(pk=int(response.url.rstrip("/").rsplit("/", 1)[1]))


def commit(client, tenant, job: ImportJob, **decisions):
    data = {"action": "commit"} | {f"decision-{k}": v for k, v in decisions.items()}
    return client.post(reverse("import_detail", args=[tenant.slug, job.pk]), data)


def create_job(tenant_world, name: str, content: bytes | None = None, **kwargs) -> ImportJob:
    return services.import_job_create(
        tenant=tenant_world.tenant,
        actor=tenant_world.member(Role.ADMIN).user,
        file_name=name,
        content=fixture(name) if content is None else content,
        **kwargs,
    )


# --- the awkward files, end to end through the pages ------------------------------------------


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        (
            "utf8.csv",
            {
                "Café Bouwtechniek Emmen BV": ("company", "12345678", "", "Anouk de Vries"),
                "Hogeschool Noorderlicht": ("school", "", "21AB", "Jeroen Müller"),
                "Smederij Ter Apel, Van Dijk & Zn": ("company", "87654321", "", None),
            },
        ),
        (
            "utf8_bom.csv",
            {
                "Brasserie Bouwtechniek Emmen BV": ("company", "12345678", "", "Anouk de Vries"),
                "Hogeschool Noorderlicht": ("school", "", "21AB", "Jeroen Müller"),
                "Smederij Ter Apel, Van Dijk & Zn": ("company", "87654321", "", None),
            },
        ),
        (
            "cp1252_semicolon.csv",
            {
                "Zuivelfabriek Hoogeveen BV": ("company", "11223344", "", "Renée Jansen"),
                "Café De Brëdervoort": ("company", "22334455", "", "Chloë Bakker"),
                "Müller Techniek": ("company", "33445566", "", "Jürgen Müller"),
            },
        ),
        (
            "english_headers.csv",
            {
                "Northern Robotics Ltd": ("company", "44556677", "", "Sam Smith"),
                "Drenthe Vocational Institute": ("school", "", "", None),
            },
        ),
        (
            "dutch_headers.xlsx",
            {
                "Veenkoloniale Machinebouw BV": ("company", "56781234", "", "Marloes Smit"),
                "Noorder Zorggroep": ("company", "67812345", "", "Fatima el Amrani"),
                "ROC Zuidoost-Drenthe": ("school", "", "", None),
            },
        ),
    ],
)
def test_real_world_file_is_previewed_and_imported(name, expected, tenant_a, english):
    # given a relationship manager, the sectors the workbook names, and a real-world file
    SectorFactory(tenant=tenant_a.tenant, name="Maakindustrie")
    SectorFactory(tenant=tenant_a.tenant, name="Zorg")
    client = english(tenant_a.member(Role.RELATIONS))
    before = set(Organisation.objects.for_tenant(tenant_a.tenant).values_list("pk", flat=True))

    # when they upload it
    job = job_from(upload(client, tenant_a.tenant, name))
    preview = client.get(reverse("import_detail", args=[tenant_a.tenant.slug, job.pk]))

    # then the preview lists every row without errors, and nothing is imported yet
    assert preview.status_code == 200
    assert job.status == ImportJob.Status.PREVIEWED
    assert (job.total_rows, job.error_rows) == (len(expected), 0)
    for organisation_name in expected:
        assert escape(organisation_name) in preview.content.decode()
    assert not Organisation.objects.for_tenant(tenant_a.tenant).exclude(pk__in=before).exists()

    # when they confirm
    response = commit(client, tenant_a.tenant, job)

    # then every organisation and contact is there, spelled as in the file
    assert response.status_code == 302
    job.refresh_from_db()
    assert job.status == ImportJob.Status.DONE
    created = Organisation.objects.for_tenant(tenant_a.tenant).exclude(pk__in=before)
    found = {}
    for organisation in created:
        contact = organisation.contacts.first()
        found[organisation.name] = (
            organisation.kind,
            organisation.kvk_number,
            organisation.brin_code,
            contact.name if contact else None,
        )
    assert found == expected
    assert job.counts["organisations_created"] == len(expected)


def test_xlsx_values_reach_the_profile(tenant_a):
    # given the tenant's sectors
    machines = SectorFactory(tenant=tenant_a.tenant, name="Maakindustrie")
    SectorFactory(tenant=tenant_a.tenant, name="Zorg")

    # when the workbook is imported
    job = create_job(tenant_a, "dutch_headers.xlsx")
    services.import_job_commit(
        tenant=tenant_a.tenant, actor=tenant_a.member(Role.ADMIN).user, job=job
    )

    # then the yes/no column, the sector and the contact's phone are saved
    organisation = Organisation.objects.for_tenant(tenant_a.tenant).get(
        name="Veenkoloniale Machinebouw BV"
    )
    assert organisation.recognised_training_company is True
    assert list(organisation.sectors.all()) == [machines]
    assert organisation.municipality == "Veendam"
    assert organisation.contacts.get().phone == "0598-112233"


def test_english_headers_fill_website_and_province(tenant_a):
    job = create_job(tenant_a, "english_headers.csv")
    services.import_job_commit(
        tenant=tenant_a.tenant, actor=tenant_a.member(Role.ADMIN).user, job=job
    )
    robotics = Organisation.objects.for_tenant(tenant_a.tenant).get(name="Northern Robotics Ltd")
    assert robotics.website == "https://www.northernrobotics.example.com"
    assert robotics.province == "drenthe"
    assert robotics.contacts.get().function == "Recruiter"


# --- files that are refused -------------------------------------------------------------------


def test_unknown_columns_refuse_the_file_and_list_the_accepted_names(tenant_a, english):
    # given a file with columns the import does not know
    client = english(tenant_a.member(Role.RELATIONS))

    # when it is uploaded
    response = upload(client, tenant_a.tenant, "unknown_columns.csv")

    # then it is refused: the unknown columns are named, the accepted names are on the page,
    # and nothing was stored
    assert response.status_code == 400
    errors = " ".join(response.context["form"].errors["file"])
    assert "“Omzet”" in errors and "“Opmerkingen”" in errors
    content = response.content.decode()
    assert "bedrijfsnaam" in content and "kvk-nummer" in content
    assert not ImportJob.objects.for_tenant(tenant_a.tenant).exists()


def test_unknown_columns_can_be_ignored_on_request(tenant_a, english):
    # given the same file, and the person ticks "ignore columns that are not recognised"
    client = english(tenant_a.member(Role.RELATIONS))

    # when it is uploaded
    job = job_from(
        upload(client, tenant_a.tenant, "unknown_columns.csv", ignore_unknown_columns="on")
    )
    preview = client.get(reverse("import_detail", args=[tenant_a.tenant.slug, job.pk]))

    # then the preview warns which columns are ignored, and the rest imports
    assert job.ignored_columns == ["Omzet", "Opmerkingen"]
    assert "These columns were not recognised and are ignored: Omzet, Opmerkingen" in (
        preview.content.decode()
    )
    commit(client, tenant_a.tenant, job)
    veenstra = Organisation.objects.for_tenant(tenant_a.tenant).get(
        name="Installatiebedrijf Veenstra"
    )
    assert veenstra.municipality == "Stadskanaal"


@pytest.mark.parametrize(
    ("content", "fragment"),
    [
        (b"plaats,kvk\nEmmen,12345678\n", "no column with the organisation's name"),
        (b"naam,plaats,gemeente\nAcme,Emmen,Emmen\n", "all mean"),
        (b"naam\n\x81\xe9\x81\n", "UTF-8 or Windows-1252"),
        (b"", "empty"),
    ],
)
def test_unusable_files_are_refused_with_a_message(content, fragment, tenant_a, english):
    client = english(tenant_a.member(Role.ADMIN))
    response = upload(client, tenant_a.tenant, "lijst.csv", content)
    assert response.status_code == 400
    assert fragment in " ".join(response.context["form"].errors["file"])
    assert not ImportJob.objects.for_tenant(tenant_a.tenant).exists()


# --- bad rows ---------------------------------------------------------------------------------


def test_bad_rows_are_shown_per_row_and_nothing_is_imported(tenant_a, english):
    # given a file with an invalid KvK number, an invalid BRIN code and a row without name
    client = english(tenant_a.member(Role.RELATIONS))
    before = Organisation.objects.for_tenant(tenant_a.tenant).count()

    # when it is uploaded
    job = job_from(upload(client, tenant_a.tenant, "bad_rows.csv"))
    preview = client.get(reverse("import_detail", args=[tenant_a.tenant.slug, job.pk]))

    # then the preview shows the rows with errors first, each naming its column
    assert job.error_rows == 3
    assert preview.context["show"] == "errors"
    shown = {item.row.number: item.errors for item in preview.context["preview"]}
    assert set(shown) == {3, 4, 5}
    assert shown[3][0]["column"] == "kvk"
    assert "“1234” is not a KvK number" in shown[3][0]["message"]
    assert shown[4][0]["column"] == "brin"
    assert "“XYZ” is not a valid BRIN code" in shown[4][0]["message"]
    assert shown[5][0]["column"] == "naam"
    assert escape("Fill in the organisation's name.") in preview.content.decode()
    assert "Import 4 rows" not in preview.content.decode()

    # when they try to import anyway
    response = commit(client, tenant_a.tenant, job)

    # then nothing is imported, not even the good row, and they are told why
    assert response.status_code == 302
    job.refresh_from_db()
    assert job.status == ImportJob.Status.PREVIEWED
    assert Organisation.objects.for_tenant(tenant_a.tenant).count() == before
    messages = [str(m) for m in response.wsgi_request._messages]
    assert any("3 rows have errors" in message for message in messages)


def test_row_errors_are_put_into_words_when_read_in_the_readers_language(
    tenant_a, client_for, monkeypatch
):
    # given a checked file with an invalid KvK number, its error stored as a code; the code's
    # words are swapped for a string the Dutch catalogue already has ("Dutch"/"Nederlands"),
    # so the test does not depend on translations of the new strings
    job = create_job(tenant_a, "bad_rows.csv")
    stored = ImportRow.objects.get(job=job, number=3).errors
    assert stored == [{"field": "kvk_number", "code": "kvk_invalid", "params": {"value": "1234"}}]
    monkeypatch.setitem(ERROR_MESSAGES, "kvk_invalid", gettext_lazy("Dutch"))
    client = client_for(tenant_a.member(Role.ADMIN))
    url = reverse("import_detail", args=[tenant_a.tenant.slug, job.pk])

    # when the page is read in English and then in Dutch
    client.cookies["portal_language"] = "en"
    english_page = client.get(url)
    client.cookies["portal_language"] = "nl"
    dutch_page = client.get(url)

    # then the same stored error reads in each reader's language
    def kvk_message(response):
        item = next(i for i in response.context["preview"] if i.row.number == 3)
        return item.errors[0]["message"]

    assert kvk_message(english_page) == "Dutch"
    assert kvk_message(dutch_page) == "Nederlands"


def test_repeated_email_and_conflicting_kvk_inside_the_file_are_row_errors(tenant_a):
    # given a file where two rows share an e-mail address, and one name has two KvK numbers
    content = (
        b"naam,kvk,contactpersoon,e-mail\n"
        b"Alfa BV,11111111,An,an@alfa.example.nl\n"
        b"Beta BV,22222222,Bo,an@alfa.example.nl\n"
        b"Alfa BV,33333333,,\n"
    )

    # when it is checked
    job = create_job(tenant_a, "herhaling.csv", content)

    # then the later rows carry the errors, pointing at the earlier row
    rows = {
        row.number: row for row in ImportRow.objects.for_tenant(tenant_a.tenant).filter(job=job)
    }
    assert rows[2].errors == []
    assert rows[3].errors[0]["code"] == "email_twice_in_file"
    assert rows[3].errors[0]["params"]["row"] == 2
    assert rows[4].errors[0]["code"] == "kvk_clash_in_file"
    assert job.error_rows == 2


# --- duplicates -------------------------------------------------------------------------------


@pytest.fixture
def existing(tenant_a):
    """What duplicates.csv runs into: a name, a KvK number, a BRIN code and an e-mail address."""
    tenant = tenant_a.tenant
    hondsrug = OrganisationFactory(
        tenant=tenant, name="Hondsrug Precisietechniek BV", municipality=""
    )
    same_kvk = OrganisationFactory(tenant=tenant, name="Bestaand KvK BV", kvk_number="99887766")
    school = SchoolFactory(tenant=tenant, name="Regio College Emmen", brin_code="05ZK")
    vechtdal = OrganisationFactory(tenant=tenant, name="Vechtdal Chemie BV")
    klaas = ContactFactory(
        tenant=tenant,
        organisation=vechtdal,
        name="Klaas Vaak",
        email="Klaas@vechtdal.example.nl",
        phone="",
    )
    return {
        "hondsrug": hondsrug,
        "same_kvk": same_kvk,
        "school": school,
        "vechtdal": vechtdal,
        "klaas": klaas,
    }


def test_duplicates_are_found_by_kvk_brin_email_and_near_identical_name(tenant_a, existing):
    # when duplicates.csv is checked
    job = create_job(tenant_a, "duplicates.csv")

    # then each row that looks like an existing organisation names it, and why
    rows = {
        row.number: row for row in ImportRow.objects.for_tenant(tenant_a.tenant).filter(job=job)
    }

    def first(number):
        return rows[number].candidates[0]

    assert first(2) == {"id": existing["hondsrug"].pk, "reasons": ["similar_name"]}
    assert first(3) == {"id": existing["same_kvk"].pk, "reasons": ["kvk"]}
    assert first(4) == {"id": existing["school"].pk, "reasons": ["brin"]}
    assert first(5) == {"id": existing["vechtdal"].pk, "reasons": ["email"]}
    assert first(6)["id"] == existing["vechtdal"].pk
    assert rows[7].candidates == [] and not rows[7].is_duplicate
    assert rows[8].same_as_number == 7
    assert job.duplicate_rows == 5
    # by default a likely duplicate is merged into its best match
    assert rows[3].decision == ImportRow.Decision.MERGE
    assert rows[3].merge_into_id == existing["same_kvk"].pk


def test_preview_offers_create_only_where_it_cannot_clash(tenant_a, existing, english):
    # given the checked duplicates file
    job = create_job(tenant_a, "duplicates.csv")
    client = english(tenant_a.member(Role.ADMIN))

    # when the duplicates are shown
    response = client.get(
        reverse("import_detail", args=[tenant_a.tenant.slug, job.pk]) + "?show=duplicates"
    )

    # then a same-KvK row can be merged or skipped, a similar-name row also created anyway
    choices = {item.row.number: dict(item.choices) for item in response.context["preview"]}
    assert set(choices[3]) == {f"merge:{existing['same_kvk'].pk}", "skip"}
    assert set(choices[2]) == {f"merge:{existing['hondsrug'].pk}", "create", "skip"}
    assert "Merge into Hondsrug Precisietechniek BV" in response.content.decode()
    assert "same KvK number" in response.content.decode()


def test_merge_skip_and_create_decisions_are_carried_out(tenant_a, existing, english):
    # given the checked duplicates file and the choices a person makes
    job = create_job(tenant_a, "duplicates.csv")
    client = english(tenant_a.member(Role.ADMIN))
    organisations_before = Organisation.objects.for_tenant(tenant_a.tenant).count()

    # when they merge row 2, skip row 3, create row 6 anew, keep the defaults elsewhere, commit
    response = commit(
        client,
        tenant_a.tenant,
        job,
        **{"2": f"merge:{existing['hondsrug'].pk}", "3": "skip", "6": "create"},
    )

    # then the merge filled the empty municipality and added the contact
    assert response.status_code == 302
    job.refresh_from_db()
    assert job.status == ImportJob.Status.DONE
    hondsrug = Organisation.objects.get(pk=existing["hondsrug"].pk)
    assert hondsrug.municipality == "Emmen"
    assert list(hondsrug.contacts.values_list("name", flat=True)) == ["Piet Hein"]
    # the skipped row left the same-KvK organisation alone
    assert Organisation.objects.get(pk=existing["same_kvk"].pk).municipality == "Emmen"
    assert (
        not Organisation.objects.for_tenant(tenant_a.tenant)
        .filter(name="Andere Naam Zelfde KvK")
        .exists()
    )
    # the BRIN row merged into the school; the e-mail row found Klaas and kept one of him
    assert (
        Contact.objects.for_tenant(tenant_a.tenant)
        .filter(email__iexact="klaas@vechtdal.example.nl")
        .count()
        == 1
    )
    # "create anyway" made a new organisation beside the similar one
    assert (
        Organisation.objects.for_tenant(tenant_a.tenant)
        .filter(name="Vechtdal Chemie B.V.")
        .exists()
    )
    # two rows of one new organisation: one organisation, two contacts
    nieuw = Organisation.objects.for_tenant(tenant_a.tenant).get(name="Geheel Nieuw BV")
    assert sorted(nieuw.contacts.values_list("name", flat=True)) == ["Ans Nieuw", "Bert Nieuw"]
    assert Organisation.objects.for_tenant(tenant_a.tenant).count() == organisations_before + 2
    # and the rows, with their personal data, are not kept once imported
    assert not ImportRow.objects.filter(job=job).exists()
    assert job.counts == {
        "organisations_created": 2,
        "organisations_merged": 3,
        "contacts_created": 3,
        "contacts_updated": 0,
        "rows_skipped": 1,
    }


def test_commit_is_audited_once_with_counts_and_per_organisation(tenant_a, existing):
    # given a checked file
    admin = tenant_a.member(Role.ADMIN).user
    job = create_job(tenant_a, "duplicates.csv")

    # when it is imported
    services.import_job_commit(tenant=tenant_a.tenant, actor=admin, job=job)

    # then there is one summary event with the counts, and one per created organisation
    events = AuditEvent.objects.for_tenant(tenant_a.tenant)
    summary = events.get(action="import.commit")
    assert summary.actor == admin
    assert summary.target_id == str(job.pk)
    assert summary.changes["organisations_created"] == [None, 1]
    created = events.filter(action="organisation.create")
    assert [event.target_repr for event in created] == ["Geheel Nieuw BV"]
    assert created.get().changes["import"] == [None, job.pk]
    update = events.get(action="organisation.update", target_id=str(existing["hondsrug"].pk))
    assert update.changes["municipality"] == [None, "Emmen"]


def test_a_choice_that_was_not_offered_is_refused(tenant_a, existing, english):
    # given the duplicates file, and another organisation of the tenant that is no candidate
    job = create_job(tenant_a, "duplicates.csv")
    client = english(tenant_a.member(Role.ADMIN))
    url = reverse("import_detail", args=[tenant_a.tenant.slug, job.pk])

    # when someone posts "create" for a same-KvK row, or a merge into an unrelated organisation
    refused_create = client.post(url, {"action": "save", "decision-3": "create"})
    refused_merge = client.post(
        url, {"action": "save", "decision-2": f"merge:{tenant_a.school.pk}"}
    )

    # then both are refused and the rows keep their decision
    for response in (refused_create, refused_merge):
        assert response.status_code == 302
        assert any("choose one of the options" in str(m) for m in response.wsgi_request._messages)
    row3 = ImportRow.objects.get(job=job, number=3)
    row2 = ImportRow.objects.get(job=job, number=2)
    assert (row3.decision, row3.merge_into_id) == ("merge", existing["same_kvk"].pk)
    assert row2.merge_into_id == existing["hondsrug"].pk


def test_skip_every_duplicate_at_once(tenant_a, existing, client_for):
    job = create_job(tenant_a, "duplicates.csv")
    client = client_for(tenant_a.member(Role.ADMIN))
    client.post(
        reverse("import_detail", args=[tenant_a.tenant.slug, job.pk]), {"action": "skip_all"}
    )
    assert set(
        ImportRow.objects.filter(job=job, is_duplicate=True).values_list("decision", flat=True)
    ) == {"skip"}


def test_a_clash_at_commit_time_imports_nothing(tenant_a, existing, english):
    # given a checked file, and meanwhile someone adds an organisation with a KvK number of it
    job = create_job(tenant_a, "utf8.csv")
    OrganisationFactory(tenant=tenant_a.tenant, name="Ondertussen BV", kvk_number="87654321")
    organisations = Organisation.objects.for_tenant(tenant_a.tenant).count()
    contacts = Contact.objects.for_tenant(tenant_a.tenant).count()
    client = english(tenant_a.member(Role.ADMIN))

    # when the import is committed
    commit(client, tenant_a.tenant, job)
    page = client.get(reverse("import_detail", args=[tenant_a.tenant.slug, job.pk]))

    # then it failed as a whole: not one organisation or contact of the file is there
    job.refresh_from_db()
    assert job.status == ImportJob.Status.FAILED
    assert Organisation.objects.for_tenant(tenant_a.tenant).count() == organisations
    assert Contact.objects.for_tenant(tenant_a.tenant).count() == contacts
    assert "Nothing was imported" in page.content.decode()
    assert not ImportRow.objects.filter(job=job).exists()


def test_a_deleted_merge_target_stops_the_commit(tenant_a, existing):
    # given a checked file whose rows merge into organisations, one of which is then deleted
    job = create_job(tenant_a, "duplicates.csv")
    existing["same_kvk"].delete()

    # when it is committed
    job = services.import_job_commit(
        tenant=tenant_a.tenant, actor=tenant_a.member(Role.ADMIN).user, job=job
    )

    # then it fails, saying so, and nothing was created
    assert (job.status, job.error) == (ImportJob.Status.FAILED, "target_gone")
    assert (
        not Organisation.objects.for_tenant(tenant_a.tenant).filter(name="Geheel Nieuw BV").exists()
    )


def test_a_done_import_cannot_be_committed_again(tenant_a):
    job = create_job(tenant_a, "utf8.csv")
    admin = tenant_a.member(Role.ADMIN).user
    services.import_job_commit(tenant=tenant_a.tenant, actor=admin, job=job)
    with pytest.raises(ValidationError):
        services.import_job_commit(tenant=tenant_a.tenant, actor=admin, job=job)
    assert (
        Organisation.objects.for_tenant(tenant_a.tenant)
        .filter(name="Hogeschool Noorderlicht")
        .count()
        == 1
    )


# --- large files go to the worker -------------------------------------------------------------


def big_file(rows: int, prefix: str = "Bulkbedrijf") -> bytes:
    lines = ["naam;kvk;plaats;contactpersoon;e-mail"]
    lines += [
        f"{prefix} {n} BV;{10_000_000 + n};Emmen;Persoon {n};persoon{n}@bulk.example.nl"
        for n in range(rows)
    ]
    return ("\r\n".join(lines) + "\r\n").encode("cp1252")


def test_a_large_file_is_checked_by_the_worker_after_the_commit(
    tenant_a, django_capture_on_commit_callbacks, monkeypatch
):
    # given a file larger than the limit for checking during the request
    sent = []
    monkeypatch.setattr("partnerships.tasks.import_run.delay", lambda *args: sent.append(args))

    # when it is uploaded
    with django_capture_on_commit_callbacks(execute=True):
        job = create_job(tenant_a, "groot.csv", big_file(services.SYNC_ROW_LIMIT + 1))

    # then the rows wait, unchecked, for the task that was sent once the upload was committed
    assert job.status == ImportJob.Status.UPLOADED
    assert not ImportRow.objects.filter(job=job).exists()
    assert sent == [(tenant_a.tenant.pk, job.pk)]


def test_an_unreachable_broker_fails_the_job_instead_of_leaving_it_waiting(
    tenant_a, django_capture_on_commit_callbacks, monkeypatch
):
    # given a broker that cannot be reached
    def unreachable(*args):
        raise ConnectionError("broker down")

    monkeypatch.setattr("partnerships.tasks.import_run.delay", unreachable)

    # when a large file is uploaded
    with django_capture_on_commit_callbacks(execute=True):
        job = create_job(tenant_a, "groot.csv", big_file(services.SYNC_ROW_LIMIT + 1))

    # then the job says it failed, rather than polling forever
    job.refresh_from_db()
    assert (job.status, job.error) == (ImportJob.Status.FAILED, "unexpected")


def test_progress_partial_polls_while_busy_and_reloads_when_done(tenant_a, client_for):
    # given an import waiting for the worker
    admin = tenant_a.member(Role.ADMIN)
    job = ImportJobFactory(
        tenant=tenant_a.tenant,
        created_by=admin.user,
        status=ImportJob.Status.RUNNING,
        total_rows=2000,
        processed_rows=500,
    )
    client = client_for(admin)
    url = reverse("import_detail", args=[tenant_a.tenant.slug, job.pk])

    # when htmx polls
    busy = client.get(url, headers={"HX-Request": "true"})

    # then it gets the progress partial, which asks to be polled again
    assert busy.status_code == 200
    content = busy.content.decode()
    assert 'hx-trigger="every 2s"' in content
    assert 'value="500"' in content and 'max="2000"' in content
    assert "<html" not in content

    # when the job is done, the next poll tells htmx to reload the whole page
    ImportJob.objects.filter(pk=job.pk).update(status=ImportJob.Status.DONE)
    done = client.get(url, headers={"HX-Request": "true"})
    assert done.headers["HX-Refresh"] == "true"


def test_full_page_of_a_busy_import_works_without_javascript(tenant_a, client_for):
    admin = tenant_a.member(Role.ADMIN)
    job = ImportJobFactory(
        tenant=tenant_a.tenant,
        created_by=admin.user,
        status=ImportJob.Status.QUEUED,
        total_rows=900,
    )
    response = client_for(admin).get(reverse("import_detail", args=[tenant_a.tenant.slug, job.pk]))
    assert response.status_code == 200
    assert "<progress" in response.content.decode()
    assert (
        "Refresh this page" in response.content.decode() or "Ververs" in response.content.decode()
    )


# --- who may -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("role", "status"), [(Role.COMPANY, 403), (Role.FUNDER, 403), (Role.LEAD, 403)]
)
def test_only_admins_and_relationship_managers_import(role, status, tenant_a, client_for):
    response = client_for(tenant_a.member(role)).get(
        reverse("import_start", args=[tenant_a.tenant.slug])
    )
    assert response.status_code == status


def test_a_relationship_manager_sees_only_own_imports(tenant_a, client_for):
    # given an import uploaded by the programme office
    job = create_job(tenant_a, "utf8.csv")
    url = reverse("import_detail", args=[tenant_a.tenant.slug, job.pk])

    # when a relationship manager asks for it, it does not exist for them; the admin sees it
    assert client_for(tenant_a.member(Role.RELATIONS)).get(url).status_code == 404
    assert (
        client_for(tenant_a.member(Role.RELATIONS)).post(url, {"action": "commit"}).status_code
        == 404
    )
    assert client_for(tenant_a.member(Role.ADMIN)).get(url).status_code == 200
    assert (
        not Organisation.objects.for_tenant(tenant_a.tenant)
        .filter(name="Hogeschool Noorderlicht")
        .exists()
    )


# --- query counts -----------------------------------------------------------------------------


def duplicates_file(rows: int, offset: int = 0) -> bytes:
    """Rows that each look like an existing organisation by KvK, plus one bad row each."""
    lines = ["naam,kvk,plaats"]
    for n in range(offset, offset + rows):
        lines.append(f"Dubbel {n} BV,{20_000_000 + n},Emmen")
        lines.append(f"Fout {n} BV,12,Emmen")
    return ("\n".join(lines) + "\n").encode()


def count_queries(client, url: str) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries)


@pytest.mark.parametrize("show", ["all", "duplicates", "errors"])
def test_import_detail_query_count_is_constant(show, tenant_a, client_for):
    # given two imports, with N and 3N duplicate and bad rows, each against existing organisations
    for n in range(24):
        OrganisationFactory(
            tenant=tenant_a.tenant, name=f"Bestaand {n}", kvk_number=f"{20_000_000 + n}"
        )
    few_job = create_job(tenant_a, "weinig.csv", duplicates_file(4))
    many_job = create_job(tenant_a, "veel.csv", duplicates_file(12, offset=4))
    client = client_for(tenant_a.member(Role.ADMIN))
    few_url = reverse("import_detail", args=[tenant_a.tenant.slug, few_job.pk]) + f"?show={show}"
    many_url = reverse("import_detail", args=[tenant_a.tenant.slug, many_job.pk]) + f"?show={show}"
    client.get(few_url)

    # when both previews are shown
    few = count_queries(client, few_url)
    many = count_queries(client, many_url)

    # then the page needs the same number of queries
    assert (few_job.duplicate_rows, many_job.duplicate_rows) == (4, 12)
    assert many == few
