"""Scale data of the stage market for ``seed_scale`` and ``make bench``: 50,000 opportunities
in the large tenant (a share in each small one), with their sectors, applications from the
tenant's schools and the placements of the accepted ones.

The opportunities belong to the tenant's companies. When no app before this one made
companies and schools (``partnerships/scale.py`` seeds the CRM's organisations when it
exists), this module makes its own: one company per 25 opportunities, one school per 1,000.

The mix is what a live stage market looks like: mostly published, some drafts, closed ones
from earlier years; ``places_taken`` is exactly the number of accepted applications whose
placement was not cancelled (as the services keep it: cancelling gives the place back), and
a published opportunity whose places are all taken is filled.
"""

from __future__ import annotations

import math
import random
from collections import Counter
from datetime import date, timedelta

from internships.models import Application, Opportunity, Placement
from partnerships.models import Organisation, Sector
from partnerships.services.organisations import setup_tenant
from portal.models import Membership, Tenant
from portal.roles import Role
from portal.scale import FIRST_NAMES, ScaleContext, copy_rows, reserve_ids

SIZES = {"opportunities": 50_000, "stage_applications": 40_000}
VERSION = 1

OPPORTUNITIES_PER_COMPANY = 25
OPPORTUNITIES_PER_SCHOOL = 1_000
# The company member's company offers one in 2,000 opportunities (25 of 50,000); the
# relations member's school sends one in 400 applications (100 of 40,000), the first
# accepted.
OPPORTUNITIES_PER_MEMBER_COMPANY = 2_000
APPLICATIONS_PER_MEMBER_SCHOOL = 400
ACCEPTED_SHARE = 0.4  # of the applications
OTHER_APPLICATION_STATUSES = (
    (Application.Status.SUBMITTED, 35),
    (Application.Status.IN_CONVERSATION, 15),
    (Application.Status.DECLINED, 35),
    (Application.Status.WITHDRAWN, 15),
)
STATUSES = (  # before filling: published ones whose places all go become filled
    (Opportunity.Status.PUBLISHED, 78),
    (Opportunity.Status.CLOSED, 14),
    (Opportunity.Status.DRAFT, 8),
)

