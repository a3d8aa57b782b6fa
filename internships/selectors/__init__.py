"""Reads of the stage market, one module per concern."""
