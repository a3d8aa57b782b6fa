"""Figures of the stage market for dashboards and reports: aggregates only, never a person.

Definitions (the same everywhere a figure is shown, so a dashboard and a report agree):

- An opportunity is *offered in a period* when it was published in it (``published_at``
  falls on a day from ``period_start`` to ``period_end``, inclusive) and is now published,
  filled or closed: one that the programme office unpublished back to draft does not count.
  Counting by the publication date puts each opportunity in exactly one period, so
  months add up to their quarter.
- *Places offered* is the sum of its ``places``; *places filled* the sum of its
  ``places_taken`` (its accepted applications, which PostgreSQL keeps at or below the
  places). The *fill rate* is filled / offered.
- *Days to fill* is measured for opportunities whose every place is taken: from
  ``published_at`` to the moment the last place went, which is the newest ``decided_at``
  among its accepted applications (an accept whose placement was cancelled gave its place
  back, so a full opportunity's newest accept is always one that holds a place). An
  opportunity counts in the period in which it filled.
- *Placements completed* are those with status completed whose ``ends_on`` falls in the
  period; the evaluation averages are over those same placements, per side, counting only
  the ratings given.

Every function runs a fixed number of queries, whatever the number of rows.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.db.models import (
    Aggregate,
    Avg,
    Count,
    F,
    FloatField,
    Func,
    IntegerField,
    Max,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
)
from django.db.models.functions import Coalesce, TruncMonth, TruncQuarter, TruncYear
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from internships.models import Application, Opportunity, Placement
from partnerships.models import EducationLevel
from portal.models import Tenant

GROUPINGS = ("level", "kind", "sector", "municipality", "month", "quarter", "year")
OFFERED_STATUSES = (
    Opportunity.Status.PUBLISHED,
    Opportunity.Status.FILLED,
    Opportunity.Status.CLOSED,
)
SECONDS_PER_DAY = 86_400


@dataclass(frozen=True)
class PlacesRow:
    """Opportunities and places of one group (or of all, for the totals)."""

    key: str | None  # the group's code, id, name or period; None: not specified / all
    label: str
    opportunities: int
    places_offered: int
    places_filled: int

    @property
    def fill_rate(self) -> float | None:
        """Filled / offered, from 0 to 1; None when nothing was offered."""
        if not self.places_offered:
            return None
        return self.places_filled / self.places_offered


@dataclass(frozen=True)
class DaysToFill:
    opportunities: int  # filled in the period, each measured once
    median_days: float | None
    mean_days: float | None


@dataclass(frozen=True)
class PlacementFigures:
    started: int  # not cancelled, starting in the period
    completed: int  # completed, ending in the period
    cancelled: int  # cancelled, planned to start in the period
    school_rating_mean: float | None
    school_ratings: int
    company_rating_mean: float | None
    company_ratings: int


class Median(Aggregate):
    """PostgreSQL's continuous median."""

    function = "PERCENTILE_CONT"
    template = "%(function)s(0.5) WITHIN GROUP (ORDER BY %(expressions)s)"
    output_field = FloatField()


class EpochSeconds(Func):
    """The length of an interval in seconds."""

    template = "EXTRACT(EPOCH FROM %(expressions)s)::double precision"
    output_field = FloatField()


# --- places offered and filled -----------------------------------------------------------------


def opportunities_offered(
    *, tenant: Tenant, period_start: datetime.date, period_end: datetime.date
) -> QuerySet[Opportunity]:
    """The opportunities offered in the period (see the module's definitions)."""
    start, end = _bounds(period_start, period_end)
    return Opportunity.objects.for_tenant(tenant).filter(
        status__in=OFFERED_STATUSES, published_at__gte=start, published_at__lt=end
    )


def places_totals(
    *, tenant: Tenant, period_start: datetime.date, period_end: datetime.date
) -> PlacesRow:
    """Opportunities, places offered and filled, and the fill rate of the period. One query."""
    totals = opportunities_offered(
        tenant=tenant, period_start=period_start, period_end=period_end
    ).aggregate(**_sums())
    return PlacesRow(key=None, label=_("All"), **totals)


