from django.apps import AppConfig
from django.db.backends.signals import connection_created
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class PortalConfig(AppConfig):
    name = "portal"
    verbose_name = _("Portal")

    def ready(self) -> None:
        from portal import rls

        post_migrate.connect(rls.apply_after_migrate, dispatch_uid="portal.rls.apply")
        connection_created.connect(rls.open_all_tenants, dispatch_uid="portal.rls.open")
