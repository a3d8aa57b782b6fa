"""Reads of the CRM, one module per concern."""
