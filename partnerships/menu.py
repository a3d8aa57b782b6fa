"""Menu entries of the CRM."""

from portal.menu import MenuEntry

ENTRIES: list[MenuEntry] = []
