"""URLs of the agenda under ``/<tenant_slug>/``, composed from one module per concern."""

from agenda.urls import board, figures

urlpatterns = [*board.urlpatterns, *figures.urlpatterns]
