"""Reads of indicators: their figures (latest value, progress, red/amber/green, forecast)
for any number of indicators in a constant number of queries, and the lists behind the
indicator pages."""

from __future__ import annotations

import datetime
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import F, Max, Q, QuerySet, Window
from django.db.models.functions import RowNumber
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.functional import cached_property
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from agenda import indicator_maths as maths
from agenda.indicator_maths import Forecast, Point, TargetPath
from agenda.metrics import metric_label
from agenda.models import Indicator, Measurement, Target
from portal.models import Tenant

# The chart shows at most this many of an indicator's newest measurements; the table
# beside it pages through all of them.
CHART_MAX_POINTS = 400
# Dates in sentences: "17 January 2021", "17 januari 2021".
PROSE_DATE = "j F Y"

RAG_LABELS = {
    maths.GREEN: gettext_lazy("On track (green)"),
    maths.AMBER: gettext_lazy("Slightly behind (amber)"),
    maths.RED: gettext_lazy("Behind (red)"),
}


def tidy(value: Decimal | None, places: int = 2) -> Decimal | None:
    """A value as people read it: at most ``places`` decimals, no trailing zeros."""
    if value is None:
        return None
    rounded = value.quantize(Decimal(1).scaleb(-places))
    if rounded == rounded.to_integral_value():
        return rounded.quantize(Decimal(1))
    return rounded.normalize()


@dataclass(frozen=True)
class TargetFigures:
    """One target of the path with its forecast, for the target table."""

    target: Target
    forecast: Forecast
    is_next: bool

    @property
    def forecast_text(self) -> str:
        return forecast_text(self.forecast)


@dataclass
class IndicatorSummary:
    """What the figures of one indicator say on ``today``."""

    indicator: Indicator
    today: datetime.date
    path: TargetPath
    targets: list[Target]
    # The measurements read for it, oldest first: the recent ones the pace needs, or (with
    # ``series=True``) up to CHART_MAX_POINTS of the newest.
    measurements: list[Point]
    latest: Point | None
    expected_at_latest: Decimal | None
    next_target: Point | None
    progress: Decimal | None
    rag: str | None
    forecast: Forecast
    final_forecast: Forecast
    band: Decimal | None = None
    is_series: bool = field(default=False)

    # --- for people -----------------------------------------------------------------------

    @property
    def latest_value(self) -> Decimal | None:
        return tidy(self.latest.value) if self.latest else None

    @property
    def latest_on(self) -> datetime.date | None:
        return self.latest.on if self.latest else None

    @property
    def expected_value(self) -> Decimal | None:
        return tidy(self.expected_at_latest)

    @property
    def next_target_value(self) -> Decimal | None:
        return tidy(self.next_target.value) if self.next_target else None

    @property
    def next_target_on(self) -> datetime.date | None:
        return self.next_target.on if self.next_target else None

    @property
    def next_target_is_overdue(self) -> bool:
        return self.next_target is not None and self.next_target.on < self.today

    @property
    def progress_percent(self) -> int | None:
        if self.progress is None:
            return None
        return int((self.progress * 100).to_integral_value())

    @property
    def rag_label(self) -> str:
        if self.rag is None:
            return _("No status yet")
        return str(RAG_LABELS[self.rag])

    @property
    def forecast_text(self) -> str:
        return forecast_text(self.forecast)

    @property
    def final_forecast_text(self) -> str:
        return forecast_text(self.final_forecast)

    @property
    def has_later_final_target(self) -> bool:
        """The path goes on after the next target (worth its own forecast)."""
        final = self.path.final_target
        return final is not None and final != self.next_target

    @property
    def forecast_is_late(self) -> bool:
        """Expected, but after the target's date."""
        return (
            self.forecast.status == Forecast.EXPECTED
            and self.next_target is not None
            and self.forecast.on > self.next_target.on
        )

    @property
    def metric_label(self) -> str:
        return metric_label(self.indicator.metric) if self.indicator.metric else ""

    @property
    def summary_text(self) -> str:
        """One sentence of the figures: the chart's description for screen readers."""
        unit = f" {self.indicator.unit}" if self.indicator.unit else ""
        parts = []
        if self.latest is None:
            parts.append(_("No measurements yet."))
        else:
            parts.append(
                _("Latest value %(value)s%(unit)s on %(date)s.")
                % {
                    "value": _number(self.latest_value),
                    "unit": unit,
                    "date": date_format(self.latest.on, PROSE_DATE),
                }
            )
        if self.next_target is not None:
            parts.append(
                _("Target %(value)s%(unit)s by %(date)s.")
                % {
                    "value": _number(self.next_target_value),
                    "unit": unit,
                    "date": date_format(self.next_target.on, PROSE_DATE),
                }
            )
        else:
            parts.append(_("No targets set."))
        parts.append(_("Status: %(status)s.") % {"status": self.rag_label})
        if self.progress_percent is not None:
            parts.append(
                _("Progress towards the target: %(percent)s%%.")
                % {"percent": self.progress_percent}
            )
        parts.append(self.forecast_text)
        return " ".join(parts)

    def target_figures(self) -> list[TargetFigures]:
        """Each target with the forecast of when it is reached at the current pace."""
        series = [self.path.baseline, *self.measurements]
        rows = []
        for target in self.targets:
            point = Point(target.due_on, target.value)
            band = maths.tolerance(self.path, target.due_on) or Decimal(0)
            rows.append(
                TargetFigures(
                    target=target,
                    forecast=maths.forecast(
                        series, point, direction=self.indicator.direction, band=band
                    ),
                    is_next=point == self.next_target,
                )
            )
        return rows

    @cached_property
    def chart_svg(self) -> SafeString:
        """The chart as inline SVG (see ``agenda.charts``)."""
        from agenda.charts import indicator_chart_svg

        return indicator_chart_svg(self)


