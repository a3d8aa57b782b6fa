"""Report periods: boundaries, the latest finished ones, and their labels."""

from __future__ import annotations

import datetime

import pytest
from django.utils import translation

from reporting.periods import (
    Period,
    finished_periods,
    is_finished,
    period_containing,
    period_from_start,
    previous_period,
)

D = datetime.date


@pytest.mark.parametrize(
    ("kind", "day", "start", "end"),
    [
        ("month", D(2026, 2, 14), D(2026, 2, 1), D(2026, 2, 28)),
        ("month", D(2024, 2, 29), D(2024, 2, 1), D(2024, 2, 29)),
        ("quarter", D(2026, 5, 20), D(2026, 4, 1), D(2026, 6, 30)),
        ("quarter", D(2026, 12, 31), D(2026, 10, 1), D(2026, 12, 31)),
        ("half_year", D(2026, 7, 1), D(2026, 7, 1), D(2026, 12, 31)),
        ("half_year", D(2026, 6, 30), D(2026, 1, 1), D(2026, 6, 30)),
        ("year", D(2026, 8, 8), D(2026, 1, 1), D(2026, 12, 31)),
    ],
)
def test_period_containing_a_day(kind, day, start, end):
    # given a kind of period and a day
    # when the period containing the day is asked for
    period = period_containing(kind, day)

    # then it runs from the first to the last day of that month, quarter, half year or year
    assert period == Period(start, end)
    assert period.kind == kind


def test_previous_period_crosses_the_year():
    # given the first quarter of 2026
    period = period_containing("quarter", D(2026, 1, 15))

    # when the previous one is asked for
    previous = previous_period("quarter", period)

    # then it is the last quarter of 2025
    assert previous == Period(D(2025, 10, 1), D(2025, 12, 31))


def test_finished_periods_are_newest_first_and_exclude_the_current_one():
    # given a day in the middle of the second quarter
    today = D(2026, 5, 20)

    # when the finished quarters are listed
    periods = finished_periods("quarter", today=today, count=3)

    # then the running quarter is not among them, and the newest comes first
    assert periods == [
        Period(D(2026, 1, 1), D(2026, 3, 31)),
        Period(D(2025, 10, 1), D(2025, 12, 31)),
        Period(D(2025, 7, 1), D(2025, 9, 30)),
    ]
    assert all(is_finished(period, today) for period in periods)


def test_a_period_is_finished_only_after_its_last_day():
    # given the first quarter of 2026
    period = Period(D(2026, 1, 1), D(2026, 3, 31))

    # then it is not finished on its last day, and finished the day after
    assert not is_finished(period, D(2026, 3, 31))
    assert is_finished(period, D(2026, 4, 1))


def test_period_from_start_refuses_a_day_that_starts_no_period():
    # given a day that starts a quarter and one that does not
    # then the first gives its quarter, the second is refused
    assert period_from_start("quarter", D(2026, 4, 1)) == Period(D(2026, 4, 1), D(2026, 6, 30))
    with pytest.raises(ValueError):
        period_from_start("quarter", D(2026, 5, 1))
    with pytest.raises(ValueError):
        period_from_start("fortnight", D(2026, 5, 1))


@pytest.mark.parametrize(
    ("kind", "start", "english"),
    [
        ("month", D(2026, 3, 1), "March 2026"),
        ("quarter", D(2026, 4, 1), "Q2 2026"),
        ("half_year", D(2026, 7, 1), "H2 2026"),
        ("year", D(2026, 1, 1), "Year 2026"),
    ],
)
def test_english_labels(kind, start, english):
    # given a period
    period = period_from_start(kind, start)

    # when it is labelled in English (whatever language is active)
    with translation.override("nl"):
        label = period.label("en")

    # then it reads as English readers expect
    assert label == english


def test_dutch_labels():
    # given the second quarter and March of 2026
    quarter = period_from_start("quarter", D(2026, 4, 1))
    month = period_from_start("month", D(2026, 3, 1))

    # when labelled in Dutch
    # then they read "2e kwartaal 2026" and "Maart 2026"
    assert month.label("nl") == "Maart 2026"
    assert quarter.label("nl") == "2e kwartaal 2026"
