"""Input of progress updates. The period is chosen from a list ("2026 Q3", "July 2026"), never
typed: its first and last day are computed from it."""

from __future__ import annotations

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from agenda.models import Action
from agenda.selectors.updates import period_choices, period_parse

TEXT_WIDGET = forms.Textarea(attrs={"rows": 4})


class ProgressUpdateForm(forms.Form):
    health = forms.ChoiceField(
        label=_("Health"),
        choices=Action.Health.choices,
        help_text=_("Submitting the update sets the action's health to this."),
    )
    done = forms.CharField(label=_("What was done"), required=False, widget=TEXT_WIDGET)
    next_steps = forms.CharField(label=_("What comes next"), required=False, widget=TEXT_WIDGET)
    risks = forms.CharField(
        label=_("Risks"),
        required=False,
        widget=TEXT_WIDGET,
        help_text=_("Required to submit when the action is at risk or off track."),
    )
    help_needed = forms.CharField(label=_("Help needed"), required=False, widget=TEXT_WIDGET)


class ProgressUpdateCreateForm(ProgressUpdateForm):
    period = forms.ChoiceField(
        label=_("Period"), help_text=_("A quarter or a month; its dates follow from it.")
    )
    field_order = ["period", "health", "done", "next_steps", "risks", "help_needed"]

    def __init__(self, *args, today=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["period"].choices = period_choices(today=today or timezone.localdate())

    def clean_period(self):
        period = period_parse(self.cleaned_data["period"])
        if period is None:
            raise forms.ValidationError(_("Choose a quarter or a month from the list."))
        return period


class ProgressUpdateReopenForm(forms.Form):
    reason = forms.CharField(
        label=_("Why is the update reopened?"),
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Kept in the audit trail with your name and the time."),
    )
