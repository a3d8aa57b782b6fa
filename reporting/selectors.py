"""Reads of the report pages: definitions with their latest run, a definition's runs, one run,
and the cross-tenant overview of a funder.

Who reads which report is decided here, once (``report_audience_filter``): reports for the
programme office itself (audience "internal") are read only by those who make reports; a
funder reads the reports written for provinces and funders. The pages, the API and the
overview across tenants all go through the functions below, so an internal report is never
listed, shown or downloaded for a funder (its id is a 404, as another tenant's is).

Lists never load a run's stored figures (they can be large); the run page and the funder
overview read only what they show. Every function runs a fixed number of queries, however
many definitions, runs or tenants there are.
"""

from __future__ import annotations

import functools
import operator
from dataclasses import dataclass, field

from django.db.models import F, Prefetch, Q, QuerySet

from agenda.models import ActionLine
from portal.access import memberships_cleared_for_mfa
from portal.models import Membership, Tenant, User
from portal.roles import PERMISSIONS
from reporting.models import ReportDefinition, ReportRun
from reporting.periods import Period

RUN_LIST_FIELDS = (
    "id",
    "tenant_id",
    "definition_id",
    "period_start",
    "period_end",
    "status",
    "pdf",
    "sha256",
    "pages",
    "size",
    "requested_at",
    "started_at",
    "finished_at",
    "attempts",
    "error",
)


# Audiences of the reports a member reads who does not make reports (a funder).
EXTERNAL_AUDIENCES = (ReportDefinition.Audience.PROVINCE, ReportDefinition.Audience.FUNDER)


def report_audience_filter(membership: Membership, *, prefix: str = "") -> Q:
    """The reports ``membership`` may read, as a filter on definitions (``prefix=""``) or on
    runs (``prefix="definition__"``): the one rule of who reads which audience.

    Those who make reports (``reports.manage``: programme office, leads) read every report;
    everyone else who sees reports (funders) reads only those written for provinces and
    funders, never the internal ones."""
    if membership.can("reports.manage"):
        return Q()
    return Q(**{f"{prefix}audience__in": EXTERNAL_AUDIENCES})


def report_audience_readable_by(membership: Membership, audience: str) -> bool:
    """``report_audience_filter`` for one definition's audience, in Python (for checks that
    have the definition in hand, such as its recipients)."""
    return membership.can("reports.manage") or audience in EXTERNAL_AUDIENCES


def report_definitions_visible_to(
    *, tenant: Tenant, membership: Membership
) -> QuerySet[ReportDefinition]:
    """The tenant's definitions that ``membership`` may read."""
    return ReportDefinition.objects.for_tenant(tenant).filter(report_audience_filter(membership))


def report_runs_visible_to(*, tenant: Tenant, membership: Membership) -> QuerySet[ReportRun]:
    """The tenant's runs of the definitions that ``membership`` may read (the pages and the
    API both start here)."""
    return ReportRun.objects.for_tenant(tenant).filter(
        report_audience_filter(membership, prefix="definition__")
    )


def _with_period(run: ReportRun) -> ReportRun:
    run.period = Period(run.period_start, run.period_end)
    return run


def report_definition_list(*, tenant: Tenant, membership: Membership) -> list[ReportDefinition]:
    """The tenant's definitions that ``membership`` may read, each with ``latest_run`` (or
    None) and its schedule: two queries in all."""
    definitions = list(
        report_definitions_visible_to(tenant=tenant, membership=membership)
        .select_related("schedule")
        .order_by("title")
    )
    latest = _latest_runs(
        ReportRun.objects.for_tenant(tenant).filter(definition__in=[d.pk for d in definitions])
    )
    for definition in definitions:
        definition.latest_run = latest.get(definition.pk)
    return definitions


def _latest_runs(runs: QuerySet[ReportRun]) -> dict[int, ReportRun]:
    """The newest run of each definition among ``runs`` (PostgreSQL's DISTINCT ON)."""
    newest = (
        runs.only(*RUN_LIST_FIELDS)
        .order_by("definition_id", "-period_end", "-id")
        .distinct("definition_id")
    )
    return {run.definition_id: _with_period(run) for run in newest}


def report_definition_get(
    *,
    tenant: Tenant,
    membership: Membership,
    reportdefinition_id: int,
    with_recipients: bool = False,
) -> ReportDefinition:
    """One definition of the tenant that ``membership`` may read, its scope and schedule;
    recipients (personal data) only when asked for, for those who manage reports. Raises
    DoesNotExist for another tenant's id and for a report the member may not read."""
    prefetches: list = [
        "themes",
        Prefetch(
            "action_lines",
            queryset=ActionLine.objects.for_tenant(tenant).select_related("theme"),
        ),
    ]
    if with_recipients:
        prefetches.append(
            Prefetch(
                "recipient_memberships",
                queryset=Membership.objects.for_tenant(tenant)
                .select_related("user")
                .order_by("user__email"),
            )
        )
    return (
        report_definitions_visible_to(tenant=tenant, membership=membership)
        .select_related("schedule")
        .prefetch_related(*prefetches)
        .get(pk=reportdefinition_id)
    )


def report_run_list(*, tenant: Tenant, definition: ReportDefinition) -> list[ReportRun]:
    """A definition's runs, newest period first, without their stored figures."""
    runs = (
        ReportRun.objects.for_tenant(tenant)
        .filter(definition=definition)
        .only(*RUN_LIST_FIELDS)
        .order_by("-period_end", "-id")
    )
    return [_with_period(run) for run in runs]


