"""Demo content of the stage market per demo partnership: opportunities of its companies in
every status, applications from its schools with a conversation, and placements, one of
them completed and evaluated by both sides.

``seed_demo`` calls :func:`seed` after ``partnerships.demo``, whose organisations it uses.
The rows are written with the ORM directly, as data, with ``places_taken`` equal to the
accepted applications as the services would leave it. A partnership that has opportunities
already is left alone, so running the command again changes nothing.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from django.db import transaction
from django.utils import timezone

from internships.models import (
    Application,
    ApplicationMessage,
    InternshipSettings,
    Opportunity,
    Placement,
)
from partnerships.models import Contact, Organisation

K = Opportunity.Kind
S = Opportunity.Status
A = Application.Status
P = Placement.Status
SCHOOL = "school"
COMPANY = "company"


@dataclass(frozen=True)
class Evaluation:
    school_rating: int
    school_text: str
    company_rating: int
    company_text: str


@dataclass(frozen=True)
class Apply:
    """An application of ``school``; ``placement`` (a status) when it led to one."""

    school: str
    student: tuple[str, str, str, str]  # first name, initial, level, programme
    status: str = A.SUBMITTED
    note: str = ""
    messages: tuple[tuple[str, str], ...] = ()  # (SCHOOL | COMPANY, text)
    placement: str | None = None
    evaluation: Evaluation | None = None
    group_size: int = 1


@dataclass(frozen=True)
class Offer:
    company: str
    kind: str
    title: str
    description: str
    levels: tuple[str, ...]
    places: int = 1
    status: str = S.PUBLISHED
    starts_in: int | None = 30  # days from today; None: no fixed start
    weeks: int | None = 20  # None: ongoing
    hours: int | None = 32
    allowance: str = ""
    requirements: str = ""
    crebo: tuple[str, ...] = ()
    published_days_ago: int = 10
    public_contact: bool = True
    applications: tuple[Apply, ...] = field(default_factory=tuple)


THANKS = "Dank voor de aanmelding. Kan de student volgende week dinsdag langskomen?"
YES = "Dinsdag om 10:00 uur komt goed uit. De student neemt het cv mee."

OFFERS: dict[str, list[Offer]] = {
    "vierkant-voor-werk": [
        Offer(
            "Hondsrug Precisietechniek BV",
            K.BPV,
            "BPV-plaats monteur mechatronica",
            "Je werkt mee in ons onderhoudsteam aan verpakkingslijnen en robotcellen. Je leert "
            "storingen zoeken, pneumatiek en besturingen afstellen en preventief onderhoud "
            "plannen.\n\nJe praktijkopleider is een ervaren monteur die zelf ook via de BPV "
            "bij ons is begonnen.",
            ("mbo3", "mbo4"),
            places=3,
            crebo=("25293", "25294"),
            allowance="EUR 350 per maand",
            requirements="Veiligheidsschoenen en VCA-basis (halen we samen als je het nog niet "
            "hebt).",
            starts_in=45,
            applications=(
                Apply(
                    "Alfa College",
                    ("Sem", "B", "mbo4", "Technicus mechatronica"),
                    A.ACCEPTED,
                    note="Sem is handig met besturingen en zoekt een uitdagende BPV.",
                    messages=((COMPANY, THANKS), (SCHOOL, YES)),
                    placement=P.PLANNED,
                ),
                Apply(
                    "Alfa College",
                    ("Noor", "V", "mbo3", "Monteur mechatronica"),
                    A.IN_CONVERSATION,
                    messages=(
                        (COMPANY, "Heeft Noor al ervaring met pneumatiek?"),
                        (SCHOOL, "Ja, in het praktijklokaal; ze wil er graag meer mee doen."),
                    ),
                ),
                Apply("Drenthe College", ("Daan", "K", "mbo3", "Monteur mechatronica")),
            ),
        ),
        Offer(
            "Hondsrug Precisietechniek BV",
            K.BPV,
            "BPV-plaats onderhoudsmonteur (voorjaar)",
            "Onderhoud aan de CNC-bewerkingscentra en de koelinstallatie, samen met de "
            "technische dienst.",
            ("mbo3",),
            places=1,
            status=S.CLOSED,
            starts_in=-200,
            weeks=20,
            published_days_ago=260,
            applications=(
                Apply(
                    "Alfa College",
                    ("Lieke", "D", "mbo3", "Monteur mechatronica"),
                    A.ACCEPTED,
                    messages=((COMPANY, THANKS), (SCHOOL, YES)),
                    placement=P.COMPLETED,
                    evaluation=Evaluation(
                        5,
                        "Goede begeleiding; Lieke kreeg veel verantwoordelijkheid.",
                        4,
                        "Leergierige student die snel zelfstandig storingen oploste.",
                    ),
                ),
            ),
        ),
        Offer(
            "Hondsrug Precisietechniek BV",
            K.ORIENTATION,
            "Snuffelstage CNC-verspanen",
            "Een dag meekijken en meedoen in onze verspaning: van tekening tot product. "
            "Je maakt je eigen sleutelhanger op de draaibank.",
            ("vmbo", "mbo2"),
            places=8,
            starts_in=None,
            weeks=None,
            hours=None,
            published_days_ago=3,
            applications=(
                Apply(
                    "Alfa College",
                    ("", "", "mbo2", "Entree-opleiding techniek"),
                    A.SUBMITTED,
                    note="Belangstelling van een groep van zes leerlingen.",
                    group_size=6,
                ),
            ),
        ),
        Offer(
            "Hondsrug Precisietechniek BV",
            K.GRADUATION,
            "Afstudeeropdracht vision-inspectie van precisiedelen",
            "Ontwerp en test een camerasysteem dat maatafwijkingen in gefreesde delen vindt "
            "voordat ze de klant bereiken.",
            ("hbo",),
            places=1,
            status=S.FILLED,
            starts_in=60,
            weeks=20,
            hours=40,
            allowance="EUR 500 per maand",
            published_days_ago=40,
            applications=(
                Apply(
                    "Stenden Hogeschool",
                    ("Yara", "S", "hbo", "Werktuigbouwkunde"),
                    A.ACCEPTED,
                    messages=((COMPANY, "Past de startdatum in februari?"), (SCHOOL, "Ja.")),
                    placement=P.PLANNED,
                ),
                Apply(
                    "Stenden Hogeschool",
                    ("Milan", "H", "hbo", "Elektrotechniek"),
                    A.DECLINED,
                ),
            ),
        ),
        Offer(
            "Vechtdal Chemie BV",
            K.BPV,
            "BPV-plaats procesoperator",
            "Je draait mee in de ploegendienst van onze productie-installatie en leert "
            "monsters nemen, installaties op- en afschakelen en veilig werken volgens "
            "werkvergunning.",
            ("mbo2", "mbo3", "mbo4"),
            places=2,
            crebo=("25420",),
            allowance="EUR 300 per maand en ploegentoeslag",
            requirements="Bereid om in ploegen te werken (geen nachtdienst onder 18 jaar).",
            starts_in=20,
            applications=(
                Apply(
                    "Alfa College",
                    ("Thijs", "M", "mbo3", "Operator C"),
                    A.ACCEPTED,
                    placement=P.PLANNED,
                ),
                Apply("Drenthe College", ("Fatima", "A", "mbo4", "Operator B"), A.WITHDRAWN),
            ),
        ),
        Offer(
            "Vechtdal Chemie BV",
            K.GUEST_LESSON,
            "Gastles veilig werken in de procesindustrie",
            "Een operator en een veiligheidskundige vertellen in de klas hoe een chemische "
            "fabriek veilig draait, met echte incidenten en proefjes.",
            ("vmbo", "havo_vwo", "mbo2"),
            places=4,
            starts_in=None,
            weeks=None,
            hours=None,
            published_days_ago=30,
        ),
        Offer(
            "Schoonebeek Olie- en Gasservice BV",
            K.COMPANY_VISIT,
            "Bedrijfsbezoek olieveld Schoonebeek",
            "Rondleiding over het olieveld en in de werkplaats, met uitleg over de "
            "energietransitie: van olie naar aardwarmte.",
            ("vmbo", "mbo2", "mbo3"),
            places=2,
            starts_in=35,
            weeks=None,
            hours=None,
            published_days_ago=7,
        ),
        Offer(
            "Europark Logistiek Coevorden BV",
            K.BBL,
            "BBL-plaats logistiek medewerker",
            "Vier dagen werken in ons distributiecentrum, een dag naar school. Je leert "
            "orderpicken, heftruck rijden en voorraadbeheer.",
            ("mbo2",),
            places=2,
            status=S.DRAFT,
            starts_in=90,
            weeks=52,
            allowance="Salaris volgens cao",
            published_days_ago=0,
        ),
        Offer(
            "Hoogeveen Kunststoftechniek BV",
            K.SHADOWING,
            "Meeloopdag spuitgieten",
            "Loop een dag mee met een procesoperator kunststof en zie hoe een matrijs en een "
            "spuitgietmachine samen een product maken.",
            ("vmbo", "mbo2"),
            places=3,
            starts_in=14,
            weeks=None,
            hours=8,
            published_days_ago=5,
        ),
        Offer(
            "Emmen Procesautomatisering BV",
            K.PROJECT,
            "Project: dashboard voor energiemonitoring",
            "Bouw met een projectgroep een dashboard dat het energieverbruik van een "
            "productielijn zichtbaar maakt, op basis van echte PLC-gegevens.",
            ("mbo4", "hbo"),
            places=4,
            starts_in=50,
            weeks=10,
            hours=8,
            published_days_ago=12,
        ),
    ],
    "techoost": [
        Offer(
            "Twentse Hightech Componenten BV",
            K.BPV,
            "BPV-plaats fijnmechanisch monteur",
            "Samenbouwen en afregelen van modules voor de halfgeleiderindustrie in onze cleanroom.",
            ("mbo3", "mbo4"),
            places=2,
            allowance="EUR 400 per maand",
            applications=(
                Apply(
                    "ROC van Twente",
                    ("Jesse", "T", "mbo4", "Technicus engineering"),
                    A.ACCEPTED,
                    messages=((COMPANY, THANKS), (SCHOOL, YES)),
                    placement=P.ACTIVE,
                ),
            ),
            starts_in=-30,
        ),
        Offer(
            "Twentse Hightech Componenten BV",
            K.TEACHING_ON_LOCATION,
            "Les op locatie: cleanroomtechniek",
            "Een klas krijgt een dagdeel les in ons opleidingscentrum, inclusief omkleden en "
            "werken in de cleanroom.",
            ("mbo3", "mbo4", "hbo"),
            places=2,
            starts_in=None,
            weeks=None,
            hours=None,
        ),
        Offer(
            "Sallandse Procesindustrie BV",
            K.SHORT_STAGE,
            "Korte stage laboratorium",
            "Vier weken meewerken in het kwaliteitslab: monsters analyseren en rapporteren.",
            ("mbo4",),
            places=1,
            status=S.FILLED,
            weeks=4,
            applications=(
                Apply(
                    "ROC van Twente",
                    ("Emma", "J", "mbo4", "Laboratoriumtechniek"),
                    A.ACCEPTED,
                    placement=P.PLANNED,
                ),
            ),
        ),
        Offer(
            "Sallandse Procesindustrie BV",
            K.SHARED_FACILITY,
            "Gedeelde proeffabriek voor onderwijs",
            "Scholen kunnen onze proeffabriek gebruiken voor practica procestechniek.",
            ("mbo2", "mbo3", "mbo4", "hbo"),
            places=1,
            status=S.DRAFT,
            starts_in=None,
            weeks=None,
            hours=None,
        ),
    ],
    "verbindersproject-drenthe": [
        Offer(
            "Assen Installatietechniek BV",
            K.GUEST_LESSON,
            "Gastles warmtepompen en duurzame installaties",
            "Een installatiemonteur laat zien hoe een warmtepomp werkt en wat je doet in de "
            "installatietechniek.",
            ("vmbo", "havo_vwo"),
            places=6,
            starts_in=None,
            weeks=None,
            hours=None,
            applications=(
                Apply(
                    "Esdal College",
                    ("", "", "vmbo", "Bouwen, wonen en interieur"),
                    A.ACCEPTED,
                    note="Klas 3 BWI, 24 leerlingen, bij voorkeur op donderdag.",
                    group_size=24,
                    messages=((COMPANY, "Donderdag 14 maart kan."), (SCHOOL, "Top, genoteerd.")),
                ),
            ),
        ),
        Offer(
            "Drentse Metaalbewerking BV",
            K.ORIENTATION,
            "Snuffelstage lassen en plaatbewerking",
            "Twee dagen meedraaien in de werkplaats: lassen, zetten en snijden.",
            ("vmbo",),
            places=4,
            starts_in=21,
            weeks=None,
            hours=16,
            applications=(
                Apply(
                    "Roelof van Echten College",
                    ("Bram", "W", "vmbo", "Produceren, installeren en energie"),
                    A.ACCEPTED,
                    messages=((COMPANY, THANKS), (SCHOOL, YES)),
                    placement=P.PLANNED,
                ),
                Apply("Esdal College", ("Tess", "O", "vmbo", "Produceren, installeren en energie")),
            ),
        ),
        Offer(
            "Veenkoloniale Agrotech BV",
            K.COMPANY_VISIT,
            "Bedrijfsbezoek precisielandbouw",
            "Zie drones, GPS-gestuurde trekkers en sensoren in het veld.",
            ("vmbo", "havo_vwo"),
            places=2,
            status=S.FILLED,
            starts_in=40,
            weeks=None,
            hours=None,
            applications=(
                Apply(
                    "Dr. Nassau College",
                    ("", "", "havo_vwo", "Profiel NT"),
                    A.ACCEPTED,
                    group_size=28,
                ),
                Apply(
                    "Esdal College",
                    ("", "", "vmbo", "Groen"),
                    A.ACCEPTED,
                    group_size=20,
                ),
            ),
        ),
        Offer(
            "Drentse Metaalbewerking BV",
            K.SHADOWING,
            "Meeloopdag constructiebankwerker",
            "Loop een dag mee met een constructiebankwerker.",
            ("vmbo",),
            status=S.DRAFT,
            starts_in=60,
            weeks=None,
            hours=8,
        ),
    ],
    "innovatiecluster-noordoostpolder": [
        Offer(
            "Polder Machinebouw BV",
            K.BPV,
            "BPV-plaats machinebouwer",
            "Bouw mee aan landbouwmachines: van frame tot hydrauliek en elektrische aansluiting.",
            ("mbo2", "mbo3"),
            places=2,
            allowance="EUR 300 per maand",
            applications=(
                Apply(
                    "Zuyderzee College",
                    ("Ruben", "P", "mbo3", "Monteur mechatronica"),
                    A.ACCEPTED,
                    messages=((COMPANY, THANKS), (SCHOOL, YES)),
                    placement=P.ACTIVE,
                ),
                Apply("Zuyderzee College", ("Isa", "L", "mbo2", "Basismonteur"), A.SUBMITTED),
            ),
            starts_in=-20,
        ),
        Offer(
            "Polder Machinebouw BV",
            K.BPV,
            "BPV-plaats lasser (najaar)",
            "Lassen van frames voor landbouwmachines onder begeleiding van een IWS-lasser.",
            ("mbo2",),
            places=1,
            status=S.CLOSED,
            starts_in=-180,
            weeks=16,
            published_days_ago=240,
            applications=(
                Apply(
                    "Zuyderzee College",
                    ("Gijs", "R", "mbo2", "Lasser"),
                    A.ACCEPTED,
                    placement=P.COMPLETED,
                    evaluation=Evaluation(
                        4,
                        "Fijne werkplek met duidelijke afspraken.",
                        4,
                        "Nauwkeurige lasser; mag terugkomen als BBL'er.",
                    ),
                ),
            ),
        ),
        Offer(
            "Urk Maritiem Staal BV",
            K.ORIENTATION,
            "Snuffelstage scheepsbouw",
            "Een dag op de werf: van staalplaat tot scheepsromp.",
            ("vmbo",),
            places=6,
            starts_in=25,
            weeks=None,
            hours=8,
        ),
        Offer(
            "Flevo Agrotechniek BV",
            K.PROJECT,
            "Project: sensor voor bodemvocht",
            "Ontwikkel met een team studenten een goedkope sensor voor bodemvocht.",
            ("mbo4", "hbo"),
            places=3,
            starts_in=40,
            weeks=12,
            hours=8,
            status=S.DRAFT,
        ),
        Offer(
            "Ens Precisie Draaierij BV",
            K.BBL,
            "BBL-plaats CNC-verspaner",
            "Vier dagen werken, een dag naar school: programmeren en bedienen van CNC-draaibanken.",
            ("mbo2", "mbo3"),
            places=1,
            status=S.FILLED,
            weeks=52,
            allowance="Salaris volgens cao Metalektro",
            applications=(
                Apply(
                    "Zuyderzee College",
                    ("Luuk", "B", "mbo3", "Allround CNC-verspaner"),
                    A.ACCEPTED,
                    placement=P.PLANNED,
                ),
            ),
        ),
    ],
    "techniekpact-noord": [
        Offer(
            "Eemsdelta Energietechniek BV",
            K.BPV,
            "BPV-plaats elektrotechnicus windenergie",
            "Onderhoud aan de elektrische installaties van windturbines in de Eemshaven.",
            ("mbo3", "mbo4"),
            places=2,
            requirements="Geen hoogtevrees; GWO-training volg je bij ons.",
            applications=(
                Apply(
                    "Noorderpoort",
                    ("Anna", "Z", "mbo4", "Eerste monteur elektrotechnische installaties"),
                    A.IN_CONVERSATION,
                    messages=((COMPANY, "Heeft Anna een VCA-diploma?"),),
                ),
                Apply(
                    "Noorderpoort",
                    ("Kevin", "E", "mbo3", "Monteur elektrotechnische installaties"),
                    A.ACCEPTED,
                    placement=P.PLANNED,
                ),
            ),
        ),
        Offer(
            "Eemsdelta Energietechniek BV",
            K.GUEST_LESSON,
            "Gastles waterstof in de Eemsdelta",
            "Wat doet een technicus in een waterstoffabriek? Een gastles met proefopstelling.",
            ("vmbo", "havo_vwo", "mbo3"),
            places=1,
            status=S.FILLED,
            starts_in=None,
            weeks=None,
            hours=None,
            applications=(
                Apply(
                    "Noorderpoort",
                    ("", "", "mbo3", "Procestechniek"),
                    A.ACCEPTED,
                    note="Twee klassen procestechniek, samen 40 studenten.",
                    group_size=40,
                    messages=((COMPANY, "Wij komen graag in week 12."),),
                ),
            ),
        ),
        Offer(
            "Eemsdelta Energietechniek BV",
            K.SHADOWING,
            "Meeloopdag monteur hoogspanning",
            "Loop een dag mee met een monteur hoogspanning.",
            ("mbo2", "mbo3"),
            status=S.DRAFT,
            starts_in=30,
            weeks=None,
            hours=8,
        ),
    ],
}

# Demo users who act for their organisation in the stage market.
ACTORS = {
    ("vierkant-voor-werk", "Alfa College"): "relatiebeheer@example.org",
    ("vierkant-voor-werk", "Hondsrug Precisietechniek BV"): "bedrijf@example.org",
    ("verbindersproject-drenthe", "Esdal College"): "relatiebeheer@example.org",
    ("innovatiecluster-noordoostpolder", "Polder Machinebouw BV"): "bedrijf@example.org",
}


@transaction.atomic
def seed(context: dict) -> None:
    today = timezone.localdate()
    now = timezone.now()
    for slug, offers in OFFERS.items():
        tenant = context["tenants"][slug]
        InternshipSettings.objects.get_or_create(tenant=tenant)
        if Opportunity.objects.for_tenant(tenant).exists():
            continue
        organisations: dict[str, Organisation] = context["organisations"][slug]
        users = {
            name: context["users"].get(email)
            for (tenant_slug, name), email in ACTORS.items()
            if tenant_slug == slug
        }
        supervisors = _first_contacts(tenant)
        for offer in offers:
            _seed_offer(tenant, offer, organisations, users, supervisors, today=today, now=now)


def _first_contacts(tenant) -> dict[int, Contact]:
    contacts: dict[int, Contact] = {}
    for contact in Contact.objects.for_tenant(tenant).order_by("pk"):
        contacts.setdefault(contact.organisation_id, contact)
    return contacts


def _seed_offer(tenant, offer: Offer, organisations, users, supervisors, *, today, now) -> None:
    company = organisations[offer.company]
    starts_on = (
        today + datetime.timedelta(days=offer.starts_in) if offer.starts_in is not None else None
    )
    ends_on = None
    if starts_on is not None and offer.weeks is not None:
        ends_on = starts_on + datetime.timedelta(weeks=offer.weeks)
    elif starts_on is not None and offer.kind in (K.COMPANY_VISIT, K.SHADOWING, K.ORIENTATION):
        ends_on = starts_on  # a single day
    published = offer.status != S.DRAFT
    published_at = now - datetime.timedelta(days=offer.published_days_ago) if published else None
    accepted = sum(1 for a in offer.applications if a.status == A.ACCEPTED)
    places = max(offer.places, accepted)
    if offer.status == S.FILLED:
        places = accepted
    supervisor = supervisors.get(company.pk)
    domain = company.name.split()[0].lower()
    opportunity = Opportunity.objects.create(
        tenant=tenant,
        company=company,
        kind=offer.kind,
        title=offer.title,
        description=offer.description,
        education_levels=list(offer.levels),
        crebo_codes=list(offer.crebo),
        starts_on=starts_on,
        ends_on=ends_on,
        is_ongoing=offer.starts_in is None and offer.weeks is None,
        hours_per_week=offer.hours,
        places=places,
        places_taken=accepted,
        street_address="Industrieweg 12",
        municipality=company.municipality,
        supervisor=supervisor,
        requirements=offer.requirements,
        allowance=offer.allowance,
        application_deadline=(
            starts_on - datetime.timedelta(days=7)
            if starts_on is not None and starts_on > today + datetime.timedelta(days=7)
            else None
        ),
        public_contact_name=f"Stagebureau {company.name}" if offer.public_contact else "",
        public_contact_email=f"stages@{domain}.example.nl" if offer.public_contact else "",
        public_contact_phone="0591 123 456" if offer.public_contact else "",
        status=offer.status,
        published_at=published_at,
        closed_at=now - datetime.timedelta(days=30) if offer.status == S.CLOSED else None,
        created_by=users.get(offer.company),
        created_at=(published_at or now) - datetime.timedelta(days=2),
    )
    sectors = list(company.sectors.all())
    if sectors:
        opportunity.sectors.set(sectors)
    for index, apply in enumerate(offer.applications):
        _seed_application(
            tenant,
            opportunity,
            apply,
            organisations,
            users,
            supervisor,
            applied_at=(published_at or now) + datetime.timedelta(days=1 + index),
            today=today,
        )


def _seed_application(
    tenant, opportunity, apply: Apply, organisations, users, supervisor, *, applied_at, today
) -> None:
    school = organisations[apply.school]
    company = opportunity.company
    school_user = users.get(apply.school)
    company_user = users.get(company.name)
    first, initial, level, programme = apply.student
    decided = apply.status in (A.ACCEPTED, A.DECLINED)
    application = Application.objects.create(
        tenant=tenant,
        opportunity=opportunity,
        school=school,
        student_first_name=first,
        student_last_initial=initial,
        student_level=level,
        student_programme=programme,
        group_size=apply.group_size,
        note=apply.note,
        status=apply.status,
        submitted_by=school_user,
        decided_by=company_user if decided else None,
        decided_at=applied_at + datetime.timedelta(days=4) if decided else None,
        created_at=applied_at,
    )
    for index, (side, body) in enumerate(apply.messages):
        author_organisation = school if side == SCHOOL else company
        ApplicationMessage.objects.create(
            tenant=tenant,
            application=application,
            author=school_user if side == SCHOOL else company_user,
            author_organisation=author_organisation,
            body=body,
            created_at=applied_at + datetime.timedelta(hours=3 + 20 * index),
        )
    if apply.placement is None:
        return
    starts_on = opportunity.starts_on or today + datetime.timedelta(days=14)
    ends_on = opportunity.ends_on or starts_on + datetime.timedelta(weeks=10)
    evaluation = apply.evaluation
    Placement.objects.create(
        tenant=tenant,
        application=application,
        opportunity=opportunity,
        school=school,
        company=company,
        starts_on=starts_on,
        ends_on=ends_on,
        school_supervisor=school_user,
        company_supervisor=supervisor,
        status=apply.placement,
        school_rating=evaluation.school_rating if evaluation else None,
        school_evaluation=evaluation.school_text if evaluation else "",
        company_rating=evaluation.company_rating if evaluation else None,
        company_evaluation=evaluation.company_text if evaluation else "",
        created_at=application.decided_at or applied_at,
    )
