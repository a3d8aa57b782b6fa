"""URLs of the stage market: public side."""

urlpatterns: list = []
