"""Reads of progress updates: reporting periods, the lock, what is due and for whom.

A reporting period is a calendar month or quarter. Its boundaries are always computed from
a period key (``2026-Q3``, ``2026-07``), never typed, so two updates of one action can only
differ in period by being different periods.
"""

from __future__ import annotations

import calendar
import datetime
import re
from collections.abc import Iterable
from dataclasses import dataclass

from django.db.models import Q, QuerySet
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from agenda.models import Action, ProgressUpdate
from portal.models import AuditEvent, Tenant, User

# Owners are reminded this many days before a period ends when no update was submitted.
REMINDER_DAYS_BEFORE_END = 7
# Actions that report: planned and running ones. Ideas have nothing to report yet; completed
# and stopped ones have stopped reporting.
REPORTING_STATUSES = (Action.Status.PLANNED, Action.Status.RUNNING)
# An action without updates reports per quarter; one that already reports per month keeps to it.
DEFAULT_PERIOD_KIND = ProgressUpdate.PeriodKind.QUARTER
QUARTERS_BACK = 8
MONTHS_BACK = 12
REOPEN_ACTION = "progress_update.reopen"

_PERIOD_KEY = re.compile(r"^(?P<year>\d{4})-(?:Q(?P<quarter>[1-4])|(?P<month>0[1-9]|1[0-2]))$")


@dataclass(frozen=True, order=True)
class Period:
    """A month or quarter: its kind and its first and last day."""

    start: datetime.date
    end: datetime.date
    kind: str

    @property
    def key(self) -> str:
        if self.kind == ProgressUpdate.PeriodKind.QUARTER:
            return f"{self.start.year}-Q{(self.start.month - 1) // 3 + 1}"
        return f"{self.start.year}-{self.start.month:02d}"

    @property
    def label(self) -> str:
        if self.kind == ProgressUpdate.PeriodKind.QUARTER:
            return _("%(year)s Q%(quarter)s") % {
                "year": self.start.year,
                "quarter": (self.start.month - 1) // 3 + 1,
            }
        return date_format(self.start, "F Y")

    def __contains__(self, day: datetime.date) -> bool:
        return self.start <= day <= self.end

    def __str__(self) -> str:
        return self.label


def period_of(kind: str, day: datetime.date) -> Period:
    """The month or quarter that ``day`` falls in."""
    if kind == ProgressUpdate.PeriodKind.QUARTER:
        first_month = (day.month - 1) // 3 * 3 + 1
        last_month = first_month + 2
    elif kind == ProgressUpdate.PeriodKind.MONTH:
        first_month = last_month = day.month
    else:
        raise ValueError(f"Unknown period kind {kind!r}")
    start = datetime.date(day.year, first_month, 1)
    end = datetime.date(day.year, last_month, calendar.monthrange(day.year, last_month)[1])
    return Period(start=start, end=end, kind=kind)


def period_parse(key: str) -> Period | None:
    """The period of a key (``2026-Q3`` or ``2026-07``); None for anything else."""
    match = _PERIOD_KEY.match(key or "")
    if match is None:
        return None
    year = int(match["year"])
    if match["quarter"]:
        month = (int(match["quarter"]) - 1) * 3 + 1
        return period_of(ProgressUpdate.PeriodKind.QUARTER, datetime.date(year, month, 1))
    return period_of(ProgressUpdate.PeriodKind.MONTH, datetime.date(year, int(match["month"]), 1))


def period_of_update(update: ProgressUpdate) -> Period:
    return Period(start=update.period_start, end=update.period_end, kind=update.period_kind)


def period_before(period: Period) -> Period:
    return period_of(period.kind, period.start - datetime.timedelta(days=1))


def period_choices(*, today: datetime.date) -> list[tuple[str, list[tuple[str, str]]]]:
    """Grouped choices for a period field: the current and past quarters, then months,
    newest first. A period that has not begun has nothing to report yet."""
    groups = []
    for kind, back, label in (
        (ProgressUpdate.PeriodKind.QUARTER, QUARTERS_BACK, _("Quarters")),
        (ProgressUpdate.PeriodKind.MONTH, MONTHS_BACK, _("Months")),
    ):
        period = period_of(kind, today)
        choices = []
        for _step in range(back + 1):
            choices.append((period.key, period.label))
            period = period_before(period)
        groups.append((label, choices))
    return groups


def period_choice_parse(key: str, *, today: datetime.date) -> Period | None:
    """The period of ``key`` if it is one of ``period_choices`` (begun, not too far back);
    None otherwise. For input that does not come through the form's choice field (the API)."""
    offered = {choice for _label, choices in period_choices(today=today) for choice, _ in choices}
    return period_parse(key) if key in offered else None


# --- the lock ---------------------------------------------------------------------------------


def locked_update_covering(
    *, tenant: Tenant, action_id: int, days: Iterable[datetime.date | None]
) -> ProgressUpdate | None:
    """The approved update of the action whose period holds any of ``days``, or None.

    An approved update locks its period for the action: the update itself, and the action's
    milestones and measurements dated in it, are then left as they were reported.
    """
    days = [day for day in days if day is not None]
    if not days:
        return None
    covers = Q()
    for day in days:
        covers |= Q(period_start__lte=day, period_end__gte=day)
    return (
        ProgressUpdate.objects.for_tenant(tenant)
        .filter(covers, action_id=action_id, status=ProgressUpdate.Status.APPROVED)
        .select_related("approved_by")
        .order_by("period_start")
        .first()
    )


