"""Input of the budget pages: funding sources, budget lines and their entries."""

from __future__ import annotations

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from agenda.forms.indicators import DateInput
from agenda.models import Action, BudgetEntry, FundingSource
from portal.models import Tenant

AMOUNT = {"max_digits": 14, "decimal_places": 2}
NEGATIVE = _("Enter an amount of zero or more.")


def amount_field(label, **kwargs) -> forms.DecimalField:
    """Euros, in the reader's own notation ("1250,50" in Dutch); never negative."""
    return forms.DecimalField(
        label=label,
        localize=True,
        widget=forms.TextInput(attrs={"inputmode": "decimal", "autocomplete": "off"}),
        **AMOUNT,
        **kwargs,
    )


class _NoNegativeAmounts:
    amount_fields: tuple[str, ...] = ()

    def clean(self):
        cleaned = super().clean()
        for name in self.amount_fields:
            value = cleaned.get(name)
            if value is not None and value < 0:
                self.add_error(name, NEGATIVE)
        return cleaned


class FundingSourceForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=200)
    kind = forms.ChoiceField(label=_("Kind"), choices=FundingSource.Kind.choices)
    is_cofinancing = forms.BooleanField(
        label=_("Co-financing (the partners' own contribution)"), required=False
    )


class BudgetLineForm(_NoNegativeAmounts, forms.Form):
    prefix = "line"
    amount_fields = ("planned_amount",)

    action = forms.ModelChoiceField(label=_("Action"), queryset=Action.objects.none())
    funding_source = forms.ModelChoiceField(
        label=_("Funding source"), queryset=FundingSource.objects.none()
    )
    year = forms.IntegerField(label=_("Year"), min_value=2000, max_value=2100)
    planned_amount = amount_field(_("Planned amount (EUR)"))

    def __init__(self, *args, tenant: Tenant, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["action"].queryset = Action.objects.for_tenant(tenant).order_by("title")
        self.fields["funding_source"].queryset = FundingSource.objects.for_tenant(tenant).order_by(
            "name"
        )
        self.fields["year"].initial = timezone.localdate().year


class BudgetLinePlanForm(_NoNegativeAmounts, forms.Form):
    prefix = "plan"
    amount_fields = ("planned_amount",)

    planned_amount = amount_field(_("Planned amount (EUR)"))


class BudgetEntryForm(_NoNegativeAmounts, forms.Form):
    prefix = "entry"
    amount_fields = ("amount",)

    kind = forms.ChoiceField(
        label=_("Kind"),
        choices=BudgetEntry.Kind.choices,
        help_text=_(
            "Commitment: promised (an order or contract) but not yet paid. Spending: paid. "
            "When a commitment is paid, enter the spending and remove the commitment."
        ),
    )
    amount = amount_field(_("Amount (EUR)"))
    booked_on = forms.DateField(label=_("Date"), widget=DateInput())
    description = forms.CharField(label=_("Description"), max_length=300)
    in_kind = forms.BooleanField(label=_("In kind (hours, facilities, materials)"), required=False)
