"""Input of the company pages: the opportunity form, accepting an application, and the
programme office's unpublish form."""

from __future__ import annotations

import re

from django import forms
from django.forms.models import model_to_dict
from django.utils.translation import gettext_lazy as _

from internships.models import Opportunity
from internships.selectors.company import company_supervisor_choices
from internships.services.opportunities import EDITABLE_FIELDS
from partnerships.models import Contact, EducationLevel, Organisation, Sector
from portal.models import Tenant

DATE_WIDGET = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
CREBO_SEPARATORS = re.compile(r"[\s,;]+")


class CreboCodesField(forms.CharField):
    """Crebo codes typed as text, separated by commas or spaces; each must be 5 digits."""

    def prepare_value(self, value):
        if isinstance(value, list | tuple):
            return ", ".join(value)
        return value

    def to_python(self, value) -> list[str]:
        text = super().to_python(value)
        return list(dict.fromkeys(code for code in CREBO_SEPARATORS.split(text) if code))

    def validate(self, value: list[str]) -> None:
        super().validate(value)
        wrong = [code for code in value if not re.fullmatch(r"\d{5}", code)]
        if wrong:
            raise forms.ValidationError(
                _("A crebo code has 5 digits: %(code)s") % {"code": wrong[0]}, code="crebo"
            )


class OpportunityForm(forms.Form):
    """What a company fills in; the service checks the rules that span fields (dates,
    places, deadline) and its messages land on the fields here."""

    def __init__(self, *args, tenant: Tenant, company: Organisation, **kwargs):
        super().__init__(*args, **kwargs)
        fields = forms.fields_for_model(
            Opportunity,
            fields=[*EDITABLE_FIELDS, "sectors"],
            widgets={
                "starts_on": DATE_WIDGET,
                "ends_on": DATE_WIDGET,
                "application_deadline": DATE_WIDGET,
                "description": forms.Textarea(attrs={"rows": 8}),
                "requirements": forms.Textarea(attrs={"rows": 4}),
                "sectors": forms.CheckboxSelectMultiple,
            },
        )
        fields["education_levels"] = forms.MultipleChoiceField(
            label=_("Education levels"),
            choices=EducationLevel.choices,
            widget=forms.CheckboxSelectMultiple,
            required=False,
            help_text=_("The levels of students this opportunity suits."),
        )
        fields["crebo_codes"] = CreboCodesField(
            label=_("Crebo codes"),
            required=False,
            help_text=_("MBO only: the qualifications this place suits, e.g. 25391, 25392."),
        )
        fields["sectors"].queryset = Sector.objects.for_tenant(tenant).order_by("name")
        fields["sectors"].help_text = ""
        fields["supervisor"].queryset = company_supervisor_choices(tenant=tenant, company=company)
        fields["supervisor"].help_text = _("A contact person of your company.")
        fields["is_ongoing"].help_text = _("No fixed period: leave the end date empty.")
        fields["places"].min_value = None  # the service says so in words, on the field
        fields["places"].validators = []
        fields["places"].widget.attrs.pop("min", None)
        self.fields.update(fields)

    @classmethod
    def initial_from(cls, opportunity: Opportunity) -> dict:
        initial = model_to_dict(opportunity, fields=[*EDITABLE_FIELDS])
        initial["sectors"] = [sector.pk for sector in opportunity.sectors.all()]
        return initial

    def clean_title(self) -> str:
        return " ".join(self.cleaned_data["title"].split())

    def service_values(self) -> dict:
        values = dict(self.cleaned_data)
        values["sectors"] = list(values["sectors"])
        return values


class AcceptForm(forms.Form):
    """Accepting: the placement's dates (the opportunity's unless changed) and supervisor."""

    starts_on = forms.DateField(label=_("Placement starts"), widget=DATE_WIDGET, required=False)
    ends_on = forms.DateField(label=_("Placement ends"), widget=DATE_WIDGET, required=False)
    company_supervisor = forms.ModelChoiceField(
        label=_("Supervisor at your company"), queryset=Contact.objects.none(), required=False
    )

    def __init__(self, *args, tenant: Tenant, opportunity: Opportunity, **kwargs):
        kwargs.setdefault(
            "initial",
            {
                "starts_on": opportunity.starts_on,
                "ends_on": opportunity.ends_on,
                "company_supervisor": opportunity.supervisor_id,
            },
        )
        super().__init__(*args, **kwargs)
        self.fields["company_supervisor"].queryset = company_supervisor_choices(
            tenant=tenant, company=opportunity.company
        )


class StatusFilterForm(forms.Form):
    status = forms.ChoiceField(label=_("Status"), required=False)

    def __init__(self, *args, choices, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["status"].choices = [("", _("All")), *choices]

    def chosen_status(self) -> str:
        return self.cleaned_data.get("status", "") if self.is_valid() else ""


class UnpublishForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason"),
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("The company sees this reason on its page and receives it by e-mail."),
        error_messages={"required": _("Give a reason; the company will see it.")},
    )
