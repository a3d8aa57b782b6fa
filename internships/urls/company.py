"""URLs of the stage market: company side (``stages.offer``), under ``stages/company/``;
and the programme office's moderation (``stages.moderate``), under ``stages/moderate/``."""

from django.urls import path

from internships.views import company as views
from internships.views import moderation

opportunity = "stages/company/<int:opportunity_id>/"
application = "stages/company/applications/<int:application_id>/"
placement = "stages/company/placements/<int:placement_id>/"

urlpatterns = [
    path("stages/company/", views.company_opportunity_list, name="company_opportunity_list"),
    path(
        "stages/company/new/", views.company_opportunity_create, name="company_opportunity_create"
    ),
    path(opportunity, views.company_opportunity_detail, name="company_opportunity_detail"),
    path(f"{opportunity}edit/", views.company_opportunity_edit, name="company_opportunity_edit"),
    path(
        f"{opportunity}preview/",
        views.company_opportunity_preview,
        name="company_opportunity_preview",
    ),
    path(
        f"{opportunity}publish/",
        views.company_opportunity_publish,
        name="company_opportunity_publish",
    ),
    path(
        f"{opportunity}duplicate/",
        views.company_opportunity_duplicate,
        name="company_opportunity_duplicate",
    ),
    path(f"{opportunity}close/", views.company_opportunity_close, name="company_opportunity_close"),
    path(
        f"{opportunity}applications/",
        views.company_opportunity_applications,
        name="company_opportunity_applications",
    ),
    path(
        "stages/company/applications/",
        views.company_application_list,
        name="company_application_list",
    ),
    path(application, views.company_application_detail, name="company_application_detail"),
    path(
        f"{application}messages/",
        views.company_application_message,
        name="company_application_message",
    ),
    path(
        f"{application}accept/", views.company_application_accept, name="company_application_accept"
    ),
    path(
        f"{application}decline/",
        views.company_application_decline,
        name="company_application_decline",
    ),
    path(
        f"{application}conversation/",
        views.company_application_converse,
        name="company_application_converse",
    ),
    path("stages/company/placements/", views.company_placement_list, name="company_placement_list"),
    path(placement, views.company_placement_detail, name="company_placement_detail"),
    path(f"{placement}start/", views.company_placement_start, name="company_placement_start"),
    path(
        f"{placement}complete/", views.company_placement_complete, name="company_placement_complete"
    ),
    path(f"{placement}cancel/", views.company_placement_cancel, name="company_placement_cancel"),
    path(
        f"{placement}evaluate/", views.company_placement_evaluate, name="company_placement_evaluate"
    ),
    path(
        "stages/moderate/",
        moderation.opportunity_moderation_list,
        name="opportunity_moderation_list",
    ),
    path(
        "stages/moderate/<int:opportunity_id>/",
        moderation.opportunity_moderate,
        name="opportunity_moderate",
    ),
]
