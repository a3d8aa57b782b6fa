"""E-mail of the stage market: a new application to the company, a decision to the school
member who applied, the start of a placement to both sides, an expiring or unpublished
opportunity to the company.

Each function registers the sending with ``transaction.on_commit``: nothing leaves for a
change that is rolled back, and the recipients are looked up when the change is committed.
The callbacks are ``robust``: a mail server that fails is logged, and does not turn a
change that was saved into an error page.
Mail is written in the tenant's default language, one message per person, so nobody sees
the others' addresses.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable

from django.conf import settings
from django.core.mail import EmailMessage, get_connection
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from internships.models import Application, Opportunity, Placement
from partnerships.models import Organisation
from portal.models import Membership, Tenant
from portal.roles import Role


def _link(name: str, tenant: Tenant, **kwargs) -> str:
    return settings.SITE_URL.rstrip("/") + reverse(
        name, kwargs={"tenant_slug": tenant.slug, **kwargs}
    )


def _members_of(tenant: Tenant, organisation_id: int, role: str) -> list[str]:
    return list(
        Membership.objects.for_tenant(tenant)
        .filter(organisation_id=organisation_id, role=role, user__is_active=True)
        .order_by("user__email")
        .values_list("user__email", flat=True)
    )


def company_member_emails(*, tenant: Tenant, company: Organisation) -> list[str]:
    return _members_of(tenant, company.pk, Role.COMPANY)


def applicant_emails(*, tenant: Tenant, application: Application) -> list[str]:
    """The school member who applied, while still a member of the tenant."""
    if application.submitted_by_id is None:
        return []
    return list(
        Membership.objects.for_tenant(tenant)
        .filter(user_id=application.submitted_by_id, user__is_active=True)
        .values_list("user__email", flat=True)
    )


def _send(
    *,
    tenant: Tenant,
    recipients: list[str],
    subject: Callable[[], str],
    template: str,
    context: dict,
) -> int:
    if not recipients:
        return 0
    with translation.override(tenant.default_language):
        body = render_to_string(f"internships/email/{template}", {"tenant": tenant, **context})
        title = subject()
    messages = [EmailMessage(title, body, None, [email]) for email in dict.fromkeys(recipients)]
    return get_connection().send_messages(messages) or 0


def application_submitted(*, tenant: Tenant, application_id: int) -> None:
    def send() -> None:
        application = (
            Application.objects.for_tenant(tenant)
            .select_related("opportunity__company", "school")
            .get(pk=application_id)
        )
        opportunity = application.opportunity
        _send(
            tenant=tenant,
            recipients=company_member_emails(tenant=tenant, company=opportunity.company),
            subject=lambda: _("New application for “%(title)s”") % {"title": opportunity.title},
            template="application_submitted.txt",
            context={
                "application": application,
                "opportunity": opportunity,
                "link": _link("company_application_detail", tenant, application_id=application.pk),
            },
        )

    transaction.on_commit(send, robust=True)


def application_decided(*, tenant: Tenant, application_id: int) -> None:
    def send() -> None:
        application = (
            Application.objects.for_tenant(tenant)
            .select_related("opportunity__company", "school")
            .get(pk=application_id)
        )
        opportunity = application.opportunity

        def subject() -> str:
            if application.status == Application.Status.ACCEPTED:
                text = _("%(company)s accepted the application for “%(title)s”")
            else:
                text = _("%(company)s declined the application for “%(title)s”")
            return text % {"company": opportunity.company.name, "title": opportunity.title}

        _send(
            tenant=tenant,
            recipients=applicant_emails(tenant=tenant, application=application),
            subject=subject,
            template="application_decided.txt",
            context={
                "application": application,
                "opportunity": opportunity,
                "accepted": application.status == Application.Status.ACCEPTED,
                "link": _link("school_application_detail", tenant, application_id=application.pk),
            },
        )

    transaction.on_commit(send, robust=True)


def placement_started(*, tenant: Tenant, placement_id: int) -> None:
    """Both sides: the company's members, and the school member who applied plus the
    school supervisor."""

    def send() -> None:
        placement = (
            Placement.objects.for_tenant(tenant)
            .select_related("application", "opportunity", "school", "company", "school_supervisor")
            .get(pk=placement_id)
        )
        context = {"placement": placement, "opportunity": placement.opportunity}

        def subject() -> str:
            return _("The placement at %(company)s has started") % {
                "company": placement.company.name
            }

        _send(
            tenant=tenant,
            recipients=company_member_emails(tenant=tenant, company=placement.company),
            subject=subject,
            template="placement_started.txt",
            context={
                **context,
                "link": _link("company_placement_detail", tenant, placement_id=placement.pk),
            },
        )
        school_side = applicant_emails(tenant=tenant, application=placement.application)
        supervisor = placement.school_supervisor
        if supervisor is not None and supervisor.is_active:
            school_side.append(supervisor.email)
        _send(
            tenant=tenant,
            recipients=school_side,
            subject=subject,
            template="placement_started.txt",
            context={
                **context,
                "link": _link("school_placement_detail", tenant, placement_id=placement.pk),
            },
        )

    transaction.on_commit(send, robust=True)


def opportunity_expiring(*, tenant: Tenant, opportunity_id: int, expires_on: datetime.date) -> None:
    def send() -> None:
        opportunity = (
            Opportunity.objects.for_tenant(tenant).select_related("company").get(pk=opportunity_id)
        )
        with translation.override(tenant.default_language):
            expires = date_format(expires_on, "j F Y")
        _send(
            tenant=tenant,
            recipients=company_member_emails(tenant=tenant, company=opportunity.company),
            subject=lambda: (
                _("“%(title)s” expires on %(date)s") % {"title": opportunity.title, "date": expires}
            ),
            template="opportunity_expiring.txt",
            context={
                "opportunity": opportunity,
                "expires_on": expires,
                "link": _link("company_opportunity_detail", tenant, opportunity_id=opportunity.pk),
            },
        )

    transaction.on_commit(send, robust=True)


def opportunity_unpublished(*, tenant: Tenant, opportunity_id: int) -> None:
    def send() -> None:
        opportunity = (
            Opportunity.objects.for_tenant(tenant).select_related("company").get(pk=opportunity_id)
        )
        _send(
            tenant=tenant,
            recipients=company_member_emails(tenant=tenant, company=opportunity.company),
            subject=lambda: _("“%(title)s” was taken offline") % {"title": opportunity.title},
            template="opportunity_unpublished.txt",
            context={
                "opportunity": opportunity,
                "link": _link("company_opportunity_detail", tenant, opportunity_id=opportunity.pk),
            },
        )

    transaction.on_commit(send, robust=True)
