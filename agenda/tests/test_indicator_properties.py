"""Properties of the indicator maths that must hold for every path and every measurement
(hypothesis generates the cases)."""

from __future__ import annotations

import datetime
from decimal import Decimal

from hypothesis import assume, given, settings
from hypothesis import strategies as st

from agenda.indicator_maths import (
    DIRECTIONS,
    DOWN,
    RAG_ORDER,
    UP,
    Forecast,
    Point,
    TargetPath,
    forecast,
    interpolated_target,
    progress_to_next_target,
    rag_status,
    target_path,
    tolerance,
)

FIRST_DAY = datetime.date(2000, 1, 1)
LAST_DAY = datetime.date(2060, 12, 31)

dates = st.dates(min_value=FIRST_DAY, max_value=LAST_DAY)
values = st.decimals(
    min_value=Decimal("-1000000"),
    max_value=Decimal("1000000"),
    places=4,
    allow_nan=False,
    allow_infinity=False,
)
directions = st.sampled_from(DIRECTIONS)


@st.composite
def paths(draw, min_targets: int = 1) -> TargetPath:
    """A baseline and up to five targets on distinct later dates."""
    baseline_on = draw(st.dates(min_value=FIRST_DAY, max_value=datetime.date(2040, 1, 1)))
    target_dates = draw(
        st.lists(
            st.dates(min_value=baseline_on + datetime.timedelta(days=1), max_value=LAST_DAY),
            min_size=min_targets,
            max_size=5,
            unique=True,
        )
    )
    targets = [Point(on, draw(values)) for on in target_dates]
    return target_path(Point(baseline_on, draw(values)), targets)


@st.composite
def series_of(draw, path: TargetPath) -> list[Point]:
    """The baseline followed by measurements after it, in date order."""
    dates_after = draw(
        st.lists(st.dates(min_value=path.baseline.on, max_value=LAST_DAY), min_size=1, max_size=12)
    )
    measurements = sorted(Point(on, draw(values)) for on in dates_after)
    return [path.baseline, *measurements]


# No per-example deadline: a busy CI machine must not turn a slow example into a failure.
@settings(deadline=None)
@given(path=paths(), day=dates)
def test_interpolation_stays_between_the_points_around_it(path, day):
    # given a day on the path (after the baseline, before the last target)
    assume(path.baseline.on <= day <= path.targets[-1].on)

    # when the path value is interpolated
    value = interpolated_target(path, day)

    # then it lies between the two path points around that day
    points = path.points
    start = max((p for p in points if p.on <= day), key=lambda p: p.on)
    end = min((p for p in points if p.on >= day), key=lambda p: p.on)
    assert min(start.value, end.value) <= value <= max(start.value, end.value)


@settings(deadline=None)
@given(path=paths())
def test_the_path_value_on_a_target_date_is_the_target(path):
    for target in path.targets:
        assert interpolated_target(path, target.on) == target.value
    assert interpolated_target(path, path.baseline.on) == path.baseline.value


@settings(deadline=None)
@given(path=paths(), day=dates)
def test_before_the_baseline_nothing_is_asked(path, day):
    assume(day < path.baseline.on)
    assert interpolated_target(path, day) is None


@settings(deadline=None)
@given(path=paths(), day=dates, low=values, high=values)
def test_rag_is_monotone_in_the_value_when_higher_is_better(path, day, low, high):
    # given two measurements on one day, the second at least as high
    assume(day >= path.baseline.on)
    low, high = min(low, high), max(low, high)

    # then the higher one is never in a worse colour
    worse = rag_status(path, Point(day, low), direction=UP)
    better = rag_status(path, Point(day, high), direction=UP)
    assert RAG_ORDER[worse] <= RAG_ORDER[better]


@settings(deadline=None)
@given(path=paths(), day=dates, low=values, high=values)
def test_rag_is_antitone_in_the_value_when_lower_is_better(path, day, low, high):
    assume(day >= path.baseline.on)
    low, high = min(low, high), max(low, high)

    better = rag_status(path, Point(day, low), direction=DOWN)
    worse = rag_status(path, Point(day, high), direction=DOWN)
    assert RAG_ORDER[worse] <= RAG_ORDER[better]


@settings(deadline=None)
@given(path=paths(), measured_on=dates, value=values, today=dates, direction=directions)
def test_progress_is_a_fraction(path, measured_on, value, today, direction):
    progress = progress_to_next_target(
        path, Point(measured_on, value), today=today, direction=direction
    )
    assert progress is not None
    assert 0 <= progress <= 1


@settings(deadline=None)
@given(data=st.data(), direction=directions)
def test_a_forecast_is_never_before_the_latest_measurement(data, direction):
    # given a path, a series of measurements and the final target
    path = data.draw(paths())
    series = data.draw(series_of(path))
    target = path.final_target
    band = tolerance(path, target.on)

    # when the date it is reached is forecast
    result = forecast(series, target, direction=direction, band=band)

    # then a named date lies after the latest measurement, and only "expected" names one
    if result.status == Forecast.EXPECTED:
        assert result.on > series[-1].on
    else:
        assert result.on is None
