"""Demo agendas per demo partnership, for ``manage.py seed_demo`` (after the CRM and the stage
market, whose organisations, contacts and stage places they link to).

- TechOost: five action lines, actions owned by the five public-private partnerships, and a
  budget of EUR 21.3 million: 9 million from the Nationaal Groeifonds, 0.2 million from the
  province of Overijssel, the rest the partners' co-financing (cash and in kind), the
  education institutions and other sources; commitments and spending booked against it.
- Techniekpact Landsdeel Noord: six doe-voorstellen, Bètapunt Noord's school boards on the
  path 10 (2014) -> 30 (2016) -> 77 (2020), the W&T-communities 10 -> 70, with measurements;
  progress updates (one approved, so locked); two reviews with decisions and snapshots.
- The other three: a small agenda each.

Idempotent: a partnership that already has themes is left alone. Actions, milestones, updates
and reviews go through the services (so they are audited); indicators and budgets are written
directly, as the scale data is.
"""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from agenda.models import (
    Action,
    ActionLine,
    BudgetEntry,
    BudgetLine,
    FundingSource,
    Indicator,
    Measurement,
    Target,
    Theme,
)
from agenda.selectors.updates import period_before, period_of
from agenda.services.actions import action_create, action_update
from agenda.services.milestones import milestone_create, milestone_mark_done
from agenda.services.reviews import DecisionInput, review_create
from agenda.services.updates import (
    progress_update_approve,
    progress_update_create,
    progress_update_submit,
)
from portal.models import Membership

KARTREKKER = "kartrekker@example.org"
OFFICE = "beheer@example.org"
D = datetime.date


def _user(context, tenant, email):
    """The demo user, if a member of ``tenant`` (an action's owner must be)."""
    user = context["users"].get(email)
    if user is None or not Membership.objects.for_tenant(tenant).filter(user=user).exists():
        return None
    return user


def _org(context, slug, name):
    return context.get("organisations", {}).get(slug, {}).get(name)


def _indicator(tenant, *, name, unit, baseline, baseline_on, targets, measurements, **attach):
    """An indicator with its target path and measurements (``[(date, value), ...]``)."""
    indicator = Indicator.objects.create(
        tenant=tenant,
        name=name,
        unit=unit,
        baseline_value=Decimal(baseline),
        baseline_on=baseline_on,
        definition=attach.pop("definition", ""),
        kind=attach.pop("kind", Indicator.Kind.CUMULATIVE),
        metric=attach.pop("metric", ""),
        **attach,
    )
    Target.objects.bulk_create(
        Target(tenant=tenant, indicator=indicator, due_on=day, value=Decimal(value))
        for day, value in targets
    )
    Measurement.objects.bulk_create(
        Measurement(
            tenant=tenant,
            indicator=indicator,
            measured_on=day,
            value=Decimal(value),
            source="Monitor Techniekpact" if "Bètapunt" in name or "W&T" in name else "",
        )
        for day, value in measurements
    )
    return indicator


def _structure(tenant, themes: list[tuple[str, list[str]]]) -> dict[str, ActionLine]:
    lines = {}
    for theme_position, (theme_title, line_titles) in enumerate(themes, start=1):
        theme = Theme.objects.create(tenant=tenant, title=theme_title, position=theme_position)
        for line_position, title in enumerate(line_titles, start=1):
            lines[title] = ActionLine.objects.create(
                tenant=tenant, theme=theme, title=title, position=line_position
            )
    return lines


def _action(tenant, line, title, **values) -> Action:
    values.setdefault("status", Action.Status.RUNNING)
    return action_create(tenant=tenant, actor=None, action_line=line, title=title, **values)


# --- TechOost ---------------------------------------------------------------------------------

