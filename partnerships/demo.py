"""Demo CRM content per demo partnership: organisations with their profile, contacts, a year
of contact log, follow-ups and agreements. Links the demo school and company users to theirs."""

from __future__ import annotations

import datetime
import random

from django.utils import timezone

from partnerships.models import Agreement, Contact, Interaction, Organisation, Sector
from partnerships.services.interactions import interaction_log
from partnerships.services.organisations import organisation_create, setup_tenant
from portal.models import Membership
from portal.services import membership_change

K = Organisation.Kind

# (kind, name, municipality, province, sectors, KvK or BRIN)
ORGANISATIONS = {
    "vierkant-voor-werk": [
        (K.SCHOOL, "Alfa College", "Hardenberg", "overijssel", [], "25LX"),
        (K.SCHOOL, "Drenthe College", "Emmen", "drenthe", [], "25LY"),
        (K.SCHOOL, "Stenden Hogeschool", "Emmen", "drenthe", [], "21UI"),
        (K.COMPANY, "Hondsrug Precisietechniek BV", "Emmen", "drenthe", ["HTSM"], "04011234"),
        (K.COMPANY, "Vechtdal Chemie BV", "Hardenberg", "overijssel", ["Chemie"], "05023456"),
        (
            K.COMPANY,
            "Schoonebeek Olie- en Gasservice BV",
            "Coevorden",
            "drenthe",
            ["Olie en gas", "Energie"],
            "04034567",
        ),
        (
            K.COMPANY,
            "Europark Logistiek Coevorden BV",
            "Coevorden",
            "drenthe",
            ["Logistiek"],
            "04045678",
        ),
        (
            K.COMPANY,
            "Hoogeveen Kunststoftechniek BV",
            "Hoogeveen",
            "drenthe",
            ["Maakindustrie"],
            "04056789",
        ),
        (
            K.COMPANY,
            "Emmen Procesautomatisering BV",
            "Emmen",
            "drenthe",
            ["HTSM", "ICT"],
            "04067890",
        ),
        (K.GOVERNMENT, "Gemeente Emmen", "Emmen", "drenthe", [], ""),
        (K.GOVERNMENT, "Provincie Drenthe", "Assen", "drenthe", [], ""),
    ],
    "techoost": [
        (K.INTERMEDIARY, "TechYourFuture", "Enschede", "overijssel", ["HTSM"], ""),
        (K.INTERMEDIARY, "TechForFuture", "Zwolle", "overijssel", ["HTSM"], ""),
        (K.INTERMEDIARY, "CIVON Innovatiecentrum", "Zwolle", "overijssel", ["Bouw"], ""),
        (K.INTERMEDIARY, "TechWise Twente", "Hengelo", "overijssel", ["Maakindustrie"], ""),
        (
            K.INTERMEDIARY,
            "Process Your Future / PCPT-Oost",
            "Deventer",
            "overijssel",
            ["Chemie"],
            "",
        ),
        (K.GOVERNMENT, "Provincie Overijssel", "Zwolle", "overijssel", [], ""),
        (K.SCHOOL, "ROC van Twente", "Hengelo", "overijssel", [], "00GT"),
        (K.KNOWLEDGE_INSTITUTE, "Saxion Hogeschool", "Enschede", "overijssel", [], ""),
        (
            K.COMPANY,
            "Twentse Hightech Componenten BV",
            "Enschede",
            "overijssel",
            ["HTSM"],
            "06011223",
        ),
        (
            K.COMPANY,
            "Sallandse Procesindustrie BV",
            "Deventer",
            "overijssel",
            ["Chemie"],
            "06022334",
        ),
    ],
    "verbindersproject-drenthe": [
        (K.SCHOOL, "Esdal College", "Emmen", "drenthe", [], "17GR"),
        (K.SCHOOL, "Dr. Nassau College", "Assen", "drenthe", [], "20DM"),
        (K.SCHOOL, "Roelof van Echten College", "Hoogeveen", "drenthe", [], "16SJ"),
        (
            K.COMPANY,
            "Assen Installatietechniek BV",
            "Assen",
            "drenthe",
            ["Bouw", "Energie"],
            "04078901",
        ),
        (
            K.COMPANY,
            "Drentse Metaalbewerking BV",
            "Meppel",
            "drenthe",
            ["Maakindustrie"],
            "04089012",
        ),
        (
            K.COMPANY,
            "Veenkoloniale Agrotech BV",
            "Stadskanaal",
            "groningen",
            ["Agrofood"],
            "02090123",
        ),
    ],
    "innovatiecluster-noordoostpolder": [
        (
            K.COMPANY,
            "Polder Machinebouw BV",
            "Emmeloord",
            "flevoland",
            ["Maakindustrie"],
            "39011111",
        ),
        (K.COMPANY, "Urk Maritiem Staal BV", "Urk", "flevoland", ["Maakindustrie"], "39022222"),
        (K.COMPANY, "Flevo Agrotechniek BV", "Emmeloord", "flevoland", ["Agrofood"], "39033333"),
        (
            K.COMPANY,
            "Noordoost Kunststof Spuitgiet BV",
            "Emmeloord",
            "flevoland",
            ["Maakindustrie"],
            "39044444",
        ),
        (K.COMPANY, "Ens Precisie Draaierij BV", "Ens", "flevoland", ["HTSM"], "39055555"),
        (
            K.COMPANY,
            "Marknesse Elektrotechniek BV",
            "Marknesse",
            "flevoland",
            ["Energie"],
            "39066666",
        ),
        (
            K.COMPANY,
            "Luttelgeest Aandrijftechniek BV",
            "Luttelgeest",
            "flevoland",
            ["HTSM"],
            "39077777",
        ),
        (K.COMPANY, "Creil Constructiewerken BV", "Creil", "flevoland", ["Bouw"], "39088888"),
        (K.SCHOOL, "Zuyderzee College", "Emmeloord", "flevoland", [], "10QN"),
    ],
    "techniekpact-noord": [
        (K.INTERMEDIARY, "Bètapunt Noord", "Groningen", "groningen", [], ""),
        (K.KNOWLEDGE_INSTITUTE, "Rijksuniversiteit Groningen", "Groningen", "groningen", [], ""),
        (K.SCHOOL, "Noorderpoort", "Groningen", "groningen", [], "25PT"),
        (K.GOVERNMENT, "Provincie Groningen", "Groningen", "groningen", [], ""),
        (
            K.COMPANY,
            "Eemsdelta Energietechniek BV",
            "Delfzijl",
            "groningen",
            ["Energie", "Chemie"],
            "02011122",
        ),
    ],
}

