"""API URLs of the stage market under ``/api/v1/<tenant_slug>/``."""

from internships import api
from portal.api.routers import TenantRouter

router = TenantRouter()
router.register("opportunities", api.OpportunityViewSet, basename="api-opportunity")
router.register("applications", api.ApplicationViewSet, basename="api-application")
router.register("placements", api.PlacementViewSet, basename="api-placement")
router.register(
    "public/opportunities", api.PublicOpportunityViewSet, basename="api-public-opportunity"
)

urlpatterns = router.urls
