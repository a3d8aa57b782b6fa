"""Find what each app offers to the project (menu entries, demo data) through the app
registry, as Django's admin autodiscovery does, so portal imports none of the apps."""

from __future__ import annotations

from importlib import import_module
from importlib.util import find_spec
from types import ModuleType

from django.apps import apps


def app_modules(module_name: str) -> list[ModuleType]:
    """Every installed project app's ``<app>.<module_name>``, in INSTALLED_APPS order."""
    found = []
    for config in apps.get_app_configs():
        dotted = f"{config.name}.{module_name}"
        if find_spec(config.name) and find_spec(dotted):
            found.append(import_module(dotted))
    return found
