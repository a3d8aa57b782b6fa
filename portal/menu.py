"""Menu entries of the tenancy layer. Each app may offer its own ``menu.py`` with ``ENTRIES``."""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _


@dataclass(frozen=True)
class MenuEntry:
    label: str | Promise
    url_name: str
    permission: str
    order: int = 100


ENTRIES = [
    MenuEntry(_("Overview"), "tenant_dashboard", "tenant.view", order=0),
    MenuEntry(_("Members"), "member_list", "members.view", order=900),
    MenuEntry(_("Audit log"), "audit_log", "audit.view", order=910),
    MenuEntry(_("Settings"), "tenant_settings", "tenant.settings", order=920),
]
