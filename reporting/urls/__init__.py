"""URLs of reports under ``/<tenant_slug>/``. The overview across tenants is outside any
tenant, at ``/reports/`` (``reporting.urls.funder``, included by portal/urls.py)."""

from django.urls import path

from reporting.views import definitions, runs

urlpatterns = [
    path("reports/", definitions.report_overview, name="report_overview"),
    path(
        "reports/new/",
        definitions.report_definition_create_view,
        name="report_definition_create",
    ),
    path(
        "reports/<int:reportdefinition_id>/",
        definitions.report_definition_detail,
        name="report_definition_detail",
    ),
    path(
        "reports/<int:reportdefinition_id>/edit/",
        definitions.report_definition_edit,
        name="report_definition_edit",
    ),
    path(
        "reports/<int:reportdefinition_id>/runs/new/",
        runs.report_run_request_view,
        name="report_run_request",
    ),
    path("reports/runs/<int:reportrun_id>/", runs.report_run_detail, name="report_run_detail"),
    path(
        "reports/runs/<int:reportrun_id>/status/",
        runs.report_run_status,
        name="report_run_status",
    ),
    path(
        "reports/runs/<int:reportrun_id>/retry/",
        runs.report_run_retry_view,
        name="report_run_retry",
    ),
    path(
        "reports/runs/<int:reportrun_id>/download/",
        runs.report_run_download_view,
        name="report_run_download",
    ),
    path(
        "reports/runs/<int:reportrun_id>/figures.csv",
        runs.report_run_figures_csv,
        name="report_run_figures_csv",
    ),
    path(
        "reports/runs/<int:reportrun_id>/figures.xlsx",
        runs.report_run_figures_xlsx,
        name="report_run_figures_xlsx",
    ),
]
