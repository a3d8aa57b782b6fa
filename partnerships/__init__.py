"""Organisations, contacts, the contact log, agreements and follow-ups."""
