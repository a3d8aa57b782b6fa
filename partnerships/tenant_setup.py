"""What a new tenant gets from the CRM (found by portal through the app registry)."""

from partnerships.services.organisations import setup_tenant

__all__ = ["setup_tenant"]
