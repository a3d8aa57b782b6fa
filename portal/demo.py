"""Demo partnerships and one demo user per role, for ``manage.py seed_demo``.

The partnerships are modelled on real Dutch regional programmes; people and
companies are invented. Other apps add their own content in their ``demo.py``.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db import transaction

from portal.models import Membership, Tenant, User
from portal.roles import Role
from portal.services import membership_create, tenant_create

DEMO_PASSWORD = "demo-portaal-2026"  # noqa: S105 - printed for newcomers on purpose


@dataclass(frozen=True)
class DemoUser:
    email: str
    full_name: str
    memberships: dict[str, Role] = field(default_factory=dict)
    is_staff: bool = False


TENANTS = [
    {
        "slug": "vierkant-voor-werk",
        "name": "Vierkant voor Werk",
        "brand_colour": "#00587a",
        "description": (
            "Samenwerkingsverband van onderwijs, bedrijfsleven en overheid in Zuidoost-Drenthe "
            "en Hardenberg (Emmen, Coevorden, Hardenberg, Hoogeveen) om jongeren op te leiden "
            "voor technische banen in HTSM, chemie, olie en gas en logistiek."
        ),
    },
    {
        "slug": "techoost",
        "name": "TechOost",
        "brand_colour": "#6b2c91",
        "description": (
            "Programma van vijf publiek-private samenwerkingen in Oost-Nederland (TechYourFuture, "
            "TechForFuture, CIVON Innovatiecentrum, TechWise Twente en Process Your Future / "
            "PCPT-Oost) met vijf actielijnen en een begroting van EUR 21,3 miljoen, waarvan "
            "9 miljoen uit het Nationaal Groeifonds en 0,2 miljoen van de provincie Overijssel."
        ),
    },
    {
        "slug": "verbindersproject-drenthe",
        "name": "Verbindersproject Drenthe",
        "brand_colour": "#00646e",
        "description": (
            "Verbinders van vo-scholen in Drenthe onderhouden de relaties met technische "
            "bedrijven: gastlessen, bedrijfsbezoeken en snuffelstages."
        ),
    },
    {
        "slug": "innovatiecluster-noordoostpolder",
        "name": "Innovatiecluster Noordoostpolder",
        "brand_colour": "#2b5d1f",
        "description": (
            "Acht maakbedrijven in de Noordoostpolder werken samen met het onderwijs aan "
            "vakmanschap, innovatie en instroom van technisch talent."
        ),
    },
    {
        "slug": "techniekpact-noord",
        "name": "Techniekpact Landsdeel Noord",
        "brand_colour": "#8a1538",
        "description": (
            "Regionale uitwerking van het Techniekpact in Groningen, Friesland en Drenthe: zes "
            "doe-voorstellen, waaronder Bètapunt Noord (van 10 naar 77 schoolbesturen in 2020) "
            "en W&T-communities (van 10 naar 70)."
        ),
    },
]

USERS = [
    DemoUser(
        "beheer@example.org",
        "Anouk de Vries",
        {
            "vierkant-voor-werk": Role.ADMIN,
            "techoost": Role.ADMIN,
            "techniekpact-noord": Role.ADMIN,
        },
    ),
    DemoUser(
        "kartrekker@example.org",
        "Jeroen Bakker",
        {"techoost": Role.LEAD, "techniekpact-noord": Role.LEAD, "vierkant-voor-werk": Role.LEAD},
    ),
    DemoUser(
        "relatiebeheer@example.org",
        "Fatima El Amrani",
        {"vierkant-voor-werk": Role.RELATIONS, "verbindersproject-drenthe": Role.RELATIONS},
    ),
    DemoUser(
        "bedrijf@example.org",
        "Henk Mulder",
        {"vierkant-voor-werk": Role.COMPANY, "innovatiecluster-noordoostpolder": Role.COMPANY},
    ),
    DemoUser(
        "financier@example.org",
        "Sanne Jansen",
        {
            "techoost": Role.FUNDER,
            "vierkant-voor-werk": Role.FUNDER,
            "techniekpact-noord": Role.FUNDER,
        },
    ),
    DemoUser(
        "verbinder@example.org",
        "Lotte Smit",
        {
            "verbindersproject-drenthe": Role.ADMIN,
            "innovatiecluster-noordoostpolder": Role.ADMIN,
        },
    ),
    DemoUser("platform@example.org", "Platformbeheer", {}, is_staff=True),
]


def _user(demo: DemoUser) -> User:
    user = User.objects.filter(email=demo.email).first()
    if user is None:
        user = User.objects.create_user(
            demo.email,
            DEMO_PASSWORD,
            full_name=demo.full_name,
            is_staff=demo.is_staff,
            is_superuser=demo.is_staff,
        )
    from allauth.account.models import EmailAddress

    EmailAddress.objects.update_or_create(
        user=user, email=demo.email, defaults={"verified": True, "primary": True}
    )
    return user


@transaction.atomic
def seed(context: dict) -> None:
    """Create the demo tenants and users; leave what exists alone (idempotent)."""
    tenants = {}
    for values in TENANTS:
        tenant = Tenant.objects.filter(slug=values["slug"]).first()
        if tenant is None:
            tenant = tenant_create(actor=None, require_mfa_for_admins=False, **values)
        tenants[tenant.slug] = tenant
    users = {}
    for demo in USERS:
        user = _user(demo)
        users[demo.email] = user
        for slug, role in demo.memberships.items():
            tenant = tenants[slug]
            if not Membership.objects.for_tenant(tenant).filter(user=user).exists():
                membership_create(tenant=tenant, actor=None, user=user, role=role)
    context["tenants"] = tenants
    context["users"] = users


def logins() -> list[tuple[str, str, str]]:
    """(e-mail, password, what the user is) for the demo login table."""
    rows = []
    for demo in USERS:
        roles = ", ".join(f"{Role(role).label} @ {slug}" for slug, role in demo.memberships.items())
        rows.append((demo.email, DEMO_PASSWORD, roles or "platform staff (Django admin)"))
    return rows
