"""URLs of the agenda: board."""

urlpatterns: list = []
