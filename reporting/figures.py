"""The figures of one report: one function, ``report_figures``, for a definition and a
period, built from the agenda, internships and partnerships selectors.

The result is plain JSON (numbers as int, or as str for decimals; dates ISO; labels already
in the report's language) and is stored on the run, so that the PDF, the CSV and the XLSX
show the same figures and a report can be explained later. It is read with a constant
number of queries, whatever the number of actions, indicators or measurements.

Only the sections the definition chose are stored, with what the report's cover and the
exports need besides: the sections (in the definition's order), the language, the title,
the period and the scope. The summary's key figures are read from the other sections'
figures, which are then computed but not stored unless chosen themselves; the annex repeats
the tables of the chosen sections and has no figures of its own. A run's exports and PDF
are made from what it stored, so editing the definition later does not change an old run.

Aggregates only: no person's name or e-mail address reaches it. Counts of things that are
about people (places filled, placements, contacts logged) go through
``suppress_breakdown``, one rule for every breakdown of such counts:

- a count of 1 to 4 is shown as "<5" (a cell, or a total of 1 to 4 itself);
- when a breakdown's total is shown and exactly one cell is "<5", the total minus the
  cells shown would give that cell away; so the smallest other non-zero cell is hidden too,
  shown as "x" (complementary suppression; "x" because that count is 5 or more);
- a reader who knows this rule also knows each "<5" is 1 to 4 and each "x" 5 or more, so
  the total may still pin a hidden cell down (an "x" and a "<5" that make 6 can only be 5
  and 1). While any hidden cell has only one possible value, the next-smallest non-zero
  cell is hidden as well; when no cell is left, the total is hidden ("x") instead.

Breakdowns without a shown total (placements started, completed and cancelled) only get
the first rule. The narrative progress updates are included as their authors wrote them
for the funder (submitted or approved ones only), without who wrote or approved them.

Scope: the whole agenda, or the themes and action lines the definition names (a theme
includes all its action lines). The agenda sections (indicators, action lines,
milestones, budget, updates) follow the scope; the stage market and partnership activity
are the partnership's as a whole, as they belong to no theme. Indicators and milestones are
as on the last day of the period; measurements after it are left out. Budget amounts are
the budget as it stands when the report is made (commitments and spending carry no
"as at" date in the budget figures); spending booked in the period is counted by its date.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from collections.abc import Sequence
from decimal import Decimal

from django.db.models import Count, F, Q, QuerySet, Sum, Window
from django.db.models.functions import RowNumber
from django.utils import translation
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from agenda import indicator_maths as maths
from agenda.indicator_maths import Point
from agenda.models import (
    Action,
    ActionLine,
    BudgetEntry,
    Indicator,
    Measurement,
    Milestone,
    ProgressUpdate,
    Target,
)
from agenda.selectors.budgets import BudgetRow, budget_figures
from agenda.selectors.indicators import (
    CHART_MAX_POINTS,
    IndicatorSummary,
    indicator_summary_of,
    tidy,
)
from internships.models import Opportunity
from internships.selectors.figures import placement_figures, places_by, places_totals
from partnerships.models import Interaction, Organisation
from partnerships.selectors.figures import (
    agreement_figures,
    interactions_by_kind,
    organisations_added_by_kind,
)
from portal.models import Tenant
from reporting.models import ReportDefinition
from reporting.periods import Period, previous_period

# 2: only the chosen sections are stored, with "sections"; complementary suppression.
FIGURES_VERSION = 2
SUPPRESSED = "<5"
# A count hidden only so that a "<5" beside it cannot be worked out from the total.
HIDDEN = "x"
SMALL_CELL = 5
# Charts are drawn for at most this many indicators (those on themes and action lines
# first, then the red ones): a report of a thousand charts helps nobody. The table lists all.
MAX_CHARTS = 12


def suppress(count: int) -> int | str:
    """A count about people as a report may show it: 1 to 4 become "<5"."""
    return SUPPRESSED if 0 < count < SMALL_CELL else count


def suppress_breakdown(
    cells: Sequence[int], *, total: int | None
) -> tuple[list[int | str], int | str | None]:
    """The cells of a breakdown of counts about people and its ``total`` (None: the report
    shows no total beside them) as a report may show them; see the module docstring.

    Cells of 1 to 4 and a total of 1 to 4 become "<5". When the total is shown and a "<5"
    cell could be worked out from it and the cells shown, the smallest other non-zero
    cells become "x", one by one, until none can (or, when none is left, the total does)."""
    shown: list[int | str] = [suppress(count) for count in cells]
    if total is None:
        return shown, None
    shown_total = suppress(total)
    hidden = {index for index, value in enumerate(shown) if isinstance(value, str)}
    if not hidden or isinstance(shown_total, str):
        return shown, shown_total
    while _recoverable(
        small=sum(1 for index in hidden if shown[index] == SUPPRESSED),
        other=sum(1 for index in hidden if shown[index] == HIDDEN),
        remainder=sum(cells[index] for index in hidden),
    ):
        others = [index for index, count in enumerate(cells) if count > 0 and index not in hidden]
        if not others:
            shown_total = HIDDEN
            break
        complement = min(others, key=lambda index: (cells[index], index))
        shown[complement] = HIDDEN
        hidden.add(complement)
    return shown, shown_total


def _recoverable(*, small: int, other: int, remainder: int) -> bool:
    """Whether a reader who knows the rule can tell the value of a hidden cell, knowing
    that ``small`` cells ("<5") are each 1 to 4, ``other`` cells ("x") each 5 or more, and
    that together they are ``remainder`` (the total minus the cells shown): each hidden
    cell must have at least two possible values."""
    if small + other == 1:
        return True
    if small:
        lowest = 1 if other else max(1, remainder - 4 * (small - 1))
        highest = min(4, remainder - (small - 1) - 5 * other)
        if lowest >= highest:
            return True
    if other:
        lowest = 5 if other > 1 else max(5, remainder - 4 * small)
        highest = remainder - small - 5 * (other - 1)
        if lowest >= highest:
            return True
    return False


def _money(value: Decimal | None) -> str | None:
    return None if value is None else str(value.quantize(Decimal("0.01")))


def _decimal(value: Decimal | None) -> str | None:
    return None if value is None else str(tidy(value))


def _change(current, previous):
    """current - previous, for plain numbers; None when either is suppressed or missing."""
    if isinstance(current, str) or isinstance(previous, str):
        try:
            return str(Decimal(current) - Decimal(previous))
        except (ArithmeticError, TypeError, ValueError):
            return None
    if current is None or previous is None:
        return None
    return current - previous


# --- scope ------------------------------------------------------------------------------------


class Scope:
    """The part of the agenda a definition reports on. Two queries (its themes and lines)."""

    def __init__(self, *, tenant: Tenant, definition: ReportDefinition):
        self.tenant = tenant
        self.theme_ids = set(definition.themes.values_list("pk", flat=True))
        self.line_ids = set(definition.action_lines.values_list("pk", flat=True))
        self.whole = not self.theme_ids and not self.line_ids

    def lines(self) -> QuerySet[ActionLine]:
        lines = ActionLine.objects.for_tenant(self.tenant)
        if not self.whole:
            lines = lines.filter(Q(theme_id__in=self.theme_ids) | Q(pk__in=self.line_ids))
        return lines

    def actions(self) -> QuerySet[Action]:
        actions = Action.objects.for_tenant(self.tenant)
        if not self.whole:
            actions = actions.filter(
                Q(action_line__theme_id__in=self.theme_ids) | Q(action_line_id__in=self.line_ids)
            )
        return actions

    def indicators(self) -> QuerySet[Indicator]:
        indicators = Indicator.objects.for_tenant(self.tenant)
        if not self.whole:
            themes, lines = self.theme_ids, self.line_ids
            indicators = indicators.filter(
                Q(theme_id__in=themes)
                | Q(action_line__theme_id__in=themes)
                | Q(action_line_id__in=lines)
                | Q(action__action_line__theme_id__in=themes)
                | Q(action__action_line_id__in=lines)
            )
        return indicators

    def filter_by_action(self, queryset: QuerySet, path: str = "action") -> QuerySet:
        if self.whole:
            return queryset
        return queryset.filter(
            Q(**{f"{path}__action_line__theme_id__in": self.theme_ids})
            | Q(**{f"{path}__action_line_id__in": self.line_ids})
        )


# --- the figures ------------------------------------------------------------------------------


# The sections with figures of their own, and those the summary's key figures are read from.
SECTION_FIGURES = (
    ReportDefinition.Section.INDICATORS,
    ReportDefinition.Section.ACTION_LINES,
    ReportDefinition.Section.MILESTONES,
    ReportDefinition.Section.BUDGET,
    ReportDefinition.Section.STAGES,
    ReportDefinition.Section.PARTNERSHIP,
    ReportDefinition.Section.UPDATES,
)
SUMMARY_READS = (
    ReportDefinition.Section.INDICATORS,
    ReportDefinition.Section.MILESTONES,
    ReportDefinition.Section.BUDGET,
    ReportDefinition.Section.STAGES,
    ReportDefinition.Section.PARTNERSHIP,
)


def chosen_sections(definition: ReportDefinition) -> list[str]:
    """The definition's known sections, in its order, each once."""
    known = set(ReportDefinition.Section.values)
    return list(dict.fromkeys(section for section in definition.sections if section in known))


