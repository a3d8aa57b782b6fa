"""Demo organisations per demo partnership; links the demo school and company users to theirs."""

from __future__ import annotations

from partnerships.models import Organisation
from partnerships.services import organisation_create
from portal.models import Membership
from portal.services import membership_change

K = Organisation.Kind

ORGANISATIONS = {
    "vierkant-voor-werk": [
        (K.SCHOOL, "Alfa College", "Hardenberg"),
        (K.SCHOOL, "Drenthe College", "Emmen"),
        (K.SCHOOL, "Stenden Hogeschool", "Emmen"),
        (K.COMPANY, "Hondsrug Precisietechniek BV", "Emmen"),
        (K.COMPANY, "Vechtdal Chemie BV", "Hardenberg"),
        (K.COMPANY, "Schoonebeek Olie- en Gasservice BV", "Coevorden"),
        (K.COMPANY, "Europark Logistiek Coevorden BV", "Coevorden"),
        (K.COMPANY, "Hoogeveen Kunststoftechniek BV", "Hoogeveen"),
        (K.GOVERNMENT, "Gemeente Emmen", "Emmen"),
        (K.GOVERNMENT, "Provincie Drenthe", "Assen"),
    ],
    "techoost": [
        (K.INTERMEDIARY, "TechYourFuture", "Enschede"),
        (K.INTERMEDIARY, "TechForFuture", "Zwolle"),
        (K.INTERMEDIARY, "CIVON Innovatiecentrum", "Zwolle"),
        (K.INTERMEDIARY, "TechWise Twente", "Hengelo"),
        (K.INTERMEDIARY, "Process Your Future / PCPT-Oost", "Deventer"),
        (K.GOVERNMENT, "Provincie Overijssel", "Zwolle"),
        (K.SCHOOL, "ROC van Twente", "Hengelo"),
        (K.KNOWLEDGE_INSTITUTE, "Saxion Hogeschool", "Enschede"),
    ],
    "verbindersproject-drenthe": [
        (K.SCHOOL, "Esdal College", "Emmen"),
        (K.SCHOOL, "Dr. Nassau College", "Assen"),
        (K.SCHOOL, "Roelof van Echten College", "Hoogeveen"),
        (K.COMPANY, "Assen Installatietechniek BV", "Assen"),
        (K.COMPANY, "Drentse Metaalbewerking BV", "Meppel"),
    ],
    "innovatiecluster-noordoostpolder": [
        (K.COMPANY, "Polder Machinebouw BV", "Emmeloord"),
        (K.COMPANY, "Urk Maritiem Staal BV", "Urk"),
        (K.COMPANY, "Flevo Agrotechniek BV", "Emmeloord"),
        (K.COMPANY, "Noordoost Kunststof Spuitgiet BV", "Emmeloord"),
        (K.COMPANY, "Ens Precisie Draaierij BV", "Ens"),
        (K.COMPANY, "Marknesse Elektrotechniek BV", "Marknesse"),
        (K.COMPANY, "Luttelgeest Aandrijftechniek BV", "Luttelgeest"),
        (K.COMPANY, "Creil Constructiewerken BV", "Creil"),
        (K.SCHOOL, "Zuyderzee College", "Emmeloord"),
    ],
    "techniekpact-noord": [
        (K.INTERMEDIARY, "Bètapunt Noord", "Groningen"),
        (K.KNOWLEDGE_INSTITUTE, "Rijksuniversiteit Groningen", "Groningen"),
        (K.SCHOOL, "Noorderpoort", "Groningen"),
        (K.GOVERNMENT, "Provincie Groningen", "Groningen"),
    ],
}

# Demo members tied to their own organisation: (e-mail, tenant slug, organisation name).
MEMBER_ORGANISATIONS = [
    ("relatiebeheer@example.org", "vierkant-voor-werk", "Alfa College"),
    ("relatiebeheer@example.org", "verbindersproject-drenthe", "Esdal College"),
    ("bedrijf@example.org", "vierkant-voor-werk", "Hondsrug Precisietechniek BV"),
    ("bedrijf@example.org", "innovatiecluster-noordoostpolder", "Polder Machinebouw BV"),
    ("financier@example.org", "techoost", "Provincie Overijssel"),
]


def seed(context: dict) -> None:
    organisations = {}
    for slug, rows in ORGANISATIONS.items():
        tenant = context["tenants"][slug]
        existing = {o.name: o for o in Organisation.objects.for_tenant(tenant)}
        for kind, name, municipality in rows:
            if name not in existing:
                existing[name] = organisation_create(
                    tenant=tenant, actor=None, kind=kind, name=name, municipality=municipality
                )
        organisations[slug] = existing
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
    context["organisations"] = organisations
