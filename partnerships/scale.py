"""Scale data of the CRM for ``seed_scale``: organisations with sectors, contacts and years
of contact log, at the sizes of the performance goals in the large tenant."""

from __future__ import annotations

import random
from datetime import timedelta

from django.db import connection
from django.utils import timezone

from partnerships.models import Contact, Interaction, Organisation, Sector
from partnerships.services.organisations import setup_tenant
from portal.roles import Role
from portal.scale import ScaleContext, copy_rows, person_name, reserve_ids

SIZES = {"organisations": 20_000, "contacts": 40_000, "interactions": 200_000}
VERSION = 1

MUNICIPALITIES = (
    ("Emmen", "drenthe"), ("Coevorden", "drenthe"), ("Hoogeveen", "drenthe"),
    ("Assen", "drenthe"), ("Meppel", "drenthe"), ("Hardenberg", "overijssel"),
    ("Zwolle", "overijssel"), ("Enschede", "overijssel"), ("Hengelo", "overijssel"),
    ("Almelo", "overijssel"), ("Deventer", "overijssel"), ("Groningen", "groningen"),
    ("Delfzijl", "groningen"), ("Veendam", "groningen"), ("Leeuwarden", "friesland"),
    ("Heerenveen", "friesland"), ("Sneek", "friesland"), ("Emmeloord", "flevoland"),
    ("Urk", "flevoland"), ("Lelystad", "flevoland"), ("Apeldoorn", "gelderland"),
    ("Arnhem", "gelderland"), ("Nijmegen", "gelderland"), ("Doetinchem", "gelderland"),
)  # fmt: skip
COMPANY_WORDS = (
    "Techniek", "Metaal", "Installatie", "Machinebouw", "Precisie", "Kunststof", "Proces",
    "Elektro", "Automatisering", "Logistiek", "Constructie", "Energie", "Agrotech", "Staal",
)  # fmt: skip
SCHOOL_WORDS = ("College", "Lyceum", "Vakschool", "Scholengemeenschap", "Techniekcampus")
FUNCTIONS = ("HR-adviseur", "Praktijkopleider", "Directeur", "Teamleider", "Productiemanager")
SUBJECTS = (
    "Bedrijfsbezoek met de klas", "Afstemming BPV-plaatsen", "Gastles procestechniek",
    "Snuffelstages voorjaar", "Evaluatie stageperiode", "Techniekdag", "Gedeelde werkplaats",
)  # fmt: skip
KIND_WEIGHTS = (
    (Organisation.Kind.COMPANY, 75),
    (Organisation.Kind.SCHOOL, 15),
    (Organisation.Kind.GOVERNMENT, 4),
    (Organisation.Kind.KNOWLEDGE_INSTITUTE, 3),
    (Organisation.Kind.INTERMEDIARY, 3),
)
STATUS_WEIGHTS = (("active", 60), ("prospect", 25), ("former", 15))
SCHOOL_LEVELS = (["vmbo", "havo_vwo"], ["mbo2", "mbo3", "mbo4"], ["mbo3", "mbo4"], ["hbo"])


def _organisations(context: ScaleContext, rng: random.Random, tenant, sectors: list[int]):
    count = context.size("organisations", tenant)
    ids = reserve_ids(Organisation, count)
    kinds, kind_weights = zip(*KIND_WEIGHTS, strict=True)
    statuses, status_weights = zip(*STATUS_WEIGHTS, strict=True)
    rows, sector_rows, made = [], [], {"school": [], "company": [], "all": ids}
    for n, pk in enumerate(ids):
        kind = rng.choices(kinds, weights=kind_weights)[0]
        municipality, province = rng.choice(MUNICIPALITIES)
        levels: list[str] = []
        if kind == Organisation.Kind.SCHOOL:
            name = f"{municipality} {rng.choice(SCHOOL_WORDS)} {n}"
            levels = rng.choice(SCHOOL_LEVELS)
            made["school"].append(pk)
        else:
            name = f"{rng.choice(COMPANY_WORDS)} {municipality} {n} BV"
            if kind == Organisation.Kind.COMPANY:
                made["company"].append(pk)
        created = context.moment(rng, days=1500)
        rows.append(
            (
                pk,
                tenant.pk,
                kind,
                name,
                f"{10_000_000 + n:08d}" if kind == Organisation.Kind.COMPANY else "",
                "",
                levels,
                "",
                "",
                municipality,
                province,
                "",
                kind == Organisation.Kind.COMPANY and rng.random() < 0.4,
                "",
                "",
                rng.choices(statuses, weights=status_weights)[0],
                [],
                created,
                created,
            )
        )
        for sector in rng.sample(sectors, k=min(len(sectors), rng.randint(0, 2))):
            sector_rows.append((pk, sector))
    fields = (
        "id", "tenant", "kind", "name", "kvk_number", "brin_code", "education_levels",
        "street_address", "postal_code", "municipality", "province", "website",
        "recognised_training_company", "sbb_number", "size_class", "status", "tags",
        "created_at", "updated_at",
    )  # fmt: skip
    copy_rows(Organisation, fields, rows)
    copy_rows(Organisation.sectors.through, ("organisation", "sector"), sector_rows)
    return made


