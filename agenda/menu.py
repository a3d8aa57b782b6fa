"""Menu entries of the agenda."""

from portal.menu import MenuEntry

ENTRIES: list[MenuEntry] = []
