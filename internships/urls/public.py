"""URLs of the stage market: public side (the listing, a page per opportunity, feed, JSON)."""

from django.urls import path

from internships.views import public

urlpatterns = [
    path("stages/", public.stage_list, name="stage_list"),
    path("stages/feed.atom", public.stage_feed, name="stage_feed"),
    path("stages/embed.json", public.stage_embed, name="stage_embed"),
    path("stages/<int:opportunity_id>/", public.stage_detail, name="stage_detail"),
]