def _contacts(context: ScaleContext, rng: random.Random, tenant, companies: list[int]):
    count = context.size("contacts", tenant)
    ids = reserve_ids(Contact, count)
    by_organisation: dict[int, list[int]] = {}

    def rows():
        for n, pk in enumerate(ids):
            organisation = rng.choice(companies)
            by_organisation.setdefault(organisation, []).append(pk)
            created = context.moment(rng, days=1200)
            yield (
                pk, tenant.pk, organisation, person_name(rng), rng.choice(FUNCTIONS),
                f"contact{n}@{tenant.slug}.example.org", "", "nl", rng.random() < 0.05, True,
                Contact.LawfulBasis.LEGITIMATE_INTEREST, created, created,
            )  # fmt: skip

    fields = (
        "id", "tenant", "organisation", "name", "function", "email", "phone",
        "preferred_language", "is_ambassador", "is_active", "lawful_basis", "created_at",
        "updated_at",
    )  # fmt: skip
    if companies:
        copy_rows(Contact, fields, rows())
    return by_organisation


def _interactions(context, rng, tenant, made, contacts_of, assignees):
    count = context.size("interactions", tenant)
    schools = made["school"] or made["all"]
    partners = made["company"] or made["all"]
    if not schools or not partners:
        return 0
    ids = reserve_ids(Interaction, count)
    kinds = Interaction.Kind.values
    today = timezone.localdate()
    counterpart_rows, contact_rows = [], []

    def rows():
        for pk in ids:
            counterpart = rng.choice(partners)
            counterpart_rows.append((pk, counterpart))
            people = contacts_of.get(counterpart)
            if people and rng.random() < 0.3:
                contact_rows.append((pk, rng.choice(people)))
            occurred = context.moment(rng, days=1460)
            follow_up_on = assignee = done_at = None
            if rng.random() < 0.05:
                follow_up_on = today + timedelta(days=rng.randint(-60, 60))
                assignee = rng.choice(assignees)
                done_at = occurred if rng.random() < 0.5 else None
            yield (
                pk, tenant.pk, occurred.date(), rng.choice(kinds), rng.choice(schools),
                rng.choice(SUBJECTS), "Notitie van de school.", "",
                "partnership" if rng.random() < 0.8 else "own",
                follow_up_on, assignee, done_at, occurred,
            )  # fmt: skip

    fields = (
        "id", "tenant", "occurred_on", "kind", "logged_by", "subject", "notes", "outcome",
        "visibility", "follow_up_on", "follow_up_assignee", "follow_up_done_at", "created_at",
    )  # fmt: skip
    copy_rows(Interaction, fields, rows())
    copy_rows(Interaction.organisations.through, ("interaction", "organisation"), counterpart_rows)
    copy_rows(Interaction.contacts.through, ("interaction", "contact"), contact_rows)
    return count


def _last_contact(tenant) -> None:
    """What ``interaction_log`` keeps per organisation, computed once for the bulk load."""
    through = Interaction.organisations.through._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            f"""
            UPDATE partnerships_organisation o SET last_contact_on = latest.day
            FROM (
                SELECT t.organisation_id, max(i.occurred_on) AS day
                FROM {through} t JOIN partnerships_interaction i ON i.id = t.interaction_id
                WHERE i.tenant_id = %s GROUP BY t.organisation_id
            ) latest
            WHERE o.id = latest.organisation_id AND o.tenant_id = %s
            """,  # noqa: S608 - the table name is Django's own
            [tenant.pk, tenant.pk],
        )


def seed(context: ScaleContext) -> None:
    """Organisations (mostly companies, some schools), contacts at the companies, and a
    contact log logged by the schools; each tenant's relations and company members are
    tied to one of its schools and companies."""
    rng = context.random("partnerships")
    context.made["organisations"] = {}
    totals = {"organisations": 0, "interactions": 0}
    for slug in context.tenant_slugs:
        tenant = context.tenants[slug]
        setup_tenant(tenant=tenant, actor=None)
        sectors = list(Sector.objects.for_tenant(tenant).values_list("pk", flat=True))
        made = _organisations(context, rng, tenant, sectors)
        contacts_of = _contacts(context, rng, tenant, made["company"] or made["all"])
        members = context.members[slug]
        assignees = [members[Role.RELATIONS].user_id, members[Role.ADMIN].user_id]
        totals["interactions"] += _interactions(context, rng, tenant, made, contacts_of, assignees)
        totals["organisations"] += len(made["all"])
        _last_contact(tenant)
        for role, kind in ((Role.RELATIONS, "school"), (Role.COMPANY, "company")):
            if made[kind]:
                membership = members[role]
                membership.organisation_id = made[kind][0]
                membership.save(update_fields=["organisation"])
        context.made["organisations"][slug] = made
    context.log(f"  {totals['organisations']} organisations, {totals['interactions']} interactions")
