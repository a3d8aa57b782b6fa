"""Input and output shapes of the agenda's API. The rules are the services' and selectors';
these say which fields go in and out, and keep people out of what funders read."""

from __future__ import annotations

from decimal import Decimal

from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from agenda.models import (
    Action,
    ActionLine,
    BudgetLine,
    Indicator,
    Measurement,
    Milestone,
    ProgressUpdate,
    Theme,
)
from agenda.selectors.indicators import can_see_people
from agenda.selectors.updates import period_choice_parse, period_of_update
from agenda.services.indicators import BATCH_KEY_MAX_LENGTH, BATCH_MAX_ROWS
from partnerships.models import Organisation
from portal.api.fields import TenantPrimaryKeyRelatedField
from portal.api.serializers import StrictModelSerializer, StrictSerializer
from portal.models import Membership, User

# --- themes, action lines, actions, milestones -----------------------------------------------


class ThemeSerializer(StrictModelSerializer):
    class Meta:
        model = Theme
        fields = ["id", "title", "description", "position"]
        read_only_fields = ["id"]


class ActionLineSerializer(StrictModelSerializer):
    theme = TenantPrimaryKeyRelatedField(
        queryset_of=lambda tenant: Theme.objects.for_tenant(tenant)
    )

    class Meta:
        model = ActionLine
        fields = ["id", "theme", "title", "description", "position"]
        read_only_fields = ["id"]


def _members(tenant):
    return User.objects.filter(
        pk__in=Membership.objects.for_tenant(tenant).values("user_id"), is_active=True
    )


class ActionSerializer(StrictModelSerializer):
    """An action with its owner (kartrekker): members who see the agenda see who runs it."""

    action_line = TenantPrimaryKeyRelatedField(
        queryset_of=lambda tenant: ActionLine.objects.for_tenant(tenant)
    )
    theme = serializers.IntegerField(source="action_line.theme_id", read_only=True)
    owner = TenantPrimaryKeyRelatedField(queryset_of=_members, allow_null=True, required=False)
    owner_name = serializers.SerializerMethodField()
    owner_organisation = TenantPrimaryKeyRelatedField(
        queryset_of=lambda tenant: Organisation.objects.for_tenant(tenant),
        allow_null=True,
        required=False,
    )
    partners = TenantPrimaryKeyRelatedField(
        queryset_of=lambda tenant: Organisation.objects.for_tenant(tenant),
        many=True,
        required=False,
    )

    class Meta:
        model = Action
        fields = [
            "id",
            "action_line",
            "theme",
            "title",
            "description",
            "owner",
            "owner_name",
            "owner_organisation",
            "partners",
            "status",
            "health",
            "health_reason",
            "priority",
            "starts_on",
            "ends_on",
            "created_at",
            "updated_at",
        ]
        read_only_fields = ["id", "created_at", "updated_at"]

    @extend_schema_field(OpenApiTypes.STR)
    def get_owner_name(self, action: Action) -> str:
        return action.owner.get_full_name() if action.owner is not None else ""


class MilestoneSerializer(StrictModelSerializer):
    action = TenantPrimaryKeyRelatedField(
        queryset_of=lambda tenant: Action.objects.for_tenant(tenant)
    )
    is_overdue = serializers.SerializerMethodField()

    class Meta:
        model = Milestone
        fields = ["id", "action", "title", "due_on", "done_on", "evidence", "is_overdue"]
        read_only_fields = ["id"]

    @extend_schema_field(OpenApiTypes.BOOL)
    def get_is_overdue(self, milestone: Milestone) -> bool:
        return milestone.is_overdue(timezone.localdate())


class MilestoneUpdateSerializer(MilestoneSerializer):
    """A milestone stays with its action."""

    action = serializers.PrimaryKeyRelatedField(read_only=True)


# --- indicators and measurements -------------------------------------------------------------


class IndicatorSerializer(StrictModelSerializer):
    """An indicator with its figures on today (``agenda.selectors.indicators``): the latest
    value, the next target, progress towards it and the red/amber/green status."""

    figures = serializers.SerializerMethodField()

    class Meta:
        model = Indicator
        fields = [
            "id",
            "name",
            "unit",
            "definition",
            "direction",
            "kind",
            "baseline_value",
            "baseline_on",
            "theme",
            "action_line",
            "action",
            "metric",
            "created_at",
            "figures",
        ]
        read_only_fields = fields

    @extend_schema_field(
        {
            "type": "object",
            "properties": {
                "latest_value": {"type": "string", "format": "decimal", "nullable": True},
                "latest_on": {"type": "string", "format": "date", "nullable": True},
                "expected_value": {"type": "string", "format": "decimal", "nullable": True},
                "next_target_value": {"type": "string", "format": "decimal", "nullable": True},
                "next_target_on": {"type": "string", "format": "date", "nullable": True},
                "progress_percent": {"type": "integer", "nullable": True},
                "rag": {"type": "string", "enum": ["green", "amber", "red"], "nullable": True},
                "rag_label": {"type": "string"},
                "forecast": {"type": "string"},
                "forecast_on": {"type": "string", "format": "date", "nullable": True},
                "forecast_text": {"type": "string"},
            },
        }
    )
    def get_figures(self, indicator: Indicator) -> dict:
        summary = self.context["summaries"][indicator.pk]

        def decimal(value: Decimal | None) -> str | None:
            return None if value is None else str(value)

        def day(value) -> str | None:
            return None if value is None else value.isoformat()

        return {
            "latest_value": decimal(summary.latest_value),
            "latest_on": day(summary.latest_on),
            "expected_value": decimal(summary.expected_value),
            "next_target_value": decimal(summary.next_target_value),
            "next_target_on": day(summary.next_target_on),
            "progress_percent": summary.progress_percent,
            "rag": summary.rag,
            "rag_label": summary.rag_label,
            "forecast": summary.forecast.status,
            "forecast_on": day(summary.forecast.on),
            "forecast_text": summary.forecast_text,
        }


