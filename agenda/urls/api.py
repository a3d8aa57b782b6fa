"""API URLs of the agenda under ``/api/v1/<tenant_slug>/``."""

from agenda import api
from portal.api.routers import TenantRouter

router = TenantRouter()
router.register("themes", api.ThemeViewSet, basename="api-theme")
router.register("action-lines", api.ActionLineViewSet, basename="api-actionline")
router.register("actions", api.ActionViewSet, basename="api-action")
router.register("milestones", api.MilestoneViewSet, basename="api-milestone")
router.register("indicators", api.IndicatorViewSet, basename="api-indicator")
router.register("measurements", api.MeasurementViewSet, basename="api-measurement")
router.register("budget-lines", api.BudgetLineViewSet, basename="api-budgetline")
router.register("progress-updates", api.ProgressUpdateViewSet, basename="api-progressupdate")

urlpatterns = router.urls
