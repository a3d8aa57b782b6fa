"""Writes of the stage market, one module per concern. Each takes the tenant and the acting
user (keyword-only), runs in one transaction, checks the transition it makes against the
tables in ``transitions`` and records an audit event."""
