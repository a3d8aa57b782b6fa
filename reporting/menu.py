"""Menu entries of reports."""

from django.utils.translation import gettext_lazy as _

from portal.menu import MenuEntry

ENTRIES = [
    MenuEntry(_("Reports"), "report_overview", "reports.view", order=40),
]
