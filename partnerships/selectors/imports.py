"""Reads of imports: the jobs a member may see, the rows of a preview, and the likely
duplicates of a whole file at once."""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.db import connection, transaction
from django.db.models import QuerySet
from django.db.models.functions import Lower

from partnerships.importers import column_of, error_message
from partnerships.models import Contact, ImportJob, ImportRow, Organisation
from partnerships.querysets import trigram_available
from partnerships.selectors.organisations import NAME_SIMILARITY, normalised_name
from portal.models import Membership, Tenant
from portal.roles import Role

# How a candidate was found, strongest first. The first three are the database's own
# uniqueness (KvK, BRIN and name per tenant): such a row cannot be created anew.
REASON_ORDER = ("kvk", "brin", "name", "email", "similar_name")
HARD_REASONS = frozenset({"kvk", "brin", "name"})
MAX_CANDIDATES = 5


def import_job_list(*, tenant: Tenant, membership: Membership) -> QuerySet[ImportJob]:
    """Imports the member may open: the programme office sees all, others their own.
    The rows' values (``raw_rows``) stay in the database: pages never need them."""
    jobs = ImportJob.objects.for_tenant(tenant).defer("raw_rows").select_related("created_by")
    if membership.role != Role.ADMIN:
        jobs = jobs.filter(created_by=membership.user_id)
    return jobs


def import_job_progress_get(*, tenant: Tenant, membership: Membership, importjob_id: int):
    """Just what the progress partial shows, for a poll every two seconds: no row data."""
    return (
        import_job_list(tenant=tenant, membership=membership)
        .defer("raw_rows", "columns", "ignored_columns")
        .filter(pk=importjob_id)
        .first()
    )


ROW_VIEWS = ("errors", "duplicates", "all")


def import_row_list(*, tenant: Tenant, job: ImportJob, show: str) -> QuerySet[ImportRow]:
    """The rows of a preview: those with errors, the likely duplicates, or all."""
    rows = ImportRow.objects.for_tenant(tenant).filter(job=job).order_by("number")
    if show == "errors":
        rows = rows.filter(has_errors=True)
    elif show == "duplicates":
        rows = rows.filter(is_duplicate=True)
    return rows


@dataclass
class PreviewRow:
    """A row of the preview table as shown: values, errors in words, the choices it offers."""

    row: ImportRow
    values: list[str]
    errors: list[dict]
    candidates: list[dict]
    choices: list[tuple[str, str]] = field(default_factory=list)
    current: str = ""


def import_rows_for_display(
    *, tenant: Tenant, job: ImportJob, rows: Iterable[ImportRow], shown_fields: list[str]
) -> list[PreviewRow]:
    """Put the rows of one page into words, with the current names of the organisations
    they might merge into (one query for the whole page)."""
    from django.utils.translation import gettext as _

    rows = list(rows)
    candidate_ids = {c["id"] for row in rows for c in row.candidates}
    names = dict(
        Organisation.objects.for_tenant(tenant)
        .filter(pk__in=candidate_ids)
        .values_list("pk", "name")
    )
    reasons = {
        "kvk": _("same KvK number"),
        "brin": _("same BRIN code"),
        "name": _("same name"),
        "email": _("a contact with the same e-mail address"),
        "similar_name": _("a similar name"),
    }
    shown = []
    for row in rows:
        errors = [
            {"column": column_of(error["field"], job.columns), "message": error_message(error)}
            for error in row.errors
        ]
        candidates = [
            {
                "id": c["id"],
                "name": names[c["id"]],
                "reasons": ", ".join(reasons[reason] for reason in c["reasons"]),
                "hard": bool(HARD_REASONS & set(c["reasons"])),
            }
            for c in row.candidates
            if c["id"] in names
        ]
        preview = PreviewRow(
            row=row,
            values=[row.values.get(name, "") for name in shown_fields],
            errors=errors,
            candidates=candidates,
        )
        if candidates and row.same_as_number is None:
            preview.choices = [
                (f"merge:{c['id']}", _("Merge into %(name)s") % {"name": c["name"]})
                for c in candidates
            ]
            if not any(c["hard"] for c in candidates):
                preview.choices.append(("create", _("Create as a new organisation")))
            preview.choices.append(("skip", _("Skip this row")))
            preview.current = (
                f"merge:{row.merge_into_id}"
                if row.decision == ImportRow.Decision.MERGE
                else row.decision
            )
        shown.append(preview)
    return shown


# --- likely duplicates of a whole file --------------------------------------------------------


