"""Periodic progress reports: what a report contains, when it runs, and each immutable run.

A ReportDefinition says what a report holds and for whom; its ReportSchedule says when it
is produced after each period; a ReportRun is one report of one period: the PDF, its
checksum and the figures it was built from, so that it can be explained later.
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.core.files.storage import FileSystemStorage
from django.db import models
from django.db.models import F, Q
from django.utils.functional import LazyObject
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from portal.querysets import TenantOwned


class ReportStorage(LazyObject):
    """Report PDFs live outside MEDIA_ROOT: they are only ever served by a view that
    checks the reader's role and records the download, never by a media URL."""

    def _setup(self) -> None:
        self._wrapped = FileSystemStorage(location=settings.REPORTS_ROOT, base_url=None)


report_storage = ReportStorage()


def report_storage_get() -> ReportStorage:
    """The storage of report PDFs, named by reference in migrations: a storage instance
    would be written into them with the REPORTS_ROOT of the machine that made them."""
    return report_storage


def report_upload_to(run: ReportRun, filename: str) -> str:
    """``<tenant id>/<year>/<random>.pdf``: unguessable, and never overwritten."""
    return f"{run.tenant_id}/{run.period_end:%Y}/{uuid.uuid4().hex}.pdf"


class ReportDefinition(TenantOwned):
    """What a report contains, for whom, over which part of the agenda and which period."""

    class Audience(models.TextChoices):
        PROVINCE = "province", _("Province")
        FUNDER = "funder", _("Funder")
        INTERNAL = "internal", _("Internal")

    class PeriodKind(models.TextChoices):
        MONTH = "month", _("Month")
        QUARTER = "quarter", _("Quarter")
        HALF_YEAR = "half_year", _("Half year")
        YEAR = "year", _("Year")

    class Section(models.TextChoices):
        SUMMARY = "summary", _("Summary")
        INDICATORS = "indicators", _("Indicators")
        ACTION_LINES = "action_lines", _("Action lines")
        MILESTONES = "milestones", _("Milestones")
        BUDGET = "budget", _("Budget")
        STAGES = "stages", _("Stage places and placements")
        PARTNERSHIP = "partnership", _("Partnership activity")
        UPDATES = "updates", _("Progress updates")
        ANNEX = "annex", _("Data tables")

    title = models.CharField(_("title"), max_length=200)
    audience = models.CharField(_("audience"), max_length=20, choices=Audience.choices)
    sections = ArrayField(
        models.CharField(max_length=20, choices=Section.choices),
        verbose_name=_("sections"),
        default=list,
    )
    # Scope: no themes and no action lines chosen means the whole agenda.
    themes = models.ManyToManyField(
        "agenda.Theme", blank=True, related_name="+", verbose_name=_("themes")
    )
    action_lines = models.ManyToManyField(
        "agenda.ActionLine", blank=True, related_name="+", verbose_name=_("action lines")
    )
    period_kind = models.CharField(_("period"), max_length=20, choices=PeriodKind.choices)
    language = models.CharField(
        _("language"), max_length=8, choices=settings.LANGUAGES, default="nl"
    )
    recipient_memberships = models.ManyToManyField(
        "portal.Membership", blank=True, related_name="+", verbose_name=_("recipients")
    )
    recipient_emails = ArrayField(
        models.EmailField(max_length=254),
        verbose_name=_("other recipients (e-mail)"),
        default=list,
        blank=True,
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("report definition")
        verbose_name_plural = _("report definitions")
        ordering = ["title", "id"]
        constraints = [
            models.UniqueConstraint(fields=["tenant", "title"], name="report_definition_title"),
        ]
        indexes = [models.Index(fields=["tenant", "title"], name="report_definition_idx")]

    def __str__(self) -> str:
        return self.title


class ReportSchedule(TenantOwned):
    """When a definition runs: ``days_after_period_end`` days after each period closes."""

    definition = models.OneToOneField(
        ReportDefinition,
        on_delete=models.CASCADE,
        related_name="schedule",
        verbose_name=_("report"),
    )
    enabled = models.BooleanField(_("enabled"), default=True)
    days_after_period_end = models.PositiveSmallIntegerField(
        _("days after the period ends"), default=10
    )
    # The first period end a schedule produces a report for; earlier periods are not
    # made up for when a schedule is created or re-enabled.
    starts_on = models.DateField(_("first period ending on or after"), null=True, blank=True)
    last_dispatched_at = models.DateTimeField(null=True, blank=True, editable=False)

    class Meta:
        verbose_name = _("report schedule")
        verbose_name_plural = _("report schedules")
        indexes = [models.Index(fields=["tenant", "enabled"], name="report_schedule_idx")]

    def __str__(self) -> str:
        return str(self.definition)


class ReportRun(TenantOwned):
    """One report of one period. Once done, its PDF never changes."""

    class Status(models.TextChoices):
        QUEUED = "queued", _("Queued")
        RUNNING = "running", _("Running")
        DONE = "done", pgettext_lazy("report run status", "Done")
        FAILED = "failed", _("Failed")

    definition = models.ForeignKey(
        ReportDefinition,
        on_delete=models.PROTECT,
        related_name="runs",
        verbose_name=_("report"),
    )
    period_start = models.DateField(_("period start"))
    period_end = models.DateField(_("period end"))
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.QUEUED
    )
    pdf = models.FileField(
        _("PDF"),
        storage=report_storage_get,
        upload_to=report_upload_to,
        blank=True,
        max_length=200,
    )
    sha256 = models.CharField(_("SHA-256"), max_length=64, blank=True)
    pages = models.PositiveIntegerField(_("pages"), null=True, blank=True)
    size = models.PositiveBigIntegerField(_("size (bytes)"), null=True, blank=True)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("requested by"),
    )
    requested_at = models.DateTimeField(_("requested"), auto_now_add=True)
    started_at = models.DateTimeField(_("started"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    error = models.TextField(_("error"), blank=True)
    figures = models.JSONField(_("figures"), default=dict, blank=True)
    # When the recipients were told the report is ready (null: not yet; the periodic
    # dispatch sends what a dead worker or a refusing mail server left unsent).
    notified_at = models.DateTimeField(null=True, blank=True, editable=False)

    class Meta:
        verbose_name = _("report run")
        verbose_name_plural = _("report runs")
        ordering = ["-period_end", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["tenant", "definition", "period_start", "period_end"],
                name="report_run_one_per_period",
            ),
            models.CheckConstraint(
                condition=Q(period_end__gte=F("period_start")), name="report_run_period_valid"
            ),
            models.CheckConstraint(
                condition=~Q(status="done") | (~Q(pdf="") & ~Q(sha256="")),
                name="report_run_done_has_pdf",
            ),
        ]
        indexes = [
            models.Index(fields=["tenant", "-period_end"], name="report_run_period_idx"),
            models.Index(fields=["tenant", "status"], name="report_run_status_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.definition} {self.period_start:%Y-%m-%d}–{self.period_end:%Y-%m-%d}"

    @property
    def is_finished(self) -> bool:
        return self.status in {self.Status.DONE, self.Status.FAILED}
