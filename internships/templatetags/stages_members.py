"""Template filters of the members' side of the stage market."""

from __future__ import annotations

from django import template

from partnerships.models import EducationLevel

register = template.Library()
LEVEL_LABELS = dict(EducationLevel.choices)


@register.filter
def education_level_labels(levels) -> str:
    """``["mbo3", "hbo"]`` -> "MBO level 3, HBO" in the active language."""
    return ", ".join(str(LEVEL_LABELS.get(level, level)) for level in levels or ())