def places_by(
    *,
    tenant: Tenant,
    period_start: datetime.date,
    period_end: datetime.date,
    group_by: str,
) -> list[PlacesRow]:
    """Places offered and filled per group: ``group_by`` is one of :data:`GROUPINGS`.

    An opportunity for two levels (or in two sectors) counts in both groups, so the groups
    of ``level`` and ``sector`` may add up to more than the totals; kind, municipality and
    the periods add up exactly. ``month``, ``quarter`` and ``year`` list every period from
    start to end, also those without opportunities. One query.
    """
    if group_by not in GROUPINGS:
        raise ValueError(f"group_by must be one of {', '.join(GROUPINGS)}, not {group_by!r}")
    offered = opportunities_offered(tenant=tenant, period_start=period_start, period_end=period_end)
    if group_by == "level":
        return _by_level(offered)
    if group_by == "kind":
        labels = dict(Opportunity.Kind.choices)
        order = {code: index for index, code in enumerate(labels)}
        rows = sorted(_grouped(offered, "kind"), key=lambda row: order.get(row["kind"], len(order)))
        return [_row(row, row["kind"], str(labels.get(row["kind"], row["kind"]))) for row in rows]
    if group_by == "sector":
        rows = _grouped(offered, "sectors__pk", "sectors__name")
        rows.sort(key=lambda row: (row["sectors__name"] is None, row["sectors__name"] or ""))
        return [
            _row(
                row,
                None if row["sectors__pk"] is None else str(row["sectors__pk"]),
                row["sectors__name"] or _("No sector given"),
            )
            for row in rows
        ]
    if group_by == "municipality":
        rows = _grouped(offered, "municipality")
        rows.sort(key=lambda row: (row["municipality"] == "", row["municipality"]))
        return [
            _row(
                row, row["municipality"] or None, row["municipality"] or _("No municipality given")
            )
            for row in rows
        ]
    return _by_period(offered, group_by, period_start, period_end)


def _sums() -> dict:
    return {
        "opportunities": Count("pk"),
        "places_offered": Coalesce(Sum("places"), 0, output_field=IntegerField()),
        "places_filled": Coalesce(Sum("places_taken"), 0, output_field=IntegerField()),
    }


def _grouped(queryset: QuerySet, *fields: str) -> list[dict]:
    return list(queryset.order_by().values(*fields).annotate(**_sums()))


def _row(values: dict, key: str | None, label: str) -> PlacesRow:
    return PlacesRow(
        key=key,
        label=label,
        opportunities=values["opportunities"],
        places_offered=values["places_offered"],
        places_filled=values["places_filled"],
    )


def _by_level(offered: QuerySet) -> list[PlacesRow]:
    """One row per level in one query: a conditional sum per level (an opportunity's levels
    are an array), and one for opportunities open to every level (none given)."""
    groups = {code: Q(education_levels__contains=[code]) for code in EducationLevel.values}
    groups[""] = Q(education_levels=[])
    aggregates = {}
    for code, condition in groups.items():
        aggregates[f"n_{code}"] = Count("pk", filter=condition)
        aggregates[f"offered_{code}"] = Coalesce(
            Sum("places", filter=condition), 0, output_field=IntegerField()
        )
        aggregates[f"filled_{code}"] = Coalesce(
            Sum("places_taken", filter=condition), 0, output_field=IntegerField()
        )
    totals = offered.aggregate(**aggregates)
    labels = dict(EducationLevel.choices)
    rows = []
    for code in groups:
        if not totals[f"n_{code}"]:
            continue
        rows.append(
            PlacesRow(
                key=code or None,
                label=str(labels[code]) if code else _("No level given"),
                opportunities=totals[f"n_{code}"],
                places_offered=totals[f"offered_{code}"],
                places_filled=totals[f"filled_{code}"],
            )
        )
    return rows


PERIOD_TRUNC = {"month": TruncMonth, "quarter": TruncQuarter, "year": TruncYear}


def _by_period(
    offered: QuerySet, group_by: str, period_start: datetime.date, period_end: datetime.date
) -> list[PlacesRow]:
    zone = timezone.get_current_timezone()
    truncated = offered.annotate(period=PERIOD_TRUNC[group_by]("published_at", tzinfo=zone))
    found = {
        timezone.localtime(row["period"], zone).date(): row for row in _grouped(truncated, "period")
    }
    empty = {"opportunities": 0, "places_offered": 0, "places_filled": 0}
    return [
        _row(found.get(first, empty), _period_key(first, group_by), _period_label(first, group_by))
        for first in _period_starts(period_start, period_end, group_by)
    ]


