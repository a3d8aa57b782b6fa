"""Filters of the report PDF template: the stored figures (ints, decimal strings, "<5",
ISO dates) as people read them, in the active language."""

from __future__ import annotations

import datetime
from decimal import Decimal, InvalidOperation

from django import template
from django.utils.formats import date_format, number_format

register = template.Library()

EMPTY = "–"


def _decimal(value) -> Decimal | None:
    if value is None or value == "" or isinstance(value, bool):
        return None
    try:
        return Decimal(str(value))
    except InvalidOperation:
        return None


@register.filter
def report_number(value) -> str:
    """1234 -> "1.234" (nl) / "1,234" (en); "<5" stays; None -> "–"."""
    number = _decimal(value)
    if number is None:
        return EMPTY if value in (None, "") else str(value)
    return number_format(number, use_l10n=True, force_grouping=True)


@register.filter
def report_money(value) -> str:
    """ "1234.50" -> "€ 1.234,50"."""
    number = _decimal(value)
    if number is None:
        return EMPTY
    return "€ " + number_format(number, decimal_pos=2, use_l10n=True, force_grouping=True)


@register.filter
def report_figure(value, key: str = "") -> str:
    """A key figure as the reader's locale writes it: money for the spending row
    (``key == "spent"``), a number otherwise."""
    return report_money(value) if key == "spent" else report_number(value)


@register.filter
def report_percent(value) -> str:
    number = _decimal(value)
    return EMPTY if number is None else number_format(number, use_l10n=True) + "%"


@register.filter
def report_change(value) -> str:
    """The change against the previous period with its sign: "+3", "−2", "0"."""
    number = _decimal(value)
    if number is None:
        return EMPTY
    text = number_format(abs(number), use_l10n=True, force_grouping=True)
    if number > 0:
        return f"+{text}"
    if number < 0:
        return f"−{text}"
    return text


@register.filter
def report_date(value) -> str:
    if not value:
        return EMPTY
    return date_format(datetime.date.fromisoformat(str(value)), "j F Y")


@register.filter
def dict_get(mapping, key):
    return (mapping or {}).get(key)
