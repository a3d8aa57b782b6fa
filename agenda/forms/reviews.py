"""Input of reviews (herijkingen): the review itself and its decisions."""

from __future__ import annotations

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from agenda.models import Action, Indicator, ReviewDecision
from portal.models import Tenant

DATE_WIDGET = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
DECISION_ROWS = 3


class ReviewForm(forms.Form):
    held_on = forms.DateField(label=_("Held on"), widget=DATE_WIDGET)
    title = forms.CharField(label=_("Title"), max_length=200)
    summary = forms.CharField(
        label=_("Summary"), required=False, widget=forms.Textarea(attrs={"rows": 4})
    )

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("initial", {}).setdefault("held_on", timezone.localdate())
        super().__init__(*args, **kwargs)


def decision_action_choices(tenant: Tenant) -> list:
    """The tenant's actions grouped by action line, for the decision rows' select."""
    actions = (
        Action.objects.for_tenant(tenant)
        .select_related("action_line")
        .order_by("action_line__position", "action_line__title", "priority", "title")
    )
    grouped: dict[str, list] = {}
    for action in actions:
        grouped.setdefault(action.action_line.title, []).append((action.pk, action.title))
    return [("", "---------"), *grouped.items()]


def decision_indicator_choices(tenant: Tenant) -> list:
    indicators = Indicator.objects.for_tenant(tenant).order_by("name", "pk")
    return [("", "---------"), *indicators.values_list("pk", "name")]


class ActionChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj) -> str:
        return obj.title


class DecisionForm(forms.Form):
    """One decision. A row left empty is skipped; a row with only some fields is an error."""

    kind = forms.ChoiceField(
        label=_("Kind of decision"),
        choices=[("", "---------"), *ReviewDecision.Kind.choices],
        required=False,
    )
    action = ActionChoiceField(label=_("Action"), queryset=Action.objects.none(), required=False)
    indicator = forms.ModelChoiceField(
        label=_("Indicator"), queryset=Indicator.objects.none(), required=False
    )
    description = forms.CharField(
        label=_("Decision"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(
        self, *args, tenant: Tenant, action_choices=None, indicator_choices=None, **kwargs
    ):
        super().__init__(*args, **kwargs)
        self.fields["action"].queryset = Action.objects.for_tenant(tenant)
        self.fields["action"].choices = (
            action_choices if action_choices is not None else decision_action_choices(tenant)
        )
        self.fields["indicator"].queryset = Indicator.objects.for_tenant(tenant)
        self.fields["indicator"].choices = (
            indicator_choices
            if indicator_choices is not None
            else decision_indicator_choices(tenant)
        )

    @property
    def is_blank(self) -> bool:
        data = self.cleaned_data
        return not (data.get("kind") or data.get("description", "").strip())

    def clean(self):
        cleaned = super().clean()
        if not (cleaned.get("kind") or cleaned.get("description", "").strip()):
            return cleaned
        if not cleaned.get("kind"):
            self.add_error("kind", _("Choose the kind of decision."))
        if not cleaned.get("description", "").strip():
            self.add_error("description", _("Describe the decision."))
        kind = cleaned.get("kind")
        needs_action = (
            ReviewDecision.Kind.ACTION_ADDED,
            ReviewDecision.Kind.ACTION_STOPPED,
            ReviewDecision.Kind.REPRIORITISED,
        )
        if kind in needs_action and cleaned.get("action") is None:
            self.add_error("action", _("Choose the action this decision is about."))
        if kind == ReviewDecision.Kind.TARGET_CHANGED and cleaned.get("indicator") is None:
            self.add_error("indicator", _("Choose the indicator whose target changed."))
        return cleaned


class BaseDecisionFormSet(forms.BaseFormSet):
    def __init__(self, *args, tenant: Tenant, **kwargs):
        self.tenant = tenant
        self.action_choices = decision_action_choices(tenant)
        self.indicator_choices = decision_indicator_choices(tenant)
        super().__init__(*args, **kwargs)

    def get_form_kwargs(self, index):
        return {
            **super().get_form_kwargs(index),
            "tenant": self.tenant,
            "action_choices": self.action_choices,
            "indicator_choices": self.indicator_choices,
        }

    @property
    def empty_form(self):
        form = self.form(
            auto_id=self.auto_id,
            prefix=self.add_prefix("__prefix__"),
            empty_permitted=True,
            use_required_attribute=False,
            tenant=self.tenant,
            action_choices=self.action_choices,
            indicator_choices=self.indicator_choices,
        )
        self.add_fields(form, None)
        return form


DecisionFormSet = forms.formset_factory(
    DecisionForm, formset=BaseDecisionFormSet, extra=DECISION_ROWS, max_num=50, validate_max=True
)