@dataclass
class DuplicateIndex:
    """The tenant's organisations by KvK number, BRIN code, name and normalised name, and
    its contacts' e-mail addresses: each row of a file is checked against it in memory,
    so checking 10,000 rows costs a few queries, not 10,000."""

    by_kvk: dict[str, int]
    by_brin: dict[str, int]
    by_name: dict[str, int]
    by_normalised_name: dict[str, list[int]]
    contact_orgs_by_email: dict[str, list[int]]
    similar_names: dict[str, list[int]]
    taken_kvk: set[str]
    taken_brin: set[str]

    def candidates(self, *, name: str, kvk: str, brin: str, email: str) -> list[dict]:
        """Existing organisations a row probably describes, strongest reason first."""
        found: dict[int, list[str]] = defaultdict(list)
        if kvk and kvk in self.by_kvk:
            found[self.by_kvk[kvk]].append("kvk")
        if brin and brin in self.by_brin:
            found[self.by_brin[brin]].append("brin")
        if name and name.lower() in self.by_name:
            found[self.by_name[name.lower()]].append("name")
        if email:
            for pk in self.contact_orgs_by_email.get(email.lower(), []):
                found[pk].append("email")
        normalised = normalised_name(name)
        similar = set(self.by_normalised_name.get(normalised, [])) if normalised else set()
        similar.update(self.similar_names.get(name, []))
        for pk in similar:
            if not found.get(pk):
                found[pk].append("similar_name")
        ranked = sorted(
            found.items(), key=lambda item: (min(REASON_ORDER.index(r) for r in item[1]), item[0])
        )
        return [{"id": pk, "reasons": reasons} for pk, reasons in ranked[:MAX_CANDIDATES]]


def import_duplicate_index(
    *, tenant: Tenant, names: Iterable[str], emails: Iterable[str]
) -> DuplicateIndex:
    """Everything needed to find the likely duplicates of a file's rows, in four queries.

    The rules are those of ``organisation_likely_duplicates`` (same KvK number or BRIN
    code, the same name, a near-identical name) applied to a whole file at once: a
    near-identical name is the same name without legal form and punctuation, or a trigram
    similarity of at least ``NAME_SIMILARITY`` where pg_trgm is installed. The one rule left
    out is "the existing name contains the new one", which across thousands of rows
    flags every "Bouw..." for a "Bouw" and would cost a scan per row.
    """
    by_kvk, by_brin, by_name = {}, {}, {}
    by_normalised_name: dict[str, list[int]] = defaultdict(list)
    for pk, name, kvk, brin in Organisation.objects.for_tenant(tenant).values_list(
        "pk", "name", "kvk_number", "brin_code"
    ):
        if kvk:
            by_kvk[kvk] = pk
        if brin:
            by_brin[brin.upper()] = pk
        by_name[name.lower()] = pk
        normalised = normalised_name(name)
        if normalised:
            by_normalised_name[normalised].append(pk)
    emails = sorted({email.lower() for email in emails if email})
    contact_orgs_by_email: dict[str, list[int]] = defaultdict(list)
    if emails:
        for email, organisation_id in (
            Contact.objects.for_tenant(tenant)
            .annotate(email_lower=Lower("email"))
            .filter(email_lower__in=emails)
            .values_list("email_lower", "organisation_id")
        ):
            contact_orgs_by_email[email].append(organisation_id)
    return DuplicateIndex(
        by_kvk=by_kvk,
        by_brin=by_brin,
        by_name=by_name,
        by_normalised_name=by_normalised_name,
        contact_orgs_by_email=contact_orgs_by_email,
        similar_names=_similar_names(tenant=tenant, names=names) if by_name else {},
        taken_kvk=set(by_kvk),
        taken_brin=set(by_brin),
    )


def _similar_names(*, tenant: Tenant, names: Iterable[str]) -> dict[str, list[int]]:
    """Existing organisations with a trigram-similar name, for many names in one query.

    pg_trgm's ``%`` operator, with its threshold raised to ``NAME_SIMILARITY`` for this
    transaction, can use the trigram index on the name; without pg_trgm there is nothing
    to ask and the normalised-name rule stands alone.
    """
    names = sorted({name for name in names if name})
    if not names or not trigram_available(connection.alias):
        return {}
    table = Organisation._meta.db_table
    found: dict[str, list[int]] = defaultdict(list)
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(
            "SELECT set_config('pg_trgm.similarity_threshold', %s, true)", [str(NAME_SIMILARITY)]
        )
        # The names travel as one JSON text: psycopg quotes a 10,000-element text array
        # element by element in Python, which takes longer than the query itself.
        cursor.execute(
            f"SELECT f.name, o.id FROM json_array_elements_text(%s::json) AS f(name) "  # noqa: S608
            f"JOIN {table} o ON o.tenant_id = %s AND o.name %% f.name "
            f"ORDER BY f.name, similarity(o.name, f.name) DESC",
            [json.dumps(names), tenant.pk],
        )
        for name, pk in cursor.fetchall():
            if len(found[name]) < MAX_CANDIDATES:
                found[name].append(pk)
    return found
