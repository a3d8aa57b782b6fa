"""URLs of the CRM: logbook."""

urlpatterns: list = []
