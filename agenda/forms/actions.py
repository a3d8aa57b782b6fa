"""Input of the agenda's structure: themes, action lines, actions, and the search that links
contacts and stage places to an action.

The owner organisation and the partners are not select lists of every organisation (a large
partnership holds 20,000): the form validates whichever ids are posted (inside the tenant),
and the page shows only the chosen organisations plus a few search results.
"""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from agenda.models import Action, ActionLine, Theme
from agenda.selectors.actions import action_line_choices
from agenda.selectors.board import BoardFilters, member_choices, owner_choices
from partnerships.models import Organisation
from portal.models import Tenant, User

DATE_WIDGET = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
HEALTH_NEEDS_REASON = (Action.Health.AT_RISK, Action.Health.OFF_TRACK)


class ThemeForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200)
    description = forms.CharField(
        label=_("Description"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    position = forms.IntegerField(
        label=_("Position"),
        min_value=0,
        max_value=32767,
        initial=0,
        help_text=_("Themes are listed from low to high."),
    )


class ActionLineForm(forms.Form):
    theme = forms.ModelChoiceField(label=_("Theme"), queryset=Theme.objects.none())
    title = forms.CharField(label=_("Title"), max_length=200)
    description = forms.CharField(
        label=_("Description"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    position = forms.IntegerField(
        label=_("Position"),
        min_value=0,
        max_value=32767,
        initial=0,
        help_text=_("Action lines are listed from low to high within their theme."),
    )

    def __init__(self, *args, tenant: Tenant, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["theme"].queryset = Theme.objects.for_tenant(tenant)


class MemberChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj) -> str:
        return f"{obj.get_full_name()} ({obj.email})" if obj.full_name else obj.email


class ActionForm(forms.Form):
    action_line = forms.ModelChoiceField(label=_("Action line"), queryset=ActionLine.objects.none())
    title = forms.CharField(label=_("Title"), max_length=200)
    description = forms.CharField(
        label=_("Description"), required=False, widget=forms.Textarea(attrs={"rows": 4})
    )
    owner = MemberChoiceField(
        label=_("Owner (kartrekker)"),
        queryset=User.objects.none(),
        required=False,
        empty_label=_("No owner yet"),
        help_text=_("A member of the partnership, who reports on the action."),
    )
    owner_organisation = forms.ModelChoiceField(
        label=_("Owner organisation"), queryset=Organisation.objects.none(), required=False
    )
    partners = forms.ModelMultipleChoiceField(
        label=_("Partners"), queryset=Organisation.objects.none(), required=False
    )
    status = forms.ChoiceField(
        label=_("Status"), choices=Action.Status.choices, initial=Action.Status.PLANNED
    )
    health = forms.ChoiceField(
        label=_("Health"), choices=Action.Health.choices, initial=Action.Health.ON_TRACK
    )
    health_reason = forms.CharField(
        label=_("Reason for the health"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Required when the action is at risk or off track."),
    )
    priority = forms.TypedChoiceField(
        label=_("Priority"),
        choices=Action.Priority.choices,
        coerce=int,
        initial=Action.Priority.MEDIUM,
    )
    starts_on = forms.DateField(label=_("Start"), required=False, widget=DATE_WIDGET)
    ends_on = forms.DateField(label=_("End"), required=False, widget=DATE_WIDGET)

    # Rendered by hand in the template (search + chosen ones), not by the loop over fields.
    ORGANISATION_FIELDS = ("owner_organisation", "partners")

    def __init__(self, *args, tenant: Tenant, **kwargs):
        super().__init__(*args, **kwargs)
        lines = action_line_choices(tenant=tenant)
        self.fields["action_line"].queryset = lines
        grouped: dict[str, list] = {}
        for line in lines:
            grouped.setdefault(line.theme.title, []).append((line.pk, line.title))
        self.fields["action_line"].choices = [("", "---------"), *grouped.items()]
        self.fields["owner"].queryset = member_choices(tenant=tenant)
        organisations = Organisation.objects.for_tenant(tenant)
        self.fields["owner_organisation"].queryset = organisations
        self.fields["partners"].queryset = organisations

    def plain_fields(self):
        return [
            field for field in self.visible_fields() if field.name not in self.ORGANISATION_FIELDS
        ]

    def clean(self):
        cleaned = super().clean()
        starts_on, ends_on = cleaned.get("starts_on"), cleaned.get("ends_on")
        if starts_on and ends_on and ends_on < starts_on:
            self.add_error("ends_on", _("The end date cannot be before the start date."))
        if (
            cleaned.get("health") in HEALTH_NEEDS_REASON
            and not cleaned.get("health_reason", "").strip()
        ):
            self.add_error(
                "health_reason",
                _("Say why the action is at risk or off track, and what is being done about it."),
            )
        return cleaned


def action_form_initial(action: Action) -> dict:
    """The form's initial values for an existing action."""
    return {
        "action_line": action.action_line_id,
        "title": action.title,
        "description": action.description,
        "owner": action.owner_id,
        "owner_organisation": action.owner_organisation_id,
        "partners": [organisation.pk for organisation in action.partners.all()],
        "status": action.status,
        "health": action.health,
        "health_reason": action.health_reason,
        "priority": action.priority,
        "starts_on": action.starts_on,
        "ends_on": action.ends_on,
    }


def action_form_initial_from_post(data) -> dict:
    """What a person entered so far, to show again after an organisation search."""
    initial = {name: data.get(name) for name in ActionForm.base_fields if name != "partners"}
    initial["partners"] = data.getlist("partners")
    return initial


class LinkSearchForm(forms.Form):
    """The search on the page that links contacts or stage places to an action."""

    q = forms.CharField(
        label=_("Search"),
        required=False,
        max_length=100,
        help_text=_("Part of the subject or title, or an organisation's name."),
    )


class BoardFilterForm(forms.Form):
    """The board's filters, from the query string."""

    owner = MemberChoiceField(
        label=_("Owner"), queryset=User.objects.none(), required=False, empty_label=_("Anyone")
    )
    status = forms.ChoiceField(
        label=_("Status"), choices=[("", _("Any status")), *Action.Status.choices], required=False
    )
    health = forms.ChoiceField(
        label=_("Health"), choices=[("", _("Any health")), *Action.Health.choices], required=False
    )
    line = forms.ModelChoiceField(
        label=_("Action line"),
        queryset=ActionLine.objects.none(),
        required=False,
        empty_label=_("All action lines"),
    )

    def __init__(self, *args, tenant: Tenant, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = owner_choices(tenant=tenant)
        lines = action_line_choices(tenant=tenant)
        self.fields["line"].queryset = lines
        grouped: dict[str, list] = {}
        for line in lines:
            grouped.setdefault(line.theme.title, []).append((line.pk, line.title))
        self.fields["line"].choices = [("", _("All action lines")), *grouped.items()]

    def filters(self) -> BoardFilters:
        data = self.cleaned_data
        return BoardFilters(
            owner=data.get("owner"),
            status=data.get("status") or "",
            health=data.get("health") or "",
            action_line=data.get("line"),
        )