def stored_sections(figures: dict | None, definition: ReportDefinition) -> list[str]:
    """The sections stored ``figures`` were built with, in order. Figures stored before they
    recorded them (version 1) fall back to the definition's sections as they are now."""
    if figures and "sections" in figures:
        return list(figures["sections"])
    return chosen_sections(definition)


def stored_language(figures: dict | None, definition: ReportDefinition) -> str:
    """The language stored ``figures`` were built in (all versions store it); the
    definition's for a run without figures."""
    return (figures or {}).get("language") or definition.language


def report_figures(*, tenant: Tenant, definition: ReportDefinition, period: Period) -> dict:
    """The figures of ``definition``'s report over ``period``: those of its chosen sections
    only (see the module docstring), with labels in the definition's language."""
    sections = chosen_sections(definition)
    with translation.override(definition.language):
        previous = previous_period(definition.period_kind, period)
        scope = Scope(tenant=tenant, definition=definition)
        context = {"tenant": tenant, "period": period, "previous": previous, "scope": scope}
        needed = set(sections)
        if ReportDefinition.Section.SUMMARY in needed:
            needed.update(SUMMARY_READS)
        builders = {
            ReportDefinition.Section.INDICATORS: lambda: _indicators(
                **context, charts=ReportDefinition.Section.INDICATORS in sections
            ),
            ReportDefinition.Section.ACTION_LINES: lambda: _action_lines(**context),
            ReportDefinition.Section.MILESTONES: lambda: _milestones(**context),
            ReportDefinition.Section.BUDGET: lambda: _budget(**context),
            ReportDefinition.Section.STAGES: lambda: _stages(**context),
            ReportDefinition.Section.PARTNERSHIP: lambda: _partnership(**context),
            ReportDefinition.Section.UPDATES: lambda: _updates(**context),
        }
        computed = {
            section: builders[section]() for section in SECTION_FIGURES if section in needed
        }
        figures = {
            "version": FIGURES_VERSION,
            "language": definition.language,
            "sections": sections,
            "title": definition.title,
            "period": _period(period),
            "previous_period": _period(previous),
            "scope": _scope_description(scope),
        }
        for section in sections:
            if section == ReportDefinition.Section.SUMMARY:
                figures["summary"] = _summary(computed)
            elif section in computed:
                figures[section] = computed[section]
        return figures