TECHOOST_PPS = [
    "TechYourFuture",
    "TechForFuture",
    "CIVON Innovatiecentrum",
    "TechWise Twente",
    "Process Your Future / PCPT-Oost",
]
TECHOOST_LINES = [
    "Versterking van ketens en ecosystemen",
    "Talentontwikkeling",
    "Innovatie en beroepspraktijk",
    "Leven lang ontwikkelen",
    "Contextrijke infrastructuur",
]
# (line, title, PPS owner, weight in the budget, health, health reason)
TECHOOST_ACTIONS = [
    (0, "Regionale technologieketens Twente en Salland", 0, 3, "on_track", ""),
    (0, "Netwerk van bedrijfsambassadeurs", 3, 1, "on_track", ""),
    (1, "Techniekonderwijs in po en vo versterken", 1, 3, "at_risk", "Tekort aan docenten."),
    (1, "Doorstroom vmbo-mbo in de procestechniek", 4, 2, "on_track", ""),
    (2, "Practoraten en lectoraten in de beroepspraktijk", 2, 3, "on_track", ""),
    (2, "Innovatiewerkplaatsen met het mkb", 0, 2, "off_track", "Te weinig mkb aangehaakt."),
    (3, "Om- en bijscholing van werkenden", 3, 3, "on_track", ""),
    (3, "Leerwerkloketten en loopbaanadvies", 2, 1, "on_track", ""),
    (4, "Gedeelde praktijkcentra en labs", 4, 4, "on_track", ""),
    (4, "Mobiele technieklabs voor scholen", 1, 2, "at_risk", "Levering van de labs vertraagd."),
]  # fmt: skip
# Funding of TechOost: (name, kind, co-financing?, total in euros). Sums to EUR 21.3 million.
TECHOOST_FUNDING = [
    ("Nationaal Groeifonds", FundingSource.Kind.GROWTH_FUND, False, 9_000_000),
    ("Provincie Overijssel", FundingSource.Kind.PROVINCE, False, 200_000),
    ("Cofinanciering bedrijven (geld)", FundingSource.Kind.COMPANY_CASH, True, 3_600_000),
    ("Cofinanciering bedrijven (in natura)", FundingSource.Kind.COMPANY_IN_KIND, True, 4_200_000),
    ("Onderwijsinstellingen", FundingSource.Kind.EDUCATION, True, 3_500_000),
    ("Overige bijdragen", FundingSource.Kind.OTHER, False, 800_000),
]
TECHOOST_TOTAL = Decimal("21300000")
TECHOOST_YEARS = (2024, 2025, 2026, 2027)


