"""URLs of the CRM: agreements."""

urlpatterns: list = []
