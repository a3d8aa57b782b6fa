"""Progress reports for provinces and funders, and the figures dashboards share."""