K = Opportunity.Kind
# kind: (weight, title prefix, levels to choose from, how many levels, places, ongoing)
KINDS = {
    K.BPV: (30, "BPV-plaats", ("mbo2", "mbo3", "mbo4"), 2, (1, 4), False),
    K.BBL: (10, "BBL-plaats", ("mbo2", "mbo3", "mbo4"), 2, (1, 2), False),
    K.ORIENTATION: (12, "Snuffelstage", ("vmbo", "mbo1", "mbo2"), 2, (2, 10), False),
    K.SHADOWING: (8, "Meeloopdag", ("vmbo", "havo_vwo", "mbo2"), 2, (1, 4), False),
    K.SHORT_STAGE: (8, "Korte stage", ("mbo2", "mbo3", "mbo4", "hbo"), 2, (1, 3), False),
    K.GRADUATION: (8, "Afstudeeropdracht", ("hbo", "wo"), 1, (1, 2), False),
    K.PROJECT: (6, "Project", ("mbo4", "hbo", "wo"), 2, (1, 5), False),
    K.GUEST_LESSON: (7, "Gastles", ("po", "vmbo", "havo_vwo", "mbo2"), 2, (1, 6), True),
    K.COMPANY_VISIT: (6, "Bedrijfsbezoek", ("vmbo", "havo_vwo", "mbo3"), 2, (1, 4), True),
    K.TEACHING_ON_LOCATION: (3, "Les op locatie", ("vmbo", "mbo3", "mbo4"), 2, (1, 3), True),
    K.SHARED_FACILITY: (2, "Gedeelde faciliteit", ("mbo3", "mbo4", "hbo"), 2, (1, 2), True),
}
TRADES = (
    ("monteur mechatronica", "onderhoud en storingen aan productielijnen"),
    ("procesoperator", "bedienen en bewaken van de installatie in ploegendienst"),
    ("lasser", "lassen van constructies in staal en rvs"),
    ("CNC-verspaner", "programmeren en bedienen van draai- en freesbanken"),
    ("elektrotechnicus", "aanleggen en testen van elektrische installaties"),
    ("installatiemonteur", "warmtepompen, ventilatie en sanitair"),
    ("logistiek medewerker", "orderpicken, heftruck rijden en voorraadbeheer"),
    ("laborant", "monsters analyseren in het kwaliteitslab"),
    ("constructiebankwerker", "zagen, zetten en samenbouwen van plaatwerk"),
    ("ICT-beheerder", "netwerken, servers en werkplekken beheren"),
    ("software-ontwikkelaar", "bouwen aan besturingssoftware en dashboards"),
    ("timmerman", "bouwen van houtskeletbouw en kozijnen"),
    ("schilder", "voorbereiden en afwerken van gevels en interieurs"),
    ("monteur windenergie", "onderhoud aan windturbines op hoogte"),
    ("agrotechnicus", "precisielandbouw met drones en sensoren"),
    ("kunststofverwerker", "spuitgieten en extruderen van kunststof producten"),
    ("werkvoorbereider", "tekeningen, planning en materiaalstaten"),
    ("servicetechnicus", "storingen verhelpen bij klanten in de regio"),
    ("scheepsbouwer", "bouwen aan scheepsrompen op de werf"),
    ("zorgtechnicus", "onderhoud van medische apparatuur"),
)
MUNICIPALITIES = (
    "Emmen", "Coevorden", "Hardenberg", "Hoogeveen", "Assen", "Meppel", "Zwolle", "Deventer",
    "Enschede", "Hengelo", "Almelo", "Groningen", "Delfzijl", "Leeuwarden", "Heerenveen",
    "Emmeloord", "Urk", "Lelystad", "Kampen", "Apeldoorn", "Stadskanaal", "Veendam",
    "Oldenzaal", "Borne", "Ommen", "Dalfsen", "Steenwijk", "Drachten", "Sneek", "Winschoten",
)  # fmt: skip
REQUIREMENTS = (
    "",
    "Veiligheidsschoenen en VCA-basis.",
    "Bereid om in ploegen te werken.",
    "Rijbewijs B is handig, maar niet nodig.",
)
ALLOWANCES = ("", "", "EUR 300 per maand", "EUR 400 per maand", "Salaris volgens cao")


def seed(context: ScaleContext) -> None:
    rng = context.random("internships")
    made: dict[str, list[int]] = {}
    totals: Counter = Counter()
    for slug in context.tenant_slugs:
        tenant = context.tenants[slug]
        count = context.size("opportunities", tenant)
        if count <= 0:
            continue
        companies, schools = _organisations(context, tenant, count, rng)
        sectors = _sectors(tenant)
        own_company, own_school = _tie_members(context, tenant, companies, schools)
        plan = _plan(context, tenant, count, companies, own_company, rng)
        applications = _applications(context, tenant, plan, schools, own_school, rng)
        _write(tenant, plan, sectors, applications, context, rng)
        made[slug] = [opportunity["id"] for opportunity in plan]
        totals["opportunities"] += len(plan)
        totals["applications"] += len(applications)
        totals["placements"] += sum(1 for a in applications if a["placement"])
    context.made["opportunities"] = made
    context.log(
        f"  {totals['opportunities']} opportunities, {totals['applications']} applications, "
        f"{totals['placements']} placements "
        f"({len(made.get(context.large_tenant.slug, []))} opportunities in "
        f"{context.large_tenant.slug})"
    )


# --- the organisations they belong to ----------------------------------------------------


