"""Budget figures: planned, committed and spent per action, action line, theme and funding
source, with the burn rate and the co-financing ratio, in a constant number of queries
(the sums are made by PostgreSQL, grouped).

Definitions (the same on the pages, in the exports and in reports):

- *planned*: the sum of the budget lines (per action, funding source and year);
- *committed*: the commitment entries, money promised (a signed order or contract) and
  not yet paid. When it is paid, the payment is entered as spending and the commitment
  removed, so the two never count the same euro twice;
- *spent*: the spending entries, cash and in kind;
- *available* = planned - committed - spent (negative: overspent);
- *burn rate* = spent / planned: the share of the budget used;
- *time elapsed* = the share of the planned money whose year has passed, pro rata for
  the current year (a line of 2025 is 100% elapsed in 2026, a line of 2026 on 1 July
  half). *Pace* = burn rate / time elapsed: 1 is spending as fast as the calendar goes,
  below 1 underspending (the usual worry of a funder), above 1 ahead of time;
- *co-financing ratio* = the planned money from co-financing sources (the partners' own
  contribution: a funding source marked "co-financing") / all planned money; the same
  over spending gives the realised ratio.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Q, QuerySet, Sum
from django.utils import timezone

from agenda.models import Action, BudgetEntry, BudgetLine, FundingSource
from portal.models import Tenant

ZERO = Decimal("0.00")
RATIO_PLACES = Decimal("0.0001")


def _ratio(part: Decimal, whole: Decimal) -> Decimal | None:
    if not whole:
        return None
    return (part / whole).quantize(RATIO_PLACES)


def year_elapsed(year: int, today: datetime.date) -> Decimal:
    """The share of ``year`` that has passed on ``today``: 0 before it, 1 after it."""
    if year < today.year:
        return Decimal(1)
    if year > today.year:
        return Decimal(0)
    first = datetime.date(year, 1, 1)
    days = (datetime.date(year + 1, 1, 1) - first).days
    return Decimal((today - first).days + 1) / Decimal(days)


def _percent(ratio: Decimal | None) -> Decimal | None:
    return None if ratio is None else (ratio * 100).quantize(Decimal("0.1"))


@dataclass
class BudgetRow:
    """The money of one action, action line, theme, funding source or of everything."""

    key: object
    label: str
    planned: Decimal = ZERO
    committed: Decimal = ZERO
    spent: Decimal = ZERO
    spent_in_kind: Decimal = ZERO
    planned_elapsed: Decimal = ZERO  # planned money weighted by the time elapsed of its year
    cofinancing_planned: Decimal = ZERO
    cofinancing_spent: Decimal = ZERO
    level: str = ""
    obj: object = None
    children: list[BudgetRow] = field(default_factory=list)

    def add(self, other: BudgetRow) -> None:
        self.planned += other.planned
        self.committed += other.committed
        self.spent += other.spent
        self.spent_in_kind += other.spent_in_kind
        self.planned_elapsed += other.planned_elapsed
        self.cofinancing_planned += other.cofinancing_planned
        self.cofinancing_spent += other.cofinancing_spent

    @property
    def available(self) -> Decimal:
        return self.planned - self.committed - self.spent

    @property
    def is_overspent(self) -> bool:
        return self.available < 0

    @property
    def burn_rate(self) -> Decimal | None:
        return _ratio(self.spent, self.planned)

    @property
    def time_elapsed(self) -> Decimal | None:
        return _ratio(self.planned_elapsed, self.planned)

    @property
    def pace(self) -> Decimal | None:
        """Burn rate / time elapsed (see the module's docstring)."""
        if self.burn_rate is None or not self.time_elapsed:
            return None
        return (self.burn_rate / self.time_elapsed).quantize(RATIO_PLACES)

    @property
    def cofinancing_ratio(self) -> Decimal | None:
        return _ratio(self.cofinancing_planned, self.planned)

    @property
    def cofinancing_ratio_spent(self) -> Decimal | None:
        return _ratio(self.cofinancing_spent, self.spent)

    # Percentages with one decimal, for people.

    @property
    def burn_percent(self) -> Decimal | None:
        return _percent(self.burn_rate)

    @property
    def time_elapsed_percent(self) -> Decimal | None:
        return _percent(self.time_elapsed)

    @property
    def cofinancing_percent(self) -> Decimal | None:
        return _percent(self.cofinancing_ratio)

    @property
    def cofinancing_spent_percent(self) -> Decimal | None:
        return _percent(self.cofinancing_ratio_spent)


@dataclass
class BudgetFigures:
    total: BudgetRow
    themes: list[BudgetRow]  # each with its action lines, each with its actions
    actions: dict[int, BudgetRow]
    funding_sources: list[BudgetRow]
    years: list[int]
    today: datetime.date

    @property
    def has_lines(self) -> bool:
        return bool(self.actions)

    @property
    def single_action(self) -> bool:
        return len(self.actions) == 1


def budget_figures(
    *,
    tenant: Tenant,
    actions: Iterable[Action] | QuerySet[Action] | None = None,
    year: int | None = None,
    today: datetime.date | None = None,
    booked_until: datetime.date | None = None,
) -> BudgetFigures:
    """The budget of ``tenant`` (or of ``actions`` only; or of one ``year``) per theme >
    action line > action and per funding source. Four queries, whatever the number of
    actions, lines and entries: planned sums, entry sums, the actions, the sources.

    ``booked_until`` counts only commitments and spending booked on or before that day: a
    report of a past period shows the money as it stood at the period's end."""
    today = today or timezone.localdate()
    lines = BudgetLine.objects.for_tenant(tenant)
    entries = BudgetEntry.objects.for_tenant(tenant)
    if booked_until is not None:
        entries = entries.filter(booked_on__lte=booked_until)
    action_ids = None
    if actions is not None:
        action_ids = [a.pk for a in actions] if not isinstance(actions, QuerySet) else None
        if isinstance(actions, QuerySet):
            lines = lines.filter(action__in=actions.values("pk"))
            entries = entries.filter(budget_line__action__in=actions.values("pk"))
        else:
            lines = lines.filter(action_id__in=action_ids)
            entries = entries.filter(budget_line__action_id__in=action_ids)
    if year is not None:
        lines = lines.filter(year=year)
        entries = entries.filter(budget_line__year=year)

    planned_rows = list(
        lines.order_by()
        .values("action_id", "funding_source_id", "year")
        .annotate(planned=Sum("planned_amount"))
    )
    entry_rows = list(
        entries.order_by()
        .values("budget_line__action_id", "budget_line__funding_source_id")
        .annotate(
            committed=Sum("amount", filter=Q(kind=BudgetEntry.Kind.COMMITMENT)),
            spent=Sum("amount", filter=Q(kind=BudgetEntry.Kind.SPENDING)),
            spent_in_kind=Sum("amount", filter=Q(kind=BudgetEntry.Kind.SPENDING, in_kind=True)),
        )
    )
    sources = {s.pk: s for s in FundingSource.objects.for_tenant(tenant)}

    per_action_source: dict[tuple[int, int], BudgetRow] = defaultdict(
        lambda: BudgetRow(key=None, label="")
    )
    years = set()
    for row in planned_rows:
        cell = per_action_source[(row["action_id"], row["funding_source_id"])]
        cell.planned += row["planned"]
        cell.planned_elapsed += row["planned"] * year_elapsed(row["year"], today)
        years.add(row["year"])
    for row in entry_rows:
        cell = per_action_source[
            (row["budget_line__action_id"], row["budget_line__funding_source_id"])
        ]
        cell.committed += row["committed"] or ZERO
        cell.spent += row["spent"] or ZERO
        cell.spent_in_kind += row["spent_in_kind"] or ZERO
    for (_action_id, source_id), cell in per_action_source.items():
        source = sources.get(source_id)
        if source is not None and source.is_cofinancing:
            cell.cofinancing_planned = cell.planned
            cell.cofinancing_spent = cell.spent

    ids = {action_id for action_id, _source_id in per_action_source}
    if action_ids is not None:
        ids |= set(action_ids)
    action_objects = (
        Action.objects.for_tenant(tenant)
        .filter(pk__in=ids)
        .select_related("action_line__theme")
        .order_by(
            "action_line__theme__position",
            "action_line__theme__title",
            "action_line__position",
            "action_line__title",
            "priority",
            "title",
        )
    )

    total = BudgetRow(key=None, label="", level="total")
    themes: dict[int, BudgetRow] = {}
    lines_rows: dict[int, BudgetRow] = {}
    action_rows: dict[int, BudgetRow] = {}
    for action in action_objects:
        line = action.action_line
        theme = line.theme
        theme_row = themes.get(theme.pk)
        if theme_row is None:
            theme_row = themes[theme.pk] = BudgetRow(
                key=theme.pk, label=theme.title, level="theme", obj=theme
            )
        line_row = lines_rows.get(line.pk)
        if line_row is None:
            line_row = lines_rows[line.pk] = BudgetRow(
                key=line.pk, label=line.title, level="action_line", obj=line
            )
            theme_row.children.append(line_row)
        action_row = BudgetRow(key=action.pk, label=action.title, level="action", obj=action)
        action_rows[action.pk] = action_row
        line_row.children.append(action_row)

    source_rows: dict[int, BudgetRow] = {}
    for (action_id, source_id), cell in per_action_source.items():
        action_row = action_rows.get(action_id)
        if action_row is None:
            continue
        action_row.add(cell)
        source = sources[source_id]
        source_row = source_rows.get(source_id)
        if source_row is None:
            source_row = source_rows[source_id] = BudgetRow(
                key=source_id, label=source.name, level="funding_source", obj=source
            )
        source_row.add(cell)
    for theme_row in themes.values():
        for line_row in theme_row.children:
            for action_row in line_row.children:
                line_row.add(action_row)
            theme_row.add(line_row)
        total.add(theme_row)

    return BudgetFigures(
        total=total,
        themes=list(themes.values()),
        actions=action_rows,
        funding_sources=sorted(source_rows.values(), key=lambda row: row.label.lower()),
        years=sorted(years),
        today=today,
    )


def funding_source_list(*, tenant: Tenant) -> QuerySet[FundingSource]:
    return FundingSource.objects.for_tenant(tenant).order_by("name")


def budget_line_list(*, tenant: Tenant) -> QuerySet[BudgetLine]:
    """Every budget line with its action, action line, theme and source, in agenda order,
    with its committed and spent sums (one query)."""
    return (
        BudgetLine.objects.for_tenant(tenant)
        .select_related("action__action_line__theme", "funding_source")
        .annotate(
            committed=Sum("entries__amount", filter=Q(entries__kind=BudgetEntry.Kind.COMMITMENT)),
            spent=Sum("entries__amount", filter=Q(entries__kind=BudgetEntry.Kind.SPENDING)),
        )
        .order_by(
            "action__action_line__theme__position",
            "action__action_line__theme__title",
            "action__action_line__position",
            "action__action_line__title",
            "action__priority",
            "action__title",
            "year",
            "funding_source__name",
        )
    )


def budget_line_get(*, tenant: Tenant, budgetline_id: int) -> BudgetLine | None:
    return budget_line_list(tenant=tenant).filter(pk=budgetline_id).first()


def budget_entry_list(*, tenant: Tenant, budget_line: BudgetLine) -> QuerySet[BudgetEntry]:
    return (
        BudgetEntry.objects.for_tenant(tenant)
        .filter(budget_line=budget_line)
        .select_related("entered_by")
        .order_by("-booked_on", "-id")
    )
