"""Pages of reports: definitions (reporting.views.definitions), runs with their progress and
downloads (reporting.views.runs), and a funder's overview across tenants
(reporting.views.funder)."""