def lock_message(update: ProgressUpdate) -> str:
    """What a person reads when an edit hits a locked period."""
    approved = update.approved_at
    return _(
        "The period %(period)s of this action is locked: its progress update was approved "
        "on %(date)s. Ask a programme lead to reopen the update to change it."
    ) % {
        "period": period_of_update(update).label,
        "date": date_format(approved, "j F Y") if approved else "—",
    }


# --- pages ------------------------------------------------------------------------------------


def progress_update_get(*, tenant: Tenant, progressupdate_id: int) -> ProgressUpdate:
    """An update with its action and people, for its page; DoesNotExist outside the tenant."""
    return (
        ProgressUpdate.objects.for_tenant(tenant)
        .select_related(
            "action__action_line__theme", "action__owner", "submitted_by", "approved_by"
        )
        .get(pk=progressupdate_id)
    )


def progress_update_list_for_action(*, tenant: Tenant, action: Action) -> QuerySet:
    """The action's updates, latest period first."""
    return (
        ProgressUpdate.objects.for_tenant(tenant)
        .filter(action=action)
        .select_related("submitted_by", "approved_by")
        .order_by("-period_start", "-period_end", "id")
    )


def progress_update_reopenings(*, tenant: Tenant, update: ProgressUpdate) -> QuerySet:
    """The audit trail of the update's reopenings: who, when and why, newest first."""
    return (
        AuditEvent.objects.for_tenant(tenant)
        .filter(
            action=REOPEN_ACTION,
            target_type=ProgressUpdate._meta.label_lower,
            target_id=str(update.pk),
        )
        .select_related("actor")
        .order_by("-created_at", "-id")
    )


def reporting_period_kind(*, tenant: Tenant, action: Action) -> str:
    """How the action reports: as its latest update did, else per quarter."""
    latest = (
        ProgressUpdate.objects.for_tenant(tenant)
        .filter(action=action)
        .order_by("-period_start")
        .values_list("period_kind", flat=True)
        .first()
    )
    return latest or DEFAULT_PERIOD_KIND


@dataclass(frozen=True)
class DueUpdate:
    """An action that owes an update for a period, and the draft that exists for it, if any.
    ``overdue``: the period is over."""

    action: Action
    period: Period
    draft: ProgressUpdate | None
    overdue: bool


def _active_in(action: Action, period: Period) -> bool:
    starts_in_time = action.starts_on is None or action.starts_on <= period.end
    not_ended = action.ends_on is None or action.ends_on >= period.start
    return starts_in_time and not_ended


def updates_due(
    *, tenant: Tenant, today: datetime.date, owner: User | None = None, actions=None
) -> list[DueUpdate]:
    """Per reporting action (of ``owner``, if given): the previous period and the current one,
    each when the action ran in it and no update for it has been submitted or approved.

    Constant queries: the actions, then all their recent updates.
    """
    if actions is None:
        actions = Action.objects.for_tenant(tenant).filter(status__in=REPORTING_STATUSES)
        if owner is not None:
            actions = actions.filter(owner=owner)
        actions = actions.select_related("action_line__theme").order_by("title", "pk")
    actions = list(actions)
    if not actions:
        return []
    # The previous quarter starts at most ~185 days before today.
    updates = (
        ProgressUpdate.objects.for_tenant(tenant)
        .filter(action__in=actions, period_end__gte=today - datetime.timedelta(days=200))
        .order_by("-period_start", "period_end")
    )
    by_action: dict[int, list[ProgressUpdate]] = {}
    for update in updates:
        by_action.setdefault(update.action_id, []).append(update)
    due = []
    for action in actions:
        own = by_action.get(action.pk, [])
        kind = own[0].period_kind if own else DEFAULT_PERIOD_KIND
        current = period_of(kind, today)
        for period in (period_before(current), current):
            if not _active_in(action, period):
                continue
            match = next(
                (u for u in own if (u.period_start, u.period_end) == (period.start, period.end)),
                None,
            )
            if match is not None and match.status != ProgressUpdate.Status.DRAFT:
                continue
            due.append(
                DueUpdate(action=action, period=period, draft=match, overdue=period.end < today)
            )
    return due


def reminders_due(*, tenant: Tenant, today: datetime.date) -> list[DueUpdate]:
    """The updates whose owner is reminded today: the current period ends within
    ``REMINDER_DAYS_BEFORE_END`` days, nothing was submitted for it, the owner is an active
    member of the tenant, and no reminder went out for it yet (the draft's
    ``reminder_sent_at`` marks that one did)."""
    actions = (
        Action.objects.for_tenant(tenant)
        .filter(
            status__in=REPORTING_STATUSES,
            owner__is_active=True,
            owner__memberships__tenant=tenant,
        )
        .select_related("owner")
        .order_by("pk")
    )
    due = []
    for item in updates_due(tenant=tenant, today=today, actions=actions):
        if item.overdue or (item.period.end - today).days > REMINDER_DAYS_BEFORE_END:
            continue
        if item.draft is not None and item.draft.reminder_sent_at is not None:
            continue
        due.append(item)
    return due
