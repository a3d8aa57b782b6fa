"""The figures of an indicator: its target path, progress, red/amber/green and forecast.

Pure functions on plain values: no Django, no database, so every rule can be tested by
hand-worked cases and by property-based tests, and the reports compute exactly what the
pages show.

**Decimal, not float.** Values come from ``DecimalField`` columns (16 digits, 4 decimals)
and go back to people as numbers they typed. Decimal keeps them exact: a measurement that
equals the target *is* on the path (a float interpolation can land a hair above it and
paint a met target amber), a path point is returned as the very value that was entered,
and large values (10^12 with four decimals is 16 significant digits, the edge of a float)
lose nothing. The few divisions (interpolation, slope) run with 34 significant digits.

**The target path** is the baseline (nulmeting) followed by the dated targets
(streefwaarden), e.g. 10 in 2014 -> 30 in 2016 -> 77 in 2020. Between two points the
path is a straight line over the days. Before the baseline it is undefined (``None``):
nothing was promised for that time. After the last target it *holds* the last target: a
rolling agenda adds new targets when it is reviewed, and extrapolating the last slope
would invent promises nobody made.

**The latest value** is the latest measurement, whatever the indicator's kind:

- cumulative: each measurement is the running total since the baseline, and so are
  the targets;
- point in time: each measurement is the level at its date (a share, a count of active
  partners);
- per period: each measurement is the figure of the period that ends at its date (the
  placements of that year); targets are per-period figures too. The latest value is the
  latest *complete* period's figure, not a sum over a running period: a half-finished
  period compared with a whole period's target would show red every time a period starts.

The kind matters where figures are *made* (a computed metric counts since the baseline for
a cumulative indicator and over the period otherwise, see ``agenda.services.indicators``),
not in the comparisons here.

**The tolerance band** of a date is ``TOLERANCE`` (10%) of the step of the path segment
that date falls in (the change from one path point to the next); on a flat segment, 10% of
the path value itself. After the last target the last segment's step counts.

**Red/amber/green** compares the latest measurement with the path value *at the
measurement's date*:

- up (higher is better): at or above the path green; below it by at most the band amber;
  further below red;
- down (lower is better): the mirror image;
- keep (stay at the target): within the band of the path green; within twice the band
  amber; further away, on either side, red.

**Progress towards the next target** (the first target dated today or later; once every
target date has passed, the last target, which still has to be reached) is how far the
latest value has come from the previous path point to that target:
``(latest - previous) / (target - previous)``, clipped to [0, 1], and 1 as soon as the
target is reached (for "keep": within the band). For "keep" it is the closeness instead:
``1 - |latest - target| / |target - previous|``, so overshooting costs as much as falling
short. A segment that is flat, or that runs against the indicator's direction (a target
lowered at a review), has no "way to go", so progress there is 1 when reached and 0 when not.

**The forecast** is when the latest value reaches a target at the current pace. The pace
is the least-squares slope (units per day) of the recent points of the series (the
baseline followed by the measurements): those of the last ``PACE_WINDOW_DAYS`` up to the
latest measurement, or the last ``PACE_MIN_POINTS`` points when the window holds fewer.
From the latest value the remaining gap divided by the pace gives the days to go. No
forecast ("not at the current pace") when the pace is zero, points the wrong way, or would
take longer than ``FORECAST_HORIZON_DAYS``; "reached" when the latest value already meets
the target; "unknown" when there are no measurements or fewer than two distinct dates to
take a pace from. A forecast date is always after the latest measurement.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import ROUND_CEILING, Decimal, localcontext

UP = "up"
DOWN = "down"
KEEP = "keep"
DIRECTIONS = (UP, DOWN, KEEP)

GREEN = "green"
AMBER = "amber"
RED = "red"
RAG_ORDER = {RED: 0, AMBER: 1, GREEN: 2}

TOLERANCE = Decimal("0.10")
PACE_WINDOW_DAYS = 365
PACE_MIN_POINTS = 3
FORECAST_HORIZON_DAYS = 100 * 365
PRECISION = 34

ZERO = Decimal(0)
ONE = Decimal(1)


@dataclass(frozen=True, order=True)
class Point:
    """A dated value: the baseline, a target or a measurement."""

    on: datetime.date
    value: Decimal


@dataclass(frozen=True)
class TargetPath:
    """The baseline followed by the targets, in date order, each after the one before."""

    baseline: Point
    targets: tuple[Point, ...]

    @property
    def points(self) -> tuple[Point, ...]:
        return (self.baseline, *self.targets)

    @property
    def final_target(self) -> Point | None:
        return self.targets[-1] if self.targets else None


def target_path(baseline: Point, targets: Iterable[Point]) -> TargetPath:
    """The path of ``baseline`` and ``targets`` (in any order).

    A target dated on or before the baseline has no place on a path that starts there: the
    services refuse such targets, and one left behind by a later change of the baseline is
    ignored here rather than bending the line backwards in time. Two targets on one date
    are a programming error (the database forbids them).
    """
    kept = sorted(target for target in targets if target.on > baseline.on)
    dates = [target.on for target in kept]
    if len(set(dates)) != len(dates):
        raise ValueError("a target path has at most one target per date")
    return TargetPath(baseline=baseline, targets=tuple(kept))


def _days(start: datetime.date, end: datetime.date) -> int:
    return (end - start).days


def path_segment(path: TargetPath, day: datetime.date) -> tuple[Point, Point] | None:
    """The two path points ``day`` lies between (the last two after the last target);
    ``None`` before the baseline or on a path without targets."""
    if not path.targets or day < path.baseline.on:
        return None
    points = path.points
    for start, end in zip(points, points[1:], strict=False):
        if day <= end.on:
            return start, end
    return points[-2], points[-1]


def interpolated_target(path: TargetPath, day: datetime.date) -> Decimal | None:
    """The value the path asks for on ``day``: linear between path points, the last target
    after the end, ``None`` before the baseline or when there are no targets."""
    segment = path_segment(path, day)
    if segment is None:
        return None
    start, end = segment
    if day >= end.on:
        return end.value
    if day == start.on:
        return start.value
    with localcontext(prec=PRECISION):
        share = Decimal(_days(start.on, day)) / Decimal(_days(start.on, end.on))
        return start.value + (end.value - start.value) * share


def tolerance(path: TargetPath, day: datetime.date) -> Decimal | None:
    """The width of the amber band on ``day`` (see the module's docstring)."""
    segment = path_segment(path, day)
    if segment is None:
        return None
    start, end = segment
    step = abs(end.value - start.value)
    if step == 0:
        step = abs(end.value)
    with localcontext(prec=PRECISION):
        return TOLERANCE * step


def next_target(path: TargetPath, day: datetime.date) -> Point | None:
    """The target to work towards on ``day``: the first one dated ``day`` or later; once
    all dates have passed, the last target. ``None`` on a path without targets."""
    for target in path.targets:
        if target.on >= day:
            return target
    return path.final_target


def previous_point(path: TargetPath, target: Point) -> Point:
    """The path point just before ``target`` (the baseline before the first target)."""
    points = path.points
    index = points.index(target)
    if index == 0:
        raise ValueError("the baseline has no previous point")
    return points[index - 1]


def is_reached(value: Decimal, target: Decimal, *, direction: str, band: Decimal) -> bool:
    """Whether ``value`` meets ``target``: at or beyond it in the good direction, or for
    "keep" within ``band`` of it."""
    if direction == UP:
        return value >= target
    if direction == DOWN:
        return value <= target
    if direction == KEEP:
        return abs(value - target) <= band
    raise ValueError(f"unknown direction {direction!r}")


def _clip(value: Decimal) -> Decimal:
    return max(ZERO, min(ONE, value))


def progress_to_next_target(
    path: TargetPath, latest: Point | None, *, today: datetime.date, direction: str
) -> Decimal | None:
    """How far ``latest`` has come from the previous path point towards the target to work
    towards ``today``, in [0, 1]; ``None`` without a measurement or a target."""
    target = next_target(path, today)
    if target is None or latest is None:
        return None
    start = previous_point(path, target)
    band = tolerance(path, target.on)
    if is_reached(latest.value, target.value, direction=direction, band=band):
        return ONE
    step = target.value - start.value
    with localcontext(prec=PRECISION):
        if direction == KEEP:
            if step == 0:
                return ZERO
            return _clip(ONE - abs(latest.value - target.value) / abs(step))
        if step == 0 or (step > 0) != (direction == UP):
            return ZERO
        return _clip((latest.value - start.value) / step)


def rag_status(path: TargetPath, latest: Point | None, *, direction: str) -> str | None:
    """``"green"``, ``"amber"`` or ``"red"`` for ``latest`` against the path at its date;
    ``None`` without a measurement, without targets, or for a date before the baseline."""
    if latest is None:
        return None
    expected = interpolated_target(path, latest.on)
    if expected is None:
        return None
    band = tolerance(path, latest.on)
    value = latest.value
    if direction == UP:
        shortfall = expected - value
    elif direction == DOWN:
        shortfall = value - expected
    elif direction == KEEP:
        distance = abs(value - expected)
        if distance <= band:
            return GREEN
        return AMBER if distance <= 2 * band else RED
    else:
        raise ValueError(f"unknown direction {direction!r}")
    if shortfall <= 0:
        return GREEN
    return AMBER if shortfall <= band else RED


def recent_points(
    series: Sequence[Point],
    *,
    window_days: int = PACE_WINDOW_DAYS,
    min_points: int = PACE_MIN_POINTS,
) -> list[Point]:
    """The points the pace is taken from: those of the last ``window_days`` up to the
    latest point, or the last ``min_points`` when the window holds fewer."""
    if not series:
        return []
    latest = series[-1]
    cutoff = latest.on - datetime.timedelta(days=window_days)
    recent = [point for point in series if point.on > cutoff]
    if len(recent) < min_points:
        recent = list(series[-min_points:])
    return recent


def pace(points: Sequence[Point]) -> Decimal | None:
    """The least-squares slope of ``points`` in units per day; ``None`` with fewer than
    two distinct dates."""
    if len({point.on for point in points}) < 2:
        return None
    origin = points[0].on
    xs = [Decimal(_days(origin, point.on)) for point in points]
    ys = [point.value for point in points]
    n = Decimal(len(points))
    with localcontext(prec=PRECISION):
        sum_x = sum(xs, ZERO)
        sum_y = sum(ys, ZERO)
        sum_xy = sum((x * y for x, y in zip(xs, ys, strict=True)), ZERO)
        sum_xx = sum((x * x for x in xs), ZERO)
        return (n * sum_xy - sum_x * sum_y) / (n * sum_xx - sum_x * sum_x)


@dataclass(frozen=True)
class Forecast:
    """When a target is reached at the current pace.

    ``status`` is one of ``REACHED`` (already), ``EXPECTED`` (on ``on``),
    ``NOT_AT_PACE`` (the pace is zero, the wrong way, or too slow to name a date) and
    ``UNKNOWN`` (no target, or too few measurements to take a pace from).
    """

    REACHED = "reached"
    EXPECTED = "expected"
    NOT_AT_PACE = "not_at_current_pace"
    UNKNOWN = "unknown"

    status: str
    on: datetime.date | None = None
    pace_per_day: Decimal | None = None


def forecast(
    series: Sequence[Point],
    target: Point | None,
    *,
    direction: str,
    band: Decimal = ZERO,
    window_days: int = PACE_WINDOW_DAYS,
    min_points: int = PACE_MIN_POINTS,
) -> Forecast:
    """When the latest value of ``series`` (the baseline, then the measurements, in date
    order) reaches ``target`` at the recent pace (see the module's docstring)."""
    if target is None or len(series) < 2:
        return Forecast(Forecast.UNKNOWN)
    latest = series[-1]
    if is_reached(latest.value, target.value, direction=direction, band=band):
        return Forecast(Forecast.REACHED)
    slope = pace(recent_points(series, window_days=window_days, min_points=min_points))
    if slope is None:
        return Forecast(Forecast.UNKNOWN)
    gap = target.value - latest.value
    if direction == KEEP:
        # Reaching the band around the target is enough.
        gap = gap - band if gap > 0 else gap + band
    if slope == 0 or (gap > 0) != (slope > 0):
        return Forecast(Forecast.NOT_AT_PACE, pace_per_day=slope)
    with localcontext(prec=PRECISION):
        days = (gap / slope).to_integral_value(rounding=ROUND_CEILING)
    days = max(int(days), 1)
    if days > FORECAST_HORIZON_DAYS:
        return Forecast(Forecast.NOT_AT_PACE, pace_per_day=slope)
    try:
        on = latest.on + datetime.timedelta(days=days)
    except OverflowError:
        return Forecast(Forecast.NOT_AT_PACE, pace_per_day=slope)
    return Forecast(Forecast.EXPECTED, on=on, pace_per_day=slope)
