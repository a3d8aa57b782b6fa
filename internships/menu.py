"""Menu entries of the stage market."""

from portal.menu import MenuEntry

ENTRIES: list[MenuEntry] = []
