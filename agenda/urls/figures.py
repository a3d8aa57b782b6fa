"""URLs of the agenda: figures."""

urlpatterns: list = []
