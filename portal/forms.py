"""Input validation of the tenancy pages."""

from __future__ import annotations

from allauth.account.forms import SignupForm
from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from partnerships.models import Organisation
from portal.models import Tenant
from portal.roles import Role


def apply_service_errors(form: forms.BaseForm, error: ValidationError) -> None:
    """Show a service's ValidationError on the form that asked for the change: field errors
    at their fields (when the form has them), the rest at the top of the form."""
    if hasattr(error, "error_dict"):
        for field, errors in error.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, error)


class OrganisationByNameField(forms.CharField):
    """The member's own organisation, typed by its name (unique within a tenant).

    A partnership may hold tens of thousands of organisations: a select listing all of
    them would make the members page slow and unusable, so the name is typed instead.
    """

    def __init__(self, **kwargs):
        kwargs.setdefault("required", False)
        super().__init__(max_length=200, **kwargs)
        self.queryset = Organisation.objects.none()

    def prepare_value(self, value):
        return value.name if isinstance(value, Organisation) else value

    def clean(self, value):
        name = (super().clean(value) or "").strip()
        if not name:
            return None
        organisation = self.queryset.filter(name__iexact=name).first()
        if organisation is None:
            raise forms.ValidationError(
                _("There is no organisation called “%(name)s” in this partnership."),
                code="unknown_organisation",
                params={"name": name},
            )
        return organisation


class OrganisationChoiceMixin:
    """Limit the organisation field to the tenant's own organisations."""

    def _limit_organisations(self, tenant: Tenant) -> None:
        self.fields["organisation"].queryset = Organisation.objects.for_tenant(tenant)


class InvitationForm(OrganisationChoiceMixin, forms.Form):
    email = forms.EmailField(label=_("E-mail address"))
    role = forms.ChoiceField(label=_("Role"), choices=Role.choices)
    organisation = OrganisationByNameField(
        label=_("Own organisation"),
        help_text=_(
            "For relationship managers and company contacts: the name of their school or "
            "company, as it is in the contact list."
        ),
    )

    def __init__(self, *args, tenant: Tenant, **kwargs):
        super().__init__(*args, **kwargs)
        self._limit_organisations(tenant)


class MembershipForm(OrganisationChoiceMixin, forms.Form):
    role = forms.ChoiceField(label=_("Role"), choices=Role.choices)
    organisation = OrganisationByNameField(
        label=_("Own organisation"),
        help_text=_("The name of their school or company, as it is in the contact list."),
    )

    def __init__(self, *args, tenant: Tenant, **kwargs):
        super().__init__(*args, **kwargs)
        self._limit_organisations(tenant)


class TenantSettingsForm(forms.ModelForm):
    class Meta:
        model = Tenant
        fields = [
            "name",
            "description",
            "logo",
            "brand_colour",
            "default_language",
            "public_page",
            "require_mfa_for_admins",
        ]
        widgets = {"brand_colour": forms.TextInput(attrs={"type": "color"})}


class InvitationSignupForm(SignupForm):
    """allauth's sign-up, reachable only with an invitation: the address is the invited one."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        invited = self.initial.get("email")
        if invited:
            self.fields["email"].widget.attrs["readonly"] = True
