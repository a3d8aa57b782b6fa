"""URLs of the stage market: school side."""

urlpatterns: list = []
