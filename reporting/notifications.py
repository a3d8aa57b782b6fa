"""E-mail of reporting: a report is ready. To the definition's recipients (its recipient
members and its other addresses), one message each so nobody sees the others' addresses,
in the definition's language, with a link to the report's page, which asks for a login.
The PDF itself is never attached: a report leaves the portal only to someone who logs in
and whose role may download it (each download is recorded).

Sent once per run, and not lost: the worker that marks the run done sends it and notes
``notified_at``; when that worker dies first or the mail server refuses, the periodic
dispatch sends it later (see ``reporting.services.runs.report_run_notify``). A failing mail
server never undoes the run.
"""

from __future__ import annotations

import logging

from django.conf import settings
from django.core.mail import EmailMessage, get_connection
from django.template.loader import render_to_string
from django.urls import NoReverseMatch, reverse
from django.utils import translation
from django.utils.translation import gettext as _

from portal.models import Membership, Tenant
from reporting.models import ReportRun
from reporting.periods import Period

logger = logging.getLogger(__name__)


def report_run_link(*, tenant: Tenant, run: ReportRun) -> str:
    """The absolute address of the run's page (or the tenant's home page if the reports
    pages are not wired)."""
    try:
        path = reverse(
            "report_run_detail", kwargs={"tenant_slug": tenant.slug, "reportrun_id": run.pk}
        )
    except NoReverseMatch:
        path = tenant.get_absolute_url()
    return settings.SITE_URL.rstrip("/") + path


def report_run_recipients(*, tenant: Tenant, run: ReportRun) -> list[str]:
    """The addresses of the definition's recipients, each once: the recipient members who
    are still members of the tenant and active, then the other addresses."""
    definition = run.definition
    members = (
        Membership.objects.for_tenant(tenant)
        .filter(pk__in=definition.recipient_memberships.values("pk"), user__is_active=True)
        .order_by("user__email")
        .values_list("user__email", flat=True)
    )
    addresses: dict[str, str] = {}
    for address in [*members, *definition.recipient_emails]:
        if address:
            addresses.setdefault(address.strip().lower(), address.strip())
    return list(addresses.values())


def report_run_done_messages(*, tenant: Tenant, run: ReportRun) -> list[EmailMessage]:
    definition = run.definition
    link = report_run_link(tenant=tenant, run=run)
    with translation.override(definition.language):
        period = Period(run.period_start, run.period_end).label()
        subject = _("Report ready: %(title)s, %(period)s") % {
            "title": definition.title,
            "period": period,
        }
        body = render_to_string(
            "reporting/email/report_ready.txt",
            {"tenant": tenant, "definition": definition, "period": period, "link": link},
        )
    return [
        EmailMessage(subject, body, None, [address])
        for address in report_run_recipients(tenant=tenant, run=run)
    ]


def report_run_done_send(*, tenant: Tenant, run: ReportRun) -> int:
    """Send the "report ready" e-mail; returns the number of messages sent. A mail server
    that refuses raises, so the caller can leave the run marked unsent."""
    messages = report_run_done_messages(tenant=tenant, run=run)
    if not messages:
        return 0
    with get_connection() as connection:
        return connection.send_messages(messages) or 0
