"""Input and output shapes of the stage market's API. Rules live in the services and
selectors; these only say which fields go in and out, and whose data a reader may see."""

from __future__ import annotations

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from internships.models import Application, Opportunity, Placement
from internships.services.opportunities import EDITABLE_FIELDS
from partnerships.models import Contact, EducationLevel, Sector
from portal.api.fields import TenantPrimaryKeyRelatedField
from portal.api.serializers import StrictModelSerializer, StrictSerializer
from portal.roles import Role

# --- opportunities ---------------------------------------------------------------------------


def sees_internals(membership, opportunity: Opportunity) -> bool:
    """The supervisor (a CRM contact) and the moderator's reason are the company's own
    business and the programme office's; other members see neither, as on the pages."""
    if membership is None:
        return False
    return membership.role == Role.ADMIN or (
        membership.organisation_id is not None
        and membership.organisation_id == opportunity.company_id
    )


class OpportunitySerializer(StrictModelSerializer):
    """An opportunity as a member sees it."""

    company_name = serializers.CharField(source="company.name", read_only=True)
    places_left = serializers.IntegerField(read_only=True)
    sectors = serializers.PrimaryKeyRelatedField(many=True, read_only=True)

    class Meta:
        model = Opportunity
        fields = [
            "id",
            "company",
            "company_name",
            *EDITABLE_FIELDS,
            "sectors",
            "places_taken",
            "places_left",
            "status",
            "published_at",
            "closed_at",
            "unpublished_reason",
            "created_at",
            "updated_at",
        ]
        read_only_fields = fields

    def to_representation(self, instance):
        data = super().to_representation(instance)
        if not sees_internals(self.context.get("membership"), instance):
            data["supervisor"] = None
            data["unpublished_reason"] = ""
        return data


class OpportunityWriteSerializer(StrictModelSerializer):
    """What a company member fills in; the workflow sets the rest."""

    supervisor = TenantPrimaryKeyRelatedField(
        queryset_of=lambda tenant: Contact.objects.for_tenant(tenant),
        allow_null=True,
        required=False,
    )
    sectors = TenantPrimaryKeyRelatedField(
        queryset_of=lambda tenant: Sector.objects.for_tenant(tenant), many=True, required=False
    )
    education_levels = serializers.ListField(
        child=serializers.ChoiceField(choices=EducationLevel.choices), required=False, max_length=20
    )
    crebo_codes = serializers.ListField(
        child=serializers.RegexField(r"^\d{5}$", max_length=5), required=False, max_length=50
    )

    class Meta:
        model = Opportunity
        fields = [*EDITABLE_FIELDS, "sectors"]


class OpportunityUnpublishSerializer(StrictSerializer):
    reason = serializers.CharField(max_length=2000)


# --- the public listing ----------------------------------------------------------------------


class PublicOpportunitySerializer(serializers.ModelSerializer):
    """A row of the public listing: what the listing page shows."""

    company = serializers.CharField(source="company.name", read_only=True)
    kind_label = serializers.CharField(read_only=True)
    level_labels = serializers.ListField(child=serializers.CharField(), read_only=True)
    places_left = serializers.IntegerField(read_only=True)

    class Meta:
        model = Opportunity
        fields = [
            "id",
            "title",
            "company",
            "kind",
            "kind_label",
            "municipality",
            "education_levels",
            "level_labels",
            "starts_on",
            "ends_on",
            "is_ongoing",
            "places",
            "places_left",
            "published_at",
        ]
        read_only_fields = fields


class PublicOpportunityDetailSerializer(PublicOpportunitySerializer):
    """One published opportunity: what its public page shows, the contact the company
    chose to publish included, never the supervisor or other CRM data."""

    sectors = serializers.SlugRelatedField(many=True, read_only=True, slug_field="name")

    class Meta(PublicOpportunitySerializer.Meta):
        fields = [
            *PublicOpportunitySerializer.Meta.fields,
            "description",
            "requirements",
            "crebo_codes",
            "sectors",
            "hours_per_week",
            "allowance",
            "street_address",
            "application_deadline",
            "public_contact_name",
            "public_contact_email",
            "public_contact_phone",
        ]
        read_only_fields = fields