def _period(period: Period) -> dict:
    return {
        "start": period.start.isoformat(),
        "end": period.end.isoformat(),
        "label": period.label(),
    }


def _scope_description(scope: Scope) -> dict:
    if scope.whole:
        return {"whole_agenda": True, "themes": [], "action_lines": []}
    lines = list(
        ActionLine.objects.for_tenant(scope.tenant)
        .filter(Q(theme_id__in=scope.theme_ids) | Q(pk__in=scope.line_ids))
        .select_related("theme")
        .order_by("theme__position", "theme__title", "position", "title")
    )
    themes = {line.theme.pk: line.theme.title for line in lines if line.theme_id in scope.theme_ids}
    return {
        "whole_agenda": False,
        "themes": list(themes.values()),
        "action_lines": [line.title for line in lines if line.theme_id not in scope.theme_ids],
    }


# --- indicators -------------------------------------------------------------------------------


def _indicators(
    *, tenant: Tenant, period: Period, previous: Period, scope: Scope, charts: bool = True
) -> dict:
    """Each indicator on the last day of the period: latest value, expected value on the
    target path, next target, red/amber/green, forecast; the counts per status at the end
    of this period and of the previous one; charts for the first MAX_CHARTS (none when
    ``charts`` is false: the summary reads only the counts). Three queries."""
    from agenda.charts import indicator_chart_svg

    indicators = list(
        scope.indicators()
        .select_related("theme", "action_line__theme", "action__action_line__theme")
        .order_by("name", "pk")
    )
    ids = [indicator.pk for indicator in indicators]
    targets: dict[int, list[Target]] = defaultdict(list)
    points: dict[int, list[Point]] = defaultdict(list)
    if ids:
        for target in Target.objects.for_tenant(tenant).filter(indicator_id__in=ids):
            targets[target.indicator_id].append(target)
        newest_first = Window(
            RowNumber(),
            partition_by=[F("indicator_id")],
            order_by=[F("measured_on").desc(), F("id").desc()],
        )
        rows = (
            Measurement.objects.for_tenant(tenant)
            .filter(indicator_id__in=ids, measured_on__lte=period.end)
            .annotate(newest_first=newest_first)
            .filter(newest_first__lte=CHART_MAX_POINTS)
            .order_by("indicator_id", "measured_on", "id")
            .values_list("indicator_id", "measured_on", "value")
        )
        for indicator_id, measured_on, value in rows:
            points[indicator_id].append(Point(measured_on, value))

    rows = []
    counts = {status: 0 for status in (maths.GREEN, maths.AMBER, maths.RED, "none")}
    previous_counts = dict(counts)
    summaries: list[tuple[Indicator, IndicatorSummary]] = []
    for indicator in indicators:
        series = points.get(indicator.pk, [])
        summary = indicator_summary_of(
            indicator,
            targets=targets.get(indicator.pk, []),
            measurements=series,
            today=period.end,
            is_series=True,
        )
        before = indicator_summary_of(
            indicator,
            targets=targets.get(indicator.pk, []),
            measurements=[p for p in series if p.on <= previous.end],
            today=previous.end,
        )
        counts[summary.rag or "none"] += 1
        previous_counts[before.rag or "none"] += 1
        summaries.append((indicator, summary))
        rows.append(
            {
                "id": indicator.pk,
                "name": indicator.name,
                "unit": indicator.unit,
                "attached_to": _attached_to(indicator),
                "theme": _theme_of(indicator),
                "baseline": _decimal(indicator.baseline_value),
                "baseline_on": indicator.baseline_on.isoformat(),
                "latest": _decimal(summary.latest_value),
                "latest_on": summary.latest_on.isoformat() if summary.latest_on else None,
                "expected": _decimal(summary.expected_value),
                "next_target": _decimal(summary.next_target_value),
                "next_target_on": (
                    summary.next_target_on.isoformat() if summary.next_target_on else None
                ),
                "progress_percent": summary.progress_percent,
                "rag": summary.rag or "",
                "rag_label": summary.rag_label,
                "forecast": summary.forecast_text,
            }
        )

    # Charts: indicators of themes and action lines first (the headline ones), then red.
    def chart_order(item: tuple[Indicator, IndicatorSummary]):
        indicator, summary = item
        level = 0 if indicator.theme_id else 1 if indicator.action_line_id else 2
        return (level, {maths.RED: 0, maths.AMBER: 1}.get(summary.rag, 2), indicator.name)

    drawn = []
    for indicator, summary in sorted(summaries, key=chart_order)[: MAX_CHARTS if charts else 0]:
        svg = indicator_chart_svg(
            summary, id_prefix="report-chart", marker_label=_("end of period")
        )
        drawn.append(
            {"id": indicator.pk, "name": indicator.name, "unit": indicator.unit, "svg": str(svg)}
        )
    return {
        "rows": rows,
        "counts": counts,
        "previous_counts": previous_counts,
        "charts": drawn,
        "charts_omitted": max(0, len(indicators) - len(drawn)),
    }