def _period_starts(start: datetime.date, end: datetime.date, group_by: str) -> list[datetime.date]:
    """The first day of every month, quarter or year from ``start`` to ``end``."""
    step = {"month": 1, "quarter": 3, "year": 12}[group_by]
    month = start.month if group_by == "month" else 1
    if group_by == "quarter":
        month = (start.month - 1) // 3 * 3 + 1
    current = datetime.date(start.year, month, 1)
    firsts = []
    while current <= end:
        firsts.append(current)
        months = current.month - 1 + step
        current = datetime.date(current.year + months // 12, months % 12 + 1, 1)
    return firsts


def _period_key(first: datetime.date, group_by: str) -> str:
    if group_by == "month":
        return first.strftime("%Y-%m")
    if group_by == "quarter":
        return f"{first.year}-Q{(first.month - 1) // 3 + 1}"
    return str(first.year)


def _period_label(first: datetime.date, group_by: str) -> str:
    if group_by == "month":
        return date_format(first, "F Y")
    if group_by == "quarter":
        return _("Q%(quarter)s %(year)s") % {
            "quarter": (first.month - 1) // 3 + 1,
            "year": first.year,
        }
    return str(first.year)


# --- days to fill --------------------------------------------------------------------------


def days_to_fill(
    *, tenant: Tenant, period_start: datetime.date, period_end: datetime.date
) -> DaysToFill:
    """Median and mean days from publication to the last place taken, over the
    opportunities that filled in the period. One query."""
    start, end = _bounds(period_start, period_end)
    last_accepted = (
        Application.objects.for_tenant(tenant)
        .filter(
            opportunity=OuterRef("pk"),
            status=Application.Status.ACCEPTED,
            decided_at__isnull=False,
        )
        .order_by()
        .values("opportunity")
        .annotate(last=Max("decided_at"))
        .values("last")
    )
    filled = (
        Opportunity.objects.for_tenant(tenant)
        .filter(published_at__isnull=False, places_taken__gt=0, places_taken__gte=F("places"))
        .annotate(filled_at=Subquery(last_accepted))
        .filter(filled_at__gte=start, filled_at__lt=end)
        .annotate(days=EpochSeconds(F("filled_at") - F("published_at")) / SECONDS_PER_DAY)
    )
    values = filled.aggregate(count=Count("pk"), median=Median("days"), mean=Avg("days"))
    return DaysToFill(
        opportunities=values["count"],
        median_days=values["median"],
        mean_days=values["mean"],
    )


# --- placements and evaluations ------------------------------------------------------------


def placement_figures(
    *, tenant: Tenant, period_start: datetime.date, period_end: datetime.date
) -> PlacementFigures:
    """Placements started, completed and cancelled in the period, and the average
    evaluation (1-5) of the completed ones by the school and by the company. One query."""
    _bounds(period_start, period_end)
    starts_in = Q(starts_on__gte=period_start, starts_on__lte=period_end)
    completed = Q(status=Placement.Status.COMPLETED, ends_on__gte=period_start) & Q(
        ends_on__lte=period_end
    )
    cancelled = Q(status=Placement.Status.CANCELLED)
    values = Placement.objects.for_tenant(tenant).aggregate(
        started=Count("pk", filter=starts_in & ~cancelled),
        completed=Count("pk", filter=completed),
        cancelled=Count("pk", filter=starts_in & cancelled),
        school_rating_mean=Avg("school_rating", filter=completed),
        school_ratings=Count("school_rating", filter=completed),
        company_rating_mean=Avg("company_rating", filter=completed),
        company_ratings=Count("company_rating", filter=completed),
    )
    return PlacementFigures(**values)


# --- all of them ---------------------------------------------------------------------------


@dataclass(frozen=True)
class StageFigures:
    totals: PlacesRow
    days_to_fill: DaysToFill
    placements: PlacementFigures


def stage_figures(
    *, tenant: Tenant, period_start: datetime.date, period_end: datetime.date
) -> StageFigures:
    """The headline figures of the period, for a dashboard tile or a report's summary.
    Three queries."""
    period = {"tenant": tenant, "period_start": period_start, "period_end": period_end}
    return StageFigures(
        totals=places_totals(**period),
        days_to_fill=days_to_fill(**period),
        placements=placement_figures(**period),
    )


def _bounds(
    period_start: datetime.date, period_end: datetime.date
) -> tuple[datetime.datetime, datetime.datetime]:
    """The period's days as an aware half-open range in the portal's time zone."""
    if period_end < period_start:
        raise ValueError("period_end is before period_start")
    zone = timezone.get_current_timezone()
    start = datetime.datetime.combine(period_start, datetime.time.min, tzinfo=zone)
    end = datetime.datetime.combine(
        period_end + datetime.timedelta(days=1), datetime.time.min, tzinfo=zone
    )
    return start, end