def _number(value: Decimal | None) -> str:
    from django.utils.formats import number_format

    return number_format(value) if value is not None else ""


def forecast_text(result: Forecast) -> str:
    if result.status == Forecast.REACHED:
        return _("Target reached.")
    if result.status == Forecast.EXPECTED:
        return _("At the current pace the target is reached on %(date)s.") % {
            "date": date_format(result.on, PROSE_DATE)
        }
    if result.status == Forecast.NOT_AT_PACE:
        return _("At the current pace the target will not be reached.")
    return _("Too few measurements for a forecast.")


# --- the queries ------------------------------------------------------------------------------


def _measurement_points(
    *, tenant: Tenant, indicator_ids: list[int], series: bool
) -> dict[int, list[Point]]:
    """Per indicator, oldest first: the measurements the pace needs (those of the pace
    window before the latest one, and at least the last few), or for ``series`` up to
    CHART_MAX_POINTS of the newest. One query, whatever the number of indicators."""
    newest_first = Window(
        RowNumber(),
        partition_by=[F("indicator_id")],
        order_by=[F("measured_on").desc(), F("id").desc()],
    )
    rows = (
        Measurement.objects.for_tenant(tenant)
        .filter(indicator_id__in=indicator_ids)
        .annotate(newest_first=newest_first)
    )
    if series:
        rows = rows.filter(newest_first__lte=CHART_MAX_POINTS)
    else:
        latest_on = Window(Max("measured_on"), partition_by=[F("indicator_id")])
        window = datetime.timedelta(days=maths.PACE_WINDOW_DAYS)
        rows = rows.annotate(latest_on=latest_on).filter(
            Q(newest_first__lte=maths.PACE_MIN_POINTS) | Q(measured_on__gt=F("latest_on") - window)
        )
    points: dict[int, list[Point]] = defaultdict(list)
    for indicator_id, measured_on, value in rows.order_by(
        "indicator_id", "measured_on", "id"
    ).values_list("indicator_id", "measured_on", "value"):
        points[indicator_id].append(Point(measured_on, value))
    return points


def _targets(*, tenant: Tenant, indicator_ids: list[int]) -> dict[int, list[Target]]:
    targets: dict[int, list[Target]] = defaultdict(list)
    for target in Target.objects.for_tenant(tenant).filter(indicator_id__in=indicator_ids):
        targets[target.indicator_id].append(target)
    return targets