def report_run_get(
    *, tenant: Tenant, membership: Membership, reportrun_id: int, with_figures: bool = True
) -> ReportRun:
    """One run of the tenant with its definition, if ``membership`` may read its report.
    Raises DoesNotExist for another tenant's id and for a report the member may not read."""
    runs = report_runs_visible_to(tenant=tenant, membership=membership).select_related("definition")
    if not with_figures:
        runs = runs.defer("figures")
    return _with_period(runs.get(pk=reportrun_id))


# --- The figures a run was built from ---------------------------------------------------------


@dataclass(frozen=True)
class KeyFigure:
    key: str
    label: str
    value: object
    previous: object = None
    change: object = None

    @property
    def change_display(self) -> str:
        """The change with its sign (+3, -2, 0); empty when there is none to show."""
        if self.change is None or self.change == "":
            return ""
        text = str(self.change)
        return text if text.startswith("-") or text in {"0", "0.00"} else f"+{text}"


def key_figures(figures: dict | None) -> list[KeyFigure]:
    """The key figures of a run's stored figures (its summary section), in report order.

    Reads the shape ``reporting.figures.report_figures`` stores: ``{"summary": {"rows":
    [{"key", "label", "value", "previous", "change"}, ...]}}``; a run not made yet (or
    failed) has none.
    """
    summary = (figures or {}).get("summary") or {}
    items = summary.get("rows") if isinstance(summary, dict) else None
    result = []
    for item in items or []:
        if not isinstance(item, dict) or "key" not in item:
            continue
        result.append(
            KeyFigure(
                key=str(item["key"]),
                label=str(item.get("label") or item["key"]),
                value=item.get("value"),
                previous=item.get("previous"),
                change=item.get("change"),
            )
        )
    return result


# --- The funder's overview across tenants -----------------------------------------------------


@dataclass
class TenantReports:
    """One tenant on the funder's overview: its reports and the key figures of its latest
    finished report with a summary."""

    tenant: Tenant
    membership: Membership
    definitions: list[ReportDefinition] = field(default_factory=list)
    key_run: ReportRun | None = None
    figures: dict[str, KeyFigure] = field(default_factory=dict)


@dataclass(frozen=True)
class FigureRow:
    label: str
    cells: list[KeyFigure | None]


@dataclass
class FunderOverview:
    tenants: list[TenantReports]
    figure_rows: list[FigureRow]


def _memberships_reading_reports(*, user: User) -> QuerySet[Membership]:
    """The user's memberships whose role may see reports and that may be used now (not
    held back by the tenant's two-factor policy, as on the tenant's own pages)."""
    return memberships_cleared_for_mfa(
        Membership.objects.unscoped_all_tenants().filter(
            user=user, role__in=PERMISSIONS["reports.view"]
        )
    )


def _visible_in_tenants(memberships: list[Membership], *, prefix: str = "") -> Q:
    """Definitions (or runs, with ``prefix="definition__"``) of the memberships' tenants that
    each membership may read: one OR of per-tenant filters, still one query."""
    return functools.reduce(
        operator.or_,
        (
            Q(tenant_id=membership.tenant_id) & report_audience_filter(membership, prefix=prefix)
            for membership in memberships
        ),
    )


def funder_overview(*, user: User) -> FunderOverview:
    """Every report of every tenant where ``user`` holds a role that may see reports, and the
    key figures of each of those tenants side by side.

    Crosses tenants on purpose, but only along the user's own memberships: a tenant where
    they are not a member, whose role may not see reports, or whose two-factor policy they
    have not met yet, contributes nothing; in each tenant only the reports their role may
    read (``report_audience_filter``). Four queries, however many tenants and runs.
    """
    memberships = list(
        _memberships_reading_reports(user=user)
        .select_related("tenant")
        .order_by("tenant__name", "tenant_id")
    )
    if not memberships:
        return FunderOverview(tenants=[], figure_rows=[])
    by_tenant = {m.tenant_id: TenantReports(tenant=m.tenant, membership=m) for m in memberships}

    definitions = list(
        ReportDefinition.objects.unscoped_all_tenants()
        .filter(_visible_in_tenants(memberships))
        .select_related("schedule")
        .order_by("title", "id")
    )
    latest = _latest_runs(
        ReportRun.objects.unscoped_all_tenants().filter(
            _visible_in_tenants(memberships, prefix="definition__")
        )
    )
    for definition in definitions:
        definition.latest_run = latest.get(definition.pk)
        by_tenant[definition.tenant_id].definitions.append(definition)

    # The newest finished report with a summary of each tenant; only its summary is read.
    key_runs = (
        ReportRun.objects.unscoped_all_tenants()
        .filter(_visible_in_tenants(memberships, prefix="definition__"))
        .filter(
            status=ReportRun.Status.DONE,
            definition__sections__contains=[ReportDefinition.Section.SUMMARY],
        )
        .select_related("definition")
        .only(*RUN_LIST_FIELDS, "definition__title", "definition__tenant_id")
        .annotate(summary=F("figures__summary"))
        .order_by("tenant_id", "-period_end", "-finished_at", "-id")
        .distinct("tenant_id")
    )
    for run in key_runs:
        entry = by_tenant[run.tenant_id]
        entry.key_run = _with_period(run)
        entry.figures = {
            figure.key: figure for figure in key_figures({"summary": run.summary or {}})
        }

    tenants = list(by_tenant.values())
    labels: dict[str, str] = {}
    for entry in tenants:
        for key, figure in entry.figures.items():
            labels.setdefault(key, figure.label)
    rows = [
        FigureRow(label=label, cells=[entry.figures.get(key) for entry in tenants])
        for key, label in labels.items()
    ]
    return FunderOverview(tenants=tenants, figure_rows=rows)


def report_tenant_count_for_user(*, user: User) -> int:
    """In how many tenants ``user`` may see reports (as on the overview across tenants, which
    is offered from two on)."""
    return _memberships_reading_reports(user=user).count()
