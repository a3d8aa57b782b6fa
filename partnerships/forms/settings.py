"""Input validation of the CRM settings page."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from partnerships.models import Sector
from partnerships.services.organisations import MAX_DORMANT_MONTHS, MIN_DORMANT_MONTHS

SECTOR_NAME_LENGTH = Sector._meta.get_field("name").max_length


class DormancyForm(forms.Form):
    dormant_after_months = forms.IntegerField(
        label=_("Dormant after (months without contact)"),
        min_value=MIN_DORMANT_MONTHS,
        max_value=MAX_DORMANT_MONTHS,
        help_text=_(
            "An active partner without a logged contact for this many months is shown as dormant."
        ),
    )


class SectorForm(forms.Form):
    name = forms.CharField(label=_("Name of the sector"), max_length=SECTOR_NAME_LENGTH)
