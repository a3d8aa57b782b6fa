"""The project package: settings, URLs, the Celery app, and tenancy (tenants, users, roles)."""

from portal.celery import app as celery_app

__all__ = ["celery_app"]
