"""The CRM's API under ``/api/v1/<tenant_slug>/``."""

from partnerships import api
from portal.api.routers import TenantRouter

router = TenantRouter()
router.register("organisations", api.OrganisationViewSet, basename="api-organisation")
router.register("contacts", api.ContactViewSet, basename="api-contact")
router.register("interactions", api.InteractionViewSet, basename="api-interaction")
router.register("agreements", api.AgreementViewSet, basename="api-agreement")

urlpatterns = router.urls
