"""Template filters of the agenda's figures."""

from __future__ import annotations

from decimal import Decimal

from django import template

from agenda.selectors.indicators import tidy

register = template.Library()


@register.filter(name="tidy")
def tidy_filter(value, places: int = 4):
    """A stored value as people read it: ``12.5000`` -> ``12.5`` (localised on output)."""
    if value is None or value == "":
        return value
    return tidy(Decimal(value), int(places))
