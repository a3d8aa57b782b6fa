"""Reads shared by both sides of an application: its message thread."""

from __future__ import annotations

from django.db.models import QuerySet

from internships.models import Application, ApplicationMessage
from portal.models import Tenant


def application_message_list(
    *, tenant: Tenant, application: Application
) -> QuerySet[ApplicationMessage]:
    """The thread, oldest first, with each author and the organisation they wrote for."""
    return (
        ApplicationMessage.objects.for_tenant(tenant)
        .filter(application=application)
        .select_related("author", "author_organisation")
        .order_by("created_at", "pk")
    )
