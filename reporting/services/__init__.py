"""Writes of the reporting app: report definitions and schedules (``definitions``) and report
runs (``runs``: request, retry, download, generate, dispatch)."""
