"""Input of the merge page."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _


class MergeTargetForm(forms.Form):
    """The organisation to keep. Looked up inside the tenant by the view (another
    tenant's id is a 404); this form only says it must differ from the one merged away."""

    target = forms.IntegerField(label=_("Merge into"), min_value=1)

    def __init__(self, *args, source_id: int, **kwargs):
        super().__init__(*args, **kwargs)
        self.source_id = source_id

    def clean_target(self):
        target = self.cleaned_data["target"]
        if target == self.source_id:
            raise forms.ValidationError(
                _("Choose another organisation: one cannot be merged into itself.")
            )
        return target
