"""E-mails of the agenda: the reminder to an action's owner before a reporting period ends."""

from __future__ import annotations

from django.conf import settings
from django.core.mail import EmailMessage
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from agenda.models import Action, ProgressUpdate
from agenda.selectors.updates import Period
from portal.models import Tenant


def progress_update_reminder_message(
    *, tenant: Tenant, action: Action, period: Period, update: ProgressUpdate
) -> EmailMessage:
    """The reminder to the owner of ``action``: the update for ``period`` is due, with the
    link to the draft. In the tenant's language; to the owner alone."""
    link = settings.SITE_URL.rstrip("/") + reverse(
        "progress_update_edit",
        kwargs={"tenant_slug": tenant.slug, "progressupdate_id": update.pk},
    )
    with translation.override(tenant.default_language):
        ends_on = date_format(period.end, "j F Y")
        subject = _("Progress update due: %(action)s, %(period)s") % {
            "action": action.title,
            "period": period.label,
        }
        body = render_to_string(
            "agenda/update_reminder_email.txt",
            {
                "tenant": tenant,
                "action": action,
                "owner": action.owner,
                "period": period.label,
                "ends_on": ends_on,
                "link": link,
            },
        )
    return EmailMessage(subject, body, None, [action.owner.email])
