"""URLs of the agenda: the board, themes, action lines, actions and their milestones and
links, progress updates, the owner's pages and reviews."""

from django.urls import path

from agenda.views import actions, board, reviews, updates

urlpatterns = [
    path("agenda/", board.agenda_board, name="agenda_board"),
    path("agenda/mine/", board.my_actions, name="my_actions"),
    path("agenda/updates-due/", board.updates_due, name="updates_due"),
    # themes and action lines
    path("agenda/themes/new/", board.theme_create, name="theme_create"),
    path("agenda/themes/<int:theme_id>/edit/", board.theme_edit, name="theme_edit"),
    path("agenda/themes/<int:theme_id>/delete/", board.theme_delete, name="theme_delete"),
    path("agenda/lines/new/", board.actionline_create, name="actionline_create"),
    path("agenda/lines/<int:actionline_id>/edit/", board.actionline_edit, name="actionline_edit"),
    path(
        "agenda/lines/<int:actionline_id>/delete/",
        board.actionline_delete,
        name="actionline_delete",
    ),
    # actions
    path("agenda/actions/new/", actions.action_create, name="action_create"),
    path("agenda/actions/<int:action_id>/", actions.action_detail, name="action_detail"),
    path("agenda/actions/<int:action_id>/edit/", actions.action_edit, name="action_edit"),
    path("agenda/actions/<int:action_id>/delete/", actions.action_delete, name="action_delete"),
    path("agenda/actions/<int:action_id>/links/", actions.action_links, name="action_links"),
    # milestones
    path(
        "agenda/actions/<int:action_id>/milestones/new/",
        actions.milestone_create,
        name="milestone_create",
    ),
    path(
        "agenda/milestones/<int:milestone_id>/edit/", actions.milestone_edit, name="milestone_edit"
    ),
    path(
        "agenda/milestones/<int:milestone_id>/done/", actions.milestone_done, name="milestone_done"
    ),
    # progress updates
    path(
        "agenda/actions/<int:action_id>/updates/new/",
        updates.progress_update_create,
        name="progress_update_create",
    ),
    path(
        "agenda/updates/<int:progressupdate_id>/",
        updates.progress_update_detail,
        name="progress_update_detail",
    ),
    path(
        "agenda/updates/<int:progressupdate_id>/edit/",
        updates.progress_update_edit,
        name="progress_update_edit",
    ),
    path(
        "agenda/updates/<int:progressupdate_id>/submit/",
        updates.progress_update_submit,
        name="progress_update_submit",
    ),
    path(
        "agenda/updates/<int:progressupdate_id>/withdraw/",
        updates.progress_update_withdraw,
        name="progress_update_withdraw",
    ),
    path(
        "agenda/updates/<int:progressupdate_id>/approve/",
        updates.progress_update_approve,
        name="progress_update_approve",
    ),
    path(
        "agenda/updates/<int:progressupdate_id>/reopen/",
        updates.progress_update_reopen,
        name="progress_update_reopen",
    ),
    # reviews
    path("agenda/reviews/", reviews.review_list, name="review_list"),
    path("agenda/reviews/new/", reviews.review_create, name="review_create"),
    path("agenda/reviews/<int:review_id>/", reviews.review_detail, name="review_detail"),
    path(
        "agenda/reviews/<int:review_id>/decisions/new/",
        reviews.review_decision_add,
        name="review_decision_add",
    ),
]
