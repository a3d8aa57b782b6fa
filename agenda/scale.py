"""Scale data of the agenda for ``seed_scale`` and ``make bench``: in the large tenant 2,000
actions under themes and action lines, 1,000 indicators with target paths and 100,000
measurements, funding sources with budget lines and entries, milestones, progress updates
(some approved, so locked) and two reviews with their snapshots; a share of each in every
small tenant.

The actions' owners are the tenant's lead and relationship manager (so "my actions" is a long
list for them), their owner organisations and links come from the CRM's and the stage
market's scale data when those were made. Rows go in with COPY, their ids reserved first, so
nothing is read back.
"""

from __future__ import annotations

import math
import random
from collections.abc import Iterator
from datetime import date, timedelta
from decimal import Decimal

from agenda.models import (
    Action,
    ActionLine,
    BudgetEntry,
    BudgetLine,
    FundingSource,
    Indicator,
    Measurement,
    Milestone,
    ProgressUpdate,
    Review,
    Target,
    Theme,
)
from agenda.selectors.updates import period_before, period_of
from agenda.snapshots import agenda_snapshot
from internships.models import Opportunity
from partnerships.models import Interaction, Organisation
from portal.roles import Role
from portal.scale import ScaleContext, copy_rows, reserve_ids

SIZES = {
    "actions": 2_000,
    "measurements": 100_000,
    "indicators": 1_000,
    "targets": 3_000,
    "budget_lines": 6_000,
    "budget_entries": 12_000,
    "milestones": 6_000,
    "progress_updates": 8_000,
}
VERSION = 1

ACTIONS_PER_LINE = 40
LINES_PER_THEME = 6
REVIEWS = 2
LINKED_PER_ACTION = 3  # contacts and stage places linked to the first actions
LINKED_ACTIONS = 50

THEME_WORDS = (
    "Talentontwikkeling", "Innovatie en beroepspraktijk", "Leven lang ontwikkelen",
    "Ketens en ecosystemen", "Contextrijke infrastructuur", "Techniekpromotie",
    "Doorlopende leerlijnen", "Werkgelegenheid", "Energietransitie", "Digitalisering",
)  # fmt: skip
ACTION_WORDS = (
    "Gastlessen", "Praktijkcentrum", "Omscholing", "Techniekcoach", "Bedrijfsbezoeken",
    "Leerwerkloket", "Innovatiewerkplaats", "Hybride docenten", "Stagebank", "Bètapunt",
    "W&T-community", "Techniekdag", "Zij-instroom", "Praktoraat", "Mobiel lab",
)  # fmt: skip
PLACES = (
    "Emmen", "Zwolle", "Enschede", "Hengelo", "Deventer", "Groningen", "Assen", "Meppel",
    "Hardenberg", "Coevorden", "Emmeloord", "Leeuwarden",
)  # fmt: skip
FUNDING = (
    ("Nationaal Groeifonds", FundingSource.Kind.GROWTH_FUND, False),
    ("Provincie", FundingSource.Kind.PROVINCE, False),
    ("Gemeenten", FundingSource.Kind.MUNICIPALITY, False),
    ("Cofinanciering bedrijven (geld)", FundingSource.Kind.COMPANY_CASH, True),
    ("Cofinanciering bedrijven (in natura)", FundingSource.Kind.COMPANY_IN_KIND, True),
    ("Onderwijsinstellingen", FundingSource.Kind.EDUCATION, True),
)
YEARS = (2024, 2025, 2026, 2027)
STATUS_WEIGHTS = (
    (Action.Status.RUNNING, 60),
    (Action.Status.PLANNED, 20),
    (Action.Status.COMPLETED, 10),
    (Action.Status.IDEA, 5),
    (Action.Status.STOPPED, 5),
)
HEALTH_WEIGHTS = (
    (Action.Health.ON_TRACK, 70),
    (Action.Health.AT_RISK, 20),
    (Action.Health.OFF_TRACK, 10),
)


def _weighted(rng: random.Random, weights) -> str:
    values, shares = zip(*weights, strict=True)
    return rng.choices(values, weights=shares)[0]