def _attached_to(indicator: Indicator) -> str:
    target = indicator.action or indicator.action_line or indicator.theme
    return target.title if target is not None else ""


def _theme_of(indicator: Indicator) -> str:
    if indicator.theme_id:
        return indicator.theme.title
    if indicator.action_line_id:
        return indicator.action_line.theme.title
    if indicator.action_id:
        return indicator.action.action_line.theme.title
    return ""


# --- action lines -----------------------------------------------------------------------------


def _action_lines(*, tenant: Tenant, period: Period, previous: Period, scope: Scope) -> dict:
    """Per action line: its actions by status, and the running ones by health. Two queries."""
    lines = list(
        scope.lines()
        .select_related("theme")
        .order_by("theme__position", "theme__title", "position", "title")
    )
    counts = defaultdict(lambda: defaultdict(int))
    grouped = (
        Action.objects.for_tenant(tenant)
        .filter(action_line_id__in=[line.pk for line in lines])
        .order_by()
        .values("action_line_id", "status", "health")
        .annotate(n=Count("pk"))
    )
    for row in grouped:
        line_counts = counts[row["action_line_id"]]
        line_counts["actions"] += row["n"]
        line_counts[row["status"]] += row["n"]
        if row["status"] == Action.Status.RUNNING:
            line_counts[f"health_{row['health']}"] += row["n"]
    statuses = [code for code, _label in Action.Status.choices]
    healths = [code for code, _label in Action.Health.choices]
    rows = []
    for line in lines:
        line_counts = counts[line.pk]
        running_health = {code: line_counts[f"health_{code}"] for code in healths}
        if running_health[Action.Health.OFF_TRACK]:
            status = Action.Health.OFF_TRACK
        elif running_health[Action.Health.AT_RISK]:
            status = Action.Health.AT_RISK
        elif line_counts[Action.Status.RUNNING]:
            status = Action.Health.ON_TRACK
        else:
            status = ""
        rows.append(
            {
                "theme": line.theme.title,
                "title": line.title,
                "actions": line_counts["actions"],
                "by_status": {code: line_counts[code] for code in statuses},
                "running_by_health": running_health,
                "health": status,
                "health_label": str(Action.Health(status).label)
                if status
                else _("No running actions"),
            }
        )
    return {
        "rows": rows,
        "status_labels": {code: str(label) for code, label in Action.Status.choices},
        "health_labels": {code: str(label) for code, label in Action.Health.choices},
    }