SCHOOL_LEVELS = {
    "Stenden Hogeschool": ["hbo"],
    "Saxion Hogeschool": ["hbo"],
    "Esdal College": ["vmbo", "havo_vwo"],
    "Dr. Nassau College": ["vmbo", "havo_vwo"],
    "Roelof van Echten College": ["vmbo", "havo_vwo"],
}

# Demo members tied to their own organisation: (e-mail, tenant slug, organisation name).
MEMBER_ORGANISATIONS = [
    ("relatiebeheer@example.org", "vierkant-voor-werk", "Alfa College"),
    ("relatiebeheer@example.org", "verbindersproject-drenthe", "Esdal College"),
    ("bedrijf@example.org", "vierkant-voor-werk", "Hondsrug Precisietechniek BV"),
    ("bedrijf@example.org", "innovatiecluster-noordoostpolder", "Polder Machinebouw BV"),
    ("financier@example.org", "techoost", "Provincie Overijssel"),
]

FIRST_NAMES = ["Sanne", "Pieter", "Mohamed", "Anke", "Bram", "Esther", "Ruud", "Iris", "Joost"]
LAST_NAMES = ["de Boer", "Visser", "Hoekstra", "Bos", "Meijer", "Kuipers", "Dijkstra", "Postma"]
FUNCTIONS = ["HR-adviseur", "Praktijkopleider", "Productiemanager", "Directeur", "Teamleider"]

SUBJECTS = [
    (Interaction.Kind.COMPANY_VISIT, "Bedrijfsbezoek met tweedejaars mechatronica"),
    (Interaction.Kind.MEETING, "Afstemming BPV-plaatsen voor het nieuwe schooljaar"),
    (Interaction.Kind.PHONE, "Belafspraak over snuffelstages in het voorjaar"),
    (Interaction.Kind.GUEST_LESSON, "Gastles procestechniek door de praktijkopleider"),
    (Interaction.Kind.EMAIL, "Offerte voor een gedeelde leerwerkplaats"),
    (Interaction.Kind.EVENT, "Techniekdag: stand en workshops"),
    (Interaction.Kind.STAGE_VISIT, "Stagebezoek en tussentijdse beoordeling"),
    (Interaction.Kind.SCHOOL_VISIT, "Rondleiding praktijklokalen voor bedrijven"),
]


def _profile(kind, name, municipality, province, registration):
    values = {"municipality": municipality, "province": province, "status": "active"}
    if kind == K.SCHOOL:
        values["brin_code"] = registration
        values["education_levels"] = SCHOOL_LEVELS.get(name, ["mbo2", "mbo3", "mbo4"])
    elif registration:
        values["kvk_number"] = registration
        values["recognised_training_company"] = True
        values["size_class"] = Organisation.SizeClass.MEDIUM
    return values


def _seed_organisations(tenant, rows):
    existing = {o.name: o for o in Organisation.objects.for_tenant(tenant)}
    sectors = {s.name: s for s in Sector.objects.for_tenant(tenant)}
    for kind, name, municipality, province, sector_names, registration in rows:
        if name in existing:
            continue
        existing[name] = organisation_create(
            tenant=tenant,
            actor=None,
            kind=kind,
            name=name,
            sectors=[sectors[s] for s in sector_names if s in sectors],
            **_profile(kind, name, municipality, province, registration),
        )
    return existing


