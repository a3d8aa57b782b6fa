"""Demo reports per demo partnership, for ``manage.py seed_demo`` (after the agenda, the stage
market and the CRM, whose figures the reports show).

- Every partnership: a quarterly report in Dutch for its funder or province, scheduled ten
  days after each quarter, sent to the demo funder (financier@example.org) where she is a
  member, or else to an e-mail address of the province.
- TechOost also has an internal half-year report on its first theme for the programme office
  and the programme lead.
- Each definition gets its first report, of the last finished period, made right away (not
  through the workers), so the demo shows a downloadable PDF at once.

Idempotent: a definition that exists is left alone, and a period that has a report gets no
second one.
"""

from __future__ import annotations

from django.utils import timezone

from agenda.models import Theme
from portal.models import Membership, Tenant
from reporting.models import ReportDefinition, ReportRun
from reporting.periods import finished_periods
from reporting.services.definitions import report_definition_create
from reporting.services.runs import report_run_generate

FUNDER = "financier@example.org"
OFFICE = "beheer@example.org"
LEAD = "kartrekker@example.org"
Section = ReportDefinition.Section

# slug -> (audience, extra e-mail recipients)
QUARTERLY = {
    "vierkant-voor-werk": (ReportDefinition.Audience.PROVINCE, []),
    "techoost": (ReportDefinition.Audience.FUNDER, []),
    "verbindersproject-drenthe": (
        ReportDefinition.Audience.PROVINCE,
        ["subsidies@provincie-drenthe.example.org"],
    ),
    "innovatiecluster-noordoostpolder": (
        ReportDefinition.Audience.PROVINCE,
        ["economie@provincie-flevoland.example.org"],
    ),
    "techniekpact-noord": (ReportDefinition.Audience.FUNDER, []),
}
INTERNAL_SECTIONS = [
    Section.SUMMARY,
    Section.INDICATORS,
    Section.ACTION_LINES,
    Section.MILESTONES,
    Section.UPDATES,
]


def _memberships(context: dict, tenant: Tenant, emails: list[str]) -> list[Membership]:
    users = [context["users"][email] for email in emails if email in context["users"]]
    return list(Membership.objects.for_tenant(tenant).filter(user__in=users).order_by("pk"))


def _definition(tenant: Tenant, title: str, **fields) -> ReportDefinition:
    existing = ReportDefinition.objects.for_tenant(tenant).filter(title=title).first()
    if existing is not None:
        return existing
    return report_definition_create(tenant=tenant, actor=None, title=title, **fields)


def _first_run(tenant: Tenant, definition: ReportDefinition) -> None:
    """The report of the last finished period, made synchronously."""
    period = finished_periods(definition.period_kind, today=timezone.localdate(), count=1)[0]
    run, _created = ReportRun.objects.for_tenant(tenant).get_or_create(
        definition=definition,
        period_start=period.start,
        period_end=period.end,
        defaults={"tenant": tenant},
    )
    if run.status != ReportRun.Status.DONE:
        report_run_generate(tenant_id=tenant.pk, run_id=run.pk)


def seed(context: dict) -> None:
    """Each demo partnership's report definitions, schedules and first reports."""
    for slug, (audience, emails) in QUARTERLY.items():
        tenant = context["tenants"].get(slug)
        if tenant is None:
            continue
        definitions = [
            _definition(
                tenant,
                f"Kwartaalrapportage {tenant.name}",
                audience=audience,
                sections=list(Section.values),
                period_kind=ReportDefinition.PeriodKind.QUARTER,
                language="nl",
                recipient_memberships=_memberships(context, tenant, [FUNDER]),
                recipient_emails=emails,
                days_after_period_end=10,
            )
        ]
        if slug == "techoost":
            definitions.append(
                _definition(
                    tenant,
                    "Halfjaarrapportage programmabureau",
                    audience=ReportDefinition.Audience.INTERNAL,
                    sections=INTERNAL_SECTIONS,
                    period_kind=ReportDefinition.PeriodKind.HALF_YEAR,
                    language="nl",
                    themes=list(Theme.objects.for_tenant(tenant).order_by("position", "pk")[:1]),
                    recipient_memberships=_memberships(context, tenant, [OFFICE, LEAD]),
                    days_after_period_end=20,
                )
            )
        for definition in definitions:
            _first_run(tenant, definition)