# --- milestones -------------------------------------------------------------------------------


def _milestones(*, tenant: Tenant, period: Period, previous: Period, scope: Scope) -> dict:
    """Milestones reached in the period (done on a day in it) and missed (due in it and not
    done by their due date), with the counts of the previous period. One query."""
    milestones = scope.filter_by_action(Milestone.objects.for_tenant(tenant)).filter(
        Q(due_on__gte=previous.start, due_on__lte=period.end)
        | Q(done_on__gte=previous.start, done_on__lte=period.end)
    )
    reached, missed = [], []
    previous_reached = previous_missed = 0
    for milestone in milestones.select_related("action__action_line").order_by("due_on", "pk"):
        row = {
            "title": milestone.title,
            "action": milestone.action.title,
            "action_line": milestone.action.action_line.title,
            "due_on": milestone.due_on.isoformat(),
            "done_on": milestone.done_on.isoformat() if milestone.done_on else None,
        }
        done, due = milestone.done_on, milestone.due_on
        if done is not None and period.start <= done <= period.end:
            reached.append(row)
        elif done is not None and previous.start <= done <= previous.end:
            previous_reached += 1
        late = done is None or done > due
        if late and period.start <= due <= period.end and (done is None or done > period.end):
            missed.append(row)
        elif (
            late and previous.start <= due <= previous.end and (done is None or done > previous.end)
        ):
            previous_missed += 1
    return {
        "reached": reached,
        "missed": missed,
        "counts": {"reached": len(reached), "missed": len(missed)},
        "previous_counts": {"reached": previous_reached, "missed": previous_missed},
    }


