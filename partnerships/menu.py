"""Menu entries of the CRM."""

from django.utils.translation import gettext_lazy as _

from portal.menu import MenuEntry

ENTRIES: list[MenuEntry] = []