def seed(context: ScaleContext) -> None:
    rng = context.random("agenda")
    made: dict[str, list[int]] = {}
    totals = {"actions": 0, "measurements": 0}
    for slug in context.tenant_slugs:
        tenant = context.tenants[slug]
        count = context.size("actions", tenant)
        if count <= 0:
            continue
        actions = _actions(context, tenant, count, rng)
        indicators = _indicators(context, tenant, actions, rng)
        totals["measurements"] += _measurements(context, tenant, indicators, rng)
        _budget(context, tenant, actions, rng)
        _milestones(context, tenant, actions, rng)
        _updates(context, tenant, actions, rng)
        _links(tenant, actions)
        for n in range(REVIEWS):
            Review.objects.create(
                tenant=tenant,
                held_on=context.now.date() - timedelta(days=365 * (REVIEWS - n)),
                title=f"Herijking {context.now.year - REVIEWS + n}",
                summary="Proefgegevens voor de prestatiemeting.",
                snapshot=agenda_snapshot(tenant=tenant),
                created_at=context.now,
            )
        made[slug] = [action["id"] for action in actions]
        totals["actions"] += len(actions)
    context.made["actions"] = made
    context.log(
        f"  {totals['actions']} actions, {totals['measurements']} measurements "
        f"({len(made.get(context.large_tenant.slug, []))} actions in {context.large_tenant.slug})"
    )


def _actions(context: ScaleContext, tenant, count: int, rng: random.Random) -> list[dict]:
    line_count = max(1, math.ceil(count / ACTIONS_PER_LINE))
    theme_count = max(1, math.ceil(line_count / LINES_PER_THEME))
    theme_ids = reserve_ids(Theme, theme_count)
    copy_rows(
        Theme,
        ["id", "tenant", "title", "description", "position"],
        (
            (pk, tenant.pk, f"{THEME_WORDS[n % len(THEME_WORDS)]} {n + 1}", "", n)
            for n, pk in enumerate(theme_ids)
        ),
    )
    line_ids = reserve_ids(ActionLine, line_count)
    copy_rows(
        ActionLine,
        ["id", "tenant", "theme", "title", "description", "position"],
        (
            (pk, tenant.pk, theme_ids[n % theme_count], f"Actielijn {n + 1}", "", n)
            for n, pk in enumerate(line_ids)
        ),
    )
    members = context.members[tenant.slug]
    owners = [members[Role.LEAD].user_id, members[Role.RELATIONS].user_id, None]
    organisations = list(
        Organisation.objects.for_tenant(tenant).order_by("pk").values_list("pk", flat=True)[:200]
    )
    ids = reserve_ids(Action, count)
    actions = []
    for n, pk in enumerate(ids):
        starts_on = date(2023, 1, 1) + timedelta(days=rng.randrange(900))
        health = _weighted(rng, HEALTH_WEIGHTS)
        actions.append(
            {
                "id": pk,
                "line": line_ids[n % line_count],
                "title": f"{rng.choice(ACTION_WORDS)} {rng.choice(PLACES)} {n + 1}",
                "owner": owners[n % len(owners)],
                "organisation": organisations[n % len(organisations)] if organisations else None,
                "status": _weighted(rng, STATUS_WEIGHTS),
                "health": health,
                "reason": "" if health == Action.Health.ON_TRACK else "Vertraging bij partners.",
                "priority": rng.choice((1, 2, 2, 3)),
                "starts_on": starts_on,
                "ends_on": starts_on + timedelta(days=365 * rng.choice((2, 3, 4))),
            }
        )
    copy_rows(
        Action,
        [
            "id",
            "tenant",
            "action_line",
            "title",
            "description",
            "owner",
            "owner_organisation",
            "status",
            "health",
            "health_reason",
            "priority",
            "starts_on",
            "ends_on",
            "created_at",
            "updated_at",
        ],  # fmt: skip
        (
            (
                a["id"],
                tenant.pk,
                a["line"],
                a["title"],
                "",
                a["owner"],
                a["organisation"],
                a["status"],
                a["health"],
                a["reason"],
                a["priority"],
                a["starts_on"],
                a["ends_on"],
                context.now,
                context.now,
            )  # fmt: skip
            for a in actions
        ),
    )
    return actions