def _split(total: int, weights: list[int]) -> list[int]:
    """``total`` over ``weights`` in whole euros; the last share takes the rounding."""
    shares = [total * weight // sum(weights) for weight in weights]
    shares[-1] += total - sum(shares)
    return shares


def _seed_techoost(context, tenant) -> None:
    slug = tenant.slug
    lines = _structure(tenant, [("Human Capital Agenda TechOost", TECHOOST_LINES)])
    kartrekker = _user(context, tenant, KARTREKKER)
    office = _user(context, tenant, OFFICE)
    actions = []
    for n, (line_index, title, pps, _weight, health, reason) in enumerate(TECHOOST_ACTIONS):
        actions.append(
            _action(
                tenant,
                lines[TECHOOST_LINES[line_index]],
                title,
                owner=kartrekker if n % 2 == 0 else office,
                owner_organisation=_org(context, slug, TECHOOST_PPS[pps]),
                partners=[
                    org
                    for org in (
                        _org(context, slug, "ROC van Twente"),
                        _org(context, slug, "Saxion Hogeschool"),
                    )
                    if org is not None
                ],
                health=health,
                health_reason=reason,
                priority=Action.Priority.HIGH if n % 3 == 0 else Action.Priority.MEDIUM,
                starts_on=D(2024, 1, 1),
                ends_on=D(2027, 12, 31),
            )
        )
    weights = [row[3] for row in TECHOOST_ACTIONS]
    for name, kind, cofinancing, total in TECHOOST_FUNDING:
        source = FundingSource.objects.create(
            tenant=tenant, name=name, kind=kind, is_cofinancing=cofinancing
        )
        for action, action_total in zip(actions, _split(total, weights), strict=True):
            for year, amount in zip(
                TECHOOST_YEARS, _split(action_total, [2, 3, 3, 2]), strict=True
            ):
                line = BudgetLine.objects.create(
                    tenant=tenant,
                    action=action,
                    funding_source=source,
                    year=year,
                    planned_amount=Decimal(amount),
                )
                _book(tenant, line, year=year, in_kind=kind == FundingSource.Kind.COMPANY_IN_KIND)
    _seed_techoost_indicators(context, tenant, actions, lines)
    milestone_create(
        tenant=tenant,
        actor=None,
        action=actions[8],
        title="Opening praktijkcentrum Hengelo",
        due_on=D(2025, 9, 1),
        done_on=D(2025, 9, 12),
        evidence="Persbericht en foto's van de opening.",
    )
    milestone_create(
        tenant=tenant,
        actor=None,
        action=actions[2],
        title="Tien scholen met een techniekcoach",
        due_on=timezone.localdate() - datetime.timedelta(days=20),
    )


def _book(tenant, line: BudgetLine, *, year: int, in_kind: bool) -> None:
    """Commitments and spending of the years that have (partly) passed."""
    today = timezone.localdate()
    if year > today.year:
        return
    share = Decimal("0.9") if year < today.year else Decimal("0.45")
    spent = (line.planned_amount * share).quantize(Decimal("1"))
    committed = (line.planned_amount * Decimal("0.95")).quantize(Decimal("1"))
    booked_on = min(D(year, 11, 30), today)
    BudgetEntry.objects.bulk_create(
        [
            BudgetEntry(
                tenant=tenant,
                budget_line=line,
                kind=BudgetEntry.Kind.COMMITMENT,
                amount=committed,
                booked_on=D(year, 1, 15),
                description="Toegezegd in het jaarplan",
                in_kind=in_kind,
            ),
            BudgetEntry(
                tenant=tenant,
                budget_line=line,
                kind=BudgetEntry.Kind.SPENDING,
                amount=spent,
                booked_on=booked_on,
                description="Uren in natura" if in_kind else "Besteed volgens de jaarrekening",
                in_kind=in_kind,
            ),
        ]
    )


def _seed_techoost_indicators(context, tenant, actions, lines) -> None:
    _indicator(
        tenant,
        name="Bedrijven actief in de technologieketens",
        unit="bedrijven",
        baseline="120",
        baseline_on=D(2023, 12, 31),
        targets=[(D(2025, 12, 31), "200"), (D(2027, 12, 31), "300")],
        measurements=[(D(2024, 6, 30), "141"), (D(2024, 12, 31), "163"), (D(2025, 6, 30), "178")],
        action_line=lines[TECHOOST_LINES[0]],
    )
    _indicator(
        tenant,
        name="Werkenden om- of bijgeschoold",
        unit="werkenden",
        baseline="0",
        baseline_on=D(2024, 1, 1),
        targets=[(D(2025, 12, 31), "600"), (D(2027, 12, 31), "1500")],
        measurements=[(D(2024, 12, 31), "240"), (D(2025, 6, 30), "395")],
        action=actions[6],
    )
    from agenda.metrics import metric_get

    if metric_get("active_partner_companies") is not None:
        _indicator(
            tenant,
            name="Actieve partnerbedrijven in het portaal",
            unit="bedrijven",
            baseline="0",
            baseline_on=D(2025, 1, 1),
            targets=[(D(2027, 12, 31), "25")],
            measurements=[],
            kind=Indicator.Kind.POINT_IN_TIME,
            metric="active_partner_companies",
            action_line=lines[TECHOOST_LINES[0]],
        )


# --- Techniekpact Landsdeel Noord ------------------------------------------------------------

NOORD_THEMES = [
    ("Kiezen voor techniek", ["Bèta en techniek in het funderend onderwijs", "Loopbaanoriëntatie"]),
    ("Leren in de techniek", ["Doorlopende leerlijnen"]),
    ("Werken in de techniek", ["Praktijkleren en werkgelegenheid"]),
]


def _seed_noord(context, tenant) -> None:
    slug = tenant.slug
    today = timezone.localdate()
    lines = _structure(tenant, NOORD_THEMES)
    kartrekker = _user(context, tenant, KARTREKKER)
    office = _user(context, tenant, OFFICE)
    funderend = "Bèta en techniek in het funderend onderwijs"
    rows = [
        (funderend, "Bètapunt Noord", "Bètapunt Noord", kartrekker, 1),
        (funderend, "W&T-communities in het primair onderwijs", "Bètapunt Noord", kartrekker, 1),
        (
            "Loopbaanoriëntatie",
            "Techniekpromotie en loopbaanoriëntatie vmbo",
            "Noorderpoort",
            office,
            2,
        ),
        (
            "Doorlopende leerlijnen",
            "Doorlopende leerlijnen vmbo-mbo-hbo techniek",
            "Noorderpoort",
            office,
            2,
        ),
        (
            "Praktijkleren en werkgelegenheid",
            "Praktijkleren in de Eemsdelta",
            "Eemsdelta Energietechniek BV",
            kartrekker,
            2,
        ),
    ]
    actions = {}
    for line_title, title, organisation, owner, priority in rows:
        actions[title] = _action(
            tenant,
            lines[line_title],
            title,
            owner=owner,
            owner_organisation=_org(context, slug, organisation),
            partners=[
                org
                for org in (
                    _org(context, slug, "Rijksuniversiteit Groningen"),
                    _org(context, slug, "Provincie Groningen"),
                )
                if org is not None
            ],
            priority=priority,
            starts_on=D(2014, 1, 1),
            ends_on=None,
        )
    betapunt = actions["Bètapunt Noord"]
    communities = actions["W&T-communities in het primair onderwijs"]
    boards = _indicator(
        tenant,
        name="Schoolbesturen aangesloten bij Bètapunt Noord",
        unit="schoolbesturen",
        definition="Schoolbesturen in po en vo met een samenwerkingsovereenkomst met het Bètapunt.",
        baseline="10",
        baseline_on=D(2014, 1, 1),
        targets=[(D(2016, 12, 31), "30"), (D(2020, 12, 31), "77")],
        measurements=[
            (D(2014, 12, 31), "15"),
            (D(2015, 12, 31), "23"),
            (D(2016, 12, 31), "31"),
            (D(2017, 12, 31), "42"),
            (D(2018, 12, 31), "53"),
            (D(2019, 12, 31), "63"),
            (D(2020, 12, 31), "71"),
        ],
        action=betapunt,
    )
    communities_indicator = _indicator(
        tenant,
        name="W&T-communities",
        unit="communities",
        definition="Netwerken van basisscholen die samen wetenschap en technologie verankeren.",
        baseline="10",
        baseline_on=D(2014, 1, 1),
        targets=[(D(2020, 12, 31), "70")],
        measurements=[
            (D(2015, 12, 31), "18"),
            (D(2016, 12, 31), "27"),
            (D(2017, 12, 31), "38"),
            (D(2018, 12, 31), "47"),
            (D(2019, 12, 31), "58"),
            (D(2020, 12, 31), "66"),
        ],
        action=communities,
    )
    milestone_create(
        tenant=tenant,
        actor=None,
        action=betapunt,
        title="Regionale bèta-conferentie",
        due_on=today - datetime.timedelta(days=45),
    )
    done = milestone_create(
        tenant=tenant,
        actor=None,
        action=communities,
        title="Alle communities met een coördinator",
        due_on=today - datetime.timedelta(days=120),
    )
    milestone_mark_done(
        tenant=tenant,
        actor=None,
        milestone=done,
        done_on=today - datetime.timedelta(days=130),
        evidence="Overzicht coördinatoren per community, vastgesteld in het kernteam.",
    )
    _seed_noord_updates(tenant, actions, kartrekker, office)
    _seed_noord_reviews(
        tenant, lines, actions, boards, communities_indicator, kartrekker, office, context
    )


def _seed_noord_updates(tenant, actions, kartrekker, office) -> None:
    """Bètapunt: last quarter approved (locked); this quarter drafted. W&T: submitted."""
    today = timezone.localdate()
    current = period_of("quarter", today)
    previous = period_before(current)
    betapunt = actions["Bètapunt Noord"]
    approved = progress_update_create(
        tenant=tenant,
        actor=kartrekker,
        action=betapunt,
        period=previous,
        health=Action.Health.ON_TRACK,
        done="Zes nieuwe schoolbesturen aangesloten; twee bijeenkomsten voor bètacoördinatoren.",
        next_steps="Scholing voor docenten natuurkunde en techniek in het vo.",
        risks="",
        help_needed="",
    )
    progress_update_submit(tenant=tenant, actor=kartrekker, update=approved)
    progress_update_approve(tenant=tenant, actor=office, update=approved)
    progress_update_create(
        tenant=tenant,
        actor=kartrekker,
        action=betapunt,
        period=current,
        health=Action.Health.ON_TRACK,
        done="Voorbereiding van de regionale bèta-conferentie.",
    )
    communities = actions["W&T-communities in het primair onderwijs"]
    submitted = progress_update_create(
        tenant=tenant,
        actor=kartrekker,
        action=communities,
        period=previous,
        health=Action.Health.AT_RISK,
        done="Vier nieuwe communities gestart in Friesland.",
        next_steps="Werving in Drenthe.",
        risks="In Drenthe haken scholen af door personeelstekort.",
        help_needed="Contact met de schoolbesturen in Drenthe via de provincie.",
    )
    progress_update_submit(tenant=tenant, actor=kartrekker, update=submitted)


def _seed_noord_reviews(
    tenant, lines, actions, boards, communities_indicator, kartrekker, office, context
) -> None:
    """Review 1 a year ago, then the agenda changes, then review 2: their difference shows."""
    today = timezone.localdate()
    promotion = actions["Techniekpromotie en loopbaanoriëntatie vmbo"]
    learning_lines = actions["Doorlopende leerlijnen vmbo-mbo-hbo techniek"]
    review_create(
        tenant=tenant,
        actor=office,
        held_on=today - datetime.timedelta(days=365),
        title="Herijking Techniekpact Noord (jaar 1)",
        summary="De doe-voorstellen lopen; Bètapunt Noord ligt op koers naar 77 schoolbesturen.",
        decisions=[
            DecisionInput(
                kind="other",
                description="Jaarlijkse monitor via Bètapunt Noord en de provincies.",
            ),
            DecisionInput(
                kind="reprioritised",
                description="Doorlopende leerlijnen krijgen voorrang.",
                action=learning_lines,
            ),
        ],
    )
    # What the partners decided in the year after: a sixth doe-voorstel, promotion stopped,
    # learning lines up in priority, a later target for the W&T-communities.
    sixth = _action(
        tenant,
        lines["Praktijkleren en werkgelegenheid"],
        "Leven lang leren voor technici",
        owner=office,
        owner_organisation=_org(context, tenant.slug, "Rijksuniversiteit Groningen"),
        priority=Action.Priority.MEDIUM,
        starts_on=today - datetime.timedelta(days=200),
    )
    _reprise(tenant, promotion, status=Action.Status.STOPPED)
    _reprise(tenant, learning_lines, priority=Action.Priority.HIGH)
    Target.objects.create(
        tenant=tenant, indicator=communities_indicator, due_on=D(2027, 12, 31), value=Decimal("90")
    )
    review_create(
        tenant=tenant,
        actor=kartrekker,
        held_on=today - datetime.timedelta(days=30),
        title="Herijking Techniekpact Noord (jaar 2)",
        summary="Zesde doe-voorstel toegevoegd; techniekpromotie vmbo gaat op in de leerlijnen.",
        decisions=[
            DecisionInput(
                kind="action_added",
                description="Leven lang leren voor technici wordt het zesde doe-voorstel.",
                action=sixth,
            ),
            DecisionInput(
                kind="action_stopped",
                description="Techniekpromotie vmbo gaat op in de doorlopende leerlijnen.",
                action=promotion,
            ),
            DecisionInput(
                kind="target_changed",
                description="Nieuwe streefwaarde: 90 W&T-communities in 2027.",
                indicator=communities_indicator,
            ),
        ],
    )


def _reprise(tenant, action: Action, **changes) -> None:
    """Change an action through the service, keeping its other values."""
    values = {
        "action_line": action.action_line,
        "title": action.title,
        "description": action.description,
        "owner": action.owner,
        "owner_organisation": action.owner_organisation,
        "partners": list(action.partners.all()),
        "status": action.status,
        "health": action.health,
        "health_reason": action.health_reason,
        "priority": action.priority,
        "starts_on": action.starts_on,
        "ends_on": action.ends_on,
    }
    values.update(changes)
    action_update(tenant=tenant, actor=None, action=action, **values)


# --- the other demo partnerships --------------------------------------------------------------

SMALL_AGENDAS = {
    "vierkant-voor-werk": {
        "owner": KARTREKKER,
        "theme": "Jongeren kiezen voor techniek in Zuidoost-Drenthe",
        "lines": {
            "Oriëntatie en instroom": [
                ("Snuffelstages in de procesindustrie", "Vechtdal Chemie BV"),
                ("Techniekdagen voor groep 8", "Alfa College"),
            ],
            "Opleiden in de regio": [
                ("BBL-trajecten HTSM", "Hondsrug Precisietechniek BV"),
            ],
        },
        "indicator": ("Jongeren met een technische stage", "jongeren", "40", "120", "95"),
    },
    "verbindersproject-drenthe": {
        "owner": "verbinder@example.org",
        "theme": "Scholen en bedrijven verbinden",
        "lines": {
            "Gastlessen en bedrijfsbezoeken": [
                ("Bedrijfsbezoeken voor vmbo-klassen", "Esdal College"),
                ("Gastlessen door vakmensen", "Assen Installatietechniek BV"),
            ],
            "Netwerk van verbinders": [("Verbinder op elke vo-school", "Dr. Nassau College")],
        },
        "indicator": ("Bedrijfsbezoeken per schooljaar", "bezoeken", "12", "60", "41"),
    },
    "innovatiecluster-noordoostpolder": {
        "owner": "verbinder@example.org",
        "theme": "Vakmanschap en innovatie in de maakindustrie",
        "lines": {
            "Vakmanschap": [("Opleidingsplaatsen bij de acht bedrijven", "Polder Machinebouw BV")],
            "Innovatie": [
                ("Gedeelde CNC-werkplaats", "Ens Precisie Draaierij BV"),
                ("Praktijkopdrachten voor het Zuyderzee College", "Zuyderzee College"),
            ],
        },
        "indicator": ("Leerlingen in een opleidingsplaats", "leerlingen", "8", "40", "26"),
    },
}


def _seed_small(context, tenant, plan: dict) -> None:
    owner = _user(context, tenant, plan["owner"])
    lines = _structure(tenant, [(plan["theme"], list(plan["lines"]))])
    first_action = None
    for line_title, actions in plan["lines"].items():
        for title, organisation in actions:
            action = _action(
                tenant,
                lines[line_title],
                title,
                owner=owner,
                owner_organisation=_org(context, tenant.slug, organisation),
                starts_on=D(2025, 1, 1),
                ends_on=D(2027, 12, 31),
            )
            first_action = first_action or action
    name, unit, baseline, target, latest = plan["indicator"]
    _indicator(
        tenant,
        name=name,
        unit=unit,
        baseline=baseline,
        baseline_on=D(2025, 1, 1),
        targets=[(D(2027, 12, 31), target)],
        measurements=[(D(2025, 12, 31), latest)],
        theme=next(iter(lines.values())).theme,
    )
    milestone_create(
        tenant=tenant,
        actor=None,
        action=first_action,
        title="Afspraken met de deelnemers vastgelegd",
        due_on=timezone.localdate() + datetime.timedelta(days=60),
    )


@transaction.atomic
def seed(context: dict) -> None:
    """Each demo partnership's agenda; one that already has themes is left alone."""
    seeders = {
        "techoost": _seed_techoost,
        "techniekpact-noord": _seed_noord,
        **{
            slug: (lambda context, tenant, plan=plan: _seed_small(context, tenant, plan))
            for slug, plan in SMALL_AGENDAS.items()
        },
    }
    for slug, seeder in seeders.items():
        tenant = context["tenants"].get(slug)
        if tenant is None or Theme.objects.for_tenant(tenant).exists():
            continue
        seeder(context, tenant)
