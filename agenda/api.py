"""The agenda's API: themes, action lines, actions, milestones, indicators, measurements
(one at a time or in idempotent batches), budget lines and progress updates.

Who sees what, as on the pages:

- themes, action lines, actions, milestones and progress updates: members who see the
  agenda (``agenda.view``). They name people (owners, who submitted and approved), so
  funders get a 403, as the board and the action pages refuse them.
- indicators (with their figures), measurements and budget lines: members who see the
  agenda, and funders (``agenda.figures``), as the figures pages. Funders never see who
  entered a measurement (``entered_by_name`` is null for them).

Writes go through the services, which refuse bad input as field errors; who may write
follows the pages: ``agenda.edit`` for the agenda's structure, the action's owner
(kartrekker) too for its milestones, updates and measurements.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.db.models import Prefetch
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import mixins, status
from rest_framework.decorators import action
from rest_framework.exceptions import APIException
from rest_framework.response import Response

from agenda.models import (
    Action,
    ActionLine,
    Indicator,
    Measurement,
    Milestone,
    ProgressUpdate,
    Theme,
)
from agenda.selectors.actions import action_can_report
from agenda.selectors.budgets import budget_line_list
from agenda.selectors.indicators import (
    can_see_figures,
    indicator_list,
    indicator_summaries,
    is_indicator_owner,
)
from agenda.serializers import (
    ActionLineSerializer,
    ActionSerializer,
    BudgetLineSerializer,
    IndicatorSerializer,
    MeasurementBatchResultSerializer,
    MeasurementBatchSerializer,
    MeasurementSerializer,
    MilestoneSerializer,
    MilestoneUpdateSerializer,
    ProgressUpdateCreateSerializer,
    ProgressUpdateSerializer,
    ProgressUpdateTextSerializer,
    ThemeSerializer,
)
from agenda.services import actions as action_services
from agenda.services import indicators as indicator_services
from agenda.services import milestones as milestone_services
from agenda.services import updates as update_services
from partnerships.models import Organisation
from portal.api.problems import PROBLEM_CONTENT_TYPE
from portal.api.schema import ProblemSerializer
from portal.api.views import ServiceWriteMixin, TenantViewSet


class FiguresAccess:
    """The figures pages' gate: members who see the agenda, and funders. The role table
    has no single permission for "either", so the gate is ``tenant.view`` plus this."""

    tenant_permission = "tenant.view"

    def initial(self, request, *args, **kwargs):
        super().initial(request, *args, **kwargs)
        if not can_see_figures(self.membership):
            raise PermissionDenied


def _merged(serializer, instance, fields) -> dict:
    """For a partial update: the sent values over the instance's current ones, since the
    services take every field."""
    values = {field: getattr(instance, field) for field in fields}
    values.update(serializer.validated_data)
    return values


# --- themes and action lines -----------------------------------------------------------------


@extend_schema_view(
    list=extend_schema(summary="The agenda's themes (spearheads)"),
    retrieve=extend_schema(summary="One theme"),
    create=extend_schema(summary="Add a theme"),
    update=extend_schema(summary="Change a theme"),
    partial_update=extend_schema(summary="Change some fields of a theme"),
)
class ThemeViewSet(
    ServiceWriteMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    TenantViewSet,
):
    tenant_permission = "agenda.view"
    write_permission = "agenda.edit"
    lookup_field = "pk"
    lookup_url_kwarg = "theme_id"
    serializer_class = ThemeSerializer
    filterset_fields = {"title": ["exact", "icontains"]}
    ordering_fields = ["position", "title"]
    ordering = ["position", "title", "id"]

    create_service = staticmethod(action_services.theme_create)
    update_service = staticmethod(action_services.theme_update)
    update_object_kwarg = "theme"
    update_fields = ("title", "description", "position")

    def get_queryset(self):
        return Theme.objects.for_tenant(self.tenant)


@extend_schema_view(
    list=extend_schema(summary="The agenda's action lines"),
    retrieve=extend_schema(summary="One action line"),
    create=extend_schema(summary="Add an action line"),
    update=extend_schema(summary="Change an action line"),
    partial_update=extend_schema(summary="Change some fields of an action line"),
)
class ActionLineViewSet(
    ServiceWriteMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    TenantViewSet,
):
    tenant_permission = "agenda.view"
    write_permission = "agenda.edit"
    lookup_field = "pk"
    lookup_url_kwarg = "actionline_id"
    serializer_class = ActionLineSerializer
    filterset_fields = {"theme": ["exact"], "title": ["exact", "icontains"]}
    ordering_fields = ["position", "title"]
    ordering = ["theme__position", "position", "title", "id"]

    create_service = staticmethod(action_services.action_line_create)
    update_service = staticmethod(action_services.action_line_update)
    update_object_kwarg = "action_line"
    update_fields = ("theme", "title", "description", "position")

    def get_queryset(self):
        return ActionLine.objects.for_tenant(self.tenant)


# --- actions and milestones ------------------------------------------------------------------

ACTION_FIELDS = (
    "action_line",
    "title",
    "description",
    "owner",
    "owner_organisation",
    "status",
    "health",
    "health_reason",
    "priority",
    "starts_on",
    "ends_on",
)


@extend_schema_view(
    list=extend_schema(summary="The agenda's actions"),
    retrieve=extend_schema(summary="One action"),
    create=extend_schema(summary="Add an action"),
    update=extend_schema(summary="Change an action"),
    partial_update=extend_schema(summary="Change some fields of an action"),
)
class ActionViewSet(
    ServiceWriteMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    TenantViewSet,
):
    tenant_permission = "agenda.view"
    write_permission = "agenda.edit"
    lookup_field = "pk"
    lookup_url_kwarg = "action_id"
    serializer_class = ActionSerializer
    filterset_fields = {
        "action_line": ["exact"],
        "action_line__theme": ["exact"],
        "status": ["exact"],
        "health": ["exact"],
        "priority": ["exact"],
        "owner": ["exact"],
        "owner_organisation": ["exact"],
    }
    ordering_fields = ["priority", "title", "starts_on", "ends_on", "updated_at"]
    ordering = ["priority", "title", "id"]
    create_service = staticmethod(action_services.action_create)
    update_service = staticmethod(action_services.action_update)
    update_object_kwarg = "action"
    update_fields = ACTION_FIELDS

    def get_queryset(self):
        partners = Organisation.objects.for_tenant(self.tenant).only("pk")
        return (
            Action.objects.for_tenant(self.tenant)
            .select_related("action_line", "owner")
            .prefetch_related(Prefetch("partners", queryset=partners))
        )

    def update_values(self, serializer) -> dict:
        values = super().update_values(serializer)
        values.setdefault("partners", list(serializer.instance.partners.all()))
        return values


@extend_schema_view(
    list=extend_schema(summary="Milestones of the agenda's actions"),
    retrieve=extend_schema(summary="One milestone"),
    create=extend_schema(summary="Add a milestone (agenda editors and the action's owner)"),
    update=extend_schema(
        summary="Change a milestone (agenda editors and the action's owner)",
        request=MilestoneUpdateSerializer,
        responses={200: MilestoneSerializer},
    ),
    partial_update=extend_schema(
        summary="Change some fields of a milestone",
        request=MilestoneUpdateSerializer,
        responses={200: MilestoneSerializer},
    ),
)
class MilestoneViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    TenantViewSet,
):
    tenant_permission = "agenda.view"
    write_permission = "agenda.view"  # and action_can_report, checked per action below
    lookup_field = "pk"
    lookup_url_kwarg = "milestone_id"
    serializer_class = MilestoneSerializer
    filterset_fields = {
        "action": ["exact"],
        "due_on": ["gte", "lte"],
        "done_on": ["gte", "lte", "isnull"],
    }
    ordering_fields = ["due_on", "done_on", "title"]
    ordering = ["due_on", "id"]

    def get_queryset(self):
        return Milestone.objects.for_tenant(self.tenant).select_related("action")

    def get_serializer_class(self):
        if self.action in ("update", "partial_update"):
            return MilestoneUpdateSerializer
        return MilestoneSerializer

    def _require_reporter(self, action_obj: Action) -> None:
        if not action_can_report(membership=self.membership, action=action_obj):
            raise PermissionDenied(_("Only the action's owner and agenda editors may do this."))

    def create(self, request, *args, **kwargs):
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        self._require_reporter(serializer.validated_data["action"])
        milestone = milestone_services.milestone_create(
            tenant=self.tenant, actor=request.user, **serializer.validated_data
        )
        return Response(
            self.get_serializer(self.refetch(milestone)).data, status=status.HTTP_201_CREATED
        )

    def update(self, request, *args, **kwargs):
        milestone = self.get_object()
        self._require_reporter(milestone.action)
        serializer = self.get_serializer(
            milestone, data=request.data, partial=kwargs.pop("partial", False)
        )
        serializer.is_valid(raise_exception=True)
        milestone = milestone_services.milestone_update(
            tenant=self.tenant,
            actor=request.user,
            milestone=milestone,
            **_merged(serializer, milestone, ["title", "due_on", "done_on", "evidence"]),
        )
        return Response(MilestoneSerializer(self.get_queryset().get(pk=milestone.pk)).data)


# --- indicators and measurements -------------------------------------------------------------


@extend_schema_view(
    list=extend_schema(summary="Indicators with their figures (latest value, target, status)"),
    retrieve=extend_schema(summary="One indicator with its figures"),
)
class IndicatorViewSet(
    FiguresAccess, mixins.ListModelMixin, mixins.RetrieveModelMixin, TenantViewSet
):
    write_permission = None
    lookup_field = "pk"
    lookup_url_kwarg = "indicator_id"
    serializer_class = IndicatorSerializer
    filterset_fields = {
        "theme": ["exact"],
        "action_line": ["exact"],
        "action": ["exact"],
        "kind": ["exact"],
        "direction": ["exact"],
    }
    ordering_fields = ["name", "created_at", "baseline_on"]
    ordering = ["name", "id"]

    def get_queryset(self):
        return indicator_list(tenant=self.tenant)

    def get_serializer(self, *args, **kwargs):
        # The figures of a page of indicators in two queries (indicator_summaries).
        instance = args[0] if args else None
        indicators = list(instance) if kwargs.get("many") else [instance]
        # The stored answer names no one: it outlives the request (and any erasure of the
        # person), and a repeat by another client gets the very same body.
        context = {**self.get_serializer_context(), "membership": None}
        context["summaries"] = indicator_summaries(
            tenant=self.tenant, indicators=[i for i in indicators if i is not None]
        )
        kwargs["context"] = context
        if kwargs.get("many"):
            args = (indicators, *args[1:])
        return self.get_serializer_class()(*args, **kwargs)


class IdempotencyKeyConflict(APIException):
    status_code = status.HTTP_409_CONFLICT
    default_detail = gettext_lazy(
        "This idempotency key was already used for a different batch of measurements. "
        "Send the same batch again, or use a new key."
    )
    default_code = "idempotency_key_reused"


@extend_schema_view(
    list=extend_schema(summary="Measurements of the indicators"),
    retrieve=extend_schema(summary="One measurement"),
    create=extend_schema(
        summary="Add a measurement (agenda editors and the owner of the indicator's action)",
        description=(
            "A measurement dated in a period whose progress update was approved is refused "
            "(400, the period is locked), as are dates before the baseline or in the future "
            "and computed indicators."
        ),
    ),
)
class MeasurementViewSet(
    FiguresAccess,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    TenantViewSet,
):
    write_permission = "tenant.view"  # and can_add_measurement per indicator, below
    lookup_field = "pk"
    lookup_url_kwarg = "measurement_id"
    serializer_class = MeasurementSerializer
    filterset_fields = {
        "indicator": ["exact"],
        "measured_on": ["exact", "gte", "lte"],
        "is_computed": ["exact"],
    }
    ordering_fields = ["measured_on", "created_at", "value"]
    ordering = ["-measured_on", "-id"]

    def get_queryset(self):
        return Measurement.objects.for_tenant(self.tenant).select_related("entered_by")

    def get_serializer_context(self):
        return {**super().get_serializer_context(), "membership": getattr(self, "membership", None)}

    def get_serializer_class(self):
        if self.action == "bulk":
            return MeasurementBatchSerializer
        return MeasurementSerializer

    def _require_measurer(self, indicator: Indicator) -> None:
        """As the page: agenda editors and the owner of the indicator's action (a computed
        indicator then refuses in the service, with its reason)."""
        membership = self.membership
        if not (membership.can("agenda.edit") or is_indicator_owner(membership, indicator)):
            raise PermissionDenied(
                _("Only agenda editors and the owner of the indicator's action add measurements.")
            )

    def create(self, request, *args, **kwargs):
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        self._require_measurer(serializer.validated_data["indicator"])
        measurement = indicator_services.measurement_create(
            tenant=self.tenant, actor=request.user, **serializer.validated_data
        )
        return self._answer(measurement, status.HTTP_201_CREATED)

    def _answer(self, measurement, code):
        measurement = self.get_queryset().get(pk=measurement.pk)
        return Response(
            MeasurementSerializer(measurement, context=self.get_serializer_context()).data,
            status=code,
        )

    @extend_schema(
        summary="Add a batch of measurements, all or none, idempotent by a key",
        description=(
            "Send `idempotency_key` (any string up to 200 characters you choose, e.g. a UUID, "
            "unique per partnership) with the rows. All rows are stored, or none: one invalid "
            "row answers 400 with an error per bad row (`measurements.<index>.<field>`). "
            "Sending the same key with the same rows again stores nothing new and answers "
            "200 with the body of the first answer (201). The same key with other rows is "
            "refused with 409. The answer lists the stored measurements; it names no people "
            "(`entered_by_name` is null)."
        ),
        request=MeasurementBatchSerializer,
        responses={
            201: MeasurementBatchResultSerializer,
            200: OpenApiResponse(
                MeasurementBatchResultSerializer,
                description="The batch was stored before under this key: the first answer.",
            ),
            (409, PROBLEM_CONTENT_TYPE): OpenApiResponse(
                ProblemSerializer,
                description="The key was used before for a batch with other rows.",
            ),
        },
    )
    @action(detail=False, methods=["post"])
    def bulk(self, request, *args, **kwargs):
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        key = serializer.validated_data["idempotency_key"]
        rows = serializer.validated_data["measurements"]
        for row in rows:
            self._require_measurer(row["indicator"])
        # The stored answer names no one: it outlives the request (and any erasure of the
        # person), and a repeat by another client gets the very same body.
        context = {**self.get_serializer_context(), "membership": None}

        def result_of(measurements: list[Measurement]) -> dict:
            return MeasurementBatchResultSerializer(
                {"idempotency_key": key, "measurements": measurements}, context=context
            ).data

        try:
            batch, created = indicator_services.measurement_batch_record(
                tenant=self.tenant, actor=request.user, key=key, rows=rows, result_of=result_of
            )
        except indicator_services.IdempotencyKeyReused:
            raise IdempotencyKeyConflict from None
        return Response(
            batch.result, status=status.HTTP_201_CREATED if created else status.HTTP_200_OK
        )


# --- budget lines ----------------------------------------------------------------------------


@extend_schema_view(
    list=extend_schema(summary="Budget lines with their committed and spent sums"),
    retrieve=extend_schema(summary="One budget line with its sums"),
)
class BudgetLineViewSet(
    FiguresAccess, mixins.ListModelMixin, mixins.RetrieveModelMixin, TenantViewSet
):
    write_permission = None
    lookup_field = "pk"
    lookup_url_kwarg = "budgetline_id"
    serializer_class = BudgetLineSerializer
    filterset_fields = {
        "action": ["exact"],
        "action__action_line": ["exact"],
        "funding_source": ["exact"],
        "year": ["exact", "gte", "lte"],
    }
    ordering_fields = ["year", "planned_amount"]

    def get_queryset(self):
        return budget_line_list(tenant=self.tenant)


# --- progress updates ------------------------------------------------------------------------


@extend_schema_view(
    list=extend_schema(summary="Progress updates of the agenda's actions"),
    retrieve=extend_schema(summary="One progress update"),
    create=extend_schema(
        summary="Start the draft update of an action for a period (owner and agenda editors)",
        request=ProgressUpdateCreateSerializer,
        responses={201: ProgressUpdateSerializer},
    ),
    partial_update=extend_schema(
        summary="Change a draft update",
        request=ProgressUpdateTextSerializer,
        responses={200: ProgressUpdateSerializer},
    ),
    update=extend_schema(
        summary="Change a draft update",
        request=ProgressUpdateTextSerializer,
        responses={200: ProgressUpdateSerializer},
    ),
)
class ProgressUpdateViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    TenantViewSet,
):
    tenant_permission = "agenda.view"
    write_permission = "agenda.view"  # and action_can_report per action, below
    lookup_field = "pk"
    lookup_url_kwarg = "progressupdate_id"
    serializer_class = ProgressUpdateSerializer
    filterset_fields = {
        "action": ["exact"],
        "status": ["exact"],
        "period_kind": ["exact"],
        "period_start": ["gte", "lte"],
        "health": ["exact"],
    }
    ordering_fields = ["period_start", "period_end", "submitted_at"]
    ordering = ["-period_start", "id"]

    def get_queryset(self):
        return ProgressUpdate.objects.for_tenant(self.tenant).select_related(
            "action", "submitted_by", "approved_by"
        )

    def get_serializer_class(self):
        if self.action == "create":
            return ProgressUpdateCreateSerializer
        if self.action in ("update", "partial_update"):
            return ProgressUpdateTextSerializer
        return ProgressUpdateSerializer

    def _require_reporter(self, action_obj: Action) -> None:
        if not action_can_report(membership=self.membership, action=action_obj):
            raise PermissionDenied(_("Only the action's owner and agenda editors may do this."))

    def _answer(self, update, code: int = status.HTTP_200_OK) -> Response:
        return Response(
            ProgressUpdateSerializer(self.get_queryset().get(pk=update.pk)).data, status=code
        )

    def create(self, request, *args, **kwargs):
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        values = dict(serializer.validated_data)
        self._require_reporter(values["action"])
        update = update_services.progress_update_create(
            tenant=self.tenant, actor=request.user, **values
        )
        return self._answer(update, status.HTTP_201_CREATED)

    def update(self, request, *args, **kwargs):
        update = self.get_object()
        self._require_reporter(update.action)
        serializer = self.get_serializer(data=request.data, partial=kwargs.pop("partial", False))
        serializer.is_valid(raise_exception=True)
        values = {
            field: getattr(update, field)
            for field in ("health", "done", "next_steps", "risks", "help_needed")
        }
        values.update(serializer.validated_data)
        update = update_services.progress_update_edit(
            tenant=self.tenant, actor=request.user, update=update, **values
        )
        return self._answer(update)

    @extend_schema(
        summary="Submit a draft update for approval",
        request=None,
        responses={200: ProgressUpdateSerializer},
    )
    @action(detail=True, methods=["post"])
    def submit(self, request, *args, **kwargs):
        update = self.get_object()
        self._require_reporter(update.action)
        update = update_services.progress_update_submit(
            tenant=self.tenant, actor=request.user, update=update
        )
        return self._answer(update)
