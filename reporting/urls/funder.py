"""The overview of reports across partnerships, outside any tenant: ``/reports/``."""

from django.urls import path

from reporting.views import funder

urlpatterns = [
    path("", funder.report_funder_overview, name="report_funder_overview"),
]
