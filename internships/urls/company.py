"""URLs of the stage market: company side."""

urlpatterns: list = []
