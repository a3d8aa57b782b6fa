"""The indicator maths, checked against cases worked out by hand (the arithmetic is in the
comments, so a reader can redo it on paper)."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest

from agenda.indicator_maths import (
    AMBER,
    DOWN,
    GREEN,
    KEEP,
    RED,
    UP,
    Forecast,
    Point,
    forecast,
    interpolated_target,
    next_target,
    pace,
    progress_to_next_target,
    rag_status,
    recent_points,
    target_path,
    tolerance,
)

D = Decimal


def day(year: int, month: int, date: int) -> datetime.date:
    return datetime.date(year, month, date)


def close(value: Decimal | None, expected: str, places: int = 6) -> bool:
    assert value is not None
    return abs(value - Decimal(expected)) < Decimal(10) ** -places


# Bètapunt Noord: 10 participating schools at the baseline (1 January 2014), 30 by the end
# of 2016, 77 by the end of 2020; measured 12, 31 and 55 at the ends of 2014, 2016, 2018.
BASELINE = Point(day(2014, 1, 1), D(10))
T2016 = Point(day(2016, 12, 31), D(30))
T2020 = Point(day(2020, 12, 31), D(77))
BETAPUNT = target_path(BASELINE, [T2020, T2016])
M2014 = Point(day(2014, 12, 31), D(12))
M2016 = Point(day(2016, 12, 31), D(31))
M2018 = Point(day(2018, 12, 31), D(55))
SERIES = [BASELINE, M2014, M2016, M2018]


def test_the_path_is_the_baseline_then_the_targets_in_date_order():
    # given targets handed over out of order
    # then the path runs baseline, 2016, 2020
    assert BETAPUNT.points == (BASELINE, T2016, T2020)
    assert BETAPUNT.final_target == T2020


def test_a_target_on_or_before_the_baseline_is_left_off_the_path():
    # given a target dated before the baseline and one on the baseline's date
    path = target_path(BASELINE, [Point(day(2013, 6, 1), D(5)), Point(BASELINE.on, D(11)), T2016])

    # then only the target after the baseline is on the path
    assert path.targets == (T2016,)


def test_two_targets_on_one_date_are_refused():
    with pytest.raises(ValueError, match="one target per date"):
        target_path(BASELINE, [T2016, Point(T2016.on, D(31))])


def test_interpolation_between_the_baseline_and_the_first_target():
    # 1 Jan 2014 -> 31 Dec 2016 is 365 + 365 + 365 = 1095 days (2016 is a leap year, so
    # 31 December is 365 days after 1 January). 31 Dec 2014 is day 364:
    # 10 + (30 - 10) * 364 / 1095 = 10 + 7280 / 1095 = 16.648401...
    assert close(interpolated_target(BETAPUNT, day(2014, 12, 31)), "16.648402")


def test_interpolation_between_two_targets():
    # 31 Dec 2016 -> 31 Dec 2020 is 365 + 365 + 365 + 366 = 1461 days; 31 Dec 2018 is day
    # 730: 30 + (77 - 30) * 730 / 1461 = 30 + 34310 / 1461 = 53.483915...
    assert close(interpolated_target(BETAPUNT, day(2018, 12, 31)), "53.483915")


def test_the_path_goes_through_every_point_exactly():
    assert interpolated_target(BETAPUNT, BASELINE.on) == D(10)
    assert interpolated_target(BETAPUNT, T2016.on) == D(30)
    assert interpolated_target(BETAPUNT, T2020.on) == D(77)


def test_before_the_baseline_the_path_is_undefined():
    assert interpolated_target(BETAPUNT, day(2013, 12, 31)) is None
    assert rag_status(BETAPUNT, Point(day(2013, 12, 31), D(5)), direction=UP) is None


def test_after_the_last_target_the_path_holds_it():
    assert interpolated_target(BETAPUNT, day(2025, 6, 1)) == D(77)


def test_a_path_without_targets_asks_nothing():
    path = target_path(BASELINE, [])
    assert interpolated_target(path, day(2015, 1, 1)) is None
    assert next_target(path, day(2015, 1, 1)) is None
    assert rag_status(path, M2014, direction=UP) is None
    assert progress_to_next_target(path, M2014, today=day(2015, 1, 1), direction=UP) is None


def test_the_tolerance_band_is_ten_percent_of_the_segments_step():
    # 2014-2016: step 20 -> band 2; 2016-2020: step 47 -> band 4.7; after 2020 the last step
    assert tolerance(BETAPUNT, day(2015, 6, 1)) == D("2")
    assert tolerance(BETAPUNT, day(2018, 6, 1)) == D("4.7")
    assert tolerance(BETAPUNT, day(2030, 1, 1)) == D("4.7")


def test_red_amber_green_of_the_betapunt_measurements():
    # 2014: the path asks 16.648, 12 is 4.648 short, more than the band of 2 -> red
    assert rag_status(BETAPUNT, M2014, direction=UP) == RED
    # 2016: the path asks 30, 31 is above it -> green
    assert rag_status(BETAPUNT, M2016, direction=UP) == GREEN
    # 2018: the path asks 53.484, 55 is above it -> green
    assert rag_status(BETAPUNT, M2018, direction=UP) == GREEN
    # 2018 at 50: 3.484 short, within the band of 4.7 -> amber
    assert rag_status(BETAPUNT, Point(M2018.on, D(50)), direction=UP) == AMBER
    # exactly on the path is green, not a hair below it
    assert rag_status(BETAPUNT, Point(T2016.on, D(30)), direction=UP) == GREEN


def test_red_amber_green_when_lower_is_better():
    # Early school leavers: 200 on 1 Jan 2020, at most 150 on 1 Jan 2022 (731 days).
    # On 1 Jan 2021 (day 366) the path asks 200 - 50 * 366 / 731 = 174.9658; band 5.
    path = target_path(Point(day(2020, 1, 1), D(200)), [Point(day(2022, 1, 1), D(150))])
    on = day(2021, 1, 1)
    assert close(interpolated_target(path, on), "174.965800")
    assert rag_status(path, Point(on, D(170)), direction=DOWN) == GREEN
    assert rag_status(path, Point(on, D(178)), direction=DOWN) == AMBER  # 3.03 above
    assert rag_status(path, Point(on, D(180)), direction=DOWN) == RED  # 5.03 above


def test_red_amber_green_when_the_value_must_stay_at_the_target():
    # Keep the share of recognised training companies at 95%: a flat path, band 9.5
    path = target_path(Point(day(2020, 1, 1), D(95)), [Point(day(2024, 1, 1), D(95))])
    on = day(2022, 1, 1)
    assert rag_status(path, Point(on, D(100)), direction=KEEP) == GREEN  # 5 off
    assert rag_status(path, Point(on, D(80)), direction=KEEP) == AMBER  # 15 off, <= 19
    assert rag_status(path, Point(on, D(115)), direction=KEEP) == RED  # 20 off


def test_progress_towards_the_next_target():
    # In mid-2019 the next target is 77 (2020), the previous path point 30 (2016):
    # (55 - 30) / (77 - 30) = 25 / 47 = 0.531915...
    progress = progress_to_next_target(BETAPUNT, M2018, today=day(2019, 6, 30), direction=UP)
    assert close(progress, "0.531915")


def test_progress_after_the_last_target_date_still_counts_towards_it():
    # in 2023 every target date has passed; 77 is still the one to reach
    assert next_target(BETAPUNT, day(2023, 1, 1)) == T2020
    progress = progress_to_next_target(BETAPUNT, M2018, today=day(2023, 1, 1), direction=UP)
    assert close(progress, "0.531915")


def test_progress_is_one_once_the_target_is_reached_and_zero_below_the_previous_point():
    reached = Point(day(2020, 6, 1), D(80))
    assert progress_to_next_target(BETAPUNT, reached, today=day(2020, 6, 1), direction=UP) == 1
    fallen = Point(day(2018, 6, 1), D(25))
    assert progress_to_next_target(BETAPUNT, fallen, today=day(2018, 6, 1), direction=UP) == 0


def test_progress_on_a_segment_against_the_direction_is_reached_or_not():
    # A review lowered the target from 100 to 80 while higher is better: no way to go
    path = target_path(Point(day(2020, 1, 1), D(100)), [Point(day(2022, 1, 1), D(80))])
    today = day(2021, 1, 1)
    assert progress_to_next_target(path, Point(today, D(90)), today=today, direction=UP) == 1
    assert progress_to_next_target(path, Point(today, D(70)), today=today, direction=UP) == 0


def test_progress_when_lower_is_better():
    # 200 -> 150: at 180 the way gone is 20 of 50 = 0.4
    path = target_path(Point(day(2020, 1, 1), D(200)), [Point(day(2022, 1, 1), D(150))])
    today = day(2021, 1, 1)
    assert progress_to_next_target(path, Point(today, D(180)), today=today, direction=DOWN) == D(
        "0.4"
    )


def test_progress_for_keep_is_closeness_to_the_target():
    # 50 -> 60 (band 1): 55 is 5 from the target on a step of 10 -> 0.5; 65 overshoots by
    # as much -> 0.5 too; 59.5 is within the band -> 1
    path = target_path(Point(day(2020, 1, 1), D(50)), [Point(day(2022, 1, 1), D(60))])
    today = day(2021, 1, 1)
    for value, expected in (("55", "0.5"), ("65", "0.5"), ("59.5", "1"), ("75", "0")):
        progress = progress_to_next_target(
            path, Point(today, D(value)), today=today, direction=KEEP
        )
        assert progress == D(expected), value


def test_the_pace_is_the_least_squares_slope_of_the_recent_points():
    # The yearly measurements leave one point in the last 365 days, so the last three
    # count: x = 0, 731, 1461 days from 31 Dec 2014; y = 12, 31, 55.
    # n = 3, Σx = 2192, Σy = 98, Σxy = 731*31 + 1461*55 = 103016,
    # Σx² = 731² + 1461² = 2668882;
    # slope = (3*103016 - 2192*98) / (3*2668882 - 2192²) = 94232 / 3201782 = 0.0294311...
    points = recent_points(SERIES)
    assert points == [M2014, M2016, M2018]
    assert close(pace(points), "0.029431", places=6)


def test_the_pace_window_takes_the_last_year_when_it_holds_enough_points():
    monthly = [Point(day(2024, month, 1), D(month)) for month in range(1, 13)]
    monthly.insert(0, Point(day(2020, 1, 1), D(100)))  # long ago: outside the window
    assert recent_points(monthly) == monthly[1:]
    assert pace(recent_points(monthly)) > 0


def test_forecast_of_the_betapunt_final_target():
    # The gap 77 - 55 = 22 at 94232 / 3201782 a day takes 22 * 3201782 / 94232 = 747.5
    # days, rounded up to 748: 31 Dec 2018 + 731 days = 31 Dec 2020, + 17 = 17 Jan 2021,
    # 17 days after the target date.
    result = forecast(SERIES, T2020, direction=UP)
    assert result.status == Forecast.EXPECTED
    assert result.on == day(2021, 1, 17)


def test_forecast_of_a_target_already_reached():
    assert forecast(SERIES, T2016, direction=UP).status == Forecast.REACHED


def test_no_forecast_when_the_pace_goes_the_wrong_way_or_stands_still():
    falling = [BASELINE, Point(day(2015, 1, 1), D(9)), Point(day(2016, 1, 1), D(8))]
    assert forecast(falling, T2020, direction=UP).status == Forecast.NOT_AT_PACE
    flat = [BASELINE, Point(day(2015, 1, 1), D(10)), Point(day(2016, 1, 1), D(10))]
    assert forecast(flat, T2020, direction=UP).status == Forecast.NOT_AT_PACE
    assert forecast(flat, T2020, direction=UP).on is None


def test_no_forecast_when_the_pace_is_too_slow_to_name_a_date():
    # 0.0001 a year: 67 to go would take 670,000 years
    crawling = [BASELINE, Point(day(2015, 1, 1), D("10.0001"))]
    assert forecast(crawling, T2020, direction=UP).status == Forecast.NOT_AT_PACE


def test_forecast_unknown_without_measurements_or_target():
    assert forecast([BASELINE], T2020, direction=UP).status == Forecast.UNKNOWN
    assert forecast(SERIES, None, direction=UP).status == Forecast.UNKNOWN


def test_forecast_when_lower_is_better():
    # 200 on 1 Jan 2020, 190 on 1 Jan 2021 (366 days): -10/366 a day; 40 to go to 150
    # takes 40 * 366 / 10 = 1464 days: 1 Jan 2021 + 1464 days = 4 Jan 2025
    series = [Point(day(2020, 1, 1), D(200)), Point(day(2021, 1, 1), D(190))]
    result = forecast(series, Point(day(2022, 1, 1), D(150)), direction=DOWN)
    assert (result.status, result.on) == (Forecast.EXPECTED, day(2025, 1, 4))


def test_forecast_for_keep_counts_the_band_as_reached():
    # 80 -> 90 in a year (10/366 a day), target 100 with band 2: 8 to go to 98
    # takes 8 * 366 / 10 = 292.8 -> 293 days after 1 Jan 2021 = 21 Oct 2021
    series = [Point(day(2020, 1, 1), D(80)), Point(day(2021, 1, 1), D(90))]
    result = forecast(series, Point(day(2022, 1, 1), D(100)), direction=KEEP, band=D(2))
    assert (result.status, result.on) == (Forecast.EXPECTED, day(2021, 10, 21))
