"""Output shapes of the reporting API. Runs are produced by the schedules and the pages;
through the API they are listed and downloaded."""

from __future__ import annotations

from rest_framework import serializers

from portal.api.serializers import StrictModelSerializer
from reporting.models import ReportRun


class ReportRunSerializer(StrictModelSerializer):
    """A report of one period. Who asked for it is not shown: funders read runs too."""

    definition_title = serializers.CharField(source="definition.title", read_only=True)
    audience = serializers.CharField(source="definition.audience", read_only=True)
    period_kind = serializers.CharField(source="definition.period_kind", read_only=True)
    language = serializers.CharField(source="definition.language", read_only=True)

    class Meta:
        model = ReportRun
        fields = [
            "id",
            "definition",
            "definition_title",
            "audience",
            "period_kind",
            "language",
            "period_start",
            "period_end",
            "status",
            "sha256",
            "pages",
            "size",
            "requested_at",
            "started_at",
            "finished_at",
        ]
        read_only_fields = fields


class ReportRunDetailSerializer(ReportRunSerializer):
    """One run with the aggregate figures it was built from."""

    figures = serializers.JSONField(read_only=True)

    class Meta(ReportRunSerializer.Meta):
        fields = [*ReportRunSerializer.Meta.fields, "figures"]
        read_only_fields = fields
