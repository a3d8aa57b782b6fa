"""Input validation of the organisation pages: the profile form."""

from __future__ import annotations

import re

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from stdnum.nl import brin

from partnerships.models import EducationLevel, Organisation, Sector
from partnerships.services.organisations import organisation_validate
from portal.models import Tenant

MAX_TAGS = 20
TAG_LENGTH = Organisation._meta.get_field("tags").base_field.max_length
DUTCH_POSTAL_CODE = re.compile(r"^(\d{4})\s*([A-Za-z]{2})$")


class TagsField(forms.CharField):
    """Tags typed as comma-separated text, kept as a list without doubles."""

    def prepare_value(self, value):
        if isinstance(value, list | tuple):
            return ", ".join(value)
        return value

    def to_python(self, value) -> list[str]:
        text = super().to_python(value)
        tags: list[str] = []
        for part in text.split(","):
            tag = " ".join(part.split())
            if tag and tag.casefold() not in {t.casefold() for t in tags}:
                tags.append(tag)
        return tags

    def validate(self, value: list[str]) -> None:
        super().validate(value)
        too_long = [tag for tag in value if len(tag) > TAG_LENGTH]
        if too_long:
            raise ValidationError(
                _("A tag has at most %(max)s characters: %(tag)s")
                % {"max": TAG_LENGTH, "tag": too_long[0]},
                code="tag_too_long",
            )
        if len(value) > MAX_TAGS:
            raise ValidationError(
                _("Give at most %(max)s tags.") % {"max": MAX_TAGS}, code="too_many_tags"
            )


class OrganisationForm(forms.ModelForm):
    """The profile of an organisation. Company contacts editing their own company's profile
    get it without kind, relationship status and tags: those are the CRM's judgement."""

    COMPANY_EXCLUDED = ("kind", "status", "tags")

    education_levels = forms.MultipleChoiceField(
        label=_("Education levels"),
        choices=EducationLevel.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
        help_text=_("Schools: the levels they teach."),
    )
    tags = TagsField(
        label=_("Tags"),
        required=False,
        help_text=_("Separate tags with commas, for example: techniekpact, gastlessen."),
    )
    website = forms.URLField(label=_("Website"), required=False, assume_scheme="https")
    # Longer than the stored values: people type "0401 1234" or "05 ZK"; the clean_ methods
    # take spaces and dots out, then the model's validators check the number itself.
    kvk_number = forms.CharField(
        label=Organisation._meta.get_field("kvk_number").verbose_name,
        required=False,
        max_length=12,
        help_text=_("8 digits, from the Chamber of Commerce register."),
    )
    brin_code = forms.CharField(
        label=Organisation._meta.get_field("brin_code").verbose_name,
        required=False,
        max_length=10,
        help_text=Organisation._meta.get_field("brin_code").help_text,
    )

    class Meta:
        model = Organisation
        fields = [
            "kind",
            "name",
            "kvk_number",
            "brin_code",
            "education_levels",
            "sectors",
            "street_address",
            "postal_code",
            "municipality",
            "province",
            "website",
            "recognised_training_company",
            "sbb_number",
            "size_class",
            "status",
            "tags",
        ]
        widgets = {"sectors": forms.CheckboxSelectMultiple}
        help_texts = {"postal_code": _("For example 7811 AB.")}

    def __init__(self, *args, tenant: Tenant, company_profile: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.tenant = tenant
        self.instance.tenant = tenant
        self.fields["sectors"].queryset = Sector.objects.for_tenant(tenant)
        self.fields["sectors"].help_text = ""
        if company_profile:
            for name in self.COMPANY_EXCLUDED:
                del self.fields[name]

    def clean_name(self) -> str:
        return " ".join(self.cleaned_data["name"].split())

    def clean_kvk_number(self) -> str:
        return re.sub(r"[\s.]", "", self.cleaned_data["kvk_number"])

    def clean_brin_code(self) -> str:
        return brin.compact(self.cleaned_data["brin_code"])

    def clean_postal_code(self) -> str:
        code = self.cleaned_data["postal_code"].strip()
        match = DUTCH_POSTAL_CODE.match(code)
        return f"{match[1]} {match[2].upper()}" if match else code

    def _post_clean(self) -> None:
        super()._post_clean()
        # The rules the model cannot check alone (unique in the tenant, BRIN for schools
        # only) come from the service that saves, so the form and the save agree.
        try:
            organisation_validate(tenant=self.tenant, organisation=self.instance)
        except ValidationError as error:
            for field, errors in error.error_dict.items():
                if field in self.fields and field not in self.errors:
                    self.add_error(field, errors)

    def service_values(self) -> dict:
        """The cleaned profile as keyword arguments of organisation_create/_update."""
        values = dict(self.cleaned_data)
        values["sectors"] = list(values["sectors"])
        return values
