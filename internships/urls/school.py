"""URLs of the stage market: school side (``stages.apply``), under ``stages/school/``."""

from django.urls import path

from internships.views import school as views

application = "stages/school/applications/<int:application_id>/"
placement = "stages/school/placements/<int:placement_id>/"

urlpatterns = [
    path("stages/school/", views.school_opportunity_matches, name="school_opportunity_matches"),
    path(
        "stages/school/apply/<int:opportunity_id>/",
        views.school_application_create,
        name="school_application_create",
    ),
    path(
        "stages/school/applications/", views.school_application_list, name="school_application_list"
    ),
    path(application, views.school_application_detail, name="school_application_detail"),
    path(
        f"{application}messages/",
        views.school_application_message,
        name="school_application_message",
    ),
    path(
        f"{application}withdraw/",
        views.school_application_withdraw,
        name="school_application_withdraw",
    ),
    path("stages/school/placements/", views.school_placement_list, name="school_placement_list"),
    path(placement, views.school_placement_detail, name="school_placement_detail"),
    path(
        f"{placement}evaluate/", views.school_placement_evaluate, name="school_placement_evaluate"
    ),
]
