"""Input and output shapes of the CRM's API. No rules here: the services decide; related ids
are looked up inside the request's tenant (``TenantPrimaryKeyRelatedField``)."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from partnerships.forms.organisations import MAX_TAGS, TAG_LENGTH
from partnerships.models import Agreement, Contact, Interaction, Organisation, Sector
from partnerships.selectors.interactions import follow_up_assignee_choices
from partnerships.selectors.organisations import DORMANT
from portal.api.fields import TenantPrimaryKeyRelatedField
from portal.api.serializers import StrictModelSerializer, StrictSerializer

RELATIONSHIP_STATUSES = [*Organisation.Status.values, DORMANT]


def _organisations(tenant):
    return Organisation.objects.for_tenant(tenant)


def _sectors(tenant):
    return Sector.objects.for_tenant(tenant)


def _contacts(tenant):
    return Contact.objects.for_tenant(tenant)


# --- organisations ----------------------------------------------------------------------------


class OrganisationSerializer(StrictModelSerializer):
    """An organisation's profile. ``relationship_status`` is derived: an active partner
    without contact for the tenant's number of months is ``dormant``."""

    sectors = TenantPrimaryKeyRelatedField(queryset_of=_sectors, many=True, required=False)
    tags = serializers.ListField(
        child=serializers.CharField(max_length=TAG_LENGTH),
        max_length=MAX_TAGS,
        required=False,
    )
    relationship_status = serializers.SerializerMethodField()

    class Meta:
        model = Organisation
        fields = [
            "id",
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
            "relationship_status",
            "tags",
            "last_contact_on",
            "created_at",
            "updated_at",
        ]
        read_only_fields = ["last_contact_on", "created_at", "updated_at"]

    @extend_schema_field(serializers.ChoiceField(choices=RELATIONSHIP_STATUSES))
    def get_relationship_status(self, organisation: Organisation) -> str:
        return getattr(organisation, "relationship_status", organisation.status)


# --- contacts ---------------------------------------------------------------------------------


class ContactSerializer(StrictModelSerializer):
    """A person at an organisation. Erased people keep their row, anonymised."""

    organisation = TenantPrimaryKeyRelatedField(queryset_of=_organisations)

    class Meta:
        model = Contact
        fields = [
            "id",
            "organisation",
            "name",
            "function",
            "email",
            "phone",
            "preferred_language",
            "is_ambassador",
            "is_active",
            "lawful_basis",
            "erased_at",
            "created_at",
            "updated_at",
        ]
        read_only_fields = ["erased_at", "created_at", "updated_at"]


# --- interactions -----------------------------------------------------------------------------


class InteractionSerializer(StrictModelSerializer):
    """One entry of the contact log. ``notes`` are the logging organisation's own: another
    school reads them as an empty string, exactly as on the pages."""

    logged_by = TenantPrimaryKeyRelatedField(
        queryset_of=_organisations,
        required=False,
        help_text=(
            "The school or network whose log this is. Only programme office members and "
            "leads without an organisation of their own choose it; everyone else logs for "
            "their own organisation."
        ),
    )
    organisations = TenantPrimaryKeyRelatedField(queryset_of=_organisations, many=True)
    contacts = TenantPrimaryKeyRelatedField(
        queryset_of=lambda tenant: _contacts(tenant).filter(erased_at__isnull=True),
        many=True,
        required=False,
    )
    follow_up_assignee = TenantPrimaryKeyRelatedField(
        queryset_of=lambda tenant: follow_up_assignee_choices(tenant=tenant),
        required=False,
        allow_null=True,
    )
    notes = serializers.CharField(required=False, allow_blank=True)
    follow_up_open = serializers.BooleanField(read_only=True)

    class Meta:
        model = Interaction
        fields = [
            "id",
            "logged_by",
            "occurred_on",
            "kind",
            "organisations",
            "contacts",
            "subject",
            "notes",
            "outcome",
            "visibility",
            "follow_up_on",
            "follow_up_assignee",
            "follow_up_done_at",
            "follow_up_open",
            "created_at",
        ]
        read_only_fields = ["follow_up_done_at", "created_at"]

    def to_representation(self, interaction: Interaction) -> dict:
        data = super().to_representation(interaction)
        data["notes"] = getattr(interaction, "visible_notes", "")
        return data


# --- agreements -------------------------------------------------------------------------------


class AgreementSerializer(StrictModelSerializer):
    """A covenant or partnership contract. Its PDF is uploaded and downloaded on the pages
    (``has_document`` says whether there is one)."""

    parties = TenantPrimaryKeyRelatedField(queryset_of=_organisations, many=True)
    has_document = serializers.SerializerMethodField()
    remind_days_before_end = serializers.IntegerField(min_value=0, max_value=730, required=False)

    class Meta:
        model = Agreement
        fields = [
            "id",
            "kind",
            "title",
            "parties",
            "starts_on",
            "ends_on",
            "goals",
            "status",
            "remind_days_before_end",
            "has_document",
            "created_at",
        ]
        read_only_fields = ["created_at"]

    def get_has_document(self, agreement: Agreement) -> bool:
        return bool(agreement.document)


class EmptySerializer(StrictSerializer):
    """No input."""
