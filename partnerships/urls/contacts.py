"""URLs of the CRM: contacts."""

urlpatterns: list = []
