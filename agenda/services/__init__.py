"""Writes of the agenda."""
