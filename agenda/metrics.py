"""The registry of computed metrics: figures an indicator can take from the portal's own data
instead of typed-in measurements.

Each metric is a function ``fn(tenant, period_start, period_end) -> Decimal`` built on the
CRM's and the stage market's models and selectors, read-only. Where the stage market
already defines a figure (``internships.selectors.figures``), the metric uses that very
definition, so an indicator and the stage dashboard never disagree.

Two sorts of metric:

- a *flow* counts what happened in the period (``period_start`` to ``period_end``,
  inclusive): visits logged, places offered, placements completed, schools taking part;
- a *stock* is a level at ``period_end`` and ignores ``period_start``: the active partner
  companies. The CRM keeps only the current status of an organisation, not its history, so
  a stock is only right when recorded at (or soon after) the end of its period, which is
  what the periodic task does.

How the period is chosen from the indicator's kind is the recording service's business
(``agenda.services.indicators.computed_measurements_record``).
"""

from __future__ import annotations

import datetime
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Q
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from internships.models import Application, Placement
from internships.selectors.figures import placement_figures, places_totals
from partnerships.models import Interaction, Organisation
from portal.models import Tenant

MetricFunction = Callable[[Tenant, datetime.date, datetime.date], Decimal]


@dataclass(frozen=True)
class Metric:
    label: str | Promise
    fn: MetricFunction
    description: str | Promise = ""
    is_stock: bool = False


def active_partner_companies(
    tenant: Tenant, period_start: datetime.date, period_end: datetime.date
) -> Decimal:
    """Companies whose relationship status is "active partner" (a stock: now, for those
    already in the CRM at the end of the period)."""
    count = (
        Organisation.objects.for_tenant(tenant)
        .filter(
            kind=Organisation.Kind.COMPANY,
            status=Organisation.Status.ACTIVE,
            created_at__date__lte=period_end,
        )
        .count()
    )
    return Decimal(count)


def stage_places_offered(
    tenant: Tenant, period_start: datetime.date, period_end: datetime.date
) -> Decimal:
    """Places of the opportunities published in the period (the stage market's definition
    of "offered": still published, filled or closed)."""
    totals = places_totals(tenant=tenant, period_start=period_start, period_end=period_end)
    return Decimal(totals.places_offered)


def placements_completed(
    tenant: Tenant, period_start: datetime.date, period_end: datetime.date
) -> Decimal:
    """Placements completed whose end date falls in the period."""
    figures = placement_figures(tenant=tenant, period_start=period_start, period_end=period_end)
    return Decimal(figures.completed)


def company_visits_logged(
    tenant: Tenant, period_start: datetime.date, period_end: datetime.date
) -> Decimal:
    """Company visits in the contact log that took place in the period (every school's
    log: a count reveals no notes)."""
    count = (
        Interaction.objects.for_tenant(tenant)
        .filter(
            kind=Interaction.Kind.COMPANY_VISIT,
            occurred_on__gte=period_start,
            occurred_on__lte=period_end,
        )
        .count()
    )
    return Decimal(count)


def schools_taking_part(
    tenant: Tenant, period_start: datetime.date, period_end: datetime.date
) -> Decimal:
    """Schools that took part in the stage market in the period: with a placement running
    in it (not cancelled) or an application sent in it. Each school counts once."""
    placements = (
        Placement.objects.for_tenant(tenant)
        .exclude(status=Placement.Status.CANCELLED)
        .filter(starts_on__lte=period_end, ends_on__gte=period_start)
        .values("school_id")
    )
    applications = (
        Application.objects.for_tenant(tenant)
        .filter(created_at__date__gte=period_start, created_at__date__lte=period_end)
        .values("school_id")
    )
    count = (
        Organisation.objects.for_tenant(tenant)
        .filter(kind=Organisation.Kind.SCHOOL)
        .filter(Q(pk__in=placements) | Q(pk__in=applications))
        .count()
    )
    return Decimal(count)


METRICS: dict[str, Metric] = {
    "active_partner_companies": Metric(
        _("Active partner companies"),
        active_partner_companies,
        _("Companies in the CRM with the status “active partner”, at the end of the period."),
        is_stock=True,
    ),
    "stage_places_offered": Metric(
        _("Stage places offered"),
        stage_places_offered,
        _("Places of the opportunities published in the period."),
    ),
    "placements_completed": Metric(
        _("Placements completed"),
        placements_completed,
        _("Placements completed whose end date falls in the period."),
    ),
    "company_visits_logged": Metric(
        _("Company visits logged"),
        company_visits_logged,
        _("Company visits in the contact log that took place in the period."),
    ),
    "schools_taking_part": Metric(
        _("Schools taking part"),
        schools_taking_part,
        _("Schools with a running placement or a new application in the period."),
    ),
}


def metric_get(name: str) -> Metric | None:
    return METRICS.get(name)


def metric_choices() -> list[tuple[str, str | Promise]]:
    """``(name, label)`` of every metric, for a form's choices."""
    return [(name, metric.label) for name, metric in METRICS.items()]


def metric_label(name: str) -> str:
    """The metric's label, or its name when the registry no longer knows it."""
    metric = METRICS.get(name)
    return str(metric.label) if metric is not None else name
