"""Input validation of the CRM's web pages, one module per concern."""
