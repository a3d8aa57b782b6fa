"""Report runs through the API: list, read, and download the PDF, for the roles that see
reports on the pages (``reports.view``), and only the runs of the reports the member may read
on the pages (``reporting.selectors.report_runs_visible_to``: no internal reports for a
funder). Downloads are the same bytes and headers as on the pages and are recorded in the
audit trail by the same service."""

from __future__ import annotations

import django_filters
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import mixins, status
from rest_framework.decorators import action
from rest_framework.exceptions import APIException

from portal.api.problems import PROBLEM_CONTENT_TYPE
from portal.api.renderers import PDFRenderer
from portal.api.schema import ProblemSerializer
from portal.api.views import TenantViewSet
from reporting.models import ReportDefinition, ReportRun
from reporting.selectors import report_runs_visible_to
from reporting.serializers import ReportRunDetailSerializer, ReportRunSerializer
from reporting.services.runs import report_run_download
from reporting.views.responses import report_pdf_response


class ReportRunFilter(django_filters.FilterSet):
    status = django_filters.ChoiceFilter(choices=ReportRun.Status.choices)
    period_kind = django_filters.ChoiceFilter(
        field_name="definition__period_kind", choices=ReportDefinition.PeriodKind.choices
    )
    period_end_after = django_filters.DateFilter(field_name="period_end", lookup_expr="gte")
    period_end_before = django_filters.DateFilter(field_name="period_end", lookup_expr="lte")

    class Meta:
        model = ReportRun
        fields = ["definition", "status"]


class ReportNotReady(APIException):
    status_code = status.HTTP_409_CONFLICT
    default_detail = _("This report is not ready yet: only a finished report can be downloaded.")
    default_code = "report_not_ready"


class ReportRunViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, TenantViewSet):
    tenant_permission = "reports.view"
    write_permission = None
    lookup_url_kwarg = "reportrun_id"
    filterset_class = ReportRunFilter
    ordering_fields = ["period_end", "finished_at", "requested_at"]
    ordering = ["-period_end", "-id"]

    def get_queryset(self):
        runs = report_runs_visible_to(tenant=self.tenant, membership=self.membership)
        runs = runs.select_related("definition")
        if self.action != "retrieve":
            runs = runs.defer("figures")
        return runs.order_by("-period_end", "-id")

    def get_serializer_class(self):
        if self.action == "retrieve":
            return ReportRunDetailSerializer
        return ReportRunSerializer

    @extend_schema(
        summary="Download the report's PDF",
        responses={
            (200, "application/pdf"): OpenApiResponse(
                OpenApiTypes.BINARY, description="The stored PDF, byte for byte."
            ),
            (409, PROBLEM_CONTENT_TYPE): OpenApiResponse(
                ProblemSerializer, description="The run is queued, running or failed."
            ),
        },
    )
    @action(detail=True, methods=["get"], renderer_classes=[PDFRenderer])
    def download(self, request, tenant_slug=None, reportrun_id=None):
        run = self.get_object()
        if run.status != ReportRun.Status.DONE:
            raise ReportNotReady
        # A damaged file is the service's ValidationError: a problem document with its text.
        download = report_run_download(tenant=self.tenant, actor=request.user, run=run)
        return report_pdf_response(download)
