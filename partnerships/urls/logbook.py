"""URLs of the CRM: the contact log, the relationship manager's dashboard and the iCal feed."""

from django.urls import path

from partnerships.views import calendar, dashboard, logbook

urlpatterns = [
    path("interactions/new/", logbook.interaction_create, name="interaction_create"),
    path(
        "interactions/<int:interaction_id>/edit/",
        logbook.interaction_edit,
        name="interaction_edit",
    ),
    path(
        "interactions/<int:interaction_id>/follow-up-done/",
        logbook.follow_up_done,
        name="follow_up_done",
    ),
    path("crm/", dashboard.crm_dashboard, name="crm_dashboard"),
    path("crm/calendar/", calendar.calendar_feed_manage, name="calendar_feed_manage"),
    path("crm/calendar/<str:token>.ics", calendar.calendar_feed, name="calendar_feed"),
]