def _seed_contacts(tenant, organisations, rng):
    if Contact.objects.for_tenant(tenant).exists():
        return
    for organisation in organisations.values():
        if organisation.kind != K.COMPANY:
            continue
        for _ in range(rng.randint(1, 2)):
            first, last = rng.choice(FIRST_NAMES), rng.choice(LAST_NAMES)
            slug = organisation.name.split()[0].lower()
            Contact.objects.create(
                tenant=tenant,
                organisation=organisation,
                name=f"{first} {last}",
                function=rng.choice(FUNCTIONS),
                email=f"{first.lower()}.{last.replace(' ', '').lower()}@{slug}.example.nl",
                is_ambassador=rng.random() < 0.2,
            )


def _seed_interactions(tenant, organisations, assignee, rng):
    """About a year of contact log, logged by the schools, with open follow-ups."""
    if Interaction.objects.for_tenant(tenant).exists():
        return
    schools = [o for o in organisations.values() if o.kind in (K.SCHOOL, K.INTERMEDIARY)]
    partners = [o for o in organisations.values() if o.kind == K.COMPANY] or list(
        organisations.values()
    )
    if not schools:
        schools = partners
    today = timezone.localdate()
    contacts_of = {}
    for contact in Contact.objects.for_tenant(tenant):
        contacts_of.setdefault(contact.organisation_id, []).append(contact)
    for index in range(48):
        kind, subject = rng.choice(SUBJECTS)
        counterpart = rng.choice(partners)
        occurred_on = today - datetime.timedelta(days=rng.randint(0, 365))
        follow_up_on = None
        if index % 6 == 0:
            follow_up_on = today + datetime.timedelta(days=rng.randint(-10, 20))
        interaction_log(
            tenant=tenant,
            actor=assignee,
            logged_by=rng.choice(schools),
            organisations=[counterpart],
            contacts=contacts_of.get(counterpart.pk, [])[:1],
            occurred_on=occurred_on,
            kind=kind,
            subject=subject,
            notes="Goed gesprek; de praktijkopleider denkt mee over meer plaatsen.",
            outcome="Vervolgafspraak gepland." if follow_up_on else "",
            visibility=(
                Interaction.Visibility.OWN if index % 5 == 0 else Interaction.Visibility.PARTNERSHIP
            ),
            follow_up_on=follow_up_on,
            follow_up_assignee=assignee if follow_up_on else None,
        )


def _seed_agreements(tenant, organisations, actor):
    if Agreement.objects.for_tenant(tenant).exists():
        return
    today = timezone.localdate()
    covenant = Agreement.objects.create(
        tenant=tenant,
        kind=Agreement.Kind.COVENANT,
        title=f"Samenwerkingsconvenant {tenant.name} 2024-2027",
        starts_on=datetime.date(2024, 1, 1),
        ends_on=datetime.date(2027, 12, 31),
        goals="Meer jongeren kiezen voor techniek en blijven in de regio werken.",
        status=Agreement.Status.ACTIVE,
        created_by=actor,
    )
    covenant.parties.set(list(organisations.values())[:6])
    companies = [o for o in organisations.values() if o.kind == K.COMPANY][:2]
    if companies:
        framework = Agreement.objects.create(
            tenant=tenant,
            kind=Agreement.Kind.STAGE_FRAMEWORK,
            title=f"Raamafspraak BPV-plaatsen {companies[0].name}",
            starts_on=today - datetime.timedelta(days=300),
            ends_on=today + datetime.timedelta(days=45),
            goals="Jaarlijks vijf BPV-plaatsen voor mbo-niveau 3 en 4.",
            created_by=actor,
        )
        framework.parties.set(companies)


def seed(context: dict) -> None:
    organisations = {}
    rng = random.Random(2026)  # noqa: S311 - demo content, not security
    assignee = context["users"]["relatiebeheer@example.org"]
    office = context["users"]["beheer@example.org"]
    for slug, rows in ORGANISATIONS.items():
        tenant = context["tenants"][slug]
        setup_tenant(tenant=tenant, actor=None)
        organisations[slug] = _seed_organisations(tenant, rows)
    for email, slug, name in MEMBER_ORGANISATIONS:
        tenant = context["tenants"][slug]
        membership = Membership.objects.for_tenant(tenant).get(user=context["users"][email])
        organisation = organisations[slug][name]
        if membership.organisation_id != organisation.pk:
            membership_change(
                tenant=tenant,
                actor=None,
                membership=membership,
                role=membership.role,
                organisation=organisation,
            )
    for slug, by_name in organisations.items():
        tenant = context["tenants"][slug]
        _seed_contacts(tenant, by_name, rng)
        _seed_interactions(tenant, by_name, assignee, rng)
        _seed_agreements(tenant, by_name, office)
    context["organisations"] = organisations
