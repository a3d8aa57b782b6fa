"""Input of the contact log dialog.

The counterpart organisations are not a select list: a partnership may hold 20,000 of them.
The form validates whichever ids are posted (one query); the page shows only the chosen
organisations plus a handful of search results (see ``selectors.interactions``)."""

from __future__ import annotations

from django import forms
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from partnerships.models import Contact, Interaction, Organisation
from partnerships.selectors.interactions import (
    follow_up_assignee_choices,
    logging_organisation_choices,
)
from portal.models import Membership, Tenant, User
from portal.roles import Role

DATE_WIDGET = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")

# The fields of Interaction the dialog edits, in the order of the service's keywords.
INTERACTION_VALUE_FIELDS = [
    "occurred_on",
    "kind",
    "subject",
    "notes",
    "outcome",
    "visibility",
    "follow_up_on",
    "follow_up_assignee",
]


class AssigneeChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj) -> str:
        return obj.get_full_name()


class InteractionForm(forms.Form):
    logged_by = forms.ModelChoiceField(
        label=_("Logged by"),
        queryset=Organisation.objects.none(),
        help_text=_("The school or network that keeps this entry in its contact log."),
    )
    occurred_on = forms.DateField(label=_("Date"), widget=DATE_WIDGET)
    kind = forms.ChoiceField(label=_("Kind of contact"), choices=Interaction.Kind.choices)
    organisations = forms.ModelMultipleChoiceField(
        label=_("With organisations"),
        queryset=Organisation.objects.none(),
        error_messages={"required": _("Choose at least one organisation.")},
    )
    contacts = forms.ModelMultipleChoiceField(
        label=_("With contacts"), queryset=Contact.objects.none(), required=False
    )
    subject = forms.CharField(label=_("Subject"), max_length=200)
    notes = forms.CharField(
        label=_("Notes"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Only your own organisation reads these notes."),
    )
    outcome = forms.CharField(
        label=_("Outcome"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    visibility = forms.ChoiceField(
        label=_("Visible to"),
        choices=Interaction.Visibility.choices,
        initial=Interaction.Visibility.PARTNERSHIP,
        help_text=_(
            "Shared entries tell other schools that you are in contact; your notes stay yours."
        ),
    )
    follow_up_on = forms.DateField(label=_("Follow up on"), required=False, widget=DATE_WIDGET)
    follow_up_assignee = AssigneeChoiceField(
        label=_("Follow-up by"),
        queryset=User.objects.none(),
        required=False,
        empty_label=_("Me"),
    )

    def __init__(
        self,
        *args,
        tenant: Tenant,
        membership: Membership,
        interaction: Interaction | None = None,
        **kwargs,
    ):
        kwargs.setdefault("initial", {})
        if interaction is None:
            kwargs["initial"].setdefault("occurred_on", timezone.localdate())
        super().__init__(*args, **kwargs)
        self.fields["organisations"].queryset = Organisation.objects.for_tenant(tenant)
        # An erased person stays on the entries they took part in, but is not added anew.
        selectable = Q(erased_at__isnull=True)
        if interaction is not None:
            selectable |= Q(pk__in=interaction.contacts.values("pk"))
        self.fields["contacts"].queryset = Contact.objects.for_tenant(tenant).filter(selectable)
        self.fields["follow_up_assignee"].queryset = follow_up_assignee_choices(tenant=tenant)
        if interaction is not None or not chooses_logging_organisation(membership):
            del self.fields["logged_by"]
        else:
            self.fields["logged_by"].queryset = logging_organisation_choices(tenant=tenant)

    def service_values(self) -> dict:
        """The cleaned values as the contact log services take them."""
        values = {name: self.cleaned_data[name] for name in INTERACTION_VALUE_FIELDS}
        values["organisations"] = list(self.cleaned_data["organisations"])
        values["contacts"] = list(self.cleaned_data["contacts"])
        return values


def chooses_logging_organisation(membership: Membership) -> bool:
    """Programme office and leads without an organisation of their own say for whom they log;
    everyone else logs for their own organisation."""
    return membership.organisation_id is None and membership.role in (Role.ADMIN, Role.LEAD)
