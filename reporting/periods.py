"""Report periods: a month, a quarter, a half year or a year, and their labels.

A period is a closed range of dates (``start`` and ``end`` both included). Kinds are the
values of ``ReportDefinition.PeriodKind`` ("month", "quarter", "half_year", "year"); the
functions here take the plain string so that they can be used without the models.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.utils import translation
from django.utils.formats import date_format
from django.utils.translation import gettext, pgettext

MONTH = "month"
QUARTER = "quarter"
HALF_YEAR = "half_year"
YEAR = "year"

# Length of each kind in months; every kind starts on the first day of a month that is a
# multiple of its length (counted from January).
_MONTHS = {MONTH: 1, QUARTER: 3, HALF_YEAR: 6, YEAR: 12}


def _months(kind: str) -> int:
    try:
        return _MONTHS[kind]
    except KeyError:
        raise ValueError(f"Unknown period kind: {kind!r}") from None


def _add_months(day: datetime.date, months: int) -> datetime.date:
    """The first of the month ``months`` after ``day``'s month."""
    index = day.year * 12 + (day.month - 1) + months
    return datetime.date(index // 12, index % 12 + 1, 1)


@dataclass(frozen=True, order=True)
class Period:
    """A closed range of dates: ``start`` and ``end`` are both part of the period."""

    start: datetime.date
    end: datetime.date

    @property
    def kind(self) -> str:
        months = (self.end.year - self.start.year) * 12 + self.end.month - self.start.month + 1
        for kind, length in _MONTHS.items():
            if length == months:
                return kind
        raise ValueError(f"Not a report period: {self.start}–{self.end}")

    def label(self, language: str | None = None) -> str:
        """ "2e kwartaal 2026" / "Q2 2026", "maart 2026" / "March 2026", ...

        ``language`` defaults to the active language.
        """
        with translation.override(language or translation.get_language() or "nl"):
            kind = self.kind
            year = self.start.year
            number = (self.start.month - 1) // _MONTHS[kind] + 1
            if kind == MONTH:
                return date_format(self.start, "F Y").capitalize()
            if kind == QUARTER:
                # Translators: a quarter of a year, e.g. "2e kwartaal 2026" / "Q2 2026".
                return pgettext("report period", "Q%(number)s %(year)s") % {
                    "number": number,
                    "year": year,
                }
            if kind == HALF_YEAR:
                # Translators: a half of a year, e.g. "1e halfjaar 2026" / "H1 2026".
                return pgettext("report period", "H%(number)s %(year)s") % {
                    "number": number,
                    "year": year,
                }
            return gettext("Year %(year)s") % {"year": year}

    def __str__(self) -> str:
        return f"{self.start.isoformat()}–{self.end.isoformat()}"


def period_containing(kind: str, day: datetime.date) -> Period:
    """The period of ``kind`` that ``day`` falls in."""
    length = _months(kind)
    first_month = (day.month - 1) // length * length + 1
    start = datetime.date(day.year, first_month, 1)
    end = _add_months(start, length) - datetime.timedelta(days=1)
    return Period(start, end)


def previous_period(kind: str, period: Period) -> Period:
    """The period of ``kind`` that ends the day before ``period`` starts."""
    return period_containing(kind, period.start - datetime.timedelta(days=1))


def is_finished(period: Period, today: datetime.date) -> bool:
    """A period is finished once its last day has passed."""
    return period.end < today


def finished_periods(kind: str, *, today: datetime.date, count: int = 8) -> list[Period]:
    """The ``count`` latest finished periods of ``kind``, newest first."""
    periods = []
    period = previous_period(kind, period_containing(kind, today))
    while len(periods) < count:
        periods.append(period)
        period = previous_period(kind, period)
    return periods


def period_from_start(kind: str, start: datetime.date) -> Period:
    """The period of ``kind`` starting on ``start``; ValueError if no such period starts then."""
    period = period_containing(kind, start)
    if period.start != start:
        raise ValueError(f"{start.isoformat()} is not the start of a {kind} period")
    return period
