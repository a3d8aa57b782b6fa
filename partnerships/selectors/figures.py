"""Figures of the partnership's activity for reports and dashboards: counts only, never a
person, an organisation's name or what was said.

Definitions:

- *contacts logged* in a period: interactions whose ``occurred_on`` falls in it (whoever
  may read them: a count tells nothing of a private note);
- *new organisations*: organisations added (``created_at``) in the period, per kind;
- *agreements started*: agreements that are not drafts and whose ``starts_on`` falls in the
  period; *agreements active* on a day: not drafts, not terminated, started on or before
  it and not ended before it (``ends_on`` empty or on/after it).

Each function runs one query, whatever the number of rows, and counts both the period and
the one before it, so a report can show the change.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.db.models import Count, Q
from django.utils import timezone

from partnerships.models import Agreement, Interaction, Organisation
from portal.models import Tenant


@dataclass(frozen=True)
class KindCount:
    kind: str
    label: str
    count: int
    previous: int


def _aware(day: datetime.date) -> datetime.datetime:
    return datetime.datetime.combine(day, datetime.time.min, tzinfo=timezone.get_current_timezone())


def _by_kind(rows: list[dict], choices) -> list[KindCount]:
    found = {row["kind"]: row for row in rows}
    return [
        KindCount(
            kind=code,
            label=str(label),
            count=found.get(code, {}).get("count", 0),
            previous=found.get(code, {}).get("previous", 0),
        )
        for code, label in choices
    ]


def interactions_by_kind(
    *,
    tenant: Tenant,
    period_start: datetime.date,
    period_end: datetime.date,
    previous_start: datetime.date,
) -> list[KindCount]:
    """Contacts logged per kind in the period and in the previous one (``previous_start``
    up to the day before ``period_start``). Every kind is listed, also with zero."""
    rows = list(
        Interaction.objects.for_tenant(tenant)
        .filter(occurred_on__gte=previous_start, occurred_on__lte=period_end)
        .order_by()
        .values("kind")
        .annotate(
            count=Count("pk", filter=Q(occurred_on__gte=period_start)),
            previous=Count("pk", filter=Q(occurred_on__lt=period_start)),
        )
    )
    return _by_kind(rows, Interaction.Kind.choices)


def organisations_added_by_kind(
    *,
    tenant: Tenant,
    period_start: datetime.date,
    period_end: datetime.date,
    previous_start: datetime.date,
) -> list[KindCount]:
    """Organisations added per kind in the period and in the previous one."""
    start, end = _aware(period_start), _aware(period_end + datetime.timedelta(days=1))
    rows = list(
        Organisation.objects.for_tenant(tenant)
        .filter(created_at__gte=_aware(previous_start), created_at__lt=end)
        .order_by()
        .values("kind")
        .annotate(
            count=Count("pk", filter=Q(created_at__gte=start)),
            previous=Count("pk", filter=Q(created_at__lt=start)),
        )
    )
    return _by_kind(rows, Organisation.Kind.choices)


@dataclass(frozen=True)
class AgreementFigures:
    started: list[KindCount]
    active_at_end: int
    active_at_previous_end: int


def agreement_figures(
    *,
    tenant: Tenant,
    period_start: datetime.date,
    period_end: datetime.date,
    previous_start: datetime.date,
) -> AgreementFigures:
    """Agreements started per kind in the period and the previous one, and how many were
    active on the last day of each. One query."""
    previous_end = period_start - datetime.timedelta(days=1)
    signed = Agreement.objects.for_tenant(tenant).exclude(status=Agreement.Status.DRAFT)

    def active_on(day: datetime.date) -> Q:
        return (
            Q(starts_on__lte=day)
            & (Q(ends_on__isnull=True) | Q(ends_on__gte=day))
            & ~Q(status=Agreement.Status.TERMINATED)
        )

    rows = list(
        signed.order_by()
        .values("kind")
        .annotate(
            count=Count("pk", filter=Q(starts_on__gte=period_start, starts_on__lte=period_end)),
            previous=Count(
                "pk", filter=Q(starts_on__gte=previous_start, starts_on__lt=period_start)
            ),
            active=Count("pk", filter=active_on(period_end)),
            active_previous=Count("pk", filter=active_on(previous_end)),
        )
    )
    return AgreementFigures(
        started=_by_kind(rows, Agreement.Kind.choices),
        active_at_end=sum(row["active"] for row in rows),
        active_at_previous_end=sum(row["active_previous"] for row in rows),
    )