def indicator_summary_of(
    indicator: Indicator,
    *,
    targets: list[Target],
    measurements: list[Point],
    today: datetime.date,
    is_series: bool = False,
) -> IndicatorSummary:
    """The figures of one indicator from its targets and measurements (no queries)."""
    baseline = Point(indicator.baseline_on, indicator.baseline_value)
    path = maths.target_path(baseline, [Point(t.due_on, t.value) for t in targets])
    direction = indicator.direction
    latest = measurements[-1] if measurements else None
    upcoming = maths.next_target(path, today)
    final = path.final_target
    series = [baseline, *measurements]

    def band_at(point: Point | None) -> Decimal:
        if point is None:
            return Decimal(0)
        return maths.tolerance(path, point.on) or Decimal(0)

    return IndicatorSummary(
        indicator=indicator,
        today=today,
        path=path,
        targets=sorted((t for t in targets if t.due_on > baseline.on), key=lambda t: t.due_on),
        measurements=measurements,
        latest=latest,
        expected_at_latest=maths.interpolated_target(path, latest.on) if latest else None,
        next_target=upcoming,
        progress=maths.progress_to_next_target(path, latest, today=today, direction=direction),
        rag=maths.rag_status(path, latest, direction=direction),
        forecast=maths.forecast(
            series if latest else [], upcoming, direction=direction, band=band_at(upcoming)
        ),
        final_forecast=maths.forecast(
            series if latest else [], final, direction=direction, band=band_at(final)
        ),
        band=band_at(latest),
        is_series=is_series,
    )


def indicator_summaries(
    *,
    tenant: Tenant,
    indicators: Iterable[Indicator],
    today: datetime.date | None = None,
    series: bool = False,
) -> dict[int, IndicatorSummary]:
    """``{indicator id: IndicatorSummary}`` for ``indicators`` (of ``tenant``) on ``today``.

    Two queries, whatever the number of indicators and measurements: the targets of all of
    them, and their measurements (only the recent ones the figures need; with ``series``
    the newest CHART_MAX_POINTS of each, for charts).
    """
    today = today or timezone.localdate()
    indicators = [i for i in indicators if i.tenant_id == tenant.pk]
    if not indicators:
        return {}
    ids = [indicator.pk for indicator in indicators]
    targets = _targets(tenant=tenant, indicator_ids=ids)
    points = _measurement_points(tenant=tenant, indicator_ids=ids, series=series)
    return {
        indicator.pk: indicator_summary_of(
            indicator,
            targets=targets.get(indicator.pk, []),
            measurements=points.get(indicator.pk, []),
            today=today,
            is_series=series,
        )
        for indicator in indicators
    }


def indicator_list(*, tenant: Tenant) -> QuerySet[Indicator]:
    """The tenant's indicators with what they are attached to, in agenda order."""
    return (
        Indicator.objects.for_tenant(tenant)
        .select_related("theme", "action_line__theme", "action__action_line__theme")
        .order_by("name", "pk")
    )


def indicator_get(*, tenant: Tenant, indicator_id: int) -> Indicator | None:
    return (
        indicator_list(tenant=tenant)
        .select_related("action__owner")
        .filter(pk=indicator_id)
        .first()
    )


def indicator_theme(indicator: Indicator):
    """The theme an indicator falls under, whatever it is attached to."""
    if indicator.theme_id:
        return indicator.theme
    if indicator.action_line_id:
        return indicator.action_line.theme
    return indicator.action.action_line.theme


def indicator_attached_to(indicator: Indicator):
    """The theme, action line or action the indicator is attached to."""
    return indicator.action or indicator.action_line or indicator.theme


def measurement_list(*, tenant: Tenant, indicator: Indicator) -> QuerySet[Measurement]:
    """An indicator's measurements, newest first, with who entered them."""
    return (
        Measurement.objects.for_tenant(tenant)
        .filter(indicator=indicator)
        .select_related("entered_by")
        .order_by("-measured_on", "-id")
    )


def can_add_measurement(membership, indicator: Indicator) -> bool:
    """Leads and the programme office; also the owner (kartrekker) of the action the
    indicator belongs to, who reports its figures. Never on a computed indicator."""
    if membership is None or indicator.metric:
        return False
    return membership.can("agenda.edit") or is_indicator_owner(membership, indicator)


def is_indicator_owner(membership, indicator: Indicator) -> bool:
    """The member owns (is kartrekker of) the action the indicator is attached to."""
    return (
        membership is not None
        and indicator.action_id is not None
        and indicator.action.owner_id == membership.user_id
    )


def can_see_figures(membership) -> bool:
    """Members who see the agenda, and funders, who see its figures."""
    return membership is not None and (
        membership.can("agenda.view") or membership.can("agenda.figures")
    )


def can_see_people(membership) -> bool:
    """Who entered a figure is personal data: not for funders."""
    return membership is not None and membership.can("agenda.view")


def tenants_with_computed_indicators() -> list[int]:
    """Ids of the tenants that have a computed indicator: the periodic task's work list.
    Across all tenants, so named loudly."""
    return list(
        Indicator.objects.unscoped_all_tenants()
        .exclude(metric="")
        .order_by("tenant_id")
        .values_list("tenant_id", flat=True)
        .distinct()
    )
