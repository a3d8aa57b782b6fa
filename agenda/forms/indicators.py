"""Input of the indicator pages: the indicator, a target on its path, a measurement."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from agenda.metrics import metric_choices
from agenda.models import Action, ActionLine, Indicator, Theme
from portal.models import Tenant

VALUE = {"max_digits": 16, "decimal_places": 4}


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%d", **kwargs)


def value_field(label, **kwargs) -> forms.DecimalField:
    """A decimal that accepts the reader's own decimal sign ("12,5" in Dutch)."""
    return forms.DecimalField(
        label=label,
        localize=True,
        widget=forms.TextInput(attrs={"inputmode": "decimal", "autocomplete": "off"}),
        **VALUE,
        **kwargs,
    )


ATTACH_PREFIXES = {"theme": Theme, "line": ActionLine, "action": Action}


class IndicatorForm(forms.Form):
    """Not a ModelForm: the service writes and checks (baseline before the targets, a known
    metric, no negative values for a cumulative indicator)."""

    name = forms.CharField(label=_("Name"), max_length=200)
    unit = forms.CharField(
        label=_("Unit"),
        max_length=40,
        required=False,
        help_text=_("What is counted, e.g. “schools”, “students”, “%”."),
    )
    definition = forms.CharField(
        label=_("Definition"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("How the value is measured, so that every measurement means the same."),
    )
    attached_to = forms.ChoiceField(label=_("Belongs to"))
    direction = forms.ChoiceField(label=_("Direction"), choices=Indicator.Direction.choices)
    kind = forms.ChoiceField(
        label=_("Kind"),
        choices=Indicator.Kind.choices,
        help_text=_(
            "Cumulative: a running total since the baseline. Point in time: the level on "
            "the date. Per period: the figure of the period that ends on the date."
        ),
    )
    baseline_value = value_field(_("Baseline value"))
    baseline_on = forms.DateField(label=_("Baseline date"), widget=DateInput())
    metric = forms.ChoiceField(
        label=_("Computed from"),
        required=False,
        help_text=_(
            "Leave empty to enter measurements by hand. A computed indicator gets a "
            "measurement at the end of every month."
        ),
    )

    def __init__(self, *args, tenant: Tenant, attach: bool = True, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["metric"].choices = [("", _("Entered by hand")), *metric_choices()]
        if not attach:
            del self.fields["attached_to"]
            return
        themes = Theme.objects.for_tenant(tenant).order_by("position", "title")
        lines = ActionLine.objects.for_tenant(tenant).order_by("position", "title")
        actions = Action.objects.for_tenant(tenant).order_by("title")
        self.fields["attached_to"].choices = [
            ("", "---------"),
            (_("Themes"), [(f"theme:{t.pk}", t.title) for t in themes]),
            (_("Action lines"), [(f"line:{line.pk}", line.title) for line in lines]),
            (_("Actions"), [(f"action:{a.pk}", a.title) for a in actions]),
        ]
        self._tenant = tenant

    def clean_attached_to(self) -> dict:
        """``{"theme": ..., "action_line": ..., "action": ...}`` with one of them set."""
        prefix, _sep, pk = self.cleaned_data["attached_to"].partition(":")
        model = ATTACH_PREFIXES[prefix]  # the choices allow nothing else
        obj = model.objects.for_tenant(self._tenant).filter(pk=int(pk)).first()
        if obj is None:  # removed since the form was shown
            raise forms.ValidationError(_("Choose a theme, action line or action."))
        return {
            "theme": obj if model is Theme else None,
            "action_line": obj if model is ActionLine else None,
            "action": obj if model is Action else None,
        }

    def service_values(self) -> dict:
        values = dict(self.cleaned_data)
        values.update(values.pop("attached_to", None) or {})
        return values


def attach_initial(kind: str, pk: int | str | None) -> str | None:
    """The ``attached_to`` value for "add an indicator to this action" links."""
    prefix = {"theme": "theme", "action_line": "line", "action": "action"}.get(kind)
    if prefix is None or not str(pk or "").isdigit():
        return None
    return f"{prefix}:{pk}"


class TargetForm(forms.Form):
    prefix = "target"

    due_on = forms.DateField(label=_("Date"), widget=DateInput())
    value = value_field(_("Target value"))


class MeasurementForm(forms.Form):
    prefix = "measurement"

    measured_on = forms.DateField(label=_("Date"), widget=DateInput())
    value = value_field(_("Value"))
    source = forms.CharField(
        label=_("Source"),
        max_length=200,
        required=False,
        help_text=_("Where the figure comes from, e.g. “DUO, 1 October count”."),
    )
    note = forms.CharField(
        label=_("Note"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