# --- budget -----------------------------------------------------------------------------------


def _budget_row(row: BudgetRow) -> dict:
    return {
        "label": row.label,
        "planned": _money(row.planned),
        "committed": _money(row.committed),
        "spent": _money(row.spent),
        "available": _money(row.available),
        "burn_percent": _decimal(row.burn_percent),
        "cofinancing_percent": _decimal(row.cofinancing_percent),
    }


def _budget(*, tenant: Tenant, period: Period, previous: Period, scope: Scope) -> dict:
    """The budget per funding source and theme, the co-financing ratio, and the spending
    booked in this period and the previous one. Five queries."""
    figures = budget_figures(
        tenant=tenant,
        actions=None if scope.whole else scope.actions(),
        today=period.end,
        booked_until=period.end,
    )
    spending = scope.filter_by_action(
        BudgetEntry.objects.for_tenant(tenant).filter(kind=BudgetEntry.Kind.SPENDING),
        "budget_line__action",
    ).aggregate(
        period=Sum("amount", filter=Q(booked_on__gte=period.start, booked_on__lte=period.end)),
        previous=Sum(
            "amount", filter=Q(booked_on__gte=previous.start, booked_on__lte=previous.end)
        ),
    )
    sources = []
    for row in figures.funding_sources:
        source = _budget_row(row)
        source["kind"] = str(row.obj.get_kind_display())
        source["is_cofinancing"] = bool(row.obj.is_cofinancing)
        sources.append(source)
    return {
        "total": _budget_row(figures.total),
        "funding_sources": sources,
        "themes": [_budget_row(row) for row in figures.themes],
        "cofinancing_percent": _decimal(figures.total.cofinancing_percent),
        "cofinancing_spent_percent": _decimal(figures.total.cofinancing_spent_percent),
        "spent_in_period": _money(spending["period"] or Decimal(0)),
        "spent_in_previous_period": _money(spending["previous"] or Decimal(0)),
    }


# --- stage places and placements --------------------------------------------------------------


def _places(row, places_filled: int | str) -> dict:
    return {
        "label": row.label,
        "opportunities": row.opportunities,
        "places_offered": row.places_offered,
        "places_filled": places_filled,
    }