def _organisations(
    context: ScaleContext, tenant: Tenant, count: int, rng: random.Random
) -> tuple[list[tuple[int, str]], list[int]]:
    """(company id, municipality) and school ids of the tenant; made when there are none."""
    organisations = Organisation.objects.for_tenant(tenant)
    companies = list(
        organisations.filter(kind=Organisation.Kind.COMPANY)
        .order_by("pk")
        .values_list("pk", "municipality")
    )
    schools = list(
        organisations.filter(kind=Organisation.Kind.SCHOOL)
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    new = []
    if not companies:
        for n in range(1, max(1, math.ceil(count / OPPORTUNITIES_PER_COMPANY)) + 1):
            municipality = rng.choice(MUNICIPALITIES)
            new.append(
                Organisation(
                    tenant=tenant,
                    kind=Organisation.Kind.COMPANY,
                    name=f"Stagebedrijf {n:05d} {municipality} BV",
                    municipality=municipality,
                    status=Organisation.Status.ACTIVE,
                    recognised_training_company=rng.random() < 0.6,
                    created_at=context.moment(rng),
                )
            )
    if not schools:
        for n in range(1, max(1, math.ceil(count / OPPORTUNITIES_PER_SCHOOL)) + 1):
            municipality = rng.choice(MUNICIPALITIES)
            new.append(
                Organisation(
                    tenant=tenant,
                    kind=Organisation.Kind.SCHOOL,
                    name=f"Stageschool {n:03d} {municipality}",
                    municipality=municipality,
                    status=Organisation.Status.ACTIVE,
                    education_levels=rng.choice((["vmbo", "havo_vwo"], ["mbo2", "mbo3", "mbo4"])),
                    created_at=context.moment(rng),
                )
            )
    for organisation in Organisation.objects.bulk_create(new, batch_size=2_000):
        if organisation.kind == Organisation.Kind.COMPANY:
            companies.append((organisation.pk, organisation.municipality))
        else:
            schools.append(organisation.pk)
    return companies, schools


def _sectors(tenant: Tenant) -> list[int]:
    setup_tenant(tenant=tenant, actor=None)  # the default sectors, when no app made them
    return list(Sector.objects.for_tenant(tenant).order_by("pk").values_list("pk", flat=True))


def _tie_members(
    context: ScaleContext, tenant: Tenant, companies, schools
) -> tuple[tuple[int, str] | None, int | None]:
    """The tenant's company and relations members act for a company and a school, as real
    ones do (unless an app tied them already). Returns their company (with its
    municipality) and school, which then get a share of the rows, so the company's and the
    school's pages show what those roles see at scale."""
    members = context.members.get(tenant.slug, {})
    for role, organisation_id in ((Role.COMPANY, companies[0][0]), (Role.RELATIONS, schools[0])):
        membership = members.get(role)
        if membership is not None and membership.organisation_id is None:
            Membership.objects.filter(pk=membership.pk).update(organisation_id=organisation_id)
            membership.organisation_id = organisation_id
    company_member, school_member = members.get(Role.COMPANY), members.get(Role.RELATIONS)
    by_id = dict(companies)
    own_company = None
    if company_member is not None and company_member.organisation_id in by_id:
        own_company = (company_member.organisation_id, by_id[company_member.organisation_id])
    own_school = None
    if school_member is not None and school_member.organisation_id in set(schools):
        own_school = school_member.organisation_id
    return own_company, own_school


# --- the opportunities -------------------------------------------------------------------


def _plan(
    context: ScaleContext, tenant: Tenant, count: int, companies, own_company, rng
) -> list[dict]:
    today = context.now.date()
    kinds = list(KINDS)
    kind_weights = [KINDS[kind][0] for kind in kinds]
    statuses, status_weights = zip(*STATUSES, strict=True)
    ids = reserve_ids(Opportunity, count)
    own_share = max(1, count // OPPORTUNITIES_PER_MEMBER_COMPANY) if own_company else 0
    plan = []
    for index, opportunity_id in enumerate(ids):
        kind = rng.choices(kinds, weights=kind_weights)[0]
        _weight, prefix, levels, level_count, (low, high), ongoing = KINDS[kind]
        trade, work = rng.choice(TRADES)
        company_id, municipality = rng.choice(companies)
        if index < own_share:
            company_id, municipality = own_company
        status = rng.choices(statuses, weights=status_weights)[0]
        if status == Opportunity.Status.CLOSED:
            published_at = context.moment(rng, days=730)
            starts_on = published_at.date() + timedelta(days=rng.randrange(14, 90))
        else:
            published_at = context.moment(rng, days=240)
            starts_on = today + timedelta(days=rng.randrange(-60, 240))
        is_ongoing = ongoing and rng.random() < 0.7
        ends_on = None if is_ongoing else starts_on + timedelta(weeks=rng.randrange(1, 40))
        if status == Opportunity.Status.CLOSED and ends_on is None:
            ends_on = starts_on + timedelta(weeks=rng.randrange(1, 20))
            is_ongoing = False
        elif ends_on is not None and ends_on < today:  # the expiry task closes those
            ends_on = today + timedelta(days=rng.randrange(7, 90))
        draft = status == Opportunity.Status.DRAFT
        plan.append(
            {
                "id": opportunity_id,
                "company": company_id,
                "kind": kind,
                "title": f"{prefix} {trade}",
                "description": (
                    f"{prefix} bij een technisch bedrijf in {municipality or 'de regio'}: {work}. "
                    "Je werkt mee in een team en krijgt een vaste praktijkopleider."
                ),
                "levels": sorted(rng.sample(levels, k=rng.randint(1, level_count))),
                "starts_on": starts_on,
                "ends_on": ends_on,
                "is_ongoing": is_ongoing,
                "hours": None if ongoing else rng.choice((8, 16, 24, 32, 36, 40)),
                "places": rng.randint(low, high),
                "places_taken": 0,
                "municipality": municipality or rng.choice(MUNICIPALITIES),
                "status": status,
                "published_at": None if draft else published_at,
                "closed_at": (
                    published_at + timedelta(days=rng.randrange(30, 200))
                    if status == Opportunity.Status.CLOSED
                    else None
                ),
                "created_at": published_at - timedelta(days=rng.randrange(0, 10)),
                "deadline": (
                    starts_on - timedelta(days=14)
                    if not draft and rng.random() < 0.4 and starts_on > today
                    else None
                ),
                "trade": trade,
            }
        )
    return plan


def _applications(
    context: ScaleContext, tenant: Tenant, plan, schools, own_school, rng
) -> list[dict]:
    """The applications; ``places_taken`` of the plan becomes its accepted ones, and a
    published opportunity whose places are all taken becomes filled."""
    budget = context.size("stage_applications", tenant)
    offered = [opportunity for opportunity in plan if opportunity["published_at"] is not None]
    if not offered or budget <= 0:
        return []
    slots = [o for o in offered for _ in range(o["places"])]
    accepted = rng.sample(slots, k=min(len(slots), round(budget * ACCEPTED_SHARE)))
    statuses, weights = zip(*OTHER_APPLICATION_STATUSES, strict=True)
    others = [
        (rng.choice(offered), rng.choices(statuses, weights=weights)[0])
        for _ in range(max(budget - len(accepted), 0))
    ]
    today = context.now.date()
    # every 400th application is the relations member's school's (when it has one)
    applications = []
    pairs = [(o, Application.Status.ACCEPTED) for o in accepted] + others
    for index, (opportunity, status) in enumerate(pairs):
        applied_at = opportunity["published_at"] + timedelta(hours=rng.randrange(2, 24 * 30))
        decided = status in (Application.Status.ACCEPTED, Application.Status.DECLINED)
        application = {
            "opportunity": opportunity,
            "school": (
                own_school
                if own_school is not None and index % APPLICATIONS_PER_MEMBER_SCHOOL == 0
                else rng.choice(schools)
            ),
            "first_name": rng.choice(FIRST_NAMES),
            "initial": rng.choice("ABDEGHJKLMPRSTVWZ"),
            "level": rng.choice(opportunity["levels"]),
            "programme": opportunity["trade"].capitalize(),
            "status": status,
            "created_at": applied_at,
            "decided_at": applied_at + timedelta(days=rng.randrange(1, 21)) if decided else None,
            "placement": None,
        }
        if status == Application.Status.ACCEPTED:
            placement = _placement(opportunity, today, rng)
            if placement["status"] != Placement.Status.CANCELLED:  # a cancelled one gave it back
                opportunity["places_taken"] += 1
            application["placement"] = placement
        applications.append(application)
    for opportunity in offered:
        full = opportunity["places_taken"] >= opportunity["places"]
        if full and opportunity["status"] == Opportunity.Status.PUBLISHED:
            opportunity["status"] = Opportunity.Status.FILLED
    return applications


def _placement(opportunity: dict, today: date, rng: random.Random) -> dict:
    starts_on = opportunity["starts_on"]
    ends_on = opportunity["ends_on"] or starts_on + timedelta(weeks=10)
    if rng.random() < 0.03:
        status = Placement.Status.CANCELLED
    elif ends_on < today:
        status = Placement.Status.COMPLETED
    elif starts_on <= today:
        status = Placement.Status.ACTIVE
    else:
        status = Placement.Status.PLANNED
    completed = status == Placement.Status.COMPLETED
    return {
        "starts_on": starts_on,
        "ends_on": ends_on,
        "status": status,
        "school_rating": rng.randint(2, 5) if completed and rng.random() < 0.7 else None,
        "company_rating": rng.randint(2, 5) if completed and rng.random() < 0.6 else None,
    }


# --- writing it --------------------------------------------------------------------------

OPPORTUNITY_FIELDS = (
    "id", "tenant", "company", "kind", "title", "description", "education_levels",
    "crebo_codes", "starts_on", "ends_on", "is_ongoing", "hours_per_week", "places",
    "places_taken", "street_address", "municipality", "requirements", "allowance",
    "application_deadline", "public_contact_name", "public_contact_email",
    "public_contact_phone", "status", "published_at", "closed_at", "unpublished_reason",
    "created_at", "updated_at",
)  # fmt: skip
APPLICATION_FIELDS = (
    "id", "tenant", "opportunity", "school", "student_first_name", "student_last_initial",
    "student_level", "student_programme", "group_size", "note", "status", "decided_at",
    "created_at",
)  # fmt: skip
PLACEMENT_FIELDS = (
    "tenant", "application", "opportunity", "school", "company", "starts_on", "ends_on",
    "status", "school_rating", "school_evaluation", "company_rating", "company_evaluation",
    "created_at",
)  # fmt: skip


def _write(tenant, plan, sectors, applications, context, rng) -> None:
    def opportunity_rows():
        for o in plan:
            contact = rng.random() < 0.6
            crebo = [f"2{rng.randrange(5000, 6000):04d}"] if o["kind"] in (K.BPV, K.BBL) else []
            yield (
                o["id"], tenant.pk, o["company"], o["kind"], o["title"], o["description"],
                o["levels"], crebo, o["starts_on"], o["ends_on"], o["is_ongoing"], o["hours"],
                o["places"], o["places_taken"], f"Industrieweg {rng.randrange(1, 200)}",
                o["municipality"], rng.choice(REQUIREMENTS), rng.choice(ALLOWANCES),
                o["deadline"], "Stagebureau" if contact else "",
                f"stages{o['company']}@bedrijf.example.org" if contact else "",
                "0591 123 456" if contact and rng.random() < 0.5 else "",
                o["status"], o["published_at"], o["closed_at"], "", o["created_at"],
                o["closed_at"] or o["published_at"] or o["created_at"],
            )  # fmt: skip

    copy_rows(Opportunity, OPPORTUNITY_FIELDS, opportunity_rows())

    def sector_rows():
        for o in plan:
            for sector in rng.sample(sectors, k=min(len(sectors), rng.choice((1, 1, 2)))):
                yield (o["id"], sector)

    copy_rows(Opportunity.sectors.through, ("opportunity", "sector"), sector_rows())

    ids = reserve_ids(Application, len(applications))
    for application, application_id in zip(applications, ids, strict=True):
        application["id"] = application_id
    copy_rows(
        Application,
        APPLICATION_FIELDS,
        (
            (
                a["id"],
                tenant.pk,
                a["opportunity"]["id"],
                a["school"],
                a["first_name"],
                a["initial"],
                a["level"],
                a["programme"],
                1,
                "",
                a["status"],
                a["decided_at"],
                a["created_at"],
            )  # fmt: skip
            for a in applications
        ),
    )
    copy_rows(
        Placement,
        PLACEMENT_FIELDS,
        (
            (
                tenant.pk,
                a["id"],
                a["opportunity"]["id"],
                a["school"],
                a["opportunity"]["company"],
                p["starts_on"],
                p["ends_on"],
                p["status"],
                p["school_rating"],
                "Goede begeleiding." if p["school_rating"] else "",
                p["company_rating"],
                "Leergierige student." if p["company_rating"] else "",
                a["decided_at"],
            )  # fmt: skip
            for a in applications
            if (p := a["placement"]) is not None
        ),
    )
