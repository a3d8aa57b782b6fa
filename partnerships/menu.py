"""Menu entries of the CRM."""

from django.utils.translation import gettext_lazy as _

from portal.menu import MenuEntry

ENTRIES = [
    MenuEntry(_("My contact log"), "crm_dashboard", "crm.log", order=10),
    MenuEntry(_("Organisations"), "organisation_list", "crm.view", order=11),
    MenuEntry(_("Agreements"), "agreement_list", "crm.view", order=12),
    MenuEntry(_("Import"), "import_start", "crm.import", order=13),
    MenuEntry(_("CRM settings"), "crm_settings", "crm.settings", order=925),
]