# --- applications ----------------------------------------------------------------------------


class ApplicationSerializer(StrictModelSerializer):
    """An application as its school and its company see it on their pages: the student as
    first name and initial (or a group), level and programme; nothing more is kept."""

    opportunity_title = serializers.CharField(source="opportunity.title", read_only=True)
    company = serializers.IntegerField(source="opportunity.company_id", read_only=True)
    company_name = serializers.CharField(source="opportunity.company.name", read_only=True)
    school_name = serializers.CharField(source="school.name", read_only=True)
    student_display = serializers.CharField(read_only=True)
    message_count = serializers.IntegerField(read_only=True)
    placement = serializers.SerializerMethodField()

    class Meta:
        model = Application
        fields = [
            "id",
            "opportunity",
            "opportunity_title",
            "company",
            "company_name",
            "school",
            "school_name",
            "student_display",
            "student_level",
            "student_programme",
            "group_size",
            "note",
            "status",
            "created_at",
            "decided_at",
            "anonymised_at",
            "message_count",
            "placement",
        ]
        read_only_fields = fields

    @extend_schema_field(OpenApiTypes.INT)
    def get_placement(self, application: Application) -> int | None:
        try:
            return application.placement.pk
        except Placement.DoesNotExist:
            return None


class ApplicationCreateSerializer(StrictModelSerializer):
    """A school applies for one student (first name, initial, level, programme) or, with a
    ``group_size`` above 1 and no names, for a group."""

    opportunity = TenantPrimaryKeyRelatedField(
        queryset_of=lambda tenant: Opportunity.objects.for_tenant(tenant).exclude(
            status=Opportunity.Status.DRAFT
        )
    )
    group_size = serializers.IntegerField(required=False, default=1)

    class Meta:
        model = Application
        fields = [
            "opportunity",
            "student_first_name",
            "student_last_initial",
            "student_level",
            "student_programme",
            "group_size",
            "note",
        ]


class ApplicationAcceptSerializer(StrictSerializer):
    """Optional: other dates than the opportunity's, another supervisor than its own."""

    starts_on = serializers.DateField(required=False, allow_null=True)
    ends_on = serializers.DateField(required=False, allow_null=True)
    company_supervisor = TenantPrimaryKeyRelatedField(
        queryset_of=lambda tenant: Contact.objects.for_tenant(tenant),
        required=False,
        allow_null=True,
    )


# --- placements ------------------------------------------------------------------------------


class PlacementSerializer(StrictModelSerializer):
    """A placement as its school and its company see it on the placement page."""

    student_display = serializers.CharField(source="application.student_display", read_only=True)
    opportunity_title = serializers.CharField(source="opportunity.title", read_only=True)
    school_name = serializers.CharField(source="school.name", read_only=True)
    company_name = serializers.CharField(source="company.name", read_only=True)
    school_supervisor_name = serializers.SerializerMethodField()
    company_supervisor_name = serializers.SerializerMethodField()

    class Meta:
        model = Placement
        fields = [
            "id",
            "application",
            "opportunity",
            "opportunity_title",
            "school",
            "school_name",
            "company",
            "company_name",
            "student_display",
            "starts_on",
            "ends_on",
            "status",
            "school_supervisor_name",
            "company_supervisor_name",
            "school_rating",
            "school_evaluation",
            "company_rating",
            "company_evaluation",
            "created_at",
        ]
        read_only_fields = fields

    @extend_schema_field(OpenApiTypes.STR)
    def get_school_supervisor_name(self, placement: Placement) -> str:
        user = placement.school_supervisor
        return user.get_full_name() if user is not None else ""

    @extend_schema_field(OpenApiTypes.STR)
    def get_company_supervisor_name(self, placement: Placement) -> str:
        contact = placement.company_supervisor
        return contact.name if contact is not None else ""
