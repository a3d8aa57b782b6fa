"""Input shared by both sides of an application: a message, and a placement's evaluation."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from internships.services.applications import MESSAGE_MAX_LENGTH
from internships.services.placements import EVALUATION_MAX_LENGTH


class MessageForm(forms.Form):
    body = forms.CharField(
        label=_("Your message"),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=MESSAGE_MAX_LENGTH,
        error_messages={"required": _("Write a message first.")},
    )


class EvaluationForm(forms.Form):
    rating = forms.TypedChoiceField(
        label=_("Rating"),
        choices=[(n, str(n)) for n in range(1, 6)],
        coerce=int,
        widget=forms.RadioSelect,
        help_text=_("1 is poor, 5 is excellent."),
        error_messages={"required": _("Choose a rating from 1 to 5.")},
    )
    text = forms.CharField(
        label=_("How did it go?"),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=EVALUATION_MAX_LENGTH,
        error_messages={"required": _("Write a few words about how it went.")},
    )
