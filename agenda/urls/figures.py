"""URLs of the agenda: the figures (indicators, their targets and measurements; budgets,
funding sources and entries; the exports)."""

from django.urls import path

from agenda.views import budgets, exports, indicators

urlpatterns = [
    # Indicators
    path("agenda/indicators/", indicators.indicator_list_view, name="indicator_list"),
    path("agenda/indicators/export/", exports.indicator_export, name="indicator_export"),
    path("agenda/indicators/new/", indicators.indicator_create, name="indicator_create"),
    path(
        "agenda/indicators/<int:indicator_id>/",
        indicators.indicator_detail,
        name="indicator_detail",
    ),
    path(
        "agenda/indicators/<int:indicator_id>/edit/",
        indicators.indicator_edit,
        name="indicator_edit",
    ),
    path(
        "agenda/indicators/<int:indicator_id>/measurements/new/",
        indicators.measurement_create,
        name="measurement_create",
    ),
    path(
        "agenda/indicators/<int:indicator_id>/targets/new/",
        indicators.target_create,
        name="target_create",
    ),
    path(
        "agenda/measurements/<int:measurement_id>/delete/",
        indicators.measurement_delete,
        name="measurement_delete",
    ),
    path("agenda/targets/<int:target_id>/delete/", indicators.target_delete, name="target_delete"),
    # Budgets
    path("agenda/budget/", budgets.budget_overview, name="budget_overview"),
    path("agenda/budget/export/", exports.budget_export, name="budget_export"),
    path("agenda/budget/lines/", budgets.budget_line_list_view, name="budget_line_list"),
    path("agenda/budget/lines/new/", budgets.budget_line_create, name="budget_line_create"),
    path(
        "agenda/budget/lines/<int:budgetline_id>/",
        budgets.budget_line_detail,
        name="budget_line_detail",
    ),
    path(
        "agenda/budget/lines/<int:budgetline_id>/plan/",
        budgets.budget_line_update,
        name="budget_line_update",
    ),
    path(
        "agenda/budget/lines/<int:budgetline_id>/entries/new/",
        budgets.budget_entry_create,
        name="budget_entry_create",
    ),
    path(
        "agenda/budget/entries/<int:budgetentry_id>/delete/",
        budgets.budget_entry_delete,
        name="budget_entry_delete",
    ),
    path(
        "agenda/budget/funding-sources/",
        budgets.funding_source_list_view,
        name="funding_source_list",
    ),
    path(
        "agenda/budget/funding-sources/<int:fundingsource_id>/edit/",
        budgets.funding_source_edit,
        name="funding_source_edit",
    ),
]
