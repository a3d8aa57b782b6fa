"""Reporting's API under ``/api/v1/<tenant_slug>/``."""

from portal.api.routers import TenantRouter
from reporting import api

router = TenantRouter()
router.register("report-runs", api.ReportRunViewSet, basename="api-report-run")

urlpatterns = router.urls