class MeasurementSerializer(StrictModelSerializer):
    """A measurement; who entered it only for members who see people (not funders)."""

    indicator = TenantPrimaryKeyRelatedField(
        queryset_of=lambda tenant: Indicator.objects.for_tenant(tenant).select_related("action")
    )
    entered_by_name = serializers.SerializerMethodField()

    class Meta:
        model = Measurement
        fields = [
            "id",
            "indicator",
            "measured_on",
            "value",
            "source",
            "note",
            "is_computed",
            "entered_by_name",
            "created_at",
        ]
        read_only_fields = ["id", "is_computed", "entered_by_name", "created_at"]

    @extend_schema_field({"type": "string", "nullable": True})
    def get_entered_by_name(self, measurement: Measurement) -> str | None:
        if not can_see_people(self.context.get("membership")):
            return None
        user = measurement.entered_by
        return user.get_full_name() if user is not None else ""


class MeasurementRowSerializer(MeasurementSerializer):
    class Meta(MeasurementSerializer.Meta):
        fields = ["indicator", "measured_on", "value", "source", "note"]
        read_only_fields: list[str] = []


class MeasurementBatchSerializer(StrictSerializer):
    """A batch of measurements, stored all or none, once per idempotency key.

    ``idempotency_key``: chosen by the client (a UUID, say), unique per partnership. Sending
    the same key with the same rows again stores nothing new and answers 200 with the
    first answer; the same key with other rows is refused (422).
    """

    idempotency_key = serializers.CharField(max_length=BATCH_KEY_MAX_LENGTH)
    measurements = MeasurementRowSerializer(many=True, allow_empty=False, max_length=BATCH_MAX_ROWS)


class MeasurementBatchResultSerializer(serializers.Serializer):
    idempotency_key = serializers.CharField()
    measurements = MeasurementSerializer(many=True)


# --- budget lines ----------------------------------------------------------------------------


class BudgetLineSerializer(StrictModelSerializer):
    """A budget line with its sums (``agenda.selectors.budgets.budget_line_list``); figures,
    no people."""

    action_title = serializers.CharField(source="action.title", read_only=True)
    funding_source_name = serializers.CharField(source="funding_source.name", read_only=True)
    committed = serializers.DecimalField(max_digits=16, decimal_places=2, read_only=True)
    spent = serializers.DecimalField(max_digits=16, decimal_places=2, read_only=True)
    available = serializers.SerializerMethodField()

    class Meta:
        model = BudgetLine
        fields = [
            "id",
            "action",
            "action_title",
            "funding_source",
            "funding_source_name",
            "year",
            "planned_amount",
            "committed",
            "spent",
            "available",
        ]
        read_only_fields = fields

    def to_representation(self, instance):
        instance.committed = instance.committed or Decimal("0.00")
        instance.spent = instance.spent or Decimal("0.00")
        return super().to_representation(instance)

    @extend_schema_field({"type": "string", "format": "decimal"})
    def get_available(self, line: BudgetLine) -> str:
        return str(line.planned_amount - line.committed - line.spent)


# --- progress updates ------------------------------------------------------------------------


class ProgressUpdateSerializer(StrictModelSerializer):
    period = serializers.SerializerMethodField()
    submitted_by_name = serializers.SerializerMethodField()
    approved_by_name = serializers.SerializerMethodField()

    class Meta:
        model = ProgressUpdate
        fields = [
            "id",
            "action",
            "period",
            "period_kind",
            "period_start",
            "period_end",
            "health",
            "done",
            "next_steps",
            "risks",
            "help_needed",
            "status",
            "submitted_by_name",
            "submitted_at",
            "approved_by_name",
            "approved_at",
        ]
        read_only_fields = fields

    @extend_schema_field(OpenApiTypes.STR)
    def get_period(self, update: ProgressUpdate) -> str:
        return period_of_update(update).key

    @extend_schema_field(OpenApiTypes.STR)
    def get_submitted_by_name(self, update: ProgressUpdate) -> str:
        return update.submitted_by.get_full_name() if update.submitted_by else ""

    @extend_schema_field(OpenApiTypes.STR)
    def get_approved_by_name(self, update: ProgressUpdate) -> str:
        return update.approved_by.get_full_name() if update.approved_by else ""


class ProgressUpdateTextSerializer(StrictSerializer):
    health = serializers.ChoiceField(choices=Action.Health.choices)
    done = serializers.CharField(required=False, allow_blank=True, default="")
    next_steps = serializers.CharField(required=False, allow_blank=True, default="")
    risks = serializers.CharField(required=False, allow_blank=True, default="")
    help_needed = serializers.CharField(required=False, allow_blank=True, default="")


class ProgressUpdateCreateSerializer(ProgressUpdateTextSerializer):
    action = TenantPrimaryKeyRelatedField(
        queryset_of=lambda tenant: Action.objects.for_tenant(tenant).select_related("owner")
    )
    period = serializers.CharField(
        help_text=_("A quarter (2026-Q3) or a month (2026-07) that has begun.")
    )

    def validate_period(self, value: str):
        period = period_choice_parse(value, today=timezone.localdate())
        if period is None:
            raise serializers.ValidationError(
                _("Choose a quarter (2026-Q3) or a month (2026-07) that has begun.")
            )
        return period
