"""Reads of the agenda."""
