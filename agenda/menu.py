"""Menu entries of the agenda."""

from django.utils.translation import gettext_lazy as _

from portal.menu import MenuEntry

ENTRIES = [
    MenuEntry(_("Agenda"), "agenda_board", "agenda.view", order=30),
    MenuEntry(_("My actions"), "my_actions", "agenda.view", order=31),
    MenuEntry(_("Indicators"), "indicator_list", "tenant.view", order=32),
    MenuEntry(_("Budget"), "budget_overview", "tenant.view", order=33),
    MenuEntry(_("Reviews"), "review_list", "agenda.view", order=34),
]
