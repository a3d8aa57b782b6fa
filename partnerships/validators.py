"""Field validators for Dutch registration numbers."""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from stdnum.nl import brin


def validate_brin(value: str) -> None:
    """A BRIN code (instellingscode): two digits and two letters, optionally a location number."""
    if value and not brin.is_valid(value):
        raise ValidationError(
            _("%(value)s is not a valid BRIN code (like 05ZK or 05ZK01).") % {"value": value},
            code="invalid_brin",
        )