def _indicators(context: ScaleContext, tenant, actions: list[dict], rng) -> list[dict]:
    """Indicators, most on an action (the first actions get the most), some on a line; each
    with a target path of a few points after its baseline."""
    count = context.size("indicators", tenant)
    ids = reserve_ids(Indicator, count)
    indicators = []
    for n, pk in enumerate(ids):
        action = actions[n % len(actions)]
        on_line = n % 10 == 9
        baseline_on = date(2018, 1, 1) + timedelta(days=rng.randrange(365))
        indicators.append(
            {
                "id": pk,
                "action": None if on_line else action["id"],
                "line": action["line"] if on_line else None,
                "baseline": rng.randrange(0, 50),
                "baseline_on": baseline_on,
                "name": f"Indicator {n + 1}: deelnemers {rng.choice(ACTION_WORDS).lower()}",
            }
        )
    copy_rows(
        Indicator,
        [
            "id",
            "tenant",
            "name",
            "unit",
            "definition",
            "direction",
            "kind",
            "baseline_value",
            "baseline_on",
            "theme",
            "action_line",
            "action",
            "metric",
            "created_at",
        ],  # fmt: skip
        (
            (
                i["id"],
                tenant.pk,
                i["name"],
                "deelnemers",
                "",
                Indicator.Direction.UP,
                Indicator.Kind.CUMULATIVE,
                Decimal(i["baseline"]),
                i["baseline_on"],
                None,
                i["line"],
                i["action"],
                "",
                context.now,
            )  # fmt: skip
            for i in indicators
        ),
    )
    targets = context.size("targets", tenant)
    per_indicator = max(1, targets // max(1, count))
    rows = []
    for indicator in indicators:
        for step in range(1, per_indicator + 1):
            rows.append(
                (
                    tenant.pk,
                    indicator["id"],
                    indicator["baseline_on"] + timedelta(days=730 * step),
                    Decimal(indicator["baseline"] + 40 * step),
                )
            )
    copy_rows(Target, ["tenant", "indicator", "due_on", "value"], rows)
    return indicators


def _measurements(context: ScaleContext, tenant, indicators: list[dict], rng) -> int:
    """Weekly measurements from each indicator's baseline on, climbing towards its path."""
    count = context.size("measurements", tenant)
    if not indicators or count <= 0:
        return 0
    lead = context.members[tenant.slug][Role.LEAD].user_id

    def rows() -> Iterator[tuple]:
        for n in range(count):
            indicator = indicators[n % len(indicators)]
            week = n // len(indicators) + 1
            value = indicator["baseline"] + week * rng.uniform(0.1, 0.6)
            yield (
                tenant.pk,
                indicator["id"],
                indicator["baseline_on"] + timedelta(days=7 * week),
                Decimal(f"{value:.2f}"),
                "Monitor",
                "",
                lead,
                False,
                context.now,
            )

    return copy_rows(
        Measurement,
        [
            "tenant",
            "indicator",
            "measured_on",
            "value",
            "source",
            "note",
            "entered_by",
            "is_computed",
            "created_at",
        ],  # fmt: skip
        rows(),
    )


def _budget(context: ScaleContext, tenant, actions: list[dict], rng) -> None:
    source_ids = reserve_ids(FundingSource, len(FUNDING))
    copy_rows(
        FundingSource,
        ["id", "tenant", "name", "kind", "is_cofinancing"],
        (
            (pk, tenant.pk, name, kind, cofinancing)
            for pk, (name, kind, cofinancing) in zip(source_ids, FUNDING, strict=True)
        ),
    )
    # One line per (action, source, year), actions first: unique by construction.
    possible = len(actions) * len(source_ids) * len(YEARS)
    count = min(context.size("budget_lines", tenant), possible)
    line_ids = reserve_ids(BudgetLine, count)
    lines = []
    for n, pk in enumerate(line_ids):
        action = actions[n % len(actions)]
        source = source_ids[(n // len(actions)) % len(source_ids)]
        year = YEARS[(n // (len(actions) * len(source_ids))) % len(YEARS)]
        lines.append((pk, action["id"], source, year, Decimal(rng.randrange(5, 250) * 1000)))
    copy_rows(
        BudgetLine,
        ["id", "tenant", "action", "funding_source", "year", "planned_amount"],
        ((pk, tenant.pk, *rest) for pk, *rest in lines),
    )
    entries = context.size("budget_entries", tenant)
    if not lines:
        return
    lead = context.members[tenant.slug][Role.LEAD].user_id
    copy_rows(
        BudgetEntry,
        [
            "tenant",
            "budget_line",
            "kind",
            "amount",
            "booked_on",
            "description",
            "in_kind",
            "entered_by",
        ],  # fmt: skip
        (
            (
                tenant.pk,
                lines[n % len(lines)][0],
                BudgetEntry.Kind.SPENDING if n % 3 else BudgetEntry.Kind.COMMITMENT,
                (lines[n % len(lines)][4] * Decimal("0.2")).quantize(Decimal("1")),
                date(lines[n % len(lines)][3], 1 + n % 12, 15),
                "Inhuur en materiaal",
                n % 5 == 0,
                lead,
            )
            for n in range(entries)
        ),
    )


def _milestones(context: ScaleContext, tenant, actions: list[dict], rng) -> None:
    today = context.now.date()
    count = context.size("milestones", tenant)

    def rows() -> Iterator[tuple]:
        for n in range(count):
            action = actions[n % len(actions)]
            due_on = action["starts_on"] + timedelta(days=90 * (n // len(actions) + 1))
            done = due_on < today and rng.random() < 0.7
            yield (
                tenant.pk,
                action["id"],
                f"Mijlpaal {n // len(actions) + 1}",
                due_on,
                due_on - timedelta(days=rng.randrange(0, 20)) if done else None,
                "Verslag in de projectmap" if done else "",
            )

    copy_rows(Milestone, ["tenant", "action", "title", "due_on", "done_on", "evidence"], rows())


def _updates(context: ScaleContext, tenant, actions: list[dict], rng) -> None:
    """Quarterly updates, newest first per action: the last quarter submitted, earlier ones
    approved (locked); one per (action, quarter) by construction."""
    count = context.size("progress_updates", tenant)
    members = context.members[tenant.slug]
    owner, approver = members[Role.LEAD].user_id, members[Role.ADMIN].user_id
    latest = period_before(period_of(ProgressUpdate.PeriodKind.QUARTER, context.now.date()))

    def rows() -> Iterator[tuple]:
        periods: dict[int, object] = {}
        for n in range(count):
            action = actions[n % len(actions)]
            period = periods.get(action["id"], latest)
            periods[action["id"]] = period_before(period)
            newest = n < len(actions)
            status = ProgressUpdate.Status.SUBMITTED if newest else ProgressUpdate.Status.APPROVED
            moment = context.now - timedelta(days=rng.randrange(1, 30))
            yield (
                tenant.pk, action["id"], period.kind, period.start, period.end,
                "Bijeenkomsten gehouden en deelnemers geworven.", "Volgende ronde werving.",
                "", "", action["health"], status, owner, moment,
                None if newest else approver, None if newest else moment,
            )  # fmt: skip

    copy_rows(
        ProgressUpdate,
        [
            "tenant",
            "action",
            "period_kind",
            "period_start",
            "period_end",
            "done",
            "next_steps",
            "risks",
            "help_needed",
            "health",
            "status",
            "submitted_by",
            "submitted_at",
            "approved_by",
            "approved_at",
        ],  # fmt: skip
        rows(),
    )


def _links(tenant, actions: list[dict]) -> None:
    """Contacts and stage places linked to the first actions, when the CRM and stage market
    have scale data."""
    first = [action["id"] for action in actions[:LINKED_ACTIONS]]
    wanted = len(first) * LINKED_PER_ACTION
    interactions = list(
        Interaction.objects.for_tenant(tenant).order_by("pk").values_list("pk", flat=True)[:wanted]
    )
    opportunities = list(
        Opportunity.objects.for_tenant(tenant).order_by("pk").values_list("pk", flat=True)[:wanted]
    )
    for through, column, ids in (
        (Action.interactions.through, "interaction_id", interactions),
        (Action.opportunities.through, "opportunity_id", opportunities),
    ):
        through.objects.bulk_create(
            through(action_id=first[n % len(first)], **{column: pk}) for n, pk in enumerate(ids)
        )
