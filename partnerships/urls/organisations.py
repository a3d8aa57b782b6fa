"""URLs of the CRM: organisations."""

urlpatterns: list = []