def _stages(*, tenant: Tenant, period: Period, previous: Period, scope: Scope) -> dict:
    """Stage places offered and filled (totals, per kind and per level) and placements, in
    this period and the previous one. Six queries."""
    now = {"tenant": tenant, "period_start": period.start, "period_end": period.end}
    before = {"tenant": tenant, "period_start": previous.start, "period_end": previous.end}
    totals, previous_totals = places_totals(**now), places_totals(**before)
    placements, previous_placements = placement_figures(**now), placement_figures(**before)
    by_kind = places_by(**now, group_by="kind")
    by_level = places_by(**now, group_by="level")

    # Places filled per kind and per level, each a breakdown of the total places filled
    # (the levels overlap, so they may add up to more; suppressed the same way).
    filled = totals.places_filled
    kind_cells, kind_total = suppress_breakdown(
        [row.places_filled for row in by_kind], total=filled
    )
    level_cells, level_total = suppress_breakdown(
        [row.places_filled for row in by_level], total=filled
    )
    total_filled = kind_total if isinstance(kind_total, str) else level_total

    def placement_row(figures) -> dict:
        (started, completed, cancelled), _total = suppress_breakdown(
            [figures.started, figures.completed, figures.cancelled], total=None
        )
        return {
            "started": started,
            "completed": completed,
            "cancelled": cancelled,
            "school_rating": (
                _decimal(Decimal(str(round(figures.school_rating_mean, 1))))
                if figures.school_ratings >= SMALL_CELL
                else None
            ),
            "company_rating": (
                _decimal(Decimal(str(round(figures.company_rating_mean, 1))))
                if figures.company_ratings >= SMALL_CELL
                else None
            ),
        }

    return {
        "totals": _places(totals, total_filled),
        # The previous period shows its total only, with no breakdown beside it.
        "previous_totals": _places(previous_totals, suppress(previous_totals.places_filled)),
        "by_kind": [_places(row, cell) for row, cell in zip(by_kind, kind_cells, strict=True)],
        "by_level": [_places(row, cell) for row, cell in zip(by_level, level_cells, strict=True)],
        "placements": placement_row(placements),
        "previous_placements": placement_row(previous_placements),
        "kind_labels": {code: str(label) for code, label in Opportunity.Kind.choices},
    }


# --- partnership activity ---------------------------------------------------------------------


def _partnership(*, tenant: Tenant, period: Period, previous: Period, scope: Scope) -> dict:
    """Contacts logged, organisations added and agreements started, per kind. Three queries.
    Contacts are about people: their counts per kind and totals are suppressed."""
    window = {
        "tenant": tenant,
        "period_start": period.start,
        "period_end": period.end,
        "previous_start": previous.start,
    }
    interactions = interactions_by_kind(**window)
    organisations = organisations_added_by_kind(**window)
    agreements = agreement_figures(**window)

    def breakdown(kind_counts, *, about_people: bool) -> tuple[list[dict], int | str, int | str]:
        """The rows per kind, the total of the period and that of the previous one."""
        now = [row.count for row in kind_counts]
        before = [row.previous for row in kind_counts]
        if about_people:
            (now, total), (before, previous_total) = (
                suppress_breakdown(now, total=sum(now)),
                suppress_breakdown(before, total=sum(before)),
            )
        else:
            total, previous_total = sum(now), sum(before)
        rows = [
            {"kind": row.kind, "label": row.label, "count": count, "previous": earlier}
            for row, count, earlier in zip(kind_counts, now, before, strict=True)
        ]
        return rows, total, previous_total

    contacts, contacts_total, contacts_previous = breakdown(interactions, about_people=True)
    added, added_total, added_previous = breakdown(organisations, about_people=False)
    started, started_total, started_previous = breakdown(agreements.started, about_people=False)
    return {
        "interactions": contacts,
        "interactions_total": contacts_total,
        "interactions_previous_total": contacts_previous,
        "organisations": added,
        "organisations_total": added_total,
        "organisations_previous_total": added_previous,
        "agreements": started,
        "agreements_total": started_total,
        "agreements_previous_total": started_previous,
        "agreements_active": agreements.active_at_end,
        "agreements_previously_active": agreements.active_at_previous_end,
        "kinds": {
            "interaction": {code: str(label) for code, label in Interaction.Kind.choices},
            "organisation": {code: str(label) for code, label in Organisation.Kind.choices},
        },
    }


# --- progress updates -------------------------------------------------------------------------


