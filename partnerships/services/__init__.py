"""Writes of the CRM, one module per concern. Each takes the tenant and the acting user,
runs in one transaction and records an audit event."""
