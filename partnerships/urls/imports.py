"""URLs of the CRM: imports."""

urlpatterns: list = []