def _updates(*, tenant: Tenant, period: Period, previous: Period, scope: Scope) -> dict:
    """The submitted and approved progress updates whose period ends in this one, in agenda
    order: the action, its health and the four texts. No names. One query."""
    updates = (
        scope.filter_by_action(ProgressUpdate.objects.for_tenant(tenant))
        .filter(
            status__in=[ProgressUpdate.Status.SUBMITTED, ProgressUpdate.Status.APPROVED],
            period_end__gte=period.start,
            period_end__lte=period.end,
        )
        .select_related("action__action_line__theme")
        .order_by(
            "action__action_line__theme__position",
            "action__action_line__theme__title",
            "action__action_line__position",
            "action__action_line__title",
            "action__priority",
            "action__title",
            "period_start",
        )
    )
    rows = []
    for update in updates:
        action = update.action
        rows.append(
            {
                "theme": action.action_line.theme.title,
                "action_line": action.action_line.title,
                "action": action.title,
                "period": _update_period_label(update),
                "health": update.health,
                "health_label": str(update.get_health_display()),
                "done": update.done,
                "next_steps": update.next_steps,
                "risks": update.risks,
                "help_needed": update.help_needed,
            }
        )
    return {"rows": rows}


def _update_period_label(update: ProgressUpdate) -> str:
    return Period(update.period_start, update.period_end).label()


# --- summary ----------------------------------------------------------------------------------


def _summary(figures: dict) -> dict:
    """The key figures with their value in the previous period and the change, read from
    the figures of the sections in SUMMARY_READS."""
    indicators = figures["indicators"]
    milestones = figures["milestones"]
    stages = figures["stages"]
    partnership = figures["partnership"]
    budget = figures["budget"]
    rows = [
        (
            "indicators_green",
            _("Indicators on track (green)"),
            indicators["counts"]["green"],
            indicators["previous_counts"]["green"],
        ),
        (
            "indicators_amber",
            _("Indicators slightly behind (amber)"),
            indicators["counts"]["amber"],
            indicators["previous_counts"]["amber"],
        ),
        (
            "indicators_red",
            _("Indicators behind (red)"),
            indicators["counts"]["red"],
            indicators["previous_counts"]["red"],
        ),
        (
            "milestones_reached",
            _("Milestones reached"),
            milestones["counts"]["reached"],
            milestones["previous_counts"]["reached"],
        ),
        (
            "milestones_missed",
            _("Milestones missed"),
            milestones["counts"]["missed"],
            milestones["previous_counts"]["missed"],
        ),
        (
            "places_offered",
            _("Stage places offered"),
            stages["totals"]["places_offered"],
            stages["previous_totals"]["places_offered"],
        ),
        (
            "places_filled",
            _("Stage places filled"),
            stages["totals"]["places_filled"],
            stages["previous_totals"]["places_filled"],
        ),
        (
            "placements_started",
            _("Placements started"),
            stages["placements"]["started"],
            stages["previous_placements"]["started"],
        ),
        (
            "contacts_logged",
            _("Contacts logged"),
            partnership["interactions_total"],
            partnership["interactions_previous_total"],
        ),
        (
            "organisations_added",
            _("Organisations added"),
            partnership["organisations_total"],
            partnership["organisations_previous_total"],
        ),
        (
            "agreements_started",
            _("Agreements started"),
            partnership["agreements_total"],
            partnership["agreements_previous_total"],
        ),
        (
            "spent",
            _("Spent in the period (EUR)"),
            budget["spent_in_period"],
            budget["spent_in_previous_period"],
        ),
    ]
    return {
        "rows": [
            {
                "key": key,
                "label": label,
                "value": value,
                "previous": previous,
                "change": _change(value, previous),
            }
            for key, label, value, previous in rows
        ],
        "cofinancing_percent": budget["cofinancing_percent"],
    }


def format_date(iso: str | None) -> str:
    """An ISO date of the figures as people read it, in the active language."""
    if not iso:
        return ""
    return date_format(datetime.date.fromisoformat(iso), "j F Y")
